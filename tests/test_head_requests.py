"""A HEAD request: the GET's status and headers, no body, and the response closed."""

from workshop.head_requests import BodilessHead


class Response(list):
    closed = False

    def close(self):
        self.closed = True


def serve(method):
    sent = {}
    response = Response([b"<html>", b"...</html>"])

    def application(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", "16")])
        return response

    def start_response(status, headers):
        sent.update(status=status, headers=headers)

    body = BodilessHead(application)({"REQUEST_METHOD": method}, start_response)
    return b"".join(body), sent, response


def test_a_head_request_gets_the_headers_of_the_get_without_the_body():
    body, sent, response = serve("HEAD")
    assert body == b""
    assert sent == {
        "status": "200 OK",
        "headers": [("Content-Type", "text/html"), ("Content-Length", "16")],
    }
    assert response.closed  # Django's request_finished runs from close()


def test_other_requests_get_their_body_untouched():
    body, sent, response = serve("GET")
    assert body == b"<html>...</html>"
    assert not response.closed  # the server closes it after sending, as usual
