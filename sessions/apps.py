from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopSessionsConfig(AppConfig):
    name = "sessions"
    # django.contrib.sessions already owns the label "sessions".
    label = "workshop_sessions"
    verbose_name = _("Workshop sessions")
    default_auto_field = "django.db.models.BigAutoField"
