"""A slide: the step's title and text from the deck, on the wall and on the phones."""

from django.utils.translation import gettext_lazy as _

from ..registry import Kind, register


@register
class Slide(Kind):
    slug = "slide"
    label = _("Slide")
