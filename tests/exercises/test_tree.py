"""Step 15: the tree of cooperation, on phones, on the wall, in the controls and the report."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from exercises.kinds.tree import (
    MIN_CHARS,
    NOTE_MAX,
    ZONE_CAPACITY,
    ZONE_RECTS,
    layout_zone,
    shorten,
)
from exercises.models import Contribution
from exercises.rendering import step_context

ZONES = ("fruits", "roots", "trunk", "sun", "watering_can")


@pytest.fixture
def step(at_step):
    return at_step("tree")


def post_note(phone, url, text, zone="fruits", client_id="c1"):
    return phone.post(
        url,
        {"zone": zone, "text": text, "client_id": client_id},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def wall(client, session):
    return client.get(
        reverse("projector", args=[session.code]), HTTP_HX_REQUEST="true"
    ).content.decode()


def zone_html(page, zone):
    """The part of the wall that is one zone's box."""
    start = page.index(f"tree-zone-{zone} ")
    end = page.find("<section", start + 1)
    return page[start : end if end != -1 else len(page)]


def report(session, step):
    context = step_context(session, step, surface="report", language=session.language)
    return render_to_string(context["step_partial"], {**context, "session": session})


# --- phone ----------------------------------------------------------------------------


def test_phone_offers_the_five_zones_with_their_hints(session, step, join):
    page = join().get(reverse("phone", args=[session.code])).content.decode()
    for name, hint in [
        ("Vruchten", "doelen van samenwerking"),
        ("Wortels", "kracht van de partners"),
        ("Stam", "rollen"),
        ("Zon", "randvoorwaarden"),
        ("Gieter", "wat van de ander nodig?"),
    ]:
        assert name in page and hint in page
    assert page.count('type="radio" name="zone"') == 5
    assert 'maxlength="140"' in page


def test_a_note_is_stored_in_the_chosen_zone_and_listed_on_the_phone(step, join, answer_url):
    phone = join("Fatima", "informal")
    response = post_note(phone, answer_url(step), "Een vaste contactpersoon", zone="sun")
    assert response.status_code == 200
    note = Contribution.objects.get()
    assert (note.slot, note.data["text"], note.side) == (
        "sun",
        "Een vaste contactpersoon",
        "informal",
    )
    page = response.content.decode()
    # Listed with its zone, in the phone's language (English here).
    assert "Een vaste contactpersoon" in page and '"tree-mine-zone">Sun<' in page
    # The zone stays chosen for the next note.
    assert 'value="sun" required checked' in page


def test_a_forged_zone_is_refused_and_nothing_is_stored(step, join, answer_url):
    response = post_note(join(), answer_url(step), "Iets", zone="branches")
    assert response.status_code == 422
    assert "That part of the tree does not exist" in response.content.decode()
    assert Contribution.objects.count() == 0


def test_a_note_without_a_zone_gets_a_message_and_keeps_the_text(step, join, answer_url):
    response = post_note(join(), answer_url(step), "Mijn tekst blijft", zone="")
    assert response.status_code == 422
    page = response.content.decode()
    assert "Choose a part of the tree first" in page
    assert "Mijn tekst blijft</textarea>" in page
    assert Contribution.objects.count() == 0


@pytest.mark.parametrize(
    "text, message",
    [("   ", "Write something first"), ("x" * (NOTE_MAX + 1), "at most 140 characters")],
)
def test_a_bad_note_gets_a_message_and_nothing_is_stored(step, join, answer_url, text, message):
    response = post_note(join(), answer_url(step), text)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Contribution.objects.count() == 0


def test_a_retried_note_is_stored_once(step, join, answer_url):
    phone = join()
    first = post_note(phone, answer_url(step), "Samen evalueren", client_id="abc")
    again = post_note(phone, answer_url(step), "Samen evalueren", client_id="abc")
    assert first.status_code == again.status_code == 200
    assert Contribution.objects.filter(step=step).count() == 1


