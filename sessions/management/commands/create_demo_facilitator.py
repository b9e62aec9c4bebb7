from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "demo"
PASSWORD = "samenwerking"


class Command(BaseCommand):
    help = "Create the demo facilitator account for local development (refused unless DEBUG)."

    def handle(self, **options):
        if not settings.DEBUG:
            raise CommandError("The demo account is for development only: set DEBUG=1.")
        user, created = get_user_model().objects.get_or_create(
            username=USERNAME, defaults={"first_name": "Demo", "last_name": "Begeleider"}
        )
        user.set_password(PASSWORD)
        user.save()
        verb = "Created" if created else "Reset"
        self.stdout.write(f"{verb} demo facilitator: username '{USERNAME}', password '{PASSWORD}'")
