"""The register's two writes: agreements come in from a closed meeting; a status changes.

Both are safe to repeat: copying a meeting's agreements twice adds each once, and a "change"
to the status an agreement already has (with no note) records nothing.
"""

import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from exercises.registry import get_kind
from sessions.models import Status

from .models import EntryStatus, RegisterChange, RegisterEntry

NOTE_MAX = 300


def _source_key(session, agreement):
    """The same agreement of the same meeting always gives the same key."""
    due = agreement.get("due")
    parts = [
        session.code,
        agreement.get("what", ""),
        agreement.get("who", ""),
        agreement.get("side", ""),
        due.isoformat() if due else "",
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def copy_agreements(meeting):
    """Put the visible agreements of a meeting's session into the register; return how many
    were new. Agreements come from each step's kind, so this never names one."""
    session = meeting.session
    added = 0
    for step in session.active_steps():
        for agreement in get_kind(step.kind).agreements(step):
            what = (agreement.get("what") or "").strip()
            if not what:
                continue
            try:
                with transaction.atomic():
                    _, created = RegisterEntry.objects.get_or_create(
                        cooperation_id=meeting.cooperation_id,
                        source_key=_source_key(session, agreement),
                        defaults={
                            "source_session": session,
                            "meeting_number": meeting.number,
                            "text": what[:300],
                            "owner_name": (agreement.get("who") or "")[:120],
                            "side": agreement.get("side") or "",
                            "due": agreement.get("due"),
                        },
                    )
            except IntegrityError:  # copied at the same moment by another request
                created = False
            added += created
    meeting.copied_at = timezone.now()
    meeting.save(update_fields=["copied_at"])
    return added


def copy_closed_meetings(cooperation):
    """Agreements of closed meetings not copied yet: closed before they joined it."""
    waiting = cooperation.meetings.filter(
        session__status=Status.CLOSED, copied_at__isnull=True
    ).select_related("session")
    for meeting in waiting:
        copy_agreements(meeting)


def label_for(user):
    return user.get_full_name() or user.username


@transaction.atomic
def change_status(entry, to_status, *, note="", user=None, label="", session=None):
    """Set an agreement's status and keep the change; None when nothing changed."""
    if to_status not in EntryStatus.values:
        raise ValueError(f"Unknown status {to_status!r}")
    entry = RegisterEntry.objects.select_for_update().get(pk=entry.pk)
    note = (note or "").strip()[:NOTE_MAX]
    if entry.status == to_status and not note:
        return None
    change = RegisterChange.objects.create(
        entry=entry,
        from_status=entry.status,
        to_status=to_status,
        note=note,
        changed_by=user,
        changed_by_label=label or (label_for(user) if user else ""),
        session=session,
    )
    entry.status = to_status
    entry.updated_at = timezone.now()
    entry.save(update_fields=["status", "updated_at"])
    return change
