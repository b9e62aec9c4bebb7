"""The app as production runs it, for the tests that need real processes: gunicorn with
gunicorn.conf.py on a database of its own, prepared with the same commands as a deployment.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(folder, **overrides):
    """Production settings (DEBUG off) on plain HTTP at 127.0.0.1, with a fresh SQLite file."""
    # Nothing of the test run's own Django or pytest settings leaks into the server.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "workshop.settings",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0",
        "STATIC_MANIFEST": "0",
        "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
        "MEDIA_ROOT": str(Path(folder) / "media"),
        "LOG_FORMAT": "json",
    }
    env.pop("REDIS_URL", None)  # each test says which cache it wants
    env.update(overrides)
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def prepare_database(env):
    """What a deployment runs before it serves (docs/deploy.md)."""
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "load_toolkit")


_CREATE_LIVE_SESSION = """
from django.contrib.auth import get_user_model
from sessions.forms import SessionCreateForm
from sessions.models import AgendaTemplate
user = get_user_model().objects.create_user("fenna", password="twee-servers-2026")
form = SessionCreateForm(data={"title": "Twee servers", "date": "2026-12-03", "language": "nl",
    "formal_organisations": "CJG Zwolle", "informal_organisations": "Buurtmoeders"})
assert form.is_valid(), form.errors
session = form.save_for(user, AgendaTemplate.objects.get(slug="toolkit-2017"))
steps = list(session.active_steps())
session.go_to(steps[0])
print(session.code, steps[1].pk)
"""


def create_live_session(env):
    """A facilitator `fenna` (password twee-servers-2026) and a live session on its first step;
    returns its code and the id of its second step."""
    code, second_step = manage(env, "shell", "-c", _CREATE_LIVE_SESSION).splitlines()[-1].split()
    return code, second_step


class AppServer:
    """gunicorn -c gunicorn.conf.py workshop.wsgi, in its own process group."""

    def __init__(self, env, workers=1, port=None):
        self.env = env
        self.workers = workers
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.log_path = Path(env["MEDIA_ROOT"]).parent / f"gunicorn-{self.port}.log"

    def start(self, timeout=60):
        env = {
            **self.env,
            "BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(self.workers),
        }
        self._log_file = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "workshop.wsgi"],
            env=env,
            cwd=ROOT,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # one process group: master and workers stop together
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped while starting:\n{self.read_log(3000)}")
            # As a load balancer probes it: by address, with the site's name as the Host.
            host = self.env["ALLOWED_HOSTS"].split(",")[0]
            probe = urllib.request.Request(f"{self.url}/healthz", headers={"Host": host})
            try:
                with urllib.request.urlopen(probe, timeout=5) as response:
                    if response.status == 200:
                        return self
            except OSError:  # not listening yet, or its workers still loading
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz:\n{self.read_log(3000)}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()
        if self.process:
            self._log_file.close()

    def kill(self):
        """SIGKILL the master and every worker at once: no graceful shutdown, no cleanup."""
        os.killpg(self.process.pid, 9)
        self.process.wait(timeout=10)
        self._log_file.close()

    def read_log(self, last=None):
        text = self.log_path.read_text() if self.log_path.exists() else ""
        return text[-last:] if last else text

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def postgres_url():
    """The PostgreSQL server the suite runs on (DATABASE_URL), or None on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def fresh_postgres_database(name):
    """An empty database `name` on the suite's PostgreSQL server; returns its URL."""
    import urllib.parse

    import psycopg

    parts = urllib.parse.urlsplit(postgres_url())
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path=f"/{name}").geturl()


def drop_postgres_database(url):
    import urllib.parse

    import psycopg

    parts = urllib.parse.urlsplit(url)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')
