"""Every contribution of a session as CSV (UTF-8 with BOM, so Excel reads Dutch, Turkish and
Arabic text right) or JSON; the agreements alone as CSV. Hidden contributions are left out,
and names too when the session is anonymous."""

import csv
import io
import json

from django.core.serializers.json import DjangoJSONEncoder

from exercises.models import Contribution
from exercises.registry import get_kind

CONTRIBUTION_COLUMNS = [
    "step",
    "step_title",
    "kind",
    "slot",
    "side",
    "organisation",
    "group",
    "author",
    "content",
    "created_at",
]
AGREEMENT_COLUMNS = ["what", "who", "side", "due"]


def contribution_rows(session):
    contributions = (
        Contribution.objects.filter(session=session, hidden=False)
        .select_related("step", "participant", "organisation", "group")
        .order_by("step__position", "created_at", "pk")
    )
    for item in contributions:
        yield {
            "step": item.step.position,
            "step_title": item.step.text(session.language)["title"],
            "kind": item.step.kind,
            "slot": item.slot,
            "side": item.side,
            "organisation": item.organisation.name if item.organisation_id else "",
            "group": item.group.number if item.group_id else "",
            "author": "" if session.anonymous or not item.participant_id else item.participant.name,
            "content": {k: v for k, v in item.data.items() if v not in ("", None)},
            "created_at": item.created_at,
        }


def agreement_rows(session):
    for step in session.active_steps():
        yield from get_kind(step.kind).agreements(step)


def _csv(rows, columns):
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                key: json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value
                for key, value in row.items()
            }
        )
    return buffer.getvalue().encode("utf-8")


def contributions_csv(session):
    return _csv(contribution_rows(session), CONTRIBUTION_COLUMNS)


def agreements_csv(session):
    return _csv(agreement_rows(session), AGREEMENT_COLUMNS)


def session_json(session):
    data = {
        "session": {
            "code": session.code,
            "title": session.title,
            "date": session.date,
            "place": session.place,
            "language": session.language,
            "anonymous": session.anonymous,
            "organisations": [
                {"name": org.name, "side": org.side} for org in session.organisations.all()
            ],
            "participants": session.join_counts(),
        },
        "agreements": list(agreement_rows(session)),
        "contributions": list(contribution_rows(session)),
    }
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")
