"""A facilitator runs a session; two phones follow it, live, in a real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from sessions.models import Session

from .conftest import PHONE

pytestmark = pytest.mark.e2e

WITHIN = 3000  # ms: a phone shows the new step this soon after the facilitator moves


def join_on_phone(browser, url, name, organisation, side):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="nl-NL")
    phone = context.new_page()
    phone.goto(url)
    phone.get_by_label("Je naam of een pseudoniem").fill(name)
    phone.get_by_label("Je organisatie:", exact=True).select_option(label=organisation)
    phone.locator(f"input[name=side][value={side}]").check()
    phone.get_by_role("button", name="Meedoen").click()
    expect(phone.locator("#panel")).to_contain_text("De bijeenkomst begint zo")
    return context, phone


def test_phones_follow_the_facilitator_live(
    transactional_db, live_server, browser, make_session, facilitator, artifacts
):
    session = make_session()
    join_url = f"{live_server.url}/j/{session.code}"

    desk_context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    desk = desk_context.new_page()
    desk.goto(f"{live_server.url}/login/")
    desk.get_by_label("Gebruikersnaam").fill("marjolijn")
    desk.get_by_label("Wachtwoord").fill("pw-marjolijn-2017")
    desk.get_by_role("button", name="Inloggen").click()
    desk.goto(f"{live_server.url}/f/{session.code}/controls/")

    wall_context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="nl-NL")
    wall_context.add_cookies(desk_context.cookies())
    wall = wall_context.new_page()
    wall.goto(f"{live_server.url}/f/{session.code}/projector/")
    expect(wall.locator(".join-code-big")).to_have_text(session.code)

    fatima_context, fatima = join_on_phone(
        browser, join_url, "Fatima", "Stichting Al Amal", "informal"
    )
    joost_context, joost = join_on_phone(browser, join_url, "Joost", "CJG Dordrecht", "formal")
    expect(wall.locator(".stage-footer")).to_contain_text("2 deelnemers", timeout=WITHIN)
    expect(desk.locator("#live")).to_contain_text("2 deelnemers", timeout=WITHIN)

    # Fatima starts typing a question and has not sent it when the facilitator moves on.
    question = fatima.get_by_role("textbox", name="Vraag of opmerking voor de begeleider")
    question.fill("Mogen we straag ook in het Arabisch sch")

    desk.get_by_role("button", name=re.compile("Start de sessie")).click()
    for phone in (fatima, joost):
        expect(phone.locator("#panel")).to_contain_text("Welkom", timeout=WITHIN)
    expect(wall.locator("#stage")).to_contain_text(session.code)

    # The second move comes from the projector's keyboard, as with slide software.
    wall.keyboard.press("ArrowRight")
    for phone in (fatima, joost):
        expect(phone.locator("#panel h2")).to_contain_text("it takes a village", timeout=WITHIN)
    expect(wall.locator(".slide h1")).to_contain_text("it takes a village", timeout=WITHIN)
    expect(wall.locator(".corner-join")).to_contain_text(session.code)
    expect(question).to_have_value("Mogen we straag ook in het Arabisch sch")
    assert Session.objects.get(pk=session.pk).current_step.key == "it_takes_a_village"

    fatima.screenshot(path=artifacts / "phone-step.png")
    wall.screenshot(path=artifacts / "projector-step.png")

    # Joost's phone drops off the Wi-Fi while the agenda moves on, then catches up by itself.
    joost_context.set_offline(True)
    desk.get_by_role("button", name=re.compile("Volgende")).click()
    expect(fatima.locator("#panel h2")).to_contain_text("Uitgangspunt 1", timeout=WITHIN)
    expect(joost.locator("#connection")).to_be_visible(timeout=10_000)
    joost_context.set_offline(False)
    expect(joost.locator("#panel h2")).to_contain_text("Uitgangspunt 1", timeout=12_000)
    expect(joost.locator("#connection")).to_be_hidden()

    # Fatima sends her question; the facilitator sees it.
    question.fill("Mogen we straks ook in het Arabisch schrijven?")
    fatima.get_by_role("button", name="Versturen").click()
    expect(fatima.locator("#question")).to_contain_text("Verstuurd naar de begeleider")
    expect(desk.locator("#live")).to_contain_text("Arabisch schrijven", timeout=WITHIN)

    # Closing the session makes the phones read-only.
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_role("button", name="Sessie afsluiten").click()
    for phone in (fatima, joost):
        expect(phone.locator("#panel")).to_contain_text("De sessie is afgesloten", timeout=WITHIN)
    expect(fatima.locator("textarea")).to_have_count(0)

    for context in (desk_context, wall_context, fatima_context, joost_context):
        context.close()
