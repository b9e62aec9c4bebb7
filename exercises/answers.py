"""Storing what phones send, shared by every kind: notes, own answers and shared answers.

- A *note* is one of several short texts a participant adds (strengths, tree notes). The
  phone gives each new note a client id, so a retried request stores it once.
- An *own answer* is one per participant and slot (a rating, a reaction to a quote): a save
  replaces the previous one, so retries are harmless by nature.
- A *shared answer* belongs to a group or an organisation and is written from several phones
  at once. Each field is saved on its own with the version the phone last saw; a save based
  on an older version is not applied silently: the writer is told and shown the other text,
  and keeps their own in the field to merge or to save over it knowingly.
"""

import re
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field

from django import forms
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sessions.text import clean_text
from workshop.compiled_queries import CompiledQuery

from .models import Contribution

NOTE_MAX_LENGTH = 280
FIELD_MAX_LENGTH = 2000


def new_client_id():
    return uuid.uuid4().hex


# What a phone's form sends back is the id it was given (new_client_id: 32 hex digits).
_CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")


def posted_client_id(request):
    """The client id a phone sent with a new note or agreement, or a fresh one when it sent
    none or something no form of ours holds (a NUL byte, say, that PostgreSQL refuses)."""
    posted = request.POST.get("client_id", "")
    return posted if _CLIENT_ID.fullmatch(posted) else new_client_id()


def clean_answer_text(value, max_length, *, required=True, multiline=True):
    """Clean a typed text; raise ValidationError with a message a participant understands."""
    text = clean_text(value if isinstance(value, str) else "", multiline=multiline)
    if required and not text:
        raise forms.ValidationError(_("Write something first."))
    if len(text) > max_length:
        raise forms.ValidationError(
            _("Too long: at most %(max)d characters (now %(count)d).")
            % {"max": max_length, "count": len(text)}
        )
    return text


def visible(step):
    """The step's contributions that the wall and the report show."""
    return Contribution.objects.filter(step=step, hidden=False)


def answered_participants(step):
    return (
        Contribution.objects.filter(step=step, participant__isnull=False)
        .values("participant")
        .distinct()
        .count()
    )


def add_note(step, participant, *, text, client_id, slot="", data=None):
    """Store a new note once per client id; return (contribution, created).

    One INSERT, outside any transaction: on SQLite the write lock is then held for that one
    statement, not for a transaction's worth of Python. Under a hall's worth of answers that
    is what keeps writers from queueing behind each other (docs/benchmarks.md). A resent
    note (same client id) is refused by the unique constraint and the stored one returned.
    """
    client_id = client_id or new_client_id()
    note = Contribution(
        step=step,
        participant=participant,
        client_id=client_id,
        session=step.session,
        side=participant.side,
        slot=slot,
        data={"text": text, **(data or {})},
        organisation=participant.organisation,
    )
    # Inside a caller's transaction, a savepoint keeps that transaction usable after a refusal.
    in_transaction = transaction.get_connection().in_atomic_block
    try:
        with transaction.atomic() if in_transaction else nullcontext():
            note.save(force_insert=True)
    except IntegrityError:  # sent twice: the first one is stored
        existing = Contribution.objects.get(step=step, participant=participant, client_id=client_id)
        return existing, False
    return note, True


# Read by every panel and every answer of the kinds where a participant writes notes.
OWN_NOTES = CompiledQuery(
    lambda step, participant: Contribution.objects.filter(step_id=step, participant_id=participant),
    step=int,
    participant=int,
)


def own_notes(step, participant):
    """The participant's own notes (and other contributions) on the step, oldest first."""
    return OWN_NOTES.all(step=step.pk, participant=participant.pk)


def add_note_within_limit(step, participant, notes, *, limit, text, client_id, slot=""):
    """Store a phone's new note unless it has written `limit` already; None, or the message.

    `notes` are its notes on the step as this request read them (`own_notes`); the new note
    is appended, so the phone's list is shown without reading them again. A note sent again
    (same client id) is stored once and counts as saved.
    """
    if client_id and any(note.client_id == client_id for note in notes):
        return None
    if len(notes) >= limit:
        return gettext("You have written the maximum of %(max)d notes.") % {"max": limit}
    note, _created = add_note(step, participant, text=text, client_id=client_id, slot=slot)
    if all(mine.pk != note.pk for mine in notes):
        notes.append(note)
    return None