def test_a_phone_deletes_its_own_note(step, join, answer_url):
    phone = join()
    post_note(phone, answer_url(step), "Weg ermee")
    note = Contribution.objects.get()
    phone.post(answer_url(step), {"action": "delete", "note": note.pk}, HTTP_HX_REQUEST="true")
    assert not Contribution.objects.exists()


def test_a_phone_cannot_delete_another_participants_note(step, join, answer_url):
    post_note(join("Fatima"), answer_url(step), "Van Fatima")
    note = Contribution.objects.get()
    other = join("Aylin")
    other.post(answer_url(step), {"action": "delete", "note": note.pk}, HTTP_HX_REQUEST="true")
    other.post(answer_url(step), {"action": "delete", "note": "x"}, HTTP_HX_REQUEST="true")
    assert Contribution.objects.filter(pk=note.pk).exists()


def test_locked_step_refuses_notes(owner_client, session, step, join, answer_url):
    phone = join()
    owner_client.post(reverse("lock_step", args=[session.code, step.pk]), {"locked": "1"})
    assert post_note(phone, answer_url(step), "Te laat").status_code == 409
    assert Contribution.objects.count() == 0


# --- wall -----------------------------------------------------------------------------


def test_the_wall_draws_the_tree_and_shows_each_note_in_its_zone(
    owner_client, session, step, join, answer_url
):
    texts = {zone: f"Notitie over {zone}" for zone in ZONES}
    for number, zone in enumerate(ZONES):
        post_note(join(f"P{number}"), answer_url(step), texts[zone], zone=zone)
    page = wall(owner_client, session)
    assert '<svg class="tree-drawing"' in page
    for zone in ZONES:
        box = zone_html(page, zone)
        assert texts[zone] in box
        assert all(texts[other] not in box for other in ZONES if other != zone)
    assert "5 of 5 answered" in page or "5 van 5 beantwoord" in page


def test_the_wall_escapes_what_phones_write(owner_client, session, step, join, answer_url):
    post_note(join(), answer_url(step), "<b>vet</b> & <script>x</script>")
    page = wall(owner_client, session)
    assert "&lt;b&gt;vet&lt;/b&gt; &amp; &lt;script&gt;" in page
    assert "<script>x</script>" not in page


def test_a_hidden_note_is_not_on_the_wall_or_in_the_report(
    owner_client, session, step, join, answer_url
):
    post_note(join("Fatima"), answer_url(step), "Iets ongepasts", zone="roots")
    post_note(join("Joost", "formal"), answer_url(step), "Vertrouwen", zone="roots")
    note = Contribution.objects.get(data__text="Iets ongepasts")
    owner_client.post(reverse("hide_contribution", args=[session.code, note.pk]), {"hidden": "1"})
    page = wall(owner_client, session)
    assert "Iets ongepasts" not in page and "Vertrouwen" in page
    assert "Iets ongepasts" not in report(session, step)
    assert Contribution.objects.get(pk=note.pk).hidden


def test_a_long_note_is_shortened_on_the_wall_and_whole_in_the_report(
    owner_client, session, step, join, answer_url
):
    long_text = "Financiering voor vrijwilligersorganisaties die langer loopt dan een jaar " * 2
    long_text = long_text.strip()[:NOTE_MAX]
    for number in range(12):
        text = long_text if number == 0 else f"Randvoorwaarde {number}"
        post_note(join(f"P{number}"), answer_url(step), text, zone="sun", client_id=f"c{number}")
    page = wall(owner_client, session)
    assert long_text not in page
    assert "Financiering voor" in zone_html(page, "sun") and "…" in zone_html(page, "sun")
    assert long_text in report(session, step)


