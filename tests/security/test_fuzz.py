"""Property tests: whatever a phone or a facilitator's browser posts, the server never answers 500.

Hypothesis builds POST bodies from the field names the forms use (and a few it makes up),
with values that are empty, huge, numeric, negative, control characters, markup, other
rows' ids... and sends them through the test client for every step of the demo session
(content in every exercise, groups formed) and every form of the join and prepare pages.
The test client re-raises a view's exception, so a crash fails the test with its example.
Each example runs in a savepoint that is rolled back, so examples don't pile up data.
"""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercises.models import Contribution, Group
from sessions.models import Organisation

from .conftest import phone_of

FUZZ = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# The names each form posts (grep POST in exercises/kinds/ and sessions/views/).
KIND_FIELDS = {
    "org_presentation": ["action", "field", "base_version", "text", "organisation", "card"],
    "strength": ["action", "note", "text", "client_id"],
    "examples": ["example", "inspires"],
    "group_proposal": ["action", "field", "base_version", "text", "proposal"],
    "obstacles": ["quote", "answer", "comment", "theme"],
    "cooperation_plan": ["field", "base_version", "text", "group"],
    "tree": ["action", "zone", "note", "text", "client_id"],
    "pitfalls": ["pitfall", "rating", "action"],
    "closing": [
        "part", "action", "rating", "worked", "better", "text", "agreement", "what", "who",
        "side", "due", "client_id", "view",
    ],
}  # fmt: skip
STEP_ACTION_FIELDS = [
    "action", "note", "quote", "theme", "text", "next", "phones", "size", "group", "votes_each",
    "card", "organisation", "example", "pitfall", "view", "direction", "proposal", "participant",
]  # fmt: skip
# Every action a kind's phone form or the facilitator's controls post (grep 'action ==').
ACTIONS = [
    "add", "delete", "vote", "unvote", "spotlight", "clear", "focus", "unfocus", "overview",
    "next_example", "previous_example", "show_example", "show_tally", "form_groups",
    "move_member", "open_vote", "close_vote", "show_results", "upload", "remove_photo",
    "add_quote", "remove_quote", "show_theme", "show_quote", "next_card", "previous_card",
    "show_card", "next_group", "previous_group", "show_group", "show", "add_agreement",
    "edit_agreement", "delete_agreement", "next", "previous", "go", "start", "pause", "reset",
    "up", "down", "skip", "include",
]  # fmt: skip
# Fields that carry an id, a number or a choice: where a made-up value must not crash.
ID_FIELDS = [
    "note", "proposal", "agreement", "example", "quote", "theme", "pitfall", "group",
    "organisation", "card", "participant", "entry", "zone", "field", "size", "votes_each",
    "rating", "base_version", "step", "answer", "view", "side", "due", "inspires",
]  # fmt: skip
WORDS = [
    "", " ", "0", "1", "2", "-1", "99999999999999999999", "1e9", "NaN", "abc", "evaluation",
    "letter", "agreement", "rating", "formal", "informal", "who", "what", "yes", "no", "nl",
    "en", "2026-12-03", "2026-13-45", "__other__", "\x00", "\u202e", "<script>alert(1)</script>",
    "../../etc/passwd",
]  # fmt: skip

any_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40)
values = st.one_of(
    st.sampled_from(WORDS),
    any_text,
    st.integers(-(10**20), 10**20).map(str),
    any_text.map(lambda text: text * 500),  # long, often many kilobytes
)


def post_bodies(fields, ids=()):
    """A POST body: any of the form's own fields, with any values or real row ids (forged or
    not), plus now and then a field the form doesn't know."""
    value = st.one_of(values, st.sampled_from(ids)) if ids else values
    action = st.one_of(st.sampled_from(ACTIONS), value)
    known = st.fixed_dictionaries(
        {}, optional={name: action if name == "action" else value for name in fields}
    )
    unknown = st.dictionaries(st.text(min_size=1, max_size=8), values, max_size=2)
    return st.tuples(known, unknown).map(lambda parts: {**parts[1], **parts[0]})


def row_ids(session):
    """Ids a forged post might use: this session's rows (and so also its steps' neighbours)."""
    ids = list(Contribution.objects.filter(session=session).values_list("pk", flat=True)[:20])
    ids += list(Group.objects.filter(session=session).values_list("pk", flat=True)[:5])
    ids += list(Organisation.objects.filter(session=session).values_list("pk", flat=True)[:5])
    ids += list(session.steps.values_list("pk", flat=True)[:5])
    return [str(pk) for pk in ids]


def send(client, url, body, htmx):
    """POST in a savepoint that is rolled back; the answer must not be a server error."""
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    with transaction.atomic():
        response = client.post(url, body, **headers)
        transaction.set_rollback(True)
    assert response.status_code < 500, (url, body)
    return response


