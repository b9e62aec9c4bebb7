"""An Arabic and a Turkish phone in a Dutch session: every exercise in their own language.

What they write shows on the Dutch wall and in the Dutch report, marked with its language.
"""

import re
import zlib

import pytest
from playwright.sync_api import expect

from sessions.report import render_report_html

from .conftest import ARTIFACTS
from .test_every_kind import LIVE, go

pytestmark = pytest.mark.e2e

NARROW = {"width": 320, "height": 640}  # the smallest phones still in use

JOINERS = {
    # language: (browser locale, name, organisation, side, a note on the strength of the other)
    "ar": (
        "ar-MA",
        "Latifa",
        "Stichting Al Amal",
        "informal",
        "لديهم معرفة بالقوانين والطريق إلى المساعدة",
    ),
    "tr": (
        "tr-TR",
        "Zeynep",
        "CJG Dordrecht",
        "formal",
        "Aileleri yıllardır tanıyorlar ve güven var",
    ),
}


def embedded_font_names(pdf):
    """The embedded fonts' names, read from the PDF's (compressed) objects."""
    chunks = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return {
        name.decode().split("+", 1)[-1]
        for chunk in chunks
        for name in re.findall(rb"/FontName\s*/([\w+-]+)", chunk)
    }


def no_horizontal_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


@pytest.fixture
def room(transactional_db, live_server, browser, session_with_every_option, facilitator):
    """A Dutch session with every option, the facilitator's controls and wall, and the desk."""
    session = session_with_every_option
    desk_context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    desk = desk_context.new_page()
    desk.goto(f"{live_server.url}/login/")
    desk.fill("#id_username", "marjolijn")
    desk.fill("#id_password", "pw-marjolijn-2017")
    desk.locator("form button.primary").click()
    desk.goto(f"{live_server.url}/f/{session.code}/controls/")
    wall_context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nl-NL")
    wall_context.add_cookies(desk_context.cookies())
    wall = wall_context.new_page()
    wall.goto(f"{live_server.url}/f/{session.code}/projector/")
    yield session, desk, wall
    desk_context.close()
    wall_context.close()


def join_in_own_language(browser, url, language):
    """A phone whose browser asks for `language` joins; the join page offers it by itself."""
    locale, name, organisation, side, _note = JOINERS[language]
    context = browser.new_context(viewport=NARROW, is_mobile=True, has_touch=True, locale=locale)
    phone = context.new_page()
    phone.goto(url)
    expect(phone.locator("html")).to_have_attribute("lang", language)
    expect(phone.locator("#id_language")).to_have_value(language)
    assert no_horizontal_scroll(phone)
    phone.fill("#id_name", name)
    phone.select_option("#id_organisation", label=organisation)
    phone.locator(f"input[name=side][value={side}]").check()
    phone.locator("form button.primary").click()
    expect(phone.locator("#panel")).to_be_visible()
    return phone


def test_arabic_and_turkish_phones_in_a_dutch_session(room, live_server, browser):
    session, desk, wall = room
    join_url = f"{live_server.url}/j/{session.code}"
    phones = {language: join_in_own_language(browser, join_url, language) for language in JOINERS}

    arabic = phones["ar"]
    expect(arabic.locator("html")).to_have_attribute("dir", "rtl")
    # Mirrored: the language choice starts at the right edge of the bar, not at the left.
    switch = arabic.locator(".phone-bar .lang-switch").bounding_box()
    assert switch["x"] > 40 and switch["x"] + switch["width"] > NARROW["width"] - 20
    turkish_switch = phones["tr"].locator(".phone-bar .lang-switch").bounding_box()
    assert turkish_switch["x"] < 20
    expect(phones["tr"].locator("html")).to_have_attribute("dir", "ltr")

    # Every exercise, in each phone's own language, without scrolling sideways at 320 px.
    for step in session.active_steps():
        go(desk, session, step.key)
        for language, phone in phones.items():
            expect(phone.locator("#panel")).to_have_attribute(
                "data-step", str(step.pk), timeout=LIVE
            )
            title = step.text(language)["title"]
            assert title and title != step.text("nl")["title"]
            expect(phone.locator("#panel")).to_contain_text(title)
            # Screen readers hear the new step, in the phone's language.
            expect(phone.locator("#announcer")).to_have_text(title)
            expect(phone.locator("html")).to_have_attribute("lang", language)
            assert no_horizontal_scroll(phone), f"{language} scrolls sideways at {step.key}"
            # The system's fonts only: nothing to download on a slow connection.
            assert phone.evaluate("document.fonts.size") == 0
        if step.key == "strength_of_the_other":
            for language, phone in phones.items():
                note = JOINERS[language][4]
                phone.fill("#strength-text", note)
                phone.locator("#strength-notes button.primary").click()
                # The Dutch wall shows it as typed, marked with its language.
                expect(wall.locator(f".note-text[lang={language}]")).to_have_text(
                    note, timeout=LIVE
                )
            expect(wall.locator("html")).to_have_attribute("lang", "nl")
        if step.key == "tree":
            arabic.locator("input[name=zone][value=roots]").check(force=True)
            arabic.fill("#tree-text", "الثقة بين الأمهات والمركز")
            arabic.locator("#tree-notes button.primary").click()
            expect(wall.locator(".tree-notes li[lang=ar]")).to_have_text(
                "الثقة بين الأمهات والمركز", timeout=LIVE
            )

    ARTIFACTS.mkdir(exist_ok=True)
    arabic.screenshot(path=ARTIFACTS / "phone-ar-320.png", full_page=True)
    arabic.set_viewport_size({"width": 390, "height": 844})
    arabic.screenshot(path=ARTIFACTS / "phone-ar-390.png", full_page=True)

    # The Dutch report: Dutch headings, each contribution marked with its own language.
    report = render_report_html(session)
    assert '<html lang="nl">' in report
    for language, (*_rest, note) in JOINERS.items():
        assert f'<span lang="{language}" dir="auto">{note}</span>' in report
    # The PDF carries the fonts for them: Noto Sans (Latin, Turkish) and Noto Sans Arabic.
    pdf = desk.request.get(f"{live_server.url}/r/{session.code}/report.pdf").body()
    (ARTIFACTS / "report-ar-tr.pdf").write_bytes(pdf)
    assert {"Noto-Sans", "Noto-Sans-Arabic"} <= embedded_font_names(pdf)
