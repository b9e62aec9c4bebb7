"""The server refuses to run in production mode with the development key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(code, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


def test_the_wsgi_app_refuses_to_serve_without_a_secret_key():
    result = run("import workshop.wsgi")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_the_wsgi_app_serves_with_a_secret_key_or_in_debug():
    assert run("import workshop.wsgi", SECRET_KEY="a-long-random-production-key").returncode == 0
    assert run("import workshop.wsgi", DEBUG="1").returncode == 0


def test_management_commands_run_without_a_secret_key():
    result = run(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='workshop.settings'; "
        "django.setup(); from django.core.management import call_command; "
        "call_command('makemigrations', '--check', '--dry-run')"
    )
    assert result.returncode == 0, result.stderr


def test_an_empty_database_url_means_the_default_sqlite_file():
    """`DATABASE_URL=` left empty in an environment file is the default, not a crash."""
    result = run(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='workshop.settings'; "
        "django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'])",
        DATABASE_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", str(ROOT / "db.sqlite3")]


def database_options(**env):
    result = run(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='workshop.settings'; "
        "django.setup(); from django.conf import settings; "
        "print(sorted(settings.DATABASES['default']['OPTIONS'].items()))",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_binds_parameters_on_the_server_so_that_statements_are_prepared():
    url = "postgres://workshop:secret@db.example.nl:5432/workshop"
    assert database_options(DATABASE_URL=url) == (
        "[('prepare_threshold', 5), ('server_side_binding', True)]"
    )
    # Behind a PgBouncer in transaction mode (docs/deploy.md) prepared statements are off.
    assert database_options(DATABASE_URL=url, POSTGRES_PREPARED_STATEMENTS="0") == "[]"


def test_the_options_of_a_postgresql_url_are_kept_beside_prepared_statements():
    """An encrypted connection asked for in DATABASE_URL stays encrypted."""
    url = "postgres://workshop:secret@db.example.nl:5432/workshop?sslmode=require"
    assert database_options(DATABASE_URL=url) == (
        "[('prepare_threshold', 5), ('server_side_binding', True), ('sslmode', 'require')]"
    )
