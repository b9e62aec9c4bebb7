"""The session report: the meeting's memory, as a PDF (WeasyPrint) in the session's language.

Every exercise's part is its kind's `report` partial; this module never names a kind.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation

from exercises.rendering import step_context

# WeasyPrint resolves every URL of the report against this base; the fetcher below serves
# only our static files and this session's uploads from it, and refuses everything else.
REPORT_BASE = "https://report.invalid/"


class RefusedURL(ValueError):
    pass


def report_context(session):
    steps = list(session.active_steps())
    sections, agreements = [], []
    for step in steps:
        context = step_context(session, step, surface="report", language=session.language)
        kind = context["kind"]
        agreements.extend(kind.agreements(step))
        if kind.takes_input:
            html = render_to_string(context["step_partial"], {**context, "session": session})
            sections.append(
                {"title": context["text"]["title"], "anchor": f"step-{step.pk}", "html": html}
            )
    counts = session.join_counts()
    return {
        "session": session,
        "steps": steps,
        "sections": sections,
        "agreements": agreements,
        "counts": counts,
        "organisations": session.organisations_by_side(),
        "planned_minutes": sum(step.minutes for step in steps),
        "actual_minutes": round(sum(step.actual_seconds for step in steps) / 60),
    }


def render_report_html(session):
    with translation.override(session.language):
        return render_to_string("report/session.html", report_context(session))


def static_file(name):
    """The file of a static URL's name: with hashed static files (production), `{% static %}`
    names the collected copy (css/report.3f2a….css), which only STATIC_ROOT holds; in
    development the name is the source file's, which the finders find."""
    found = finders.find(name)
    if found:
        return found
    try:
        collected = staticfiles_storage.path(name)
    except (NotImplementedError, SuspiciousFileOperation):
        return None
    return collected if Path(collected).is_file() else None


def safe_url_fetcher(session):
    """A WeasyPrint URL fetcher that serves static files, this session's uploads and data: URIs.

    Anything else (file:, http(s): to any host, other sessions' uploads) is refused, so a
    participant's text can never make the report read a server file or call out (SSRF).
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    media_root = Path(settings.MEDIA_ROOT).resolve()
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    media_prefix = f"{settings.MEDIA_URL}{session.code}/"

    class SessionFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"data"})

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if not url.startswith(REPORT_BASE):
                raise RefusedURL(f"Refused to fetch {url!r} for the report")
            path = unquote(urlsplit(url).path)
            if path.startswith(static_prefix) and ".." not in path:
                found = static_file(path[len(static_prefix) :])
                file_path = Path(found) if found else None
            elif path.startswith(media_prefix):
                file_path = (media_root / path[len(settings.MEDIA_URL) :]).resolve()
                if media_root not in file_path.parents:
                    file_path = None
            else:
                file_path = None
            if file_path is None or not file_path.is_file():
                raise RefusedURL(f"Refused to fetch {url!r} for the report")
            content_type = mimetypes.guess_type(file_path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, file_path.read_bytes(), headers={"Content-Type": content_type}
            )

    return SessionFetcher()


def render_report_pdf(session):
    from weasyprint import HTML  # heavy: imported only when a report is made

    html = render_report_html(session)
    return HTML(
        string=html, base_url=REPORT_BASE, url_fetcher=safe_url_fetcher(session)
    ).write_pdf()