def save_own_answer(step, participant, *, slot, data):
    """One answer per participant and slot: create or replace it."""
    try:
        with transaction.atomic():
            return _update_or_create_own(step, participant, slot, data)
    except IntegrityError:  # the same phone's first save arrived twice at once
        return _update_or_create_own(step, participant, slot, data)


def _update_or_create_own(step, participant, slot, data):
    contribution, _created = Contribution.objects.update_or_create(
        step=step,
        participant=participant,
        slot=slot,
        client_id="",
        defaults={
            "session": step.session,
            "side": participant.side,
            "organisation": participant.organisation,
            "data": data,
        },
    )
    return contribution


@dataclass
class FieldSave:
    """The outcome of saving one field of a shared answer."""

    contribution: Contribution
    field: str
    version: int
    conflict: bool = False
    their_text: str = ""
    errors: list = field(default_factory=list)


def save_shared_field(step, *, owner, field_name, text, base_version, slot=""):
    """Save one field of a group's or organisation's shared answer, checking its version.

    `owner` is {"group": g} or {"organisation": o}. Locks the row so two phones saving the
    same field at the same moment are ordered, and the second one learns of the first.
    """
    lookup = {"step": step, "slot": slot, "client_id": "", "participant": None, **owner}
    organisation = owner.get("organisation")
    defaults = {"session": step.session, "side": organisation.side if organisation else ""}
    try:
        with transaction.atomic():
            Contribution.objects.get_or_create(**lookup, defaults=defaults)
    except IntegrityError:  # another member created it this very moment: use theirs
        pass
    with transaction.atomic():
        contribution = Contribution.objects.select_for_update().get(**lookup)
        current = int(contribution.versions.get(field_name, 0))
        stored = contribution.data.get(field_name, "")
        if base_version != current and stored != text:
            return FieldSave(contribution, field_name, current, conflict=True, their_text=stored)
        if stored != text:
            contribution.data = {**contribution.data, field_name: text}
            current += 1
            contribution.versions = {**contribution.versions, field_name: current}
            contribution.save(update_fields=["data", "versions", "updated_at"])
        return FieldSave(contribution, field_name, current)


def parse_version(value):
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def save_status(request, *, errors=None, conflict=None, saved=False, extra=None, status=200):
    """The small fragment that replaces a form's status line after an autosave."""
    context = {"errors": errors or [], "conflict": conflict, "saved": saved, **(extra or {})}
    return render(request, "exercises/_save_status.html", context, status=status)


def save_shared_field_response(request, step, *, owner, field_name, text, base_version):
    """Save one field of a shared answer and answer the phone: saved, or a 409 conflict that
    shows the other writer's text (the writer's own stays in their field)."""
    result = save_shared_field(
        step, owner=owner, field_name=field_name, text=text, base_version=base_version
    )
    if result.conflict:
        return save_status(
            request,
            conflict=result.their_text or _("(they emptied this field)"),
            extra={"base_version": result.version},
            status=409,
        )
    return save_status(request, saved=True, extra={"base_version": result.version})


def save_choice_and_comment(
    request, step, participant, *, slot, choice_field, choices, choice_error, comment_max
):
    """A phone's choice (from `choices`) and comment on one item of a step (a quote, an
    agreement), saved as its own answer in `slot`, field by field as the phone autosaves.

    Saving the comment keeps the choice, and the other way round. `choice_error` is the
    message for a choice that is not on the list.
    """
    changes = {}
    if choice_field in request.POST:
        if request.POST[choice_field] not in choices:
            return save_status(request, errors=[choice_error], status=422)
        changes[choice_field] = request.POST[choice_field]
    if "comment" in request.POST:
        try:
            changes["comment"] = clean_answer_text(
                request.POST["comment"], comment_max, required=False
            )
        except forms.ValidationError as error:
            return save_status(request, errors=error.messages, status=422)
    with transaction.atomic():
        existing = (
            Contribution.objects.select_for_update()
            .filter(step=step, participant=participant, slot=slot, client_id="")
            .first()
        )
        data = {**(existing.data if existing else {}), **changes}
        if existing is None and not (data.get(choice_field) or data.get("comment")):
            return save_status(request)  # nothing to keep yet
        if existing is None or existing.data != data:
            save_own_answer(step, participant, slot=slot, data=data)
    if not request.htmx:  # a phone without JavaScript: back to the page
        return redirect("phone", step.session.code)
    return save_status(request, saved=True)
