"""Production settings: `check --deploy` is clean, and the security headers are on the pages."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra):
    """The environment of a real deployment: DEBUG off, a long random key, secure cookies."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECURE_COOKIES", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"}
        # The browser tests switch off Django's async safety for their process only.
        and not k.startswith("DJANGO_")
    }
    return {
        **base,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "workshop.example.org",
        "DEBUG": "0",
        **extra,
    }


def test_check_deploy_has_no_warnings_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_defaults_turn_every_protection_on():
    code = (
        "import json, django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'workshop.settings'; "
        "django.setup(); from django.conf import settings as s; print(json.dumps(["
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_CONTENT_TYPE_NOSNIFF, "
        "s.SECURE_REFERRER_POLICY, s.X_FRAME_OPTIONS, s.SESSION_COOKIE_HTTPONLY]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=production_env(), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '[true, true, true, 31536000, true, true, "same-origin", "DENY", true]'
    )


HTTPS = {"secure": True}


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000)
def test_plain_http_is_redirected_to_https_but_healthz_is_not(db):
    client = Client()
    response = client.get("/j/ABCDEF")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/j/ABCDEF"
    # A load balancer probes over plain HTTP: it gets the answer, not a redirect.
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok"}


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000)
def test_https_pages_carry_hsts_and_the_other_headers(db):
    response = Client().get(reverse("home"), **HTTPS)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_content_security_policy_allows_no_inline_code(client, db):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def test_the_admin_is_left_out_of_the_policy_for_its_own_inline_styles(admin_client):
    assert "Content-Security-Policy" not in admin_client.get("/admin/")


def test_development_runs_without_https():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'workshop.settings'; "
        "django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"SECURE_COOKIES", "SECRET_KEY"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DEBUG": "1"},
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["False", "0", "False"], result.stderr
