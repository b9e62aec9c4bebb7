"""Which language each screen speaks.

The wall and the report speak the session's language, the facilitator's pages the language
the facilitator chose (LocaleMiddleware), and each phone its participant's own language.
"""

from django.conf import settings
from django.utils import translation


def supported_phone_language(code):
    """`code` if a phone can speak it (a variant like "tr-TR" becomes "tr"), else None."""
    try:
        return translation.get_supported_language_variant((code or "").strip())
    except LookupError:
        return None


def phone_language(participant):
    """The participant's own language; the browser's (as LocaleMiddleware found it) if none."""
    return supported_phone_language(participant.language) or translation.get_language()


def remember_phone_language(response, code):
    """The pages a phone opens before joining (start, join) follow its last choice too."""
    # As Django's own set_language view sets it, so LocaleMiddleware reads it back.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
