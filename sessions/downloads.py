from django.http import HttpResponse


def download(content, content_type, filename):
    """A file to save (report, export, handout): personal data, so never kept by a cache."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
