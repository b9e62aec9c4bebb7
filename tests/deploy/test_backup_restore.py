"""The backup and restore drill, and the move from SQLite to PostgreSQL, with the shipped
scripts (deploy/backup.sh, deploy/restore.sh, deploy/move_to_postgresql.sh) as docs/deploy.md
tells an operator to run them.

On SQLite every run does the SQLite drill; when the suite runs on PostgreSQL (DATABASE_URL,
as CI's second run does) the PostgreSQL drill and the move from SQLite run too, on fresh
databases of that server.
"""

import json
import os
import re
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.appserver import (
    ROOT,
    AppServer,
    drop_postgres_database,
    fresh_postgres_database,
    manage,
    postgres_url,
    prepare_database,
    production_env,
)

DATABASES = ["sqlite"] + (["postgresql"] if postgres_url() else [])


def script(name, env, *args):
    result = subprocess.run(
        [str(ROOT / "deploy" / name), *args],
        env={**env, "PYTHON": sys.executable},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def export(env, code, folder):
    """The session's full export, its lists sorted: SQLite and PostgreSQL may order rows
    that tie on the export's sort keys (names, by their own collation) differently."""
    out = folder / f"export-{uuid.uuid4().hex}.json"
    manage(env, "export_report", code, "--out", str(out), "--format", "json")
    exported = json.loads(out.read_text())
    for name, value in exported.items():
        if isinstance(value, list):
            exported[name] = sorted(value, key=lambda row: json.dumps(row, sort_keys=True))
    return exported


def live_state(server, code):
    with urllib.request.urlopen(f"{server.url}/live/{code}") as response:
        return json.load(response)


def demo_installation(env, folder):
    prepare_database(env)
    output = manage(env, "demo_session", "--participants", "4")
    code = re.search(r"code (\w+)", output).group(1)
    photo = folder / "media" / code / "logo.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    photo.write_bytes(b"\xff\xd8 a photo of the CJG's team \xff\xd9")
    return code, photo


@pytest.fixture(params=DATABASES)
def installation(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/db.sqlite3"
    else:
        url = fresh_postgres_database(f"workshop_drill_{uuid.uuid4().hex[:8]}")
    env = production_env(tmp_path, DATABASE_URL=url)
    code, photo = demo_installation(env, tmp_path)
    yield env, code, photo
    if request.param == "postgresql":
        drop_postgres_database(url)


ADD_A_LATE_PARTICIPANT = """
from sessions.models import Participant, Session
session = Session.objects.get(code="{code}")
Participant.objects.create(session=session, name="Na de back-up", side="formal")
"""


def test_a_backup_made_while_serving_restores_every_session_and_photo(installation, tmp_path):
    env, code, photo = installation
    before = export(env, code, tmp_path)
    with AppServer(env) as server:
        state_before = live_state(server, code)
        backup = script("backup.sh", env, str(tmp_path / "backups"))
        # Every session's personal data is in it: for the backup's owner only.
        assert all(path.stat().st_mode & 0o077 == 0 for path in Path(backup).rglob("*"))
        # Written after the backup: the restore goes back to the backup's moment.
        manage(env, "shell", "-c", ADD_A_LATE_PARTICIPANT.format(code=code))
    # The disaster: the database's content and the photos are lost.
    manage(env, "flush", "--noinput")
    photo.unlink()
    with pytest.raises(subprocess.CalledProcessError):
        manage(env, "export_report", code, "--out", str(tmp_path / "gone.json"), "--format", "json")

    script("restore.sh", env, backup)

    assert export(env, code, tmp_path) == before
    assert photo.read_bytes().startswith(b"\xff\xd8 a photo")
    with AppServer(env) as server:
        assert live_state(server, code) == state_before


def test_restored_files_belong_to_the_apps_user_even_when_root_restores(tmp_path):
    """docs/deploy.md restores as root, while the app runs as its own user: the database and
    the photos it gets back must be that user's, or it can no longer write them."""
    home = tmp_path / "srv"  # the app user's home, holding the database and the photos
    home.mkdir()
    env = production_env(home, DATABASE_URL=f"sqlite:///{home}/db.sqlite3")
    demo_installation(env, home)
    backup = script("backup.sh", env, str(tmp_path / "backups"))
    if os.geteuid() == 0:  # as root (CI, a server): the home belongs to another user
        for path in [home, *home.rglob("*")]:
            os.chown(path, 65534, 65534)
    script("restore.sh", env, backup)
    owner = (home.stat().st_uid, home.stat().st_gid)
    restored = [home / "db.sqlite3", home / "media", *(home / "media").rglob("*")]
    assert [(path.stat().st_uid, path.stat().st_gid) for path in restored] == [owner] * len(
        restored
    )


def an_installation_moves_from_sqlite_to_postgresql_without_losing_a_session(tmp_path):
    sqlite_env = production_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    code, _photo = demo_installation(sqlite_env, tmp_path)
    before = export(sqlite_env, code, tmp_path)
    with AppServer(sqlite_env) as server:
        state_before = live_state(server, code)
    target_url = fresh_postgres_database(f"workshop_move_{uuid.uuid4().hex[:8]}")
    try:
        scratch = tmp_path / "scratch"  # the script's temporary folder for the dump
        scratch.mkdir()
        move_env = {**sqlite_env, "TMPDIR": str(scratch)}
        script("move_to_postgresql.sh", move_env, sqlite_env["DATABASE_URL"], target_url)
        assert not any(scratch.iterdir())  # the dump, every session's data, is gone
        moved_env = {**sqlite_env, "DATABASE_URL": target_url}
        assert export(moved_env, code, tmp_path) == before
        with AppServer(moved_env) as server:
            assert live_state(server, code) == state_before
            # New rows after the move get fresh ids: the sequences were moved on too.
            manage(moved_env, "shell", "-c", ADD_A_LATE_PARTICIPANT.format(code=code))
            after = live_state(server, code)
            assert after["n"] == state_before["n"] + 1 and after["v"] > state_before["v"]
    finally:
        drop_postgres_database(target_url)


# The move needs a PostgreSQL server: it is a test where the suite runs on one (CI's second run).
if postgres_url():
    test_an_installation_moves_from_sqlite_to_postgresql_without_losing_a_session = (
        an_installation_moves_from_sqlite_to_postgresql_without_losing_a_session
    )