@pytest.mark.parametrize("kind", KIND_FIELDS)
def test_a_phones_answer_never_crashes(demo, kind):
    step = demo.active_steps().filter(kind=kind).first()
    assert step is not None, f"the demo session has a {kind} step"
    demo.go_to(step)
    phones = [
        phone_of(demo.participants.filter(side=side).first()) for side in ("formal", "informal")
    ]
    url = reverse("answer", args=[demo.code, step.pk])
    ids = row_ids(demo)

    @FUZZ
    @given(
        body=post_bodies(KIND_FIELDS[kind], ids), side=st.sampled_from([0, 1]), htmx=st.booleans()
    )
    def fuzz(body, side, htmx):
        send(phones[side], url, body, htmx)

    fuzz()


def test_the_step_kinds_fuzzed_are_all_the_demo_has(demo):
    from exercises.registry import get_kind

    with_input = {s.kind for s in demo.active_steps() if get_kind(s.kind).takes_input}
    assert with_input <= set(KIND_FIELDS), (
        f"fuzz the new kinds too: {with_input - set(KIND_FIELDS)}"
    )


def test_join_question_and_home_never_crash(demo):
    phone = phone_of(demo.participants.first())
    targets = [
        (
            Client(),
            reverse("join", args=[demo.code]),
            ["name", "organisation", "organisation_other", "side"],
        ),
        (Client(), reverse("home"), ["code"]),
        (phone, reverse("ask_question", args=[demo.code]), ["text"]),
    ]
    fuzz_targets(targets, row_ids(demo))


def test_the_facilitators_forms_never_crash(make_session, owner_client):
    draft = make_session()  # a draft: the agenda and the details can still change
    step = draft.steps.get(kind="obstacles")
    code = draft.code
    targets = [
        (reverse("create_session"), [
            "title", "date", "place", "language", "formal_organisations",
            "informal_organisations", "include_tree", "include_pitfalls", "include_letter",
        ]),
        (reverse("edit_details", args=[code]), ["title", "date", "place", "language"]),
        (reverse("add_organisation", args=[code]), ["name", "side"]),
        (reverse("edit_step", args=[code, step.pk]), ["title", "body", "instruction", "minutes"]),
        (reverse("change_step", args=[code, step.pk]), ["action"]),
        (reverse("share_session", args=[code]), ["username"]),
        (reverse("step_action", args=[code, step.pk]), STEP_ACTION_FIELDS),
        (reverse("navigate", args=[code]), ["action", "step"]),
        (reverse("timer", args=[code]), ["action"]),
        (reverse("lock_step", args=[code, step.pk]), ["locked"]),
        (reverse("set_anonymous", args=[code]), ["anonymous"]),
        (reverse("close_session", args=[code]), ["action"]),
    ]  # fmt: skip
    fuzz_targets([(owner_client, url, fields) for url, fields in targets], row_ids(draft))


def fuzz_targets(targets, ids):
    bodies = st.one_of(
        *[
            st.tuples(st.just(n), post_bodies(fields, ids))
            for n, (_client, _url, fields) in enumerate(targets)
        ]
    )

    @FUZZ
    @given(target_and_body=bodies, htmx=st.booleans())
    def fuzz(target_and_body, htmx):
        which, body = target_and_body
        client, url, _fields = targets[which]
        send(client, url, body, htmx)

    fuzz()


@pytest.mark.parametrize("kind", KIND_FIELDS)
def test_made_up_ids_in_every_action_never_crash(demo, owner_client, kind):
    """Deterministic companion of the fuzzing: every action of the phone form and the
    controls, with every id-like field set to a word, a huge number or a negative one."""
    step = demo.active_steps().filter(kind=kind).first()
    demo.go_to(step)
    phone = phone_of(demo.participants.filter(side="formal").first())
    surfaces = [
        (phone, reverse("answer", args=[demo.code, step.pk])),
        (owner_client, reverse("step_action", args=[demo.code, step.pk])),
    ]
    parts = ["", "evaluation", "agreement", "letter"]  # the closing's forms
    for number, action in enumerate(["", *ACTIONS]):
        # A word where a number belongs is what crashes a bare int(); the huge and negative
        # numbers are in the fuzzing's values above.
        body = {"action": action, "part": parts[number % 4], **dict.fromkeys(ID_FIELDS, "abc")}
        for client, url in surfaces:
            send(client, url, body, htmx=True)


def test_made_up_steps_in_the_controls_never_crash(demo, owner_client):
    for made_up in ("abc", "99999999999999999999", "-1", ""):
        for action in ("go", "next", "previous", "start", "pause", "reset"):
            for name in ("navigate", "timer"):
                send(
                    owner_client,
                    reverse(name, args=[demo.code]),
                    {"action": action, "step": made_up},
                    htmx=True,
                )
