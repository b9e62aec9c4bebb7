"""The exercise kinds: each step of an agenda has a kind, and each kind is one unit.

A kind is a subclass of `Kind` in its own module in `exercises/kinds/`, registered with
`register(...)`, and one template `templates/exercises/<slug>.html` with the partials:

- `phone`:     what a participant sees and fills in on the phone;
- `projector`: the live results on the wall;
- `controls`:  the facilitator's extra controls for the step (may be empty);
- `report`:    its part of the session report;
- `prepare`:   only with `has_prepare`: what the facilitator sets up before the session.

Views, live updates and the report look kinds up here and never name one.
"""

from django.http import HttpResponseBadRequest


class Kind:
    slug = ""
    label = ""
    # Does the projector say "12 of 20 answered" for this kind?
    counts_answers = False
    # Do phones write anything in this step? (Lock buttons, autosave.)
    takes_input = False
    # Does the facilitator prepare content for it (quotes...)? Then the template has a
    # `prepare` partial, shown on the step's edit page, and `prepare_context` feeds it.
    has_prepare = False

    @property
    def template(self):
        return f"exercises/{self.slug}.html"

    def partial(self, name):
        """The template name of one of the kind's partials: "phone", "projector", ..."""
        return f"{self.template}#{name}"

    # --- context for each partial ----------------------------------------------------

    def phone_context(self, step, session, participant):
        return {}

    def projector_context(self, step, session):
        return {}

    def controls_context(self, step, session):
        return self.projector_context(step, session)

    def report_context(self, step, session):
        return self.projector_context(step, session)

    def prepare_context(self, step, session):
        return {}

    def agreements(self, step):
        """Agreements for the follow-up made in this step (visible ones), for the report's
        own table: dicts with what, who, side, due. Only the closing kind has them."""
        return []

    def answered_count(self, step):
        """How many participants have answered (for "12 of 20 answered"), or None."""
        return None

    # --- writes ------------------------------------------------------------------------

    def save_answer(self, request, step, participant):
        """Validate and store a phone's POST for this step; return the response to send.

        Called only for a joined participant, an included step of their own session that is
        not locked, in a session that is not closed: the view has checked all that.
        """
        return HttpResponseBadRequest("This step takes no answers")

    def facilitator_action(self, request, step, action):
        """A kind's own facilitator action (spotlight, next card, form groups...).

        Return True when it changed something the wall should show, False when the action
        was refused (unknown, invalid); raise Http404 for ids that aren't this step's.
        """
        return False


_KINDS: dict[str, Kind] = {}
FALLBACK = "slide"


def register(kind_class):
    """Class decorator: register one instance of the kind."""
    kind = kind_class()
    if kind.slug in _KINDS:
        raise ValueError(f"Exercise kind {kind.slug!r} is registered twice")
    _KINDS[kind.slug] = kind
    return kind_class


def get_kind(slug):
    """The kind for a step; a kind this installation doesn't know shows as a slide."""
    return _KINDS.get(slug) or _KINDS[FALLBACK]


def all_kinds():
    return dict(_KINDS)
