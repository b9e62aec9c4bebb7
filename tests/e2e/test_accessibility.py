"""axe-core audits every phone page (Dutch, Turkish, Arabic) and the projector at every step.

On the phones every button, link, field and choice is at least 44 × 44 px as well.

WCAG 2.1 AA as axe-core checks it: no violation of impact "serious" or "critical" anywhere.
axe-core is vendored from its npm package (tests/e2e/vendor/axe.min.js, MPL-2.0).
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from exercises.grouping import add_newcomers
from sessions.models import Session

from .conftest import PHONE

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")
AUDITED_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
LANGUAGES = {"nl": "nl-NL", "tr": "tr-TR", "ar": "ar-MA"}


def blocking_violations(page, where):
    """axe-core's serious and critical violations on the page, one readable line each."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        AUDITED_TAGS,
    )
    return [
        f"{where}: {violation['id']} ({violation['impact']}) {violation['help']}: "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:4])
        for violation in result["violations"]
        if violation["impact"] in BLOCKING
    ]


def small_targets(page):
    """Buttons, links, fields and choices on the page smaller than 44 × 44 px (WCAG 2.5.5)."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
                'a[href], button, select, input:not([type=hidden]), textarea, summary, label')]
            // A radio or checkbox is tapped through its label, which holds it.
            .filter((el) => !(el.matches("input[type=radio], input[type=checkbox]")))
            .filter((el) => el.tagName !== "LABEL" || el.querySelector("input"))
            .map((el) => [el, el.getBoundingClientRect()])
            .filter(([el, box]) => box.width && box.height && (box.width < 44 || box.height < 44))
            .map(([el, box]) => `${el.tagName} "${el.textContent.trim().slice(0, 30)}" `
                + `${Math.round(box.width)}x${Math.round(box.height)}`)"""
    )


@pytest.fixture
def demo(transactional_db):
    """The demo session with every exercise filled in, running, its facilitator able to log in."""
    call_command("demo_session", participants=12, verbosity=0)
    session = Session.objects.get(title="Samen sterk in Dordrecht")
    Session.objects.filter(pk=session.pk).update(status="live", closed_at=None)
    session.owner.set_password("pw-demo-2017")
    session.owner.save()
    session.refresh_from_db()
    return session


def test_no_serious_violations_on_phones_and_projector(demo, live_server, browser):
    base = live_server.url
    found = []

    # The audit injects axe-core as a script; the strict CSP would block it, and only it.
    phones = {}
    # The audit itself works: it finds a field without a label when there is one.
    probe = browser.new_context(bypass_csp=True).new_page()
    probe.set_content('<html lang="nl"><title>Probe</title><main><input></main></html>')
    assert any(" label " in line for line in blocking_violations(probe, "probe"))
    probe.context.close()

    for language, locale in LANGUAGES.items():
        context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, locale=locale, bypass_csp=True
        )
        phone = context.new_page()
        phone.goto(f"{base}/")
        found += blocking_violations(phone, f"start page [{language}]")
        found += [f"start page [{language}]: small target {t}" for t in small_targets(phone)]
        phone.goto(f"{base}/j/{demo.code}")
        expect(phone.locator("html")).to_have_attribute("lang", language)
        found += blocking_violations(phone, f"join page [{language}]")
        found += [f"join page [{language}]: small target {t}" for t in small_targets(phone)]
        phone.fill("#id_name", f"Audit {language}")
        phone.select_option("#id_organisation", index=1 + len(phones))
        phone.locator("input[name=side]").first.check()
        phone.locator("form button.primary").click()
        expect(phone.locator("#panel")).to_be_visible()
        phones[language] = phone
    add_newcomers(demo)  # so the group exercises show their forms

    wall_context = browser.new_context(
        viewport={"width": 1280, "height": 720}, locale="nl-NL", bypass_csp=True
    )
    wall = wall_context.new_page()
    wall.goto(f"{base}/login/")
    wall.fill("#id_username", demo.owner.username)
    wall.fill("#id_password", "pw-demo-2017")
    wall.locator("form button.primary").click()

    for step in demo.active_steps():
        demo.go_to(step)
        demo.bump(phones=True)
        for language, phone in phones.items():
            phone.goto(f"{base}/p/{demo.code}/")
            expect(phone.locator("#panel")).to_have_attribute("data-step", str(step.pk))
            found += blocking_violations(phone, f"phone {step.key} [{language}]")
            found += [
                f"phone {step.key} [{language}]: small target {target}"
                for target in small_targets(phone)
            ]
        wall.goto(f"{base}/f/{demo.code}/projector/")
        expect(wall.locator("#stage")).to_be_visible()
        found += blocking_violations(wall, f"projector {step.key}")

    assert not found, "\n".join(found)
