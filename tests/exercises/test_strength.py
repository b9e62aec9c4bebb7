"""Step 10: the strength of the other, on phones, on the wall and in the controls."""

import pytest
from django.urls import reverse

from exercises.models import Contribution


@pytest.fixture
def step(at_step):
    return at_step("strength_of_the_other")


def post_note(phone, url, text, client_id="c1"):
    return phone.post(url, {"text": text, "client_id": client_id}, HTTP_HX_REQUEST="true")


def test_each_side_is_asked_about_the_other(session, step, join):
    formal, informal = join("Joost", "formal"), join("Fatima", "informal")
    formal_page = formal.get(reverse("phone", args=[session.code])).content.decode()
    informal_page = informal.get(reverse("phone", args=[session.code])).content.decode()
    assert "Waar ligt de kracht van informeel?" in formal_page
    assert "Waar ligt de kracht van formeel?" in informal_page


def test_a_note_is_stored_once_even_when_retried(step, join, answer_url):
    phone = join("Fatima", "informal")
    first = post_note(phone, answer_url(step), "Jullie kennen de regels en de wegen")
    again = post_note(phone, answer_url(step), "Jullie kennen de regels en de wegen")
    assert first.status_code == again.status_code == 200
    assert Contribution.objects.filter(step=step).count() == 1
    assert "Jullie kennen de regels en de wegen" in again.content.decode()


@pytest.mark.parametrize("client_id", ["\x00", "x" * 300, "<b>", ""])
def test_a_note_with_a_strange_client_id_is_still_stored(step, join, answer_url, client_id):
    """A tampered form's id (a NUL byte PostgreSQL cannot store, a long one) is replaced."""
    phone = join("Fatima", "informal")
    response = post_note(phone, answer_url(step), "Zij kennen de buurt", client_id=client_id)
    assert response.status_code == 200
    assert "Zij kennen de buurt" in response.content.decode()
    stored = Contribution.objects.get(step=step)
    assert stored.client_id and stored.client_id != client_id


