import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls in the test body
# are still ordinary synchronous calls, so Django's async-safety guard would be a false alarm.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install the Debian package 'chromium'.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def _no_limits_left_by_earlier_tests(transactional_db):
    """Each browser test starts with an empty cache (join and login limits): the live-server
    tests' database flush leaves the cache table alone, so one test's attempts would count
    against the next test's phones, which all come from 127.0.0.1."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def session_with_every_option(make_session):
    """A Dutch session with the tree, the pitfalls and the letter on, and one quote for
    "what stands in the way"."""
    session = make_session(include_tree="on", include_pitfalls="on", include_letter="on")
    obstacles = session.steps.get(kind="obstacles")
    obstacles.config = {
        **obstacles.config,
        "quotes": [
            {"id": "q1", "theme": "power", "text": "“Wij worden pas gebeld als het misgaat.”"}
        ],
    }
    obstacles.save()
    return session
