"""One phone of each side walks through every exercise kind; the wall shows each live."""

import re

import pytest
from playwright.sync_api import expect

from exercises.models import Contribution

from .conftest import PHONE

pytestmark = pytest.mark.e2e

LIVE = 5000  # ms: a save shows on the wall within a couple of polls


@pytest.fixture
def room(transactional_db, live_server, browser, session_with_every_option, facilitator):
    """A session with every option on, the facilitator's two screens and two phones."""
    session = session_with_every_option
    base = live_server.url
    desk_context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    desk = desk_context.new_page()
    desk.goto(f"{base}/login/")
    desk.fill("#id_username", "marjolijn")
    desk.fill("#id_password", "pw-marjolijn-2017")
    desk.locator("form button.primary").click()
    desk.goto(f"{base}/f/{session.code}/controls/")
    wall_context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nl-NL")
    wall_context.add_cookies(desk_context.cookies())
    wall = wall_context.new_page()
    wall.goto(f"{base}/f/{session.code}/projector/")

    phones = {}
    for name, side, organisation in (
        ("Joost", "formal", "CJG Dordrecht"),
        ("Fatima", "informal", "Stichting Al Amal"),
    ):
        context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, locale="nl-NL"
        )
        phone = context.new_page()
        phone.goto(f"{base}/j/{session.code}")
        phone.fill("#id_name", name)
        phone.select_option("#id_organisation", label=organisation)
        phone.locator(f"input[name=side][value={side}]").check()
        phone.locator("form button.primary").click()
        expect(phone.locator("#panel")).to_be_visible()
        phones[side] = phone
    yield session, desk, wall, phones
    for page in (desk, wall, *phones.values()):
        page.context.close()


def go(desk, session, key):
    """The facilitator jumps to a step from the agenda on the controls."""
    step = session.steps.get(key=key)
    desk.locator(f".jump-list button[value='{step.pk}']").click()
    expect(desk.locator(".jump-list .is-current button")).to_have_attribute("value", str(step.pk))
    return step