@pytest.mark.parametrize(
    "text, message",
    [("   ", "Write something first"), ("x" * 281, "at most 280 characters")],
)
def test_a_bad_note_gets_a_message_and_keeps_the_text(step, join, answer_url, text, message):
    phone = join()
    response = phone.post(
        answer_url(step),
        {"text": text, "client_id": "c1"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Contribution.objects.count() == 0


def test_the_wall_shows_both_sides_facing_and_escapes_html(
    owner_client, session, step, join, answer_url
):
    post_note(join("Joost", "formal"), answer_url(step), "Ze bereiken <script>x</script> ouders")
    post_note(join("Fatima", "informal"), answer_url(step), "Kennis van regels")
    page = owner_client.get(reverse("projector", args=[session.code])).content.decode()
    assert "Ze bereiken &lt;script&gt;x&lt;/script&gt; ouders" in page
    assert "<script>x</script>" not in page
    formal_column = page.split("side-formal")[1].split("side-informal")[0]
    assert "Ze bereiken" in formal_column and "Kennis van regels" not in formal_column
    assert "2 van 2 beantwoord" in page or "2 of 2 answered" in page


def test_hidden_notes_leave_the_wall_but_stay_stored(owner_client, session, step, join, answer_url):
    post_note(join(), answer_url(step), "Iets ongepasts")
    note = Contribution.objects.get()
    owner_client.post(reverse("hide_contribution", args=[session.code, note.pk]), {"hidden": "1"})
    page = owner_client.get(reverse("projector", args=[session.code])).content.decode()
    assert "Iets ongepasts" not in page
    assert Contribution.objects.get().hidden


def test_names_show_unless_the_session_is_anonymous(owner_client, session, step, join, answer_url):
    post_note(join("Fatima", "informal"), answer_url(step), "Vertrouwen")
    page = owner_client.get(reverse("projector", args=[session.code])).content.decode()
    assert "Fatima" in page
    owner_client.post(reverse("set_anonymous", args=[session.code]), {"anonymous": "1"})
    page = owner_client.get(reverse("projector", args=[session.code])).content.decode()
    assert "Vertrouwen" in page and "Fatima" not in page


def test_spotlight_a_note(owner_client, session, step, join, answer_url, action_url):
    post_note(join(), answer_url(step), "Ze spreken de taal van de ouders")
    note = Contribution.objects.get()
    owner_client.post(action_url(step), {"action": "spotlight", "note": note.pk})
    page = owner_client.get(reverse("projector", args=[session.code])).content.decode()
    assert 'class="spotlight"' in page
    owner_client.post(action_url(step), {"action": "clear"})
    page = owner_client.get(reverse("projector", args=[session.code])).content.decode()
    assert 'class="spotlight"' not in page


def test_spotlight_of_another_steps_note_is_404(
    owner_client, session, step, at_step, join, answer_url, action_url
):
    post_note(join(), answer_url(step), "Notitie")
    note = Contribution.objects.get()
    other = session.steps.get(key="tree")
    assert (
        owner_client.post(action_url(other), {"action": "spotlight", "note": note.pk}).status_code
        == 404
    )


def test_a_phone_cannot_delete_another_participants_note(step, join, answer_url):
    post_note(join("Fatima"), answer_url(step), "Van Fatima")
    note = Contribution.objects.get()
    other = join("Aylin")
    other.post(answer_url(step), {"action": "delete", "note": note.pk}, HTTP_HX_REQUEST="true")
    assert Contribution.objects.filter(pk=note.pk).exists()


def test_locked_step_refuses_notes(owner_client, session, step, join, answer_url):
    phone = join()
    owner_client.post(reverse("lock_step", args=[session.code, step.pk]), {"locked": "1"})
    response = post_note(phone, answer_url(step), "Te laat")
    assert response.status_code == 409
    assert Contribution.objects.count() == 0
    page = phone.get(
        reverse("phone", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "The facilitator has closed this exercise" in page and "<textarea" not in page


def test_a_step_of_another_session_takes_no_answer(make_session, step, join, other_facilitator):
    other = make_session(owner=other_facilitator)
    foreign_step = other.steps.get(key="strength_of_the_other")
    phone = join()
    response = phone.post(
        reverse("answer", args=[step.session.code, foreign_step.pk]),
        {"text": "x", "client_id": "c"},
    )
    assert response.status_code == 404
    assert Contribution.objects.count() == 0


def test_other_facilitator_cannot_moderate(other_client, session, step, join, answer_url):
    post_note(join(), answer_url(step), "Notitie")
    note = Contribution.objects.get()
    response = other_client.post(
        reverse("hide_contribution", args=[session.code, note.pk]), {"hidden": "1"}
    )
    assert response.status_code == 403
    assert not Contribution.objects.get().hidden


@pytest.mark.parametrize("notes", [1, 30])
def test_projector_query_count_stays_flat(
    owner_client, session, step, join, answer_url, notes, django_assert_max_num_queries
):
    for number in range(notes):
        phone = join(f"Deelnemer {number}", "formal" if number % 2 else "informal")
        post_note(phone, answer_url(step), f"Kracht nummer {number}")
    with django_assert_max_num_queries(14):
        response = owner_client.get(
            reverse("projector", args=[session.code]), HTTP_HX_REQUEST="true"
        )
    assert f"Kracht nummer {notes - 1}" in response.content.decode()


def test_a_full_hall_shows_the_newest_notes_and_counts_the_rest(
    owner_client, session, step, join, answer_url
):
    from exercises.kinds.strength import WALL_NOTES_PER_SIDE

    formal = join("Joost", "formal")
    informal = join("Fatima", "informal")
    # 12 notes per phone at most: a room of phones, 5 notes each.
    phones = [join(f"Deelnemer {n}", "formal") for n in range(9)]
    for number, phone in enumerate(phones * 5):
        post_note(phone, answer_url(step), f"Kracht {number:02d}", client_id=f"c{number}")
    post_note(formal, answer_url(step), "De nieuwste formele notitie", client_id="last")
    post_note(informal, answer_url(step), "Eén informele notitie", client_id="one")
    page = owner_client.get(reverse("projector", args=[session.code])).content.decode()
    formal_column = page.split("side-formal")[1].split("side-informal")[0]
    assert formal_column.count('class="note-text"') == WALL_NOTES_PER_SIDE
    assert "De nieuwste formele notitie" in formal_column
    assert "Kracht 00" not in formal_column  # the oldest make room
    earlier = 46 - WALL_NOTES_PER_SIDE
    assert f"en nog {earlier} eerdere notities, in het verslag" in formal_column
    informal_column = page.split("side-informal")[1]
    assert "Eén informele notitie" in informal_column
    assert "eerdere" not in informal_column


def test_the_report_keeps_every_note_the_wall_had_no_room_for(session, step, join, answer_url):
    from exercises.kinds.strength import WALL_NOTES_PER_SIDE
    from sessions.report import render_report_html

    phones = [join(f"Deelnemer {n}", "formal") for n in range(9)]
    for number, phone in enumerate(phones * 5):
        post_note(phone, answer_url(step), f"Kracht {number:02d}", client_id=f"c{number}")
    html = render_report_html(session)
    assert 45 > WALL_NOTES_PER_SIDE
    assert all(f"Kracht {number:02d}" in html for number in range(45))


def test_the_controls_of_a_full_hall_list_the_newest_notes_hidden_ones_too(
    owner_client, session, step, join, monkeypatch
):
    from exercises.kinds import strength

    monkeypatch.setattr(strength, "MODERATION_NOTES_PER_SIDE", 3)
    formal, informal = join("Joost", "formal").participant, join("Fatima", "informal").participant
    for number in range(5):
        Contribution.objects.create(
            session=session,
            step=step,
            participant=formal,
            side="formal",
            client_id=f"f{number}",
            data={"text": f"Formeel {number}"},
            hidden=number == 4,
        )
    Contribution.objects.create(
        session=session,
        step=step,
        participant=informal,
        side="informal",
        client_id="i0",
        data={"text": "Informeel 0"},
    )
    page = owner_client.get(reverse("controls", args=[session.code])).content.decode()
    moderation = page.split('class="moderation"')[1].split("</ul>")[0]
    shown = [f"Formeel {n}" for n in range(5) if f"Formeel {n}<" in moderation]
    assert shown == ["Formeel 2", "Formeel 3", "Formeel 4"]  # the newest, the hidden one too
    assert "Informeel 0" in moderation
    assert "en nog 2 eerdere notities, in het verslag" in page


# Outside a test transaction, as on the server: a note is one INSERT without a savepoint.
@pytest.mark.django_db(transaction=True)
def test_a_note_costs_four_queries_and_the_panel_two(
    session, step, join, answer_url, django_assert_num_queries
):
    """The participant with its session and step, the phone's notes, the note, the version."""
    phone = join("Fatima", "informal")
    post_note(phone, answer_url(step), "Eerste", client_id="c0")
    with django_assert_num_queries(4):
        response = post_note(phone, answer_url(step), "Jullie kennen de wegen", client_id="c1")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Eerste" in page and "Jullie kennen de wegen" in page
    with django_assert_num_queries(2):
        panel = phone.get(reverse("phone", args=[session.code]), HTTP_HX_REQUEST="true")
    assert "Jullie kennen de wegen" in panel.content.decode()
