"""Plan the next meeting of a cooperation: same partners, same agenda, and first a review of
what was agreed before."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from sessions.forms import SessionCreateForm
from sessions.models import AgendaTemplate, Side

from .models import Cooperation, Meeting
from .register import copy_agreements

REVIEW_KEY = "review"
REVIEW_MINUTES = 15
REVIEW_TEXTS = {
    "nl": {
        "title": "Terugblik op de afspraken",
        "body": "Wat hebben we de vorige keer afgesproken, en wat is ervan terechtgekomen?",
        "instruction": (
            "Laat deelnemers van beide kanten per afspraak op hun telefoon aangeven of die is "
            "gedaan, loopt of vastzit, met een toelichting. Bespreek de afspraken waar de "
            "kanten verschillend over denken en leg per afspraak de uitkomst vast: open, "
            "gedaan of vervallen."
        ),
    },
    "en": {
        "title": "Review of the agreements",
        "body": "What did we agree last time, and what became of it?",
        "instruction": (
            "Have participants from both sides report on their phones, for each agreement, "
            "whether it is done, in progress or stuck, with a comment. Discuss the agreements "
            "the sides see differently and record each outcome: open, done or dropped."
        ),
    },
}


def meeting_of(session):
    return Meeting.objects.select_related("cooperation").filter(session=session).first()


def _included_options(session):
    """The optional parts the previous meeting had, so the follow-up has them too."""
    included = {step.kind for step in session.steps.all() if step.optional and not step.skipped}
    return {
        field: kind in included for kind, field in SessionCreateForm.OPTIONAL_STEP_KINDS.items()
    }


def _insert_review_step(session):
    steps = list(session.steps.order_by("position"))
    if any(step.kind == REVIEW_KEY for step in steps):
        return  # the agenda (a template saved from a follow-up) has it already
    # Right after the cover, where the join code is on the wall: the first exercise.
    after = 1 if steps and steps[0].kind == "cover" else 0
    for step in reversed(steps[after:]):
        step.position += 1
        step.save(update_fields=["position"])
    session.steps.create(
        position=after + 1,
        key=REVIEW_KEY,
        kind=REVIEW_KEY,
        minutes=REVIEW_MINUTES,
        texts=REVIEW_TEXTS,
        config={},
    )


@transaction.atomic
def plan_follow_up(session, user, *, title, date, cooperation_title=""):
    """Create the follow-up of `session` (making it meeting 1 of a new cooperation if it
    was not in one yet) and return the new session. Raise ValidationError on bad input."""
    meeting = meeting_of(session)
    if meeting is None:
        cooperation = Cooperation.objects.create(
            title=(cooperation_title or session.title)[:150], owner=user
        )
        partners = set(session.shared_with.values_list("pk", flat=True)) | {session.owner_id}
        cooperation.shared_with.set(partners - {user.pk})
        meeting = Meeting.objects.create(cooperation=cooperation, session=session, number=1)
    cooperation = meeting.cooperation
    if session.is_closed:
        copy_agreements(meeting)

    organisations = session.organisations_by_side()
    form = SessionCreateForm(
        data={
            "title": title,
            "date": date,
            "place": session.place,
            "language": session.language,
            "formal_organisations": "\n".join(o.name for o in organisations[Side.FORMAL]),
            "informal_organisations": "\n".join(o.name for o in organisations[Side.INFORMAL]),
            **{field: "on" for field, on in _included_options(session).items() if on},
        }
    )
    if not form.is_valid():
        raise ValidationError([error for errors in form.errors.values() for error in errors])
    template = session.template or AgendaTemplate.objects.get(slug="toolkit-2017")
    follow_up = form.save_for(user, template)
    _insert_review_step(follow_up)
    partners = set(session.shared_with.values_list("pk", flat=True)) | {session.owner_id}
    follow_up.shared_with.set(partners - {user.pk})
    follow_up.coordinators.set(session.coordinators.all())
    number = (cooperation.meetings.aggregate(n=Max("number"))["n"] or 0) + 1
    Meeting.objects.create(cooperation=cooperation, session=follow_up, number=number)
    return follow_up
