from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sessions import exports
from sessions.codes import normalize_join_code
from sessions.models import Session


class Command(BaseCommand):
    help = "Write a session's report (PDF) or its contributions (CSV, JSON) to a file."

    def add_arguments(self, parser):
        parser.add_argument("code", help="the session's join code")
        parser.add_argument("--out", required=True, help="file to write")
        parser.add_argument("--format", choices=["pdf", "csv", "json"], default="pdf")

    def handle(self, code, out, format, **options):
        session = Session.objects.filter(code=normalize_join_code(code)).first()
        if session is None:
            raise CommandError(f"No session with the code {code!r}.")
        if format == "pdf":
            from sessions.report import render_report_pdf

            content = render_report_pdf(session)
        elif format == "csv":
            content = exports.contributions_csv(session)
        else:
            content = exports.session_json(session)
        Path(out).write_bytes(content)
        self.stdout.write(f"Wrote {out} ({len(content):,} bytes) for '{session.title}'.")
