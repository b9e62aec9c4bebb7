"""The context every view needs to show a step through its kind, on any surface."""

from django.utils import translation

from .registry import get_kind

SURFACES = ("phone", "projector", "controls", "report")


def step_context(session, step, *, surface, participant=None, language=None):
    """Texts, kind, partial names and the kind's own context for one surface."""
    if step is None:
        return {"step": None}
    kind = get_kind(step.kind)
    language = language or translation.get_language()
    if surface == "phone":
        extra = kind.phone_context(step, session, participant)
    elif surface == "controls":
        extra = kind.controls_context(step, session)
    elif surface == "report":
        extra = kind.report_context(step, session)
    else:
        extra = kind.projector_context(step, session)
    context = {
        "step": step,
        "kind": kind,
        "language": language,
        "text": step.text(language),
        "step_partial": kind.partial(surface),
        "projector_partial": kind.partial("projector"),
        "phone_partial": kind.partial("phone"),
        "controls_partial": kind.partial("controls"),
        **extra,
    }
    if kind.counts_answers and surface != "phone":
        context["answered"] = kind.answered_count(step)
    return context
