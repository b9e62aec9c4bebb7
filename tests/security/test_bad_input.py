"""Bad input in every text field a phone or a facilitator fills in.

For each field: a 10,000-character word (longer than any field allows), nothing, only
whitespace, control and direction characters, and HTML with a <script>. Each gets a clear
message or is stored as a safe value; what is stored is shown escaped on the phone, the
wall, the controls and in the PDF report. A body that is not UTF-8 gets no server error.

The fields are filled in the demo session (content in every exercise, groups formed).
"""

import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from exercises.grouping import group_of
from exercises.models import Contribution
from sessions.forms import JoinForm
from sessions.models import Organisation, Participant, Question, Session, SessionStep

from ..conftest import SESSION_DATA
from .conftest import phone_of

LONG_WORD = "x" * 10_000
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e]")
TOO_LONG_MESSAGES = ("Te lang", "Too long", "at most", "niet meer dan", "maximaal")


@dataclass
class Field:
    name: str
    send: Callable  # (demo, owner_client, text) -> response


def step_of(demo, kind):
    step = demo.active_steps().filter(kind=kind).first()
    demo.go_to(step)
    return step


def answer(demo, kind, phone, body):
    step = step_of(demo, kind)
    return phone.post(reverse("answer", args=[demo.code, step.pk]), body, HTTP_HX_REQUEST="true")


def newcomer(demo, organisation_name="Nieuwe Stichting"):
    """A phone of a new organisation: its card is empty, so its first save has version 0."""
    form = JoinForm(
        data={"name": "Nieuw", "organisation_other": organisation_name, "side": "informal"},
        session=demo,
    )
    assert form.is_valid(), form.errors
    return phone_of(form.save())


def group_member(demo, step):
    for participant in demo.participants.all():
        if group_of(participant) is not None:
            return participant
    raise AssertionError("the demo session has groups")


def shared_field(demo, kind, text):
    step = step_of(demo, kind)
    participant = group_member(demo, step)
    key = get_fields(step)[0]
    stored = Contribution.objects.filter(step=step, group=group_of(participant), slot="").first()
    version = stored.versions.get(key, 0) if stored else 0
    return answer(
        demo,
        kind,
        phone_of(participant),
        {"field": key, "text": text, "base_version": version},
    )


def get_fields(step):
    from exercises.registry import get_kind

    return [field["key"] for field in get_kind(step.kind).fields(step)]


def first_key(step, name):
    return next(item["key"] for item in step.config[name] if isinstance(item, dict))


def a_phone(demo):
    return phone_of(demo.participants.filter(side="formal").first())


PHONE_FIELDS = [
    Field(
        "join name",
        lambda demo, _owner, text: Client().post(
            reverse("join", args=[demo.code]),
            {"name": text, "organisation": str(demo.organisations.first().pk), "side": "formal"},
            follow=True,
        ),
    ),
    Field(
        "join organisation",
        lambda demo, _owner, text: Client().post(
            reverse("join", args=[demo.code]),
            {"name": "Ayşe", "organisation": "", "organisation_other": text, "side": "informal"},
            follow=True,
        ),
    ),
    Field(
        "question",
        lambda demo, _owner, text: a_phone(demo).post(
            reverse("ask_question", args=[demo.code]), {"text": text}, HTTP_HX_REQUEST="true"
        ),
    ),
    Field(
        "card",
        lambda demo, _owner, text: answer(
            demo,
            "org_presentation",
            newcomer(demo),
            {
                "field": first_key(step_of(demo, "org_presentation"), "questions"),
                "text": text,
                "base_version": 0,
            },
        ),
    ),
    Field(
        "strength note",
        lambda demo, _owner, text: answer(
            demo, "strength", a_phone(demo), {"text": text, "client_id": "bad-input"}
        ),
    ),
    Field("proposal", lambda demo, _owner, text: shared_field(demo, "group_proposal", text)),
    Field(
        "reaction to a quote",
        lambda demo, _owner, text: answer(
            demo,
            "obstacles",
            a_phone(demo),
            {
                "quote": step_of(demo, "obstacles").config["quotes"][0]["id"],
                "answer": first_key(step_of(demo, "obstacles"), "answers"),
                "comment": text,
            },
        ),
    ),
    Field(
        "cooperation plan", lambda demo, _owner, text: shared_field(demo, "cooperation_plan", text)
    ),
    Field(
        "tree note",
        lambda demo, _owner, text: answer(
            demo,
            "tree",
            a_phone(demo),
            {"zone": first_key(step_of(demo, "tree"), "zones"), "text": text, "client_id": "bad"},
        ),
    ),
    Field(
        "pitfall action",
        lambda demo, _owner, text: answer(
            demo,
            "pitfalls",
            a_phone(demo),
            {"pitfall": first_key(step_of(demo, "pitfalls"), "pitfalls"), "action": text},
        ),
    ),
    Field(
        "evaluation",
        lambda demo, _owner, text: answer(
            demo, "closing", a_phone(demo), {"part": "evaluation", "worked": text}
        ),
    ),
    Field(
        "agreement",
        lambda demo, _owner, text: answer(
            demo,
            "closing",
            a_phone(demo),
            {
                "part": "agreement",
                "action": "add",
                "what": text,
                "who": text,
                "side": "both",
                "client_id": "b",
            },
        ),
    ),
    Field(
        "letter",
        lambda demo, _owner, text: answer(
            demo, "closing", a_phone(demo), {"part": "letter", "text": text}
        ),
    ),
]