def test_a_full_zone_shows_the_newest_notes_and_counts_the_rest(
    owner_client, session, step, join, answer_url
):
    phone = join()
    total = ZONE_CAPACITY["trunk"] + 3
    for number in range(total):
        post_note(
            phone, answer_url(step), f"Rol {number:02d}", zone="trunk", client_id=f"c{number}"
        )
    box = zone_html(wall(owner_client, session), "trunk")
    assert f"Rol {total - 1:02d}" in box and "Rol 00" not in box
    assert "+ 4 earlier notes" in box or "+ 4 eerdere" in box


def test_names_are_in_the_report_unless_the_session_is_anonymous(
    owner_client, session, step, join, answer_url
):
    post_note(join("Fatima", "informal"), answer_url(step), "Vertrouwen", zone="roots")
    assert "Fatima" in report(session, step)
    owner_client.post(reverse("set_anonymous", args=[session.code]), {"anonymous": "1"})
    session.refresh_from_db()
    page = report(session, step)
    assert "Vertrouwen" in page and "Fatima" not in page


def test_the_report_drawing_writes_numbers_without_a_decimal_comma(session, step, join, answer_url):
    for number in range(7):
        post_note(join(f"P{number}"), answer_url(step), f"Doel {number}", client_id=f"c{number}")
    page = report(session, step)
    assert "<svg" in page and "Doel 6" in page
    assert not re.search(r'\s(x|y|width|height|font-size|dy)="[0-9]+,[0-9]', page)


# --- layout arithmetic ----------------------------------------------------------------


@pytest.mark.parametrize("zone", sorted(ZONE_RECTS))
def test_twelve_long_notes_fit_every_zone(zone):
    layout = layout_zone(zone, 12, NOTE_MAX)
    assert layout is not None and layout.capacity >= MIN_CHARS
    assert ZONE_CAPACITY[zone] >= 12


@pytest.mark.parametrize("zone", sorted(ZONE_RECTS))
def test_few_short_notes_get_large_type(zone):
    assert layout_zone(zone, 1, 40).font >= 17


def test_shorten_cuts_at_a_word_and_ends_with_an_ellipsis():
    assert shorten("Korte notitie", 40) == "Korte notitie"
    cut = shorten("Een warme overdracht in plaats van een doorverwijsbrief", 30)
    assert cut.endswith("…") and len(cut) <= 30 and cut == "Een warme overdracht in…"


# --- controls -------------------------------------------------------------------------


def test_controls_list_the_notes_per_zone_with_hide_buttons(
    owner_client, session, step, join, answer_url
):
    post_note(join("Fatima"), answer_url(step), "Wederzijds respect", zone="sun")
    page = owner_client.get(
        reverse("controls", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    sun = page[page.index("Zon") :]
    assert "Wederzijds respect" in sun and "Fatima" in sun
    note = Contribution.objects.get()
    assert reverse("hide_contribution", args=[session.code, note.pk]) in page


def test_another_facilitator_cannot_hide_a_note(other_client, session, step, join, answer_url):
    post_note(join(), answer_url(step), "Notitie")
    note = Contribution.objects.get()
    response = other_client.post(
        reverse("hide_contribution", args=[session.code, note.pk]), {"hidden": "1"}
    )
    assert response.status_code == 403
    assert not Contribution.objects.get().hidden


@pytest.mark.parametrize("notes", [1, 60])
def test_projector_query_count_stays_flat(
    owner_client, session, step, join, answer_url, notes, django_assert_max_num_queries
):
    phones = [
        join(f"Deelnemer {n}", "formal" if n % 2 else "informal") for n in range(min(notes, 30))
    ]
    for number in range(notes):
        zone = ZONES[number % len(ZONES)]
        post_note(
            phones[number % len(phones)], answer_url(step), f"Notitie {number}", zone, f"c{number}"
        )
    with django_assert_max_num_queries(14):
        response = owner_client.get(
            reverse("projector", args=[session.code]), HTTP_HX_REQUEST="true"
        )
    assert f"Notitie {notes - 1}" in response.content.decode()
