from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ...templates_io import import_template


class Command(BaseCommand):
    help = "Import an agenda template from a JSON file, as a facilitator's own template."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--owner", required=True, help="the facilitator's username")

    def handle(self, path, owner, **options):
        user = get_user_model().objects.filter(username=owner).first()
        if user is None:
            raise CommandError(f"No user {owner!r}")
        try:
            template = import_template(user, Path(path).read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Imported '{template}' ({template.slug}) for {owner}.")