def draft_step(owner, kind="obstacles"):
    session = Session.objects.filter(owner=owner, status="draft").first()
    return session, session.steps.get(kind=kind)


def edit_draft_step(demo, owner_client, text):
    session, step = draft_step(demo.owner)
    return owner_client.post(
        reverse("edit_step", args=[session.code, step.pk]),
        {"title": text, "body": text, "instruction": text, "minutes": "5"},
    )


FACILITATOR_FIELDS = [
    Field(
        "session title",
        lambda demo, owner, text: owner.post(
            reverse("create_session"), {**SESSION_DATA, "title": text}
        ),
    ),
    Field(
        "organisations list",
        lambda demo, owner, text: owner.post(
            reverse("create_session"), {**SESSION_DATA, "formal_organisations": text}
        ),
    ),
    Field(
        "organisation",
        lambda demo, owner, text: owner.post(
            reverse("add_organisation", args=[draft_step(demo.owner)[0].code]),
            {"name": text, "side": "formal"},
        ),
    ),
    Field("step texts", lambda demo, owner, text: edit_draft_step(demo, owner, text)),
    Field("quote", lambda demo, owner, text: add_quote(demo, owner, text)),
]

ALL_FIELDS = PHONE_FIELDS + FACILITATOR_FIELDS


def add_quote(demo, owner_client, text):
    step = step_of(demo, "obstacles")
    return owner_client.post(
        reverse("step_action", args=[demo.code, step.pk]),
        {
            "action": "add_quote",
            "theme": first_key(step, "themes"),
            "text": text,
            "next": "prepare",
        },
        follow=True,
    )


@pytest.fixture
def room(demo, make_session, owner_client):
    make_session()  # a draft of the same facilitator, whose agenda can still change
    closing = demo.steps.get(kind="closing")
    closing.config = {**closing.config, "letter_enabled": True}
    closing.save(update_fields=["config"])
    return demo


def strings(value):
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def stored_texts():
    """Every text the database holds that someone typed."""

    texts = list(Participant.objects.values_list("name", flat=True))
    texts += Organisation.objects.values_list("name", flat=True)
    texts += Question.objects.values_list("text", flat=True)
    texts += Session.objects.values_list("title", flat=True)
    for data in Contribution.objects.values_list("data", flat=True):
        texts += strings(data)
    for texts_of_step, config in SessionStep.objects.values_list("texts", "config"):
        texts += strings(texts_of_step)
        texts += strings(config.get("quotes", []))
    return texts


def each_field(room, owner_client, text):
    """Send `text` through every field, each in a savepoint that is rolled back; yield
    (field, response, texts stored after it)."""
    for field in ALL_FIELDS:
        with transaction.atomic():
            before = stored_texts()
            response = field.send(room, owner_client, text)
            after = stored_texts()
            transaction.set_rollback(True)
        assert response.status_code < 500, field.name
        yield field, response, [value for value in after if value not in before]


