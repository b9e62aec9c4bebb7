import datetime

import pytest
from django.utils import timezone

from sessions.codes import JOIN_CODE_ALPHABET, new_join_code, normalize_join_code
from sessions.models import Session, Status
from sessions.text import clean_text


def test_join_code_avoids_lookalike_characters():
    codes = {new_join_code() for _ in range(500)}
    assert all(len(code) == 6 for code in codes)
    assert not set("".join(codes)) & set("0O1IL")
    assert set("".join(codes)) <= set(JOIN_CODE_ALPHABET)


@pytest.mark.parametrize(
    "typed, expected",
    [("abc234", "ABC234"), (" ab c-234 ", "ABC234"), ("ABC23", ""), ("ABC230", ""), ("", "")],
)
def test_normalize_join_code_forgives_case_spaces_and_dashes(typed, expected):
    assert normalize_join_code(typed) == expected


def test_clean_text_drops_control_characters_and_bidi_overrides():
    assert clean_text("  Fa\x00ti\u202ema \n\t ") == "Fatima"
    assert clean_text("a\r\n\r\n\r\n\r\nb", multiline=True) == "a\n\nb"


def test_toolkit_template_holds_every_agenda_step_in_both_languages(toolkit):
    steps = list(toolkit.steps.order_by("position"))
    assert len(steps) == 17
    assert steps[0].kind == "cover"
    assert [s.key for s in steps if s.optional] == ["tree", "pitfalls"]
    for step in steps:
        assert step.text("nl")["title"] and step.text("en")["title"]
        assert step.text("nl")["instruction"] and step.text("en")["instruction"]
    strength = next(s for s in steps if s.kind == "strength")
    assert "Twee groepen" in strength.text("nl")["instruction"]
    assert (
        steps[0].text("en")["title"] == "Cooperation between formal and informal parenting support"
    )


def test_loading_the_toolkit_twice_updates_instead_of_duplicating(toolkit):
    from django.core.management import call_command

    call_command("load_toolkit", verbosity=0)
    assert toolkit.steps.count() == 17


def test_new_session_copies_the_agenda_with_options_off_by_default(session):
    steps = list(session.steps.order_by("position"))
    assert len(steps) == 17
    assert [s.key for s in steps if s.skipped] == ["tree", "pitfalls"]
    closing = steps[-1]
    assert closing.config["letter_enabled"] is False
    assert session.status == Status.DRAFT
    assert len(session.code) == 6
    assert [o.name for o in session.organisations_by_side()["formal"]] == [
        "CJG Dordrecht",
        "Jeugdteam Oost",
    ]


def test_new_session_includes_the_options_asked_for(make_session):
    session = make_session(include_tree="on", include_letter="on")
    skipped = set(session.steps.filter(skipped=True).values_list("key", flat=True))
    assert skipped == {"pitfalls"}
    assert session.steps.get(kind="closing").config["letter_enabled"] is True


def test_editing_a_session_step_leaves_the_template_alone(session, toolkit):
    step = session.steps.get(key="it_takes_a_village")
    step.texts = {**step.texts, "nl": {"title": "Eigen titel", "body": "", "instruction": ""}}
    step.save()
    assert (
        toolkit.steps.get(key="it_takes_a_village")
        .text("nl")["title"]
        .startswith("Opvoedondersteuning anno 2017")
    )


def test_next_and_previous_skip_switched_off_steps(session):
    steps = list(session.active_steps())
    assert session.next_step() == steps[0]
    session.go_to(steps[0])
    assert session.status == Status.LIVE
    assert session.previous_step() is None
    session.go_to(steps[-1])
    assert session.next_step() is None
    assert session.previous_step() == steps[-2]
    assert steps[-2].kind == "cooperation_plan"  # tree and pitfalls are skipped


def test_go_to_books_time_spent_and_bumps_the_version(session):
    first, second = list(session.active_steps())[:2]
    session.go_to(first)
    version = session.version
    first.refresh_from_db()
    first.entered_at = timezone.now() - datetime.timedelta(minutes=3)
    first.save()
    session.refresh_from_db()
    session.go_to(second)
    first.refresh_from_db()
    assert 179 <= first.actual_seconds <= 181
    assert first.actual_minutes == 3
    assert Session.objects.get(pk=session.pk).version > version


def test_timer_counts_down_the_planned_minutes_and_pauses(session):
    step = session.active_steps().get(kind="strength")
    session.go_to(step)
    assert session.timer_seconds_left() == step.minutes * 60
    session.timer_start()
    session.timer_started_at = timezone.now() - datetime.timedelta(seconds=90)
    session.timer_pause()
    assert session.timer_seconds_left() == step.minutes * 60 - 90
    assert not session.timer_running
    session.timer_reset()
    assert session.timer_seconds_left() == step.minutes * 60


def test_timer_goes_negative_when_over_time(session):
    step = session.active_steps().first()
    session.go_to(step)
    session.timer_elapsed = step.minutes * 60 + 30
    assert session.timer_seconds_left() == -30


def test_close_and_reopen(session):
    session.go_to(session.active_steps().first())
    session.close()
    assert session.is_closed and not session.accepts_participants
    session.reopen()
    assert session.is_live


def test_join_counts_by_side_and_organisation(session, join):
    join("Fatima", "informal")
    join("Aylin", "informal")
    join("Joost", "formal")
    counts = session.join_counts()
    assert counts["total"] == 3
    assert counts["by_side"] == {"formal": 1, "informal": 2}
    assert {"side": "informal", "name": "Stichting Al Amal", "count": 2} in counts[
        "by_organisation"
    ]
