"""Preparing a session: every view for the owner, another facilitator and an anonymous phone."""

import pytest
from django.test import Client
from django.urls import reverse

from sessions.models import Session

from .conftest import SESSION_DATA


def test_anonymous_visitor_is_sent_to_login(session, join):
    phone = join()  # a participant's cookie opens nothing on the facilitator's side
    for name in ("facilitator_home", "create_session"):
        response = phone.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    for name in ("prepare", "controls", "projector"):
        response = phone.get(reverse(name, args=[session.code]))
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_login_page_logs_a_facilitator_in(facilitator):
    client = Client()
    response = client.post(
        "/login/", {"username": "marjolijn", "password": "pw-marjolijn-2017"}, follow=True
    )
    assert (
        "Jouw sessies" in response.content.decode() or "Your sessions" in response.content.decode()
    )


def test_create_session_from_the_toolkit(owner_client, toolkit):
    response = owner_client.post(
        reverse("create_session"), {**SESSION_DATA, "include_pitfalls": "on"}
    )
    session = Session.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("prepare", args=[session.code])
    page = owner_client.get(response["Location"]).content.decode()
    assert "Samen sterk in Dordrecht" in page
    assert session.code in page
    assert "Stichting Al Amal" in page
    assert "Opvoedondersteuning anno 2017" in page
    assert not session.steps.get(kind="pitfalls").skipped
    assert session.steps.get(kind="tree").skipped


