"""The cover: the toolkit's title with the session's own, and how to join, large."""

from django.utils.translation import gettext_lazy as _

from ..registry import Kind, register


@register
class Cover(Kind):
    slug = "cover"
    label = _("Cover")
