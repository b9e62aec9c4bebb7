"""Faults of the real server: gunicorn killed mid-burst, and 200 phones writing at once.

These run the production stack, not the test client: gunicorn with several worker processes
and threads (gunicorn.conf.py) on a SQLite file in WAL mode. pytest-django's live_server is
not used on purpose: on SQLite it serves from the test's in-memory database through one
shared connection, so writers never meet, and "database is locked" could not happen there.
Here each worker has its own connection to the same file, as in production.
"""

import http.client
import json
import secrets
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.appserver import ROOT, AppServer, prepare_database, production_env

CSRF = secrets.token_hex(16)  # a CSRF secret: the same value in the cookie and the header

SETUP_SCRIPT = """
import json, django
django.setup()
from django.contrib.auth import get_user_model
from sessions.access import participant_cookie_name, participant_cookie_value
from sessions.forms import JoinForm, SessionCreateForm
from sessions.models import AgendaTemplate

owner = get_user_model().objects.create_user("marjolijn", password="pw-marjolijn-2017")
form = SessionCreateForm(data={
    "title": "Samen sterk", "date": "2026-12-03", "place": "Dordrecht", "language": "nl",
    "formal_organisations": "CJG Dordrecht", "informal_organisations": "Stichting Al Amal",
})
assert form.is_valid(), form.errors
session = form.save_for(owner, AgendaTemplate.objects.get(slug="toolkit-2017"))
step = session.steps.get(kind="strength")
session.go_to(step)
phones = []
for number in range(PHONES):
    side = ("formal", "informal")[number % 2]
    join = JoinForm(data={
        "name": f"Ouder {number}", "side": side,
        "organisation": str(session.organisations.get(side=side).pk),
    }, session=session)
    assert join.is_valid(), join.errors
    participant = join.save()
    phones.append({participant_cookie_name(session.code): participant_cookie_value(participant)})
card = session.steps.get(kind="org_presentation")
print(json.dumps({
    "code": session.code, "step": step.pk, "phones": phones,
    "card_step": card.pk, "card_field": card.config["questions"][0]["key"],
}))
"""


