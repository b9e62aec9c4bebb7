"""The join link and its QR code, as shown on the wall."""

from functools import lru_cache

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe


def join_url(request, session):
    path = reverse("join", args=[session.code])
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)


@lru_cache(maxsize=256)
def qr_svg(url):
    """An inline SVG QR code that scales with CSS (no fixed size, only a viewBox)."""
    import segno

    qr = segno.make(url, error="m")
    # segno writes only its own markup around our URL, which it encodes as modules.
    return mark_safe(qr.svg_inline(scale=1, border=2, omitsize=True, dark="#000", light="#fff"))