def test_a_10000_character_word_is_refused_with_a_message(room, owner_client):
    for field, response, new in each_field(room, owner_client, LONG_WORD):
        body = response.content.decode()
        assert any(message in body for message in TOO_LONG_MESSAGES), field.name
        assert not [text for text in new if "x" * 1000 in text], field.name


@pytest.mark.parametrize("text", ["", "   \n\t  "], ids=["empty", "whitespace"])
def test_nothing_or_whitespace_stores_no_blank_text(room, owner_client, text):
    for field, _response, new in each_field(room, owner_client, text):
        assert not [value for value in new if value and not value.strip()], field.name


def test_control_and_direction_characters_are_stripped_or_refused(room, owner_client):
    typed = "Goed\x00 werk\x07 \u202esamen\x1b"
    for field, response, new in each_field(room, owner_client, typed):
        assert not [text for text in new if CONTROL_CHARACTERS.search(text)], field.name
        stored = any("Goed werk samen" in text for text in new)
        # Django's forms refuse a NUL outright ("Null characters are not allowed").
        refused = "Null" in response.content.decode() or "Nul-tekens" in response.content.decode()
        assert stored or refused, field.name


def markup(name):
    return f'<script>alert("{name}")</script><b onclick="x()">'


def escaped(name):
    return f"&lt;script&gt;alert(&quot;{name}&quot;)&lt;/script&gt;"


def test_html_is_stored_as_typed_and_answered_escaped(room, owner_client):
    for field in ALL_FIELDS:
        with transaction.atomic():
            response = field.send(room, owner_client, markup(field.name))
            stored = [text for text in stored_texts() if markup(field.name) in text]
            transaction.set_rollback(True)
        assert response.status_code < 400, field.name
        assert stored, field.name
        assert "<script>alert" not in response.content.decode(), field.name


def test_html_typed_on_phones_is_shown_escaped_on_phone_wall_controls_and_pdf(room, owner_client):
    from sessions.report import render_report_html

    pages = [
        field.send(room, owner_client, markup(field.name)).content.decode()
        for field in PHONE_FIELDS
    ]
    writer = a_phone(room)
    for step in room.active_steps():
        room.go_to(step)
        for url in (
            reverse("controls", args=[room.code]),
            reverse("projector", args=[room.code]),
        ):
            pages.append(owner_client.get(url).content.decode())
        pages.append(writer.get(reverse("phone", args=[room.code])).content.decode())
    report_html = render_report_html(Session.objects.get(pk=room.pk))
    pdf = owner_client.get(reverse("report_pdf", args=[room.code])).content
    pdf_text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    everything = "".join(pages) + report_html
    assert "<script>alert" not in everything and 'onclick="x()"' not in everything
    for field in PHONE_FIELDS:
        assert escaped(field.name) in everything, field.name
    # What the report shows, the PDF shows as text, markup and all.
    in_report = [f.name for f in PHONE_FIELDS if escaped(f.name) in report_html]
    assert len(in_report) >= 8, in_report
    # pdftotext breaks long lines anywhere, even inside a word: compare without whitespace.
    pdf_letters = "".join(pdf_text.split())
    for name in in_report:
        assert "".join(f'<script>alert("{name}")</script>'.split()) in pdf_letters, name


@pytest.mark.parametrize(
    "url_name", ["join", "ask_question", "answer", "create_session", "edit_step"]
)
def test_a_body_that_is_not_utf8_gets_no_server_error(room, owner_client, url_name):
    step = room.current_step
    args = {
        "join": [room.code],
        "ask_question": [room.code],
        "answer": [room.code, step.pk],
        "create_session": [],
        "edit_step": [room.code, step.pk],
    }[url_name]
    client = owner_client if url_name in ("create_session", "edit_step") else a_phone(room)
    before = stored_texts()
    response = client.post(
        reverse(url_name, args=args),
        data=b"name=%FF%FE%C0&text=\xff\xfe\xc0\xaf&title=%ED%A0%80",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code < 500
    assert not [text for text in stored_texts() if text not in before and "\ufffd" in text]


def test_a_json_export_of_markup_is_data_not_html(room, owner_client):
    PHONE_FIELDS[4].send(room, owner_client, markup("export"))
    response = owner_client.get(reverse("export", args=[room.code, "session.json"]))
    assert response["Content-Type"].startswith("application/json")
    assert markup("export") in strings(json.loads(response.content))
