from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = _("Exercises")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Each kind registers itself on import; importing the package loads them all.
        from . import kinds  # noqa: F401
