"""Simulated phones, a facilitator and a projector, as the real pages behave.

Run by `bench/live_bench.py` (`make bench`), which prepares the database, starts gunicorn and
passes what it set up through the environment:

    BENCH_CODE          the live session's join code (the realistic phase)
    BENCH_BURST_CODE    a second session, for the burst of answers in one second
    BENCH_STEPS         "cover_id,strength_id": the two steps the facilitator moves between
    BENCH_BURST_STEP    the strength step of the burst session
    BENCH_PHASE         live | burst | ceiling-poll | ceiling-hello
    BENCH_INTERVAL      the app's poll interval in seconds (LIVE_POLL_INTERVAL_MS / 1000)
    BENCH_STEP_SECONDS  how often the facilitator moves the agenda (20 s)
    BENCH_BURST_SIZE    how many phones answer in the same second (300)

Request names in the CSV: "poll", "panel", "submit", "projector results", "join", "navigate",
"hello", and "propagation" (not a request: the time from the facilitator's POST to a phone's
first poll that saw the new step, reported through locust's own statistics).
"""

import itertools
import os
import random
import re
import time
import uuid

import gevent
from gevent.event import Event
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

PHASE = os.environ.get("BENCH_PHASE", "live")
CODE = os.environ.get("BENCH_CODE", "")
BURST_CODE = os.environ.get("BENCH_BURST_CODE", "")
STEPS = [int(s) for s in os.environ.get("BENCH_STEPS", "0,0").split(",")]
BURST_STEP = int(os.environ.get("BENCH_BURST_STEP", "0"))
INTERVAL = float(os.environ.get("BENCH_INTERVAL", "1.5"))
STEP_SECONDS = float(os.environ.get("BENCH_STEP_SECONDS", "20"))
BURST_SIZE = int(os.environ.get("BENCH_BURST_SIZE", "300"))
FACILITATOR = (os.environ.get("BENCH_USER", "bench"), os.environ.get("BENCH_PASSWORD", ""))

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ORGANISATION_OPTION = re.compile(r'<option value="(\d+)"')
SPREAD = re.compile(r'data-spread-ms-per-participant="(\d+)"')

# When each step became current (the moment the facilitator's POST was sent), by step id.
step_changed_at = {}
# Set when every phone has joined: the facilitator starts moving the agenda only then.
everyone_in = Event()
names = itertools.count(1)


def csrf_token(html):
    match = CSRF_FIELD.search(html)
    return match.group(1) if match else ""


def record_propagation(environment, seconds):
    environment.events.request.fire(
        request_type="STEP",
        name="propagation",
        response_time=seconds * 1000,
        response_length=0,
        exception=None,
        context={},
    )


class Phone:
    """What static/js/live.js and autosave.js do on a participant's phone."""

    def join(self, code):
        self.code = code
        self.version = ""
        self.step = None
        self.phone_version = None
        with self.client.get(f"/j/{code}", name="join", catch_response=True) as page:
            token = csrf_token(page.text)
            organisations = ORGANISATION_OPTION.findall(page.text)
            if not token:
                page.failure("no join form")
                raise StopUser()
        number = next(names)
        form = {
            "csrfmiddlewaretoken": token,
            "name": f"Deelnemer {number}",
            "organisation": random.choice(organisations) if organisations else "",
            "side": random.choice(["formal", "informal"]),
            "language": "nl",
        }
        with self.client.post(
            f"/j/{code}", data=form, name="join", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"join refused: {response.status_code}")
                raise StopUser()
        self.csrf = token
        self.fetch_panel()

    def fetch_panel(self, joined=0):
        if joined:  # live.js: wait a random part of the room's spread (per participant × n)
            gevent.sleep(random.uniform(0, self.spread_ms_per_participant * joined / 1000))
        with self.client.get(
            f"/p/{self.code}/", headers={"HX-Request": "true"}, name="panel", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"panel: {response.status_code}")
                return
            found = SPREAD.search(response.text)
            self.spread_ms_per_participant = int(found.group(1)) if found else 0

    def poll(self):
        """One poll; True when the step changed (and the panel was fetched again)."""
        with self.client.get(
            f"/live/{self.code}?v={self.version}", name="poll", catch_response=True
        ) as response:
            if response.status_code == 204:
                return False
            if response.status_code != 200:
                response.failure(f"poll: {response.status_code}")
                return False
            state = response.json()
        self.version = str(state["v"])
        step_changed = state["step"] != self.step
        if step_changed and self.step is not None:
            started = step_changed_at.get(state["step"])
            if started:
                record_propagation(self.environment, time.time() - started)
        panel_changed = step_changed or state["p"] != self.phone_version
        self.step, self.phone_version = state["step"], state["p"]
        if panel_changed:
            self.fetch_panel(joined=state["n"])
        return step_changed

    def submit_note(self, step_id, text):
        """POST a note; like static/js/autosave.js, send it again if the connection dropped.

        A kept-alive connection the server has just closed fails at once (status 0); the
        page's script resends with the same client id, so the note is stored once.
        """
        data = {"client_id": uuid.uuid4().hex, "text": text}
        for attempt in ("submit", "submit (resent)"):
            with self.client.post(
                f"/p/{self.code}/steps/{step_id}/answer",
                data=data,
                headers={"HX-Request": "true", "X-CSRFToken": self.csrf},
                name=attempt,
                catch_response=True,
            ) as response:
                if response.status_code == 200:
                    return True
                if response.status_code != 0 or attempt != "submit":
                    response.failure(f"submit: {response.status_code}")
                    return False
                response.success()  # counted under its own name below
        return False


