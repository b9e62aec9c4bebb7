"""A phone that loses its connection while typing keeps the text, says so quietly, and saves
it once the connection is back: stored exactly once (a real Chromium, Playwright's offline)."""

import pytest
from playwright.sync_api import expect

from exercises.models import Contribution

from .conftest import PHONE

pytestmark = pytest.mark.e2e

OFFLINE = "Offline: wordt opgeslagen zodra er weer verbinding is."


def open_phone(browser, live_server, session, phone_client):
    context = browser.new_context(viewport=PHONE, is_mobile=True, locale="nl-NL")
    context.add_cookies(
        [
            {"name": name, "value": morsel.value, "url": live_server.url}
            for name, morsel in phone_client.cookies.items()
        ]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/p/{session.code}/")
    return context, page


def test_a_note_written_offline_is_saved_once_when_back(
    transactional_db, live_server, browser, session, join, artifacts
):
    step = session.steps.get(kind="strength")
    session.go_to(step)
    fatima = join("Fatima", "informal")
    context, page = open_phone(browser, live_server, session, fatima)
    note = "Zij kennen de families in de wijk al jaren"

    context.set_offline(True)
    page.locator("#strength-text").fill(note)
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.get_by_text(OFFLINE)).to_be_visible(timeout=10_000)
    expect(page.locator("#strength-text")).to_have_value(note)  # the text stays
    page.screenshot(path=artifacts / "phone-offline-note.png")
    assert not Contribution.objects.filter(step=step).exists()

    context.set_offline(False)
    expect(page.locator("#strength-notes")).to_contain_text(note, timeout=15_000)
    page.wait_for_timeout(5000)  # past the 4 s retry timer: a second send would have landed
    assert list(Contribution.objects.filter(step=step).values_list("data__text", flat=True)) == [
        note
    ]
    context.close()


def test_an_answer_typed_offline_is_saved_when_back(
    transactional_db, live_server, browser, session, join
):
    step = session.steps.get(kind="closing")
    session.go_to(step)
    joost = join("Joost", "formal")
    context, page = open_phone(browser, live_server, session, joost)
    typed = "De gesprekken in kleine groepen werkten goed"

    context.set_offline(True)
    page.locator("#closing-worked").press_sequentially(typed[:20])
    page.locator("#closing-worked").press_sequentially(typed[20:])
    expect(page.get_by_text(OFFLINE)).to_be_visible(timeout=10_000)
    expect(page.locator("#closing-worked")).to_have_value(typed)
    assert not Contribution.objects.filter(step=step).exists()

    context.set_offline(False)
    expect(page.locator("#closing-worked ~ .save-status, .save-status").first).to_be_attached()
    expect(page.get_by_text("Opgeslagen").first).to_be_visible(timeout=15_000)
    page.wait_for_timeout(5000)
    stored = Contribution.objects.filter(step=step, participant=joost.participant)
    assert [answer.data.get("worked") for answer in stored] == [typed]
    context.close()


def test_a_phone_of_a_deleted_session_stops_asking(
    transactional_db, live_server, browser, session, join
):
    """Each poll of an unknown code counts as a wrong join code for the address, which the
    phones of a venue share: a screen left open on a deleted session must not lock the room
    out of joining the next one."""

    context, page = open_phone(browser, live_server, session, join("Fatima", "informal"))
    answers = []
    page.on("response", lambda r: "/live/" in r.url and answers.append(r.status))
    page.wait_for_timeout(2000)
    assert answers and set(answers) <= {200, 204}
    session.delete()
    page.wait_for_timeout(12_000)  # past the longest back-off (10 s) of a failing poll
    assert answers.count(404) == 1 and answers[-1] == 404
    context.close()
