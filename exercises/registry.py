"""The exercise kinds: each step of an agenda has a kind, and each kind is one unit.

A kind is registered by its own module in `exercises/kinds/` and renders through one
template in `templates/exercises/` with the partials `phone`, `projector` and `report`.
Views, live updates and the report look kinds up here and never name one.
"""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str | Promise
    template: str

    def partial(self, name):
        """The template name of one of the kind's partials: "phone", "projector", "report"."""
        return f"{self.template}#{name}"

    def context(self, step, session, participant=None):
        """Extra context the kind's partials need; kinds with data override this."""
        return {}


_KINDS: dict[str, Kind] = {}
FALLBACK = "slide"


def register(kind):
    if kind.slug in _KINDS:
        raise ValueError(f"Exercise kind {kind.slug!r} is registered twice")
    _KINDS[kind.slug] = kind
    return kind


def get_kind(slug):
    """The kind for a step; a kind this installation doesn't know shows as a slide."""
    return _KINDS.get(slug) or _KINDS[FALLBACK]


def all_kinds():
    return dict(_KINDS)
