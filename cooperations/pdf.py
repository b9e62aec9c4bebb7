"""PDFs of this app other than the session report, made with the report's own machinery: its
stylesheet and its URL fetcher, which serves static files only (and the session's uploads)."""

from types import SimpleNamespace

from sessions.report import REPORT_BASE, safe_url_fetcher

# A cooperation's report shows no uploads: a code no session has, so none are served.
NO_UPLOADS = SimpleNamespace(code="-")


def html_to_pdf(html, session=None):
    from weasyprint import HTML  # heavy: imported only when a PDF is made

    fetcher = safe_url_fetcher(session or NO_UPLOADS)
    return HTML(string=html, base_url=REPORT_BASE, url_fetcher=fetcher).write_pdf()
