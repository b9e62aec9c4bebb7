"""A cooperation meets twice: the first meeting makes an agreement and closes; the follow-up
opens with a review of it, both sides report on their phones, the facilitator records it done,
and the cooperation's register shows who changed it and when."""

import re

import pytest
from playwright.sync_api import expect

from cooperations.models import RegisterEntry
from sessions.models import Session

from .conftest import PHONE

pytestmark = pytest.mark.e2e

LIVE = 5000  # ms: a save shows on the wall within a couple of polls
AGREEMENT = "Maandelijks spreekuur van het CJG in de moskee"


def join(browser, url, name, organisation, side):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="nl-NL")
    phone = context.new_page()
    phone.goto(url)
    phone.fill("#id_name", name)
    phone.select_option("#id_organisation", label=organisation)
    phone.locator(f"input[name=side][value={side}]").check()
    phone.locator("form button.primary").click()
    expect(phone.locator("#panel")).to_be_visible()
    return phone


def jump(desk, session, kind):
    step = session.steps.get(kind=kind)
    desk.locator(f".jump-list button[value='{step.pk}']").click()
    expect(desk.locator(".jump-list .is-current button")).to_have_attribute("value", str(step.pk))
    return step


def test_a_follow_up_meeting_reviews_the_agreements_of_the_first(
    transactional_db, live_server, browser, make_session, facilitator, artifacts
):
    base = live_server.url
    first = make_session()
    desk_context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nl-NL")
    desk = desk_context.new_page()
    desk.goto(f"{base}/login/")
    desk.fill("#id_username", "marjolijn")
    desk.fill("#id_password", "pw-marjolijn-2017")
    desk.locator("form button.primary").click()

    # The first meeting: the facilitator writes down an agreement at the close, and closes.
    desk.goto(f"{base}/f/{first.code}/controls/")
    jump(desk, first, "closing")
    desk.fill("#closing-add-what", AGREEMENT)
    desk.fill("#closing-add-who", "Joost en Fatima")
    desk.locator("form.agreement-add button.primary").click()
    expect(desk.locator("#live")).to_contain_text(AGREEMENT)
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_role("button", name="Sessie afsluiten").click()
    expect(desk.get_by_role("button", name="Sessie heropenen")).to_be_visible()

    # Plan the follow-up from the first meeting's page.
    desk.goto(f"{base}/f/{first.code}/")
    desk.fill("#follow-up-cooperation", "CJG Dordrecht × informele intermediairs")
    desk.fill("#follow-up-title", "Samen sterk, tweede bijeenkomst")
    desk.fill("#follow-up-date", "2027-02-04")
    desk.get_by_role("button", name="Vervolg plannen").click()
    expect(desk.locator("h1")).to_have_text("Samen sterk, tweede bijeenkomst")
    expect(desk.locator(".cooperation-card")).to_contain_text("Bijeenkomst 2 van")
    second = Session.objects.get(title="Samen sterk, tweede bijeenkomst")

    wall_context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nl-NL")
    wall_context.add_cookies(desk_context.cookies())
    wall = wall_context.new_page()
    wall.goto(f"{base}/f/{second.code}/projector/")
    joost = join(browser, f"{base}/j/{second.code}", "Joost", "CJG Dordrecht", "formal")
    fatima = join(browser, f"{base}/j/{second.code}", "Fatima", "Stichting Al Amal", "informal")

    desk.goto(f"{base}/f/{second.code}/controls/")
    jump(desk, second, "review")
    for phone in (joost, fatima):
        expect(phone.locator("#panel")).to_contain_text(AGREEMENT, timeout=LIVE)

    # Both sides report on their phones; each saves by itself.
    joost.locator("input[name=report][value=progress]").check(force=True)
    joost.fill("textarea[name=comment]", "Twee keer gehouden, de zaal is niet altijd vrij")
    fatima.locator("input[name=report][value=done]").check(force=True)
    fatima.fill("textarea[name=comment]", "Moeders komen elke maand")
    expect(wall.locator("#stage")).to_contain_text("Moeders komen elke maand", timeout=LIVE)
    expect(wall.locator("#stage")).to_contain_text("de zaal is niet altijd vrij", timeout=LIVE)
    row = wall.locator(".review-row").first
    expect(row.locator("tr.side-formal td.report-progress")).to_have_text("1")
    expect(row.locator("tr.side-informal td.report-done")).to_have_text("1")
    joost.screenshot(path=artifacts / "review-phone.png")
    wall.screenshot(path=artifacts / "review-wall.png")
    desk.screenshot(path=artifacts / "review-controls.png", full_page=True)

    # The facilitator chooses the outcome, done, and writes a note; before it is sent, Fatima
    # adds to her comment and the controls refresh with it: the choice and the note stay.
    outcome = desk.locator("form.review-outcome").first
    outcome.locator("input[name=status][value=done]").check()
    outcome.locator("input[name=note]").fill("Loopt nu elke maand")
    outcome.locator("input[name=note]").press("Tab")
    fatima.fill("textarea[name=comment]", "Moeders komen elke maand, nu ook vaders")
    expect(desk.locator(".review-admin")).to_contain_text("nu ook vaders", timeout=LIVE)
    outcome = desk.locator("form.review-outcome").first
    expect(outcome.locator("input[name=status][value=done]")).to_be_checked()
    expect(outcome.locator("input[name=note]")).to_have_value("Loopt nu elke maand")
    outcome.get_by_role("button", name="Uitkomst vastleggen").click()
    expect(desk.locator(".review-admin h3 .entry-status")).to_have_text("Gedaan")
    expect(wall.locator(".review-row .entry-status.status-done")).to_have_text(
        "Gedaan", timeout=LIVE
    )
    entry = RegisterEntry.objects.get(text=AGREEMENT)
    assert entry.status == "done"

    # The cooperation's register shows it done, by whom, when and in which meeting.
    desk.goto(f"{base}/f/cooperations/{entry.cooperation_id}/")
    register = desk.locator(f"#entry-{entry.pk}")
    expect(register.locator(".register-head .entry-status")).to_have_text("Gedaan")
    expect(register.locator(".register-history")).to_contain_text(
        re.compile(r"Open → Gedaan · marjolijn · in bijeenkomst 2")
    )
    expect(register).to_contain_text("Loopt nu elke maand")
    expect(desk.locator(".meetings")).to_contain_text("Samen sterk, tweede bijeenkomst")
    desk.screenshot(path=artifacts / "cooperation-page.png", full_page=True)

    for page in (desk, wall, joost, fatima):
        page.context.close()
