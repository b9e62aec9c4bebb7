import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sessions.models import AgendaTemplate, TemplateStep

DEFAULT_FILE = Path(settings.BASE_DIR) / "fixtures" / "toolkit-2017.json"


class Command(BaseCommand):
    help = "Load (or update) an agenda template from fixtures/, by default the 2017 toolkit."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_FILE))

    @transaction.atomic
    def handle(self, path, **options):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        template, created = AgendaTemplate.objects.update_or_create(
            slug=data["slug"], defaults={"title": data["title"], "source": data.get("source", "")}
        )
        keys = []
        for position, step in enumerate(data["steps"], start=1):
            keys.append(step["key"])
            TemplateStep.objects.update_or_create(
                template=template,
                key=step["key"],
                defaults={
                    "position": position,
                    "kind": step["kind"],
                    "optional": step.get("optional", False),
                    "minutes": step["minutes"],
                    "texts": step["texts"],
                    "config": step.get("config", {}),
                },
            )
        # Sessions keep their own copy of the steps, so removing a template step is safe.
        template.steps.exclude(key__in=keys).delete()
        verb = "Loaded" if created else "Updated"
        if options["verbosity"]:
            self.stdout.write(f"{verb} template '{template.slug}' with {len(keys)} steps.")
