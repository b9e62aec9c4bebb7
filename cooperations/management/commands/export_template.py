from django.core.management.base import BaseCommand, CommandError

from sessions.models import AgendaTemplate

from ...templates_io import export_json


class Command(BaseCommand):
    help = "Write an agenda template (by default the 2017 toolkit) as a JSON file to share."

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", default="toolkit-2017")
        parser.add_argument("--out", help="the file to write; standard output without it")

    def handle(self, slug, out=None, **options):
        template = AgendaTemplate.objects.filter(slug=slug).first()
        if template is None:
            raise CommandError(f"No template {slug!r}")
        content = export_json(template)
        if out:
            with open(out, "wb") as file:
                file.write(content)
        else:
            self.stdout.write(content.decode("utf-8"))