def test_create_session_shows_errors_and_creates_nothing(owner_client, toolkit):
    response = owner_client.post(
        reverse("create_session"),
        {**SESSION_DATA, "title": "   ", "informal_organisations": "CJG Dordrecht"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "is listed on both sides" in page or "staat aan beide kanten" in page
    assert Session.objects.count() == 0


def test_facilitator_home_lists_own_and_shared_sessions_only(
    owner_client, other_client, make_session, facilitator, other_facilitator
):
    mine = make_session(title="Mijn sessie")
    theirs = make_session(owner=other_facilitator, title="Andermans sessie")
    page = owner_client.get(reverse("facilitator_home")).content.decode()
    assert "Mijn sessie" in page and "Andermans sessie" not in page
    theirs.shared_with.add(facilitator)
    page = owner_client.get(reverse("facilitator_home")).content.decode()
    assert "Andermans sessie" in page
    assert "Mijn sessie" not in other_client.get(reverse("facilitator_home")).content.decode()
    assert mine.code


@pytest.mark.parametrize(
    "name, method",
    [
        ("prepare", "get"),
        ("controls", "get"),
        ("projector", "get"),
        ("edit_details", "post"),
        ("add_organisation", "post"),
        ("share_session", "post"),
        ("navigate", "post"),
        ("timer", "post"),
        ("close_session", "post"),
    ],
)
def test_another_facilitator_gets_403_and_changes_nothing(other_client, session, name, method):
    before = Session.objects.get(pk=session.pk)
    url = reverse(name, args=[session.code])
    response = getattr(other_client, method)(
        url, {"action": "next", "title": "Gekaapt", "name": "X", "side": "formal"}
    )
    assert response.status_code == 403
    after = Session.objects.get(pk=session.pk)
    assert (after.title, after.version, after.status) == (
        before.title,
        before.version,
        before.status,
    )
    assert session.organisations.count() == 4


def test_unknown_session_code_is_404_for_a_facilitator(owner_client, session):
    assert owner_client.get(reverse("prepare", args=["ZZZZZZ"])).status_code == 404


def test_step_actions_of_another_session_are_404(owner_client, make_session, other_facilitator):
    mine = make_session()
    theirs = make_session(owner=other_facilitator)
    foreign_step = theirs.steps.first()
    url = reverse("change_step", args=[mine.code, foreign_step.pk])
    assert owner_client.post(url, {"action": "skip"}).status_code == 404
    foreign_step.refresh_from_db()
    assert not foreign_step.skipped
    assert (
        owner_client.get(reverse("edit_step", args=[mine.code, foreign_step.pk])).status_code == 404
    )


def test_move_a_step_down_and_up(owner_client, session):
    second, third = list(session.steps.order_by("position"))[1:3]
    url = reverse("change_step", args=[session.code, second.pk])
    owner_client.post(url, {"action": "down"})
    keys = list(session.steps.order_by("position").values_list("key", flat=True))
    assert keys[1:3] == [third.key, second.key]
    response = owner_client.post(url, {"action": "up"}, HTTP_HX_REQUEST="true")
    keys = list(session.steps.order_by("position").values_list("key", flat=True))
    assert keys[1:3] == [second.key, third.key]
    # htmx gets just the agenda back, not a whole page
    assert 'id="steps"' in response.content.decode()
    assert "<html" not in response.content.decode()


def test_skip_and_include_a_step(owner_client, session):
    step = session.steps.get(key="differences")
    url = reverse("change_step", args=[session.code, step.pk])
    owner_client.post(url, {"action": "skip"})
    assert step not in session.active_steps()
    owner_client.post(url, {"action": "include"})
    assert step in session.active_steps()


def test_unknown_step_action_is_a_bad_request(owner_client, session):
    step = session.steps.first()
    url = reverse("change_step", args=[session.code, step.pk])
    assert owner_client.post(url, {"action": "explode"}).status_code == 400


def test_edit_a_steps_text_and_minutes_in_the_sessions_language(owner_client, session):
    step = session.steps.get(key="two_perspectives")
    url = reverse("edit_step", args=[session.code, step.pk])
    form_page = owner_client.get(url).content.decode()
    assert "Twee perspectieven" in form_page
    response = owner_client.post(
        url,
        {
            "title": "Twee perspectieven <script>alert(1)</script>",
            "body": "- eerste punt\n- tweede punt",
            "instruction": "Vraag om handen.",
            "minutes": "7",
        },
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.minutes == 7
    assert step.text("nl")["body"] == "- eerste punt\n- tweede punt"
    assert step.text("en")["title"] == "Two perspectives"  # the other language is untouched
    page = owner_client.get(reverse("prepare", args=[session.code])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_edit_step_rejects_bad_minutes_and_keeps_the_old_text(owner_client, session):
    step = session.steps.get(key="two_perspectives")
    url = reverse("edit_step", args=[session.code, step.pk])
    response = owner_client.post(
        url, {"title": "Nieuw", "body": "", "instruction": "", "minutes": "-3"}
    )
    assert response.status_code == 200
    step.refresh_from_db()
    assert step.text("nl")["title"] == "Twee perspectieven"


def test_agenda_is_fixed_once_the_session_has_started(owner_client, session):
    session.go_to(session.active_steps().first())
    step = session.steps.get(key="differences")
    response = owner_client.post(
        reverse("change_step", args=[session.code, step.pk]), {"action": "skip"}, follow=True
    )
    step.refresh_from_db()
    assert not step.skipped
    assert "agenda" in response.content.decode().lower()


def test_add_and_remove_an_organisation(owner_client, session):
    url = reverse("add_organisation", args=[session.code])
    response = owner_client.post(
        url, {"name": "Buurtmoeders", "side": "informal"}, HTTP_HX_REQUEST="true"
    )
    assert "Buurtmoeders" in response.content.decode()
    duplicate = owner_client.post(
        url, {"name": "buurtmoeders", "side": "informal"}, HTTP_HX_REQUEST="true"
    )
    assert session.organisations.filter(name__iexact="buurtmoeders").count() == 1
    assert (
        "already on the list" in duplicate.content.decode()
        or "staat al" in duplicate.content.decode()
    )
    organisation = session.organisations.get(name="Buurtmoeders")
    owner_client.post(reverse("remove_organisation", args=[session.code, organisation.pk]))
    assert not session.organisations.filter(name="Buurtmoeders").exists()


def test_an_organisation_with_participants_is_not_removed(owner_client, session, join):
    phone = join("Fatima", "informal")
    organisation = phone.participant.organisation
    owner_client.post(reverse("remove_organisation", args=[session.code, organisation.pk]))
    assert session.organisations.filter(pk=organisation.pk).exists()


def test_share_a_session_with_another_facilitator(
    owner_client, other_client, session, other_facilitator
):
    response = owner_client.post(
        reverse("share_session", args=[session.code]), {"username": "ELENA"}
    )
    assert response.status_code == 302
    controls = other_client.get(reverse("controls", args=[session.code]))
    assert controls.status_code == 200
    assert session.title in controls.content.decode()
    unknown = owner_client.post(
        reverse("share_session", args=[session.code]), {"username": "nobody"}
    )
    assert (
        "No facilitator" in unknown.content.decode()
        or "Geen begeleider" in unknown.content.decode()
    )


def test_a_shared_facilitator_cannot_share_further(
    other_client, session, other_facilitator, django_user_model
):
    session.shared_with.add(other_facilitator)
    django_user_model.objects.create_user("derde", password="x-derde-2017")
    other_client.post(reverse("share_session", args=[session.code]), {"username": "derde"})
    assert list(session.shared_with.values_list("username", flat=True)) == ["elena"]
