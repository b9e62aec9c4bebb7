"""Every participant in their own language: Turkish and Arabic phones in a Dutch session."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.translation import trans_real

from exercises.models import Contribution
from sessions.access import participant_cookie_name, participant_cookie_value
from sessions.models import Participant, Session
from sessions.report import render_report_html

PHONE_ONLY_LANGUAGES = ("tr", "ar")


def our_message_ids():
    """The msgids of this product's own catalogue (Django's own strings come translated)."""
    from babel.messages.pofile import read_po

    with open(settings.BASE_DIR / "locale" / "nl" / "LC_MESSAGES" / "django.po", "rb") as po:
        return {
            message.id if isinstance(message.id, str) else message.id[0]
            for message in read_po(po)
            if message.id
        }


@pytest.fixture
def untranslated(monkeypatch):
    """Our UI strings looked up in Turkish or Arabic that their catalogue lacks.

    A lookup that misses falls back to Dutch: a Turkish phone would show Dutch words.
    """
    ours = our_message_ids()
    missing = set()
    gettext, ngettext = trans_real.DjangoTranslation.gettext, trans_real.DjangoTranslation.ngettext

    def check(translation_object, message, key):
        # An untranslated plural is compiled as the English text itself.
        if (
            translation_object.language() in PHONE_ONLY_LANGUAGES
            and message in ours
            and translation_object._catalog.get(key) in (None, message)
        ):
            missing.add((translation_object.language(), message))

    def checked_gettext(self, message):
        check(self, message, message)
        return gettext(self, message)

    def checked_ngettext(self, singular, plural, number):
        check(self, singular, (singular, 0))
        return ngettext(self, singular, plural, number)

    monkeypatch.setattr(trans_real.DjangoTranslation, "gettext", checked_gettext)
    monkeypatch.setattr(trans_real.DjangoTranslation, "ngettext", checked_ngettext)
    return missing


@pytest.fixture
def owner_client_of_demo(demo):
    client = Client()
    client.force_login(demo.owner)
    return client


@pytest.fixture
def demo(db):
    """The demo session (every exercise filled in), running again, as a Dutch session."""
    call_command("demo_session", participants=8, verbosity=0)
    session = Session.objects.get(title="Samen sterk in Dordrecht")
    session.status = "live"
    session.closed_at = None
    session.save(update_fields=["status", "closed_at"])
    return session


def phone_of(participant, language):
    participant.language = language
    participant.save(update_fields=["language"])
    phone = Client()
    phone.cookies[participant_cookie_name(participant.session.code)] = participant_cookie_value(
        participant
    )
    return phone


def every_phone_page(session, phone):
    """The phone page at every step of the agenda, open and closed by the facilitator."""
    url = reverse("phone", args=[session.code])
    for step in session.active_steps():
        session.go_to(step)
        yield step, phone.get(url).content.decode()
        if step.kind == "group_proposal":
            step.state = {**step.state, "voting": True, "vote_closed": False}
            step.save(update_fields=["state"])
            yield step, phone.get(url).content.decode()
        step.locked = True
        step.save(update_fields=["locked"])
        yield step, phone.get(url).content.decode()


@pytest.mark.parametrize("language", PHONE_ONLY_LANGUAGES)
def test_every_phone_page_is_complete_in_turkish_and_arabic(
    demo, make_session, language, untranslated
):
    formal = demo.participants.filter(side="formal").first()
    informal = demo.participants.filter(side="informal").first()
    for participant in (formal, informal):
        phone = phone_of(participant, language)
        for _step, _page in every_phone_page(demo, phone):
            pass
    # A fresh session too: every exercise before anyone wrote anything.
    fresh = make_session(include_tree="on", include_pitfalls="on", include_letter="on")
    organisation = fresh.organisations.first()
    newcomer = fresh.participants.create(name="Ewa", side="informal", organisation=organisation)
    for _step, _page in every_phone_page(fresh, phone_of(newcomer, language)):
        pass
        demo.steps.update(locked=False)
        phone.post(reverse("ask_question", args=[demo.code]), {"text": ""})
        phone.post(reverse("ask_question", args=[demo.code]), {"text": "?"}, HTTP_HX_REQUEST="true")
    # The pages around joining, in the browser's language.
    browser = Client(HTTP_ACCEPT_LANGUAGE=language)
    browser.get(reverse("home"))
    browser.post(reverse("home"), {"code": "NOPE"})
    browser.get(reverse("join", args=[demo.code]))
    browser.post(reverse("join", args=[demo.code]), {"name": "", "side": "x"})
    loner = phone_of(demo.participants.create(name="Ewa", side="informal"), language)
    Session.objects.filter(pk=demo.pk).update(current_step=None, status="draft")
    loner.get(reverse("phone", args=[demo.code]))
    for step in demo.active_steps():
        demo.go_to(step)
        loner.get(reverse("phone", args=[demo.code]))
    Session.objects.filter(pk=demo.pk).update(status="closed")
    loner.get(reverse("phone", args=[demo.code]))
    browser.get(reverse("join", args=[demo.code]))
    assert not untranslated, "\n".join(sorted(message for _language, message in untranslated))


@pytest.mark.parametrize(
    ("language", "direction", "title", "zone"),
    [
        ("tr", "ltr", "İşbirliği ağacı", "Meyveler"),
        ("ar", "rtl", "شجرة التعاون", "الثمار"),
        ("nl", "ltr", "Boom van samenwerking", "Vruchten"),
    ],
)
def test_a_phone_shows_the_toolkit_in_its_participants_language(
    demo, language, direction, title, zone
):
    phone = phone_of(demo.participants.first(), language)
    demo.go_to(demo.steps.get(key="tree"))
    page = phone.get(reverse("phone", args=[demo.code])).content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in page
    assert title in page
    assert f"<strong>{zone}</strong>" in page


def test_the_join_page_follows_the_browser_and_stores_the_chosen_language(demo):
    browser = Client(HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5")
    page = browser.get(reverse("join", args=[demo.code])).content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert '<option value="ar" selected lang="ar">' in page
    organisation = demo.organisations.filter(side="informal").first()
    response = browser.post(
        reverse("join", args=[demo.code]),
        {"name": "Aylin K.", "organisation": organisation.pk, "side": "informal", "language": "tr"},
    )
    assert response.status_code == 302
    assert Participant.objects.get(session=demo, name="Aylin K.").language == "tr"
    # The phone now speaks Turkish, whatever the browser asks for.
    page = browser.get(reverse("phone", args=[demo.code])).content.decode()
    assert '<html lang="tr" dir="ltr">' in page


def test_a_participant_switches_language_mid_session_and_keeps_what_they_wrote(demo):
    participant = demo.participants.filter(side="informal").first()
    phone = phone_of(participant, "ar")
    step = demo.steps.get(key="strength_of_the_other")
    demo.go_to(step)
    phone.post(
        reverse("answer", args=[demo.code, step.pk]),
        {"text": "يعرفون العائلات منذ سنوات", "client_id": "ar-1"},
    )
    response = phone.post(reverse("set_phone_language", args=[demo.code]), {"language": "tr"})
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.language == "tr"
    phone.post(
        reverse("answer", args=[demo.code, step.pk]),
        {"text": "Aileleri yıllardır tanıyorlar", "client_id": "tr-1"},
    )
    notes = Contribution.objects.filter(
        step=step, participant=participant, client_id__in=["ar-1", "tr-1"]
    )
    assert {note.data["text"]: note.language for note in notes} == {
        "يعرفون العائلات منذ سنوات": "ar",
        "Aileleri yıllardır tanıyorlar": "tr",
    }


def test_an_unknown_language_is_refused_and_nothing_changes(demo):
    participant = demo.participants.first()
    phone = phone_of(participant, "tr")
    response = phone.post(reverse("set_phone_language", args=[demo.code]), {"language": "xx"})
    assert response.status_code == 400
    participant.refresh_from_db()
    assert participant.language == "tr"


def test_the_dutch_wall_and_report_mark_each_contribution_with_its_language(
    demo, owner_client_of_demo
):
    participant = demo.participants.filter(side="informal").first()
    phone = phone_of(participant, "ar")
    step = demo.steps.get(key="strength_of_the_other")
    demo.go_to(step)
    phone.post(
        reverse("answer", args=[demo.code, step.pk]),
        {"text": "يعرفون العائلات منذ سنوات", "client_id": "ar-wall"},
    )
    wall = owner_client_of_demo.get(
        reverse("projector", args=[demo.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert '<html lang="nl" dir="ltr">' in wall
    assert '<span class="note-text" lang="ar" dir="auto">يعرفون العائلات منذ سنوات</span>' in wall
    # Dutch notes of the demo keep their Dutch mark.
    assert 'lang="nl" dir="auto">' in wall
    report = render_report_html(demo)
    assert '<span lang="ar" dir="auto">يعرفون العائلات منذ سنوات</span>' in report


def test_the_facilitator_edits_a_steps_turkish_text_and_turkish_phones_show_it(
    session, owner_client, join
):
    step = session.steps.get(key="tree")
    url = reverse("edit_step", args=[session.code, step.pk]) + "?language=tr"
    page = owner_client.get(url).content.decode()
    assert 'value="İşbirliği ağacı"' in page and 'lang="tr"' in page
    response = owner_client.post(url, {"title": "Birlikte büyüyen ağaç", "minutes": 10})
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.text("tr")["title"] == "Birlikte büyüyen ağaç"
    assert step.text("nl")["title"] == "Boom van samenwerking"
    # The Turkish instruction was left empty: the facilitator's Dutch one stays in use.
    assert step.text("tr")["instruction"] == step.text("nl")["instruction"] != ""
    phone = join()
    phone.participant.language = "tr"
    phone.participant.save()
    session.go_to(step)
    assert (
        "Birlikte büyüyen ağaç" in phone.get(reverse("phone", args=[session.code])).content.decode()
    )
