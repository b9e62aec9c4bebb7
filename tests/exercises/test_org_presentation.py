"""Step 8: each organisation's card, filled in together on phones and presented on the wall."""

import io
import os
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from PIL import ExifTags, Image

from exercises.answers import save_shared_field
from exercises.models import Contribution
from exercises.rendering import step_context
from sessions.access import participant_cookie_name, participant_cookie_value
from sessions.models import Organisation, Participant


@pytest.fixture
def step(at_step):
    return at_step("picture_of_each_other")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def post_field(phone, url, field, text, base_version=0, **extra):
    return phone.post(
        url,
        {"field": field, "text": text, "base_version": base_version, **extra},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def upload(phone, url, data, name="photo.jpg"):
    return phone.post(
        url,
        {"action": "upload", "image": SimpleUploadedFile(name, data, content_type="image/jpeg")},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def card_of(organisation):
    return Contribution.objects.get(organisation=organisation, participant__isnull=True)


def projector(client, session):
    return client.get(reverse("projector", args=[session.code])).content.decode()


def jpeg_with_gps_and_orientation():
    """40x20: red left half, blue right half; EXIF says "rotate 90° clockwise", with GPS."""
    image = Image.new("RGB", (40, 20), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 20, 20))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 48.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (4.0, 40.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    return buffer.getvalue()


def noisy_jpeg(size=200):
    image = Image.frombytes("RGB", (size, size), os.urandom(size * size * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def png_claiming(width, height):
    """A tiny PNG file whose header claims a huge picture: a decompression bomb, cheaply."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    # IHDR starts at byte 8: length (4), type (4), width (4), height (4), ..., CRC after 13 bytes
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


# --- the shared card on the phones --------------------------------------------------


def test_phone_shows_the_four_questions_of_the_own_organisation(session, step, join):
    phone = join("Joost", "formal")
    page = phone.get(reverse("phone", args=[session.code])).content.decode()
    assert phone.participant.organisation.name in page
    for question in (
        "Wie zijn jullie?",
        "Wat doen jullie voor ouders en jeugd (individueel/gemeenschap)?",
        "Wat wil je bereiken samen?",
        "Wat heb je nodig en wat kan je bieden?",
    ):
        assert question in page
    assert 'accept="image/*"' in page and 'hx-encoding="multipart/form-data"' in page


def test_members_writing_different_questions_do_not_clash(session, step, join, answer_url):
    joost, anna = join("Joost", "formal"), join("Anna", "formal")
    first = post_field(joost, answer_url(step), "who", "Wij zijn het CJG")
    second = post_field(anna, answer_url(step), "what", "Opvoedspreekuur")
    assert first.status_code == second.status_code == 200
    card = card_of(joost.participant.organisation)
    assert card.data == {"who": "Wij zijn het CJG", "what": "Opvoedspreekuur"}
    page = anna.get(reverse("phone", args=[session.code])).content.decode()
    assert "Wij zijn het CJG" in page and "Opvoedspreekuur" in page


def test_the_same_question_with_a_stale_version_is_a_conflict(step, join, answer_url):
    joost, anna = join("Joost", "formal"), join("Anna", "formal")
    first = post_field(joost, answer_url(step), "who", "Tekst van Joost", base_version=0)
    assert first.status_code == 200
    assert 'name="base_version" value="1"' in first.content.decode()
    second = post_field(anna, answer_url(step), "who", "Tekst van Anna", base_version=0)
    assert second.status_code == 409
    body = second.content.decode()
    assert "Tekst van Joost" in body and "Someone else changed this" in body
    # Anna now holds the current version: her next save knowingly replaces Joost's text.
    assert 'name="base_version" value="1"' in body
    assert card_of(joost.participant.organisation).data["who"] == "Tekst van Joost"
    again = post_field(anna, answer_url(step), "who", "Samen: Joost en Anna", base_version=1)
    assert again.status_code == 200
    assert card_of(joost.participant.organisation).data["who"] == "Samen: Joost en Anna"


def test_a_forged_organisation_in_the_post_is_ignored(session, step, join, answer_url):
    joost = join("Joost", "formal")
    other = session.organisations.filter(side="informal").first()
    response = post_field(joost, answer_url(step), "who", "Van Joost", organisation=other.pk)
    assert response.status_code == 200
    assert not Contribution.objects.filter(organisation=other).exists()
    assert card_of(joost.participant.organisation).data["who"] == "Van Joost"


@pytest.mark.parametrize(
    "field, text, message",
    [
        ("who", "x" * 501, "at most 500 characters"),
        ("salary", "Geheim", "not part of the card"),
    ],
)
def test_a_bad_field_gets_a_message_and_nothing_is_stored(
    step, join, answer_url, field, text, message
):
    response = post_field(join(), answer_url(step), field, text)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert 'name="base_version"' in response.content.decode()
    assert not Contribution.objects.exists()


def test_a_participant_without_organisation_gets_a_friendly_message(session, step, answer_url):
    participant = Participant.objects.create(session=session, name="Noor", side="informal")
    phone = Client()
    phone.cookies[participant_cookie_name(session.code)] = participant_cookie_value(participant)
    page = phone.get(
        reverse("phone", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "no card for you to fill in" in page and '<textarea id="org-who"' not in page
    response = post_field(phone, answer_url(step), "who", "Toch iets")
    assert response.status_code == 422
    assert not Contribution.objects.exists()


def test_locked_step_shows_the_card_read_only(owner_client, session, step, join, answer_url):
    phone = join("Joost", "formal")
    post_field(phone, answer_url(step), "who", "Wij zijn het CJG")
    owner_client.post(reverse("lock_step", args=[session.code, step.pk]), {"locked": "1"})
    assert post_field(phone, answer_url(step), "who", "Te laat", base_version=1).status_code == 409
    page = phone.get(
        reverse("phone", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Wij zijn het CJG" in page and '<textarea id="org-who"' not in page


# --- the photo or logo --------------------------------------------------------------


def test_a_photo_is_stored_rotated_and_without_exif(session, step, join, answer_url):
    original = jpeg_with_gps_and_orientation()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    phone = join("Joost", "formal")
    response = upload(phone, answer_url(step), original)
    assert response.status_code == 200
    assert "Photo saved" in response.content.decode()
    card = card_of(phone.participant.organisation)
    assert card.image.url in response.content.decode()
    with Image.open(card.image.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (20, 40)  # turned upright as the orientation said
        assert not stored.getexif()
        assert "exif" not in stored.info
        red, green, blue = stored.convert("RGB").getpixel((10, 5))
        assert red > 200 and blue < 60  # the red half is now on top
    assert card.image.name.startswith(f"{session.code}/") and card.image.name.endswith(".jpg")


def test_a_large_photo_is_downsized(step, join, answer_url):
    buffer = io.BytesIO()
    Image.new("RGB", (3200, 1800), (30, 120, 90)).save(buffer, "JPEG")
    phone = join()
    assert upload(phone, answer_url(step), buffer.getvalue()).status_code == 200
    with Image.open(card_of(phone.participant.organisation).image.path) as stored:
        assert max(stored.size) == 1600


def test_a_logo_with_transparency_stays_a_png(step, join, answer_url):
    buffer = io.BytesIO()
    Image.new("RGBA", (60, 60), (200, 0, 0, 0)).save(buffer, "PNG")
    phone = join()
    assert upload(phone, answer_url(step), buffer.getvalue(), "logo.png").status_code == 200
    with Image.open(card_of(phone.participant.organisation).image.path) as stored:
        assert stored.format == "PNG" and stored.mode == "RGBA"


def test_a_new_photo_replaces_and_deletes_the_old_file(
    step, join, answer_url, django_capture_on_commit_callbacks
):
    phone = join()
    upload(phone, answer_url(step), jpeg_with_gps_and_orientation())
    card = card_of(phone.participant.organisation)
    old_path = card.image.path
    with django_capture_on_commit_callbacks(execute=True):
        upload(phone, answer_url(step), noisy_jpeg())
    card.refresh_from_db()
    assert card.image.path != old_path
    assert not Image.open(card.image.path).getexif()
    assert not os.path.exists(old_path)


def test_a_photo_can_be_removed(step, join, answer_url, django_capture_on_commit_callbacks):
    phone = join()
    upload(phone, answer_url(step), noisy_jpeg())
    path = card_of(phone.participant.organisation).image.path
    with django_capture_on_commit_callbacks(execute=True):
        response = phone.post(answer_url(step), {"action": "remove_photo"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert not card_of(phone.participant.organisation).image
    assert not os.path.exists(path)


def truncated_jpeg():
    data = noisy_jpeg()
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: b"Dit is gewoon een tekstbestand, geen foto.", "not a photo we can use"),
        (truncated_jpeg, "not a photo we can use"),
        (lambda: png_claiming(20000, 20000), "too many pixels"),  # Pillow's own limit
        (lambda: png_claiming(6000, 5000), "too many pixels"),  # ours, below Pillow's
        (lambda: b"\xff\xd8\xff" + b"\0" * (8 * 1024 * 1024 + 1), "too large"),
    ],
    ids=["text-file", "truncated", "bomb", "too-many-pixels", "oversized"],
)
def test_a_bad_upload_is_refused_with_a_message(step, join, answer_url, media_root, make, message):
    phone = join()
    response = upload(phone, answer_url(step), make())
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Contribution.objects.filter(image__gt="").exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_pillows_decompression_warning_counts_as_a_refusal(step, join, answer_url, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 6000)  # 100x100 is a warning, not an error
    buffer = io.BytesIO()
    Image.new("RGB", (100, 100)).save(buffer, "JPEG")
    response = upload(join(), answer_url(step), buffer.getvalue())
    assert response.status_code == 422
    assert "too many pixels" in response.content.decode()


def test_a_gif_is_refused(step, join, answer_url):
    buffer = io.BytesIO()
    Image.new("P", (10, 10)).save(buffer, "GIF")
    response = upload(join(), answer_url(step), buffer.getvalue(), "x.gif")
    assert response.status_code == 422
    assert "JPEG, PNG or WebP" in response.content.decode()


def test_an_upload_without_a_file_gets_a_message(step, join, answer_url):
    response = join().post(
        answer_url(step), {"action": "upload"}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    assert "Choose a photo first" in response.content.decode()


# --- the wall -------------------------------------------------------------------------


def fill_card(step, organisation, **answers):
    for key, text in answers.items():
        save_shared_field(
            step,
            owner={"organisation": organisation},
            field_name=key,
            text=text,
            base_version=0,
        )
    return Contribution.objects.get(organisation=organisation, participant__isnull=True)


FULL = {
    "who": "Wij zijn vrijwilligers",
    "what": "Koffieochtenden voor moeders",
    "achieve": "Samen ouders bereiken",
    "need_offer": "Wij bieden vertrouwen",
}


def test_overview_counts_filled_cards_per_organisation(owner_client, session, step, join):
    formal, informal = join("Joost", "formal"), join("Fatima", "informal")
    fill_card(step, informal.participant.organisation, **FULL)
    fill_card(step, formal.participant.organisation, who="Het CJG")
    page = projector(owner_client, session)
    assert "1 of 2 cards filled" in page or "1 van 2" in page
    assert formal.participant.organisation.name in page
    assert informal.participant.organisation.name in page
    assert "Wat wil je bereiken samen?" in page  # the questions, while they fill in
    assert "Wij zijn vrijwilligers" not in page  # no card is on the wall yet


def test_the_wall_shows_the_current_card_and_escapes_html(
    owner_client, session, step, join, action_url
):
    phone = join("Fatima", "informal")
    organisation = phone.participant.organisation
    fill_card(step, organisation, **{**FULL, "who": "Wij <script>x</script> zijn er"})
    assert owner_client.post(action_url(step), {"action": "next_card"}).status_code in (200, 302)
    page = projector(owner_client, session)
    assert organisation.name in page
    assert "Informal organisation" in page or "Informele organisatie" in page
    assert "Wat heb je nodig en wat kan je bieden?" in page
    assert "Wij &lt;script&gt;x&lt;/script&gt; zijn er" in page and "<script>x" not in page
    assert "Koffieochtenden voor moeders" in page


def test_the_wall_shows_the_photo_of_the_card(
    owner_client, session, step, join, answer_url, action_url
):
    phone = join("Fatima", "informal")
    upload(phone, answer_url(step), noisy_jpeg())
    card = card_of(phone.participant.organisation)
    owner_client.post(action_url(step), {"action": "next_card"})
    page = projector(owner_client, session)
    assert f'src="{card.image.url}"' in page
    assert owner_client.get(card.image.url).status_code == 200


def test_next_and_previous_step_through_the_cards(owner_client, session, step, action_url):
    organisations = list(session.organisations.all())  # formal first, then by name
    for organisation in organisations[:3]:
        fill_card(step, organisation, who=f"Kaart van {organisation.name}")
    first, second, third = organisations[:3]
    owner_client.post(action_url(step), {"action": "next_card"})
    assert f"Kaart van {first.name}" in projector(owner_client, session)
    owner_client.post(action_url(step), {"action": "next_card"})
    owner_client.post(action_url(step), {"action": "next_card"})
    assert f"Kaart van {third.name}" in projector(owner_client, session)
    assert owner_client.post(action_url(step), {"action": "next_card"}).status_code == 400
    owner_client.post(action_url(step), {"action": "show_card", "card": "1"})
    assert f"Kaart van {second.name}" in projector(owner_client, session)
    owner_client.post(action_url(step), {"action": "previous_card"})
    owner_client.post(action_url(step), {"action": "previous_card"})
    page = projector(owner_client, session)
    assert "Kaart van" not in page
    assert "cards filled" in page or "ingevuld" in page


def test_show_card_by_organisation(owner_client, session, step, action_url):
    organisation = session.organisations.get(name="Vrouwen van Nu")
    fill_card(step, organisation, who="Wij zijn Vrouwen van Nu")
    response = owner_client.post(
        action_url(step), {"action": "show_card", "organisation": organisation.pk}
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.state["card"] == organisation.pk
    assert "Wij zijn Vrouwen van Nu" in projector(owner_client, session)


def test_show_card_of_another_sessions_organisation_is_404(
    owner_client, make_session, step, action_url
):
    other = make_session(title="Andere sessie")
    foreign = other.organisations.first()
    fill_card(other.steps.get(key="picture_of_each_other"), foreign, who="Niet van hier")
    response = owner_client.post(
        action_url(step), {"action": "show_card", "organisation": foreign.pk}
    )
    assert response.status_code == 404
    step.refresh_from_db()
    assert not step.state.get("card")


def test_a_hidden_card_leaves_the_wall(owner_client, session, step, join, action_url):
    phone = join("Fatima", "informal")
    card = fill_card(step, phone.participant.organisation, who="Iets ongepasts")
    owner_client.post(action_url(step), {"action": "next_card"})
    assert "Iets ongepasts" in projector(owner_client, session)
    owner_client.post(reverse("hide_contribution", args=[session.code, card.pk]), {"hidden": "1"})
    page = projector(owner_client, session)
    assert "Iets ongepasts" not in page
    assert owner_client.post(action_url(step), {"action": "next_card"}).status_code == 400
    assert Contribution.objects.get(pk=card.pk).hidden


def test_other_facilitator_cannot_step_through_the_cards(other_client, session, step, action_url):
    fill_card(step, session.organisations.first(), who="Kaart")
    response = other_client.post(action_url(step), {"action": "next_card"})
    assert response.status_code == 403
    step.refresh_from_db()
    assert not step.state.get("card")


@pytest.mark.parametrize("cards", [1, 30])
def test_projector_query_count_stays_flat(
    owner_client, session, step, join, action_url, cards, django_assert_max_num_queries
):
    for number in range(cards):
        side = "formal" if number % 2 else "informal"
        organisation = Organisation.objects.create(
            session=session, name=f"Organisatie {number:02d}", side=side
        )
        join(f"Lid {number}", side, organisation=organisation)
        fill_card(step, organisation, **{**FULL, "who": f"Wij zijn nummer {number}"})
    url = reverse("projector", args=[session.code])
    with django_assert_max_num_queries(8):
        overview = owner_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert f"Organisatie {cards - 1:02d}" in overview
    owner_client.post(action_url(step), {"action": "show_card", "card": str(cards - 1)})
    with django_assert_max_num_queries(8):
        card = owner_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Wij zijn nummer" in card


# --- controls and report ------------------------------------------------------------


def test_controls_list_the_cards_with_present_and_hide(owner_client, session, step, join):
    phone = join("Fatima", "informal")
    card = fill_card(step, phone.participant.organisation, **FULL)
    join("Joost", "formal")
    page = owner_client.get(
        reverse("controls", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "1 of 2 cards filled" in page
    assert 'value="show_card"' in page and 'value="next_card"' in page
    assert reverse("hide_contribution", args=[session.code, card.pk]) in page
    assert "Koffieochtenden voor moeders" in page  # the facilitator can read the card first


def test_report_shows_visible_cards_with_their_photo(session, step, join, answer_url):
    fatima, joost = join("Fatima", "informal"), join("Joost", "formal")
    card = fill_card(step, fatima.participant.organisation, **FULL)
    upload(fatima, answer_url(step), noisy_jpeg())
    hidden = fill_card(step, joost.participant.organisation, who="Verborgen kaart")
    hidden.hidden = True
    hidden.save()
    card.refresh_from_db()
    context = step_context(session, step, surface="report", language="nl")
    html = render_to_string(context["step_partial"], {"session": session, **context})
    assert f'src="{card.image.url}"' in html
    assert "Koffieochtenden voor moeders" in html and "Wie zijn jullie?" in html
    assert "Verborgen kaart" not in html