def test_both_sides_walk_through_every_exercise(room):
    session, desk, wall, phones = room
    formal, informal = phones["formal"], phones["informal"]

    # Organisation presentation: each fills in their own organisation's card.
    go(desk, session, "picture_of_each_other")
    for phone, text in (
        (formal, "Wij zijn het CJG van Dordrecht"),
        (informal, "Wij zijn moeders uit de wijk"),
    ):
        expect(phone.locator("#org-who")).to_be_visible(timeout=LIVE)
        phone.fill("#org-who", text)
    expect(wall.locator("#stage")).to_contain_text("CJG Dordrecht", timeout=LIVE)
    cards = Contribution.objects.filter(
        step__key="picture_of_each_other", organisation__isnull=False
    )
    expect(formal.locator("#org-who")).to_have_value("Wij zijn het CJG van Dordrecht")
    wall.wait_for_timeout(1500)
    assert {c.data.get("who") for c in cards.all()} == {
        "Wij zijn het CJG van Dordrecht",
        "Wij zijn moeders uit de wijk",
    }

    # Strength of the other: each side is asked about the other and adds a note.
    go(desk, session, "strength_of_the_other")
    expect(formal.locator("#panel")).to_contain_text("kracht van informeel", timeout=LIVE)
    expect(informal.locator("#panel")).to_contain_text("kracht van formeel", timeout=LIVE)
    formal.fill("#strength-text", "Ze kennen de families al jaren")
    formal.locator("#strength-notes button.primary").click()
    expect(wall.locator(".strength .side-formal")).to_contain_text(
        "Ze kennen de families al jaren", timeout=LIVE
    )
    # Fatima is still typing when the facilitator moves on: her note is saved, not lost.
    informal.fill("#strength-text", "Kennis van de regels en de weg naar hulp")

    # Examples: marking one that inspires.
    go(desk, session, "examples")
    expect(informal.locator(".example-choices")).to_be_visible(timeout=LIVE)
    assert (
        Contribution.objects.filter(data__text="Kennis van de regels en de weg naar hulp").count()
        == 1
    )
    informal.locator(".inspire-toggle").first.click()
    formal.locator(".inspire-toggle").first.click()
    expect(wall.locator("#stage")).to_contain_text("Over de drempel", timeout=LIVE)
    wall.wait_for_timeout(1500)
    assert Contribution.objects.filter(step__key="examples", data__inspires=True).count() == 2

    # Invent your own example: mixed groups, a proposal written together, then a vote.
    go(desk, session, "own_example")
    desk.locator("#live button[value=form_groups]").first.click()
    for phone in (formal, informal):
        expect(phone.locator("#gp-title")).to_be_visible(timeout=LIVE)
    formal.fill("#gp-title", "Samen naar het CJG")
    informal.fill("#gp-roles_informal", "Wij gaan mee en vertalen")
    expect(wall.locator("#stage")).to_contain_text("Samen naar het CJG", timeout=LIVE)
    wall.wait_for_timeout(1500)
    desk.reload()
    desk.locator("#live button[value=open_vote]").click()
    for phone in (formal, informal):
        phone.locator("#gp-ballot button[value=vote]").first.click(timeout=LIVE)
        expect(phone.locator("#gp-ballot button[value=unvote]")).to_have_count(1, timeout=LIVE)
    desk.locator("#live button[value=close_vote]").click()
    expect(wall.locator("#stage")).to_contain_text("2", timeout=LIVE)
    proposal = Contribution.objects.get(step__key="own_example")
    assert proposal.data["title"] == "Samen naar het CJG"
    assert proposal.data["roles_informal"] == "Wij gaan mee en vertalen"
    assert proposal.votes.count() == 2

    # What stands in the way: reacting to the prepared quote.
    go(desk, session, "obstacles")
    expect(formal.locator("form.quote-reaction")).to_be_visible(timeout=LIVE)
    formal.locator("form.quote-reaction input[value=yes]").check()
    informal.locator("form.quote-reaction input[value=no]").check()
    informal.fill("textarea[name=comment]", "Bij ons gaat het juist goed")
    expect(wall.locator("#stage")).to_contain_text("Onevenwichtige machtsrelatie", timeout=LIVE)
    wall.wait_for_timeout(1500)
    reactions = {c.side: c.data for c in Contribution.objects.filter(step__key="obstacles")}
    assert reactions["formal"]["answer"] == "yes"
    assert reactions["informal"] == {"answer": "no", "comment": "Bij ons gaat het juist goed"}

    # Setting up a cooperation: the same group writes its plan.
    go(desk, session, "cooperation_plan")
    expect(formal.locator("#cp-goals")).to_be_visible(timeout=LIVE)
    formal.fill("#cp-goals", "Meer ouders bereiken, eerder en lichter")
    expect(wall.locator("#stage")).to_contain_text("1 van 7 delen", timeout=LIVE)

    # Cooperation tree: a note into the roots from each side, drawn on the wall.
    go(desk, session, "tree")
    for phone, text in (
        (formal, "Kennis van de sociale kaart"),
        (informal, "Vertrouwen van de moeders"),
    ):
        expect(phone.locator("#tree-text")).to_be_visible(timeout=LIVE)
        phone.locator("input[name=zone][value=roots]").check(force=True)
        phone.fill("#tree-text", text)
        phone.locator("#tree-notes button.primary").click()
        expect(wall.locator("#stage")).to_contain_text(text, timeout=LIVE)
    assert set(Contribution.objects.filter(step__key="tree").values_list("slot", flat=True)) == {
        "roots"
    }

    # Pitfalls: ratings from both sides, charted per side.
    go(desk, session, "pitfalls")
    for phone, rating in ((formal, "2"), (informal, "5")):
        expect(phone.locator("form.pit-item").first).to_be_visible(timeout=LIVE)
        phone.locator("form.pit-item").first.locator(f"input[name=rating][value='{rating}']").check(
            force=True
        )
    wall.wait_for_timeout(2000)
    ratings = {c.side: c.data["rating"] for c in Contribution.objects.filter(step__key="pitfalls")}
    assert ratings == {"formal": 2, "informal": 5}
    expect(wall.locator("#stage")).to_contain_text("Informeel", timeout=LIVE)

    # Closing: an evaluation and an agreement from a phone, shown on the wall.
    go(desk, session, "closing")
    expect(formal.locator("#closing-worked")).to_be_visible(timeout=LIVE)
    formal.locator("input[name=rating][value='4']").check(force=True)
    formal.fill("#closing-worked", "Elkaar echt leren kennen")
    agreement = informal.locator("form").filter(has=informal.locator("[name=what]")).first
    agreement.locator("[name=what]").fill("Maandelijks overleg met sleutelpersonen")
    agreement.locator("button[type=submit], button:not([type])").last.click()
    expect(wall.locator("#stage")).to_contain_text(
        "Maandelijks overleg met sleutelpersonen", timeout=LIVE
    )
    wall.wait_for_timeout(1500)
    evaluation = Contribution.objects.get(step__key="closing", slot="evaluation")
    assert (
        evaluation.data["rating"] == 4 and evaluation.data["worked"] == "Elkaar echt leren kennen"
    )

    expect(desk.locator("#live")).to_contain_text(re.compile(r"1 van 2|1 of 2"))