class Server(AppServer):
    """gunicorn on a SQLite file, as `make serve` runs it, with 4 workers of 8 threads."""

    def __init__(self, tmp_path, secret_key):
        self.db = tmp_path / "workshop.sqlite3"
        env = production_env(
            tmp_path,
            SECRET_KEY=secret_key,
            DATABASE_URL=f"sqlite:///{self.db}",
            GUNICORN_THREADS="8",
        )
        super().__init__(env, workers=4)

    @property
    def log(self):
        return self.log_path

    def prepare(self, phones):
        prepare_database(self.env)
        script = SETUP_SCRIPT.replace("PHONES", str(phones))
        result = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    def address(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def post(self, path, cookies, data, timeout=30):
        cookie = "; ".join(f"{k}={v}" for k, v in {**cookies, "csrftoken": CSRF}.items())
        request = urllib.request.Request(
            self.address(path),
            data=urllib.parse.urlencode(data).encode(),
            headers={"Cookie": cookie, "X-CSRFToken": CSRF, "HX-Request": "true"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def get(self, path, cookies=None):
        cookie = "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())
        request = urllib.request.Request(self.address(path), headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()

    def query(self, sql, *params):
        with sqlite3.connect(self.db) as connection:
            return connection.execute(sql, params).fetchall()

    def stored_client_ids(self, step):
        rows = self.query("SELECT client_id FROM exercises_contribution WHERE step_id = ?", step)
        return [row[0] for row in rows]


SECRET_KEY = "fault-test-" + secrets.token_hex(16)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """One migrated database with a live session and 50 joined phones, copied per test."""
    folder = tmp_path_factory.mktemp("prepared")
    world = Server(folder, SECRET_KEY).prepare(phones=50)
    return folder / "workshop.sqlite3", world


@pytest.fixture
def server(prepared, tmp_path):
    template, world = prepared
    server = Server(tmp_path, SECRET_KEY)
    with sqlite3.connect(template) as source, sqlite3.connect(server.db) as copy:
        source.backup(copy)
    server.world = world
    yield server
    server.stop()


def test_answers_confirmed_before_a_sigkill_are_all_there_after_restart(server):
    world = server.world
    code, step = world["code"], world["step"]
    answer = f"/p/{code}/steps/{step}/answer"
    step_before = server.query("SELECT current_step_id FROM workshop_sessions_session")
    server.start()

    confirmed, lock = [], threading.Lock()
    enough = threading.Event()  # kill once the burst is well under way

    def phone(number):
        cookies = world["phones"][number]
        for note in range(12):  # a strength step takes 12 notes per participant
            client_id = f"p{number}-n{note}"
            try:
                status, _body = server.post(
                    answer,
                    cookies,
                    {"text": f"Notitie {note} van {number}", "client_id": client_id},
                )
            except (OSError, http.client.HTTPException):
                return  # the server died under this request: no success, so no promise
            if status == 200:
                with lock:
                    confirmed.append(client_id)
                    if len(confirmed) >= 60:
                        enough.set()

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    assert enough.wait(timeout=60), "the burst did not get going"
    server.kill()
    for thread in threads:
        thread.join(timeout=60)
    with lock:
        promised = list(confirmed)

    server.start()
    stored = server.stored_client_ids(step)
    assert len(promised) < 20 * 12, "the kill came after the burst: nothing was tested"
    assert set(promised) <= set(stored), "an answer confirmed to a phone was lost"
    assert len(stored) == len(set(stored)), "an answer was stored twice"
    assert server.query("SELECT current_step_id FROM workshop_sessions_session") == step_before

    # A phone carries on by itself: its poll and its next answer work with the same cookie.
    status, body = server.get(f"/live/{code}?v=0")
    assert status == 200 and json.loads(body)["step"] == step
    cookies = world["phones"][0]
    status, page = server.get(f"/p/{code}/", cookies)
    assert status == 200 and "Ouder 0" in page
    status, _body = server.post(answer, cookies, {"text": "Na de herstart", "client_id": "after"})
    # 12 notes is the maximum: either it is stored, or the phone is told it is full.
    assert status in (200, 422)
    if status == 200:
        assert "after" in server.stored_client_ids(step)


def test_200_phones_answering_at_once_are_all_stored(server):
    world = server.world
    code, step = world["code"], world["step"]
    answer = f"/p/{code}/steps/{step}/answer"
    server.start()
    start = threading.Barrier(200)

    def phone(number):
        cookies = world["phones"][number % 50]
        start.wait()  # all 200 at the same moment
        return server.post(
            answer,
            cookies,
            {"text": f"Tegelijk {number}", "client_id": f"burst-{number}"},
            timeout=120,
        )

    with ThreadPoolExecutor(max_workers=200) as pool:
        results = list(pool.map(phone, range(200)))

    statuses = [status for status, _body in results]
    assert statuses == [200] * 200, {s: statuses.count(s) for s in set(statuses)}
    stored = server.stored_client_ids(step)
    assert sorted(stored) == sorted(f"burst-{n}" for n in range(200))
    log = server.log.read_text()
    assert "database is locked" not in log and "Traceback" not in log


def test_phones_of_one_organisation_saving_one_field_at_once_lose_nothing_silently(server):
    """25 phones of the same organisation write the same field of its card at the same moment,
    all from version 0: one is saved, every other writer is told and shown that text."""
    world = server.world
    server.start()
    formal = world["phones"][0::2][:25]  # even numbers joined for the same formal organisation
    start = threading.Barrier(len(formal))
    path = f"/p/{world['code']}/steps/{world['card_step']}/answer"

    def phone(number):
        start.wait()
        text = f"Tekst van telefoon {number}"
        return text, *server.post(
            path, formal[number], {"field": world["card_field"], "text": text, "base_version": 0}
        )

    with ThreadPoolExecutor(max_workers=len(formal)) as pool:
        results = list(pool.map(phone, range(len(formal))))

    saved = [text for text, status, _body in results if status == 200]
    told = [body for _text, status, body in results if status == 409]
    assert len(saved) == 1 and len(told) == len(formal) - 1
    (winner,) = saved
    assert all(winner in body for body in told)  # each sees the text they would overwrite
    (data,) = server.query(
        "SELECT data FROM exercises_contribution WHERE step_id = ?", world["card_step"]
    )
    assert json.loads(data[0])[world["card_field"]] == winner


def test_the_server_log_of_a_burst_holds_no_names_or_texts(server):
    world = server.world
    server.start()
    code, step = world["code"], world["step"]
    status, _body = server.post(
        f"/p/{code}/steps/{step}/answer",
        world["phones"][0],
        {"text": "Vertrouwelijk verhaal over mijn gezin", "client_id": "log"},
    )
    assert status == 200
    server.stop()
    log = server.log.read_text()
    assert "Vertrouwelijk" not in log and "Ouder 0" not in log
    assert world["phones"][0][f"wp_{code}"] not in log  # nor the phone's cookie
