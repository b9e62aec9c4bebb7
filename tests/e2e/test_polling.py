"""A phone stops asking while its screen is off or the tab hidden, and resumes on return."""

import time

import pytest

from .conftest import PHONE

pytestmark = pytest.mark.e2e


def test_polling_pauses_while_hidden_and_resumes(
    transactional_db, live_server, browser, session, join
):
    phone_client = join()
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    context.add_cookies(
        [
            {"name": name, "value": morsel.value, "url": live_server.url}
            for name, morsel in phone_client.cookies.items()
        ]
    )
    page = context.new_page()
    polls = []
    page.on("request", lambda request: "/live/" in request.url and polls.append(time.monotonic()))
    page.goto(f"{live_server.url}/p/{session.code}/")
    page.wait_for_timeout(3500)
    assert len(polls) >= 2  # polling every 1.5 s while visible

    page.evaluate(
        """() => {
            Object.defineProperty(document, "hidden", {value: true, configurable: true});
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    page.wait_for_timeout(1600)  # let a poll already under way finish
    hidden_since = len(polls)
    page.wait_for_timeout(4000)
    assert len(polls) == hidden_since  # not one poll while hidden

    page.evaluate(
        """() => {
            Object.defineProperty(document, "hidden", {value: false, configurable: true});
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    page.wait_for_timeout(500)
    assert len(polls) > hidden_since  # back at once, without waiting a whole interval
    context.close()