class LivePhone(Phone, FastHttpUser):
    """A phone in the room: polls every interval and writes one note on each strength step."""

    weight = 1000
    wait_time = constant(INTERVAL)

    def on_start(self):
        self.join(CODE)
        self.answer_at = None

    @task
    def follow_the_wall(self):
        if self.poll():
            # Someone reads the prompt, then types: answers spread over the step's time.
            self.answer_at = None
            if self.step == STEPS[1]:
                self.answer_at = time.time() + random.uniform(1, STEP_SECONDS - 5)
        if self.answer_at is not None and time.time() >= self.answer_at:
            self.answer_at = None
            self.submit_note(self.step, "Zij kennen de gezinnen in de wijk")


def log_in_as_the_facilitator(user):
    """Log `user`'s client in; returns the CSRF token of the controls page."""
    page = user.client.get("/login/", name="login")
    user.client.post(
        "/login/",
        data={
            "csrfmiddlewaretoken": csrf_token(page.text),
            "username": FACILITATOR[0],
            "password": FACILITATOR[1],
        },
        name="login",
    )
    return csrf_token(user.client.get(f"/f/{CODE}/controls/", name="controls").text)


class FacilitatorUser(FastHttpUser):
    """Logs in and moves the agenda between the cover and the strength step every 20 s."""

    fixed_count = 1
    wait_time = constant(STEP_SECONDS)

    def on_start(self):
        self.csrf = log_in_as_the_facilitator(self)
        self.targets = itertools.cycle([STEPS[1], STEPS[0]])
        everyone_in.wait()  # the phones are still joining the cover

    @task
    def move_the_agenda(self):
        target = next(self.targets)
        step_changed_at[target] = time.time()
        with self.client.post(
            f"/f/{CODE}/navigate",
            data={"action": "go", "step": target},
            headers={"HX-Request": "true", "X-CSRFToken": self.csrf},
            name="navigate",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"navigate: {response.status_code}")


class ProjectorUser(FastHttpUser):
    """The wall: polls like a phone and fetches the results on every change."""

    fixed_count = 1
    wait_time = constant(INTERVAL)

    def on_start(self):
        log_in_as_the_facilitator(self)
        self.version = ""

    @task
    def show_results(self):
        response = self.client.get(f"/live/{CODE}?v={self.version}", name="poll")
        if response.status_code == 200:
            self.version = str(response.json()["v"])
            self.client.get(
                f"/f/{CODE}/projector/", headers={"HX-Request": "true"}, name="projector results"
            )


# -- The burst: BURST_SIZE phones join, wait for each other, then answer in the same second.
everyone_joined = Event()
joined_for_burst = itertools.count(1)
answered_in_burst = itertools.count(1)


class BurstPhone(Phone, FastHttpUser):
    weight = 1
    wait_time = constant(1)

    def on_start(self):
        self.join(BURST_CODE)
        if next(joined_for_burst) >= BURST_SIZE:
            everyone_joined.set()

    @task
    def answer_together(self):
        everyone_joined.wait()
        gevent.sleep(random.uniform(0, 0.9))  # all within one second
        self.submit_note(BURST_STEP, f"burst {uuid.uuid4().hex[:8]}")
        if next(answered_in_burst) >= BURST_SIZE:
            # Everyone has answered: end the phase (later, so the last results are counted).
            gevent.spawn_later(2, self.environment.runner.quit)
        raise StopUser()


# -- The ceiling: as many requests as the server answers, for the poll and for a bare view.
class PollCeiling(FastHttpUser):
    weight = 1
    wait_time = constant(0)

    def on_start(self):
        self.version = str(self.client.get(f"/live/{CODE}", name="first poll").json()["v"])

    @task
    def poll(self):
        self.client.get(f"/live/{CODE}?v={self.version}", name="poll")


class HelloCeiling(FastHttpUser):
    weight = 1
    wait_time = constant(0)

    @task
    def hello(self):
        self.client.get("/bench/hello", name="hello")


_phases = {
    "live": [LivePhone, FacilitatorUser, ProjectorUser],
    "burst": [BurstPhone],
    "ceiling-poll": [PollCeiling],
    "ceiling-hello": [HelloCeiling],
}


# BENCH_TRACE: a CSV of every request (when it ended, its name, its time), to see what the
# server was doing when the slow ones happened (`live_bench.py --keep` keeps it).
TRACE = os.environ.get("BENCH_TRACE")
trace_rows = []


@events.request.add_listener
def _trace(name, response_time, **kwargs):
    if TRACE:
        trace_rows.append((round(time.time(), 3), name, round(response_time, 1)))


@events.quitting.add_listener
def _write_trace(**kwargs):
    if TRACE:
        with open(TRACE, "w") as handle:
            handle.writelines(f"{t},{name},{ms}\n" for t, name, ms in trace_rows)


@events.spawning_complete.add_listener
def _everyone_joined(user_count, **kwargs):
    everyone_in.set()


# locust picks up every User class defined in this module; keep only this phase's.
for _user_class in itertools.chain.from_iterable(_phases.values()):
    _user_class.abstract = _user_class not in _phases[PHASE]
del _user_class  # a module-level name for a class would count as one more User class
