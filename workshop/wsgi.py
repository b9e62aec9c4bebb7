import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workshop.settings")
django_application = get_wsgi_application()

# The live poll is answered in front of Django's middleware (sessions/live.py). Behind it, a
# HEAD request to Django gets its headers without the body (workshop/head_requests.py): the
# poll, a GET, never passes through that wrapper.
from sessions.live import LivePollFastPath  # noqa: E402  (needs the settings loaded above)
from workshop.head_requests import BodilessHead  # noqa: E402

application = LivePollFastPath(BodilessHead(django_application))


def _refuse_the_development_key():
    """A public server must not sign cookies with a key everybody can read in the source."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")


_refuse_the_development_key()
