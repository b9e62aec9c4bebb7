"""The first exercise of a follow-up meeting: what was agreed before, and what became of it.

It lists the cooperation's agreements from earlier meetings that are still open (and those
whose outcome was recorded in this meeting, so they stay on the wall with it). On the phone
each participant reports per agreement: done, in progress or stuck, and a comment (one own
answer per agreement: slot "entry-<id>", data {"report", "comment"}). The wall shows the
reports per side; the facilitator records the outcome (open, done, dropped, and a note),
which changes the register with who changed it and when.
"""

from django import forms
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sessions.models import Side

from ..answers import clean_answer_text, save_choice_and_comment, save_status, visible
from ..models import Contribution
from ..registry import Kind, register

COMMENT_MAX = 300
NOTE_MAX = 300
# Agreements on the wall at once, readable from the back of the room; the facilitator pages.
WALL_PAGE = 4
WALL_COMMENTS = 2
FOCUS_COMMENTS = 6
REPORTS = {
    "done": _("Done"),
    "progress": _("In progress"),
    "stuck": _("Stuck"),
}
SLOT_PREFIX = "entry-"


def _entry_id(value):
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


@register
class Review(Kind):
    slug = "review"
    label = _("Review of the agreements")
    counts_answers = True
    takes_input = True

    # --- which agreements ------------------------------------------------------------------

    def entries(self, step):
        """The earlier meetings' agreements this meeting reviews, oldest meeting first."""
        from cooperations.models import EntryStatus, Meeting, RegisterEntry

        meeting = Meeting.objects.filter(session_id=step.session_id).first()
        if meeting is None:
            return []
        return list(
            RegisterEntry.objects.filter(
                cooperation_id=meeting.cooperation_id, meeting_number__lt=meeting.number
            )
            .filter(Q(status=EntryStatus.OPEN) | Q(changes__session_id=step.session_id))
            .distinct()
            .prefetch_related("changes")
        )

    def _outcome(self, entry, step):
        """The last change recorded in this meeting, if any."""
        changes = [c for c in entry.changes.all() if c.session_id == step.session_id]
        return changes[-1] if changes else None

    def _results(self, step, contributions, comments_per_entry):
        rows = []
        by_slot = {}
        for item in contributions:  # newest first
            by_slot.setdefault(item.slot, []).append(item)
        focus = step.state.get("entry")
        for entry in self.entries(step):
            reports = by_slot.get(f"{SLOT_PREFIX}{entry.pk}", [])
            counts = {side: {key: 0 for key in REPORTS} for side in Side.values}
            comments = []
            for item in reports:
                data = item.data if isinstance(item.data, dict) else {}
                if data.get("report") in REPORTS and item.side in counts:
                    counts[item.side][data["report"]] += 1
                if data.get("comment"):
                    comments.append(item)
            rows.append(
                {
                    "entry": entry,
                    "sides": [
                        {
                            "side": side,
                            "label": Side(side).label,
                            "counts": [
                                {"key": key, "label": REPORTS[key], "n": counts[side][key]}
                                for key in REPORTS
                            ],
                            "total": sum(counts[side].values()),
                        }
                        for side in Side.values
                    ],
                    "comments": comments,
                    "wall_comments": comments[
                        : FOCUS_COMMENTS if entry.pk == focus else WALL_COMMENTS
                    ],
                    "outcome": self._outcome(entry, step),
                    "is_focus": entry.pk == focus,
                }
            )
        return rows

    def _contributions(self, queryset):
        return list(
            queryset.filter(participant__isnull=False, slot__startswith=SLOT_PREFIX)
            .select_related("participant", "organisation")
            .order_by("-updated_at", "-pk")
        )

    # --- context for each partial ----------------------------------------------------------

    def phone_context(self, step, session, participant):
        mine = dict(
            Contribution.objects.filter(
                step=step, participant=participant, client_id=""
            ).values_list("slot", "data")
        )
        rows = []
        for entry in self.entries(step):
            data = mine.get(f"{SLOT_PREFIX}{entry.pk}")
            data = data if isinstance(data, dict) else {}
            rows.append(
                {
                    "entry": entry,
                    "report": data.get("report", ""),
                    "comment": data.get("comment", ""),
                    "field_id": f"review-comment-{entry.pk}",
                }
            )
        return {"rows": rows, "reports": list(REPORTS.items()), "comment_max": COMMENT_MAX}

    def _page(self, step, count):
        pages = max(1, -(-count // WALL_PAGE))
        page = step.state.get("page", 0)
        return min(page, pages - 1) if type(page) is int and page > 0 else 0, pages

    def projector_context(self, step, session):
        rows = self._results(step, self._contributions(visible(step)), WALL_COMMENTS)
        focus = next((row for row in rows if row["is_focus"]), None)
        page, pages = self._page(step, len(rows))
        first = page * WALL_PAGE
        return {
            "rows": rows,
            "reports": list(REPORTS.items()),
            "wall_rows": rows[first : first + WALL_PAGE],
            "focus": focus,
            "page": page,
            "pages": pages,
            "page_first": first + 1,
            "page_last": min(first + WALL_PAGE, len(rows)),
        }

    def controls_context(self, step, session):
        from cooperations.models import EntryStatus

        context = self.projector_context(step, session)
        context.update(statuses=EntryStatus.choices, note_max=NOTE_MAX)
        return context

    def report_context(self, step, session):
        rows = self._results(step, self._contributions(visible(step)), None)
        return {"rows": rows}

    def answered_count(self, step):
        return (
            visible(step)
            .filter(participant__isnull=False, slot__startswith=SLOT_PREFIX)
            .values("participant")
            .distinct()
            .count()
        )

    # --- a phone's report ------------------------------------------------------------------

    def save_answer(self, request, step, participant):
        entry_id = _entry_id(request.POST.get("entry"))
        if entry_id not in {entry.pk for entry in self.entries(step)}:
            message = gettext("This agreement is no longer on the list.")
            return save_status(request, errors=[message], status=422)
        return save_choice_and_comment(
            request,
            step,
            participant,
            slot=f"{SLOT_PREFIX}{entry_id}",
            choice_field="report",
            choices=REPORTS,
            choice_error=gettext("Choose done, in progress or stuck."),
            comment_max=COMMENT_MAX,
        )

    # --- the facilitator -------------------------------------------------------------------

    def facilitator_action(self, request, step, action):
        if action not in ("outcome", "focus", "unfocus", "page"):
            return False
        if action in ("unfocus", "page"):
            state = {**step.state, "entry": None}
            if action == "page":
                _, pages = self._page(step, len(self.entries(step)))
                page = _entry_id(request.POST.get("page"))
                if page >= pages:
                    return False
                state["page"] = page
            step.state = state
            step.save(update_fields=["state"])
            return True
        entry_id = _entry_id(request.POST.get("entry"))
        entry = next((e for e in self.entries(step) if e.pk == entry_id), None)
        if entry is None:
            raise Http404("No such agreement in this review")
        if action == "focus":
            step.state = {**step.state, "entry": entry.pk}
            step.save(update_fields=["state"])
            return True
        return self._record_outcome(request, step, entry)

    def _record_outcome(self, request, step, entry):
        from cooperations.models import EntryStatus
        from cooperations.register import change_status

        status = request.POST.get("status", "")
        if status not in EntryStatus.values:
            return False
        try:
            note = clean_answer_text(request.POST.get("note"), NOTE_MAX, required=False)
        except forms.ValidationError:
            return False
        change_status(entry, status, note=note, user=request.user, session=step.session)
        return True
