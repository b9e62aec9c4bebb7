"""Several workers, or several app servers, behind one database agree on everything.

Two gunicorn servers (one worker each, so it is known which process answers) share one
database, and the cache: the database table by default, Redis when REDIS_URL is set. No state
may live in one process only: the join-code limit, the live version, the login, the phone.
"""

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest

from tests.appserver import (
    AppServer,
    create_live_session,
    manage,
    prepare_database,
    production_env,
)

CACHES = ["database"] + (["redis"] if os.environ.get("REDIS_URL") else [])


class Browser:
    """A phone or a laptop: keeps its cookies, sends the CSRF token like the pages do."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect()
        )
        self.csrf = ""

    def get(self, url):
        return self._open(urllib.request.Request(url))

    def post(self, url, data):
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf, **data}).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        return self._open(request)

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=30) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        if token:
            self.csrf = token.group(1)
        return status, text


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(params=CACHES)
def two_servers(request, tmp_path):
    overrides = {"JOIN_ATTEMPTS_PER_WINDOW": "6"}
    if request.param == "redis":
        overrides["REDIS_URL"] = os.environ["REDIS_URL"]
    env = production_env(tmp_path, **overrides)
    prepare_database(env)
    code, second_step = create_live_session(env)
    if request.param == "redis":
        manage(env, "shell", "-c", "from django.core.cache import cache; cache.clear()")
    with AppServer(env) as first, AppServer(env) as second:
        yield first.url, second.url, code, second_step


def test_failed_join_codes_are_counted_across_servers(two_servers):
    first, second, _code, _step = two_servers
    phone = Browser()
    statuses = [
        phone.get(f"{server}/j/WRONG{n}")[0] for n, server in enumerate([first, second] * 3)
    ]
    assert statuses == [404] * 6
    assert phone.get(f"{first}/j/WRONG7")[0] == 429
    assert phone.get(f"{second}/j/WRONG8")[0] == 429


def test_a_step_moved_on_one_server_reaches_a_phone_on_the_other(two_servers):
    first, second, code, second_step = two_servers
    phone = Browser()
    phone.get(f"{second}/j/{code}")
    status, _ = phone.post(
        f"{second}/j/{code}",
        {
            "name": "Samira",
            "side": "informal",
            "organisation": "",
            "language": "nl",
            "organisation_other": "Buurtmoeders",
        },
    )
    assert status == 302
    version = json.loads(phone.get(f"{first}/live/{code}")[1])["v"]
    assert phone.get(f"{second}/live/{code}?v={version}")[0] == 204

    laptop = Browser()
    laptop.get(f"{first}/login/")
    status, _ = laptop.post(
        f"{first}/login/", {"username": "fenna", "password": "twee-servers-2026"}
    )
    assert status == 302
    laptop.get(f"{second}/f/{code}/controls/")  # logged in on the other server too
    status, _ = laptop.post(f"{second}/f/{code}/navigate", {"action": "go", "step": second_step})
    assert status in (200, 302)

    status, text = phone.get(f"{first}/live/{code}?v={version}")
    assert status == 200
    assert json.loads(text)["step"] == int(second_step)
    status, panel = phone.get(f"{first}/p/{code}/")
    assert status == 200
    assert "Samira" in panel or "Buurtmoeders" in panel
