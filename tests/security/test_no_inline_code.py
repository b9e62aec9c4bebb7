"""Every page that phones, the projector and the facilitator see works under the strict policy:
the Content-Security-Policy header is on it and it holds no inline script or style that the
browser would refuse (no <script> body, no <style>, no style= or on*= attributes).

The pages come from the demo session, which has content in every exercise, walked step by
step on a phone of each side, the projector and the controls.
"""

from html.parser import HTMLParser

from django.urls import reverse

from .conftest import phone_of


class InlineCodeFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = {name for name, _value in attrs}
        if tag == "script":
            if "src" not in names:
                self.found.append("<script> without src")
            self._in_script = True
        if tag == "style":
            self.found.append("<style> element")
        if "style" in names:
            self.found.append(f"style= on <{tag}>")
        self.found += [f"{name}= on <{tag}>" for name in names if name.startswith("on")]

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append("script body")


def inline_code(html):
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.found


def assert_strict(response, where):
    assert response.status_code == 200, where
    assert "script-src 'self'" in response["Content-Security-Policy"], where
    assert inline_code(response.content.decode()) == [], where


def test_the_finder_sees_inline_code():
    html = '<script>alert(1)</script><p style="color:red" onclick="x()"></p><style>p{}</style>'
    assert inline_code(html) == [
        "<script> without src",
        "script body",
        "style= on <p>",
        "onclick= on <p>",
        "<style> element",
    ]
    assert inline_code('<script src="/static/js/live.js" defer></script>') == []


def test_every_step_on_phones_projector_and_controls_has_no_inline_code(demo, owner_client):
    phones = [
        phone_of(demo.participants.filter(side=side).first()) for side in ("formal", "informal")
    ]
    steps = list(demo.active_steps())
    assert len(steps) > 15
    forms_seen = 0
    for step in steps:
        demo.go_to(step)
        where = f"step {step.key}"
        assert_strict(owner_client.get(reverse("controls", args=[demo.code])), where)
        assert_strict(owner_client.get(reverse("projector", args=[demo.code])), where)
        assert_strict(owner_client.get(reverse("edit_step", args=[demo.code, step.pk])), where)
        for phone in phones:
            page = phone.get(reverse("phone", args=[demo.code]))
            assert_strict(page, where)
            forms_seen += "<textarea" in page.content.decode()
            # The panel that htmx swaps in when the step changes.
            assert_strict(
                phone.get(reverse("phone", args=[demo.code]), HTTP_HX_REQUEST="true"), where
            )


def test_the_facilitators_and_the_join_pages_have_no_inline_code(demo, owner_client, client):
    for url in (
        reverse("facilitator_home"),
        reverse("create_session"),
        reverse("prepare", args=[demo.code]),
        reverse("reports_home"),
    ):
        assert_strict(owner_client.get(url), url)
    for url in (reverse("home"), reverse("join", args=[demo.code]), reverse("login")):
        assert_strict(client.get(url), url)
