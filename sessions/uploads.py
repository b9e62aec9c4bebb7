"""A request body too large for any upload is not read into files.

Django streams an upload into a temporary file before a view can look at its size. This
handler comes first: once a request is known to be larger than MAX_UPLOAD_REQUEST_BYTES
(from its Content-Length, or by counting a chunked body) it stops the upload, so nothing
more reaches memory or disk; the fields before the file (action, CSRF token) still arrive,
and the view tells the phone the file is too large (see `upload_was_too_large`).
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class RequestSizeLimitHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.too_large = content_length > settings.MAX_UPLOAD_REQUEST_BYTES
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.too_large or self.received > settings.MAX_UPLOAD_REQUEST_BYTES:
            self.request.upload_too_large = True
            # Read and drop the rest of the body, so the phone still gets the answer.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def upload_was_too_large(request):
    request.FILES  # noqa: B018 (parsing the body runs the handler)
    return getattr(request, "upload_too_large", False)
