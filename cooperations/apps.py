from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationsConfig(AppConfig):
    name = "cooperations"
    verbose_name = _("Cooperations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # A meeting that closes puts its agreements into its cooperation's register.
        from . import signals  # noqa: F401
