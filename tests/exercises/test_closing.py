"""Step 17: the closing, with its evaluation, the agreements for the follow-up and the letter."""

import csv
import datetime
import io
import json

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from exercises.models import Contribution
from exercises.rendering import step_context


@pytest.fixture
def step(at_step):
    return at_step("closing")


@pytest.fixture
def letter_step(step):
    step.config = {**step.config, "letter_enabled": True}
    step.save(update_fields=["config"])
    return step


def post(phone, url, data):
    return phone.post(url, data, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")


def agreement(what="Elke maand overleg in het wijkcentrum", **fields):
    return {
        "part": "agreement",
        "action": "add",
        "client_id": "c1",
        "what": what,
        "who": "Fatima en Joost",
        "side": "both",
        "due": "",
        **fields,
    }


def in_days(days):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def projector(client, session):
    """The wall, in English (it speaks the session's language, not the browser's)."""
    if session.language != "en":
        session.language = "en"
        session.save(update_fields=["language"])
    return client.get(
        reverse("projector", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()


def report(session, step):
    step.refresh_from_db()
    session.refresh_from_db()
    with translation.override("en"):
        context = step_context(session, step, surface="report", language="en")
        return render_to_string(context["kind"].partial("report"), {"session": session, **context})


def evaluation_of(phone):
    return Contribution.objects.get(participant=phone.participant, slot="evaluation").data


# --- the phone -----------------------------------------------------------------------------


def test_phone_shows_evaluation_and_agreements_but_no_letter_when_off(session, step, join):
    page = join().get(reverse("phone", args=[session.code])).content.decode()
    assert "Hoe waardeer je deze bijeenkomst?" in page
    assert "Wat werkte goed?" in page and "Wat kan beter?" in page
    assert 'name="rating" value="5"' in page
    assert 'name="what"' in page
    assert "Brief of fietsbel" not in page and 'name="part" value="letter"' not in page


def test_phone_offers_the_letter_and_says_it_stays_off_the_wall(session, letter_step, join):
    page = (
        join()
        .get(reverse("phone", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "Letter or bicycle bell" in page
    assert "Your letter is not shown on the wall" in page
    assert 'maxlength="3000"' in page


# --- the evaluation ------------------------------------------------------------------------


def test_evaluation_fields_save_one_by_one_without_losing_the_others(step, join, answer_url):
    phone = join()
    assert post(phone, answer_url(step), {"part": "evaluation", "rating": "4"}).status_code == 200
    post(phone, answer_url(step), {"part": "evaluation", "worked": "De gesprekken in tweetallen"})
    post(phone, answer_url(step), {"part": "evaluation", "better": "Meer tijd voor de afspraken"})
    post(phone, answer_url(step), {"part": "evaluation", "rating": "5"})
    assert evaluation_of(phone) == {
        "rating": 5,
        "worked": "De gesprekken in tweetallen",
        "better": "Meer tijd voor de afspraken",
    }
    assert Contribution.objects.filter(slot="evaluation").count() == 1


@pytest.mark.parametrize("rating", ["0", "6", "vier", "", "4.5", "-1"])
def test_evaluation_with_an_invalid_rating_is_refused_and_changes_nothing(
    step, join, answer_url, rating
):
    phone = join()
    post(phone, answer_url(step), {"part": "evaluation", "rating": "3", "worked": "Fijn"})
    response = post(
        phone, answer_url(step), {"part": "evaluation", "rating": rating, "worked": "Anders"}
    )
    assert response.status_code == 422
    assert "Choose a rating from 1 to 5" in response.content.decode()
    assert evaluation_of(phone) == {"rating": 3, "worked": "Fijn"}


def test_evaluation_text_that_is_too_long_is_refused(step, join, answer_url):
    phone = join()
    response = post(phone, answer_url(step), {"part": "evaluation", "worked": "x" * 501})
    assert response.status_code == 422
    assert "at most 500 characters" in response.content.decode()
    assert not Contribution.objects.exists()


def test_an_unknown_part_is_refused(step, join, answer_url):
    response = post(join(), answer_url(step), {"part": "vote", "rating": "3"})
    assert response.status_code == 422
    assert not Contribution.objects.exists()


# --- agreements from phones ----------------------------------------------------------------


def test_an_agreement_is_stored_once_even_when_retried(step, join, answer_url):
    phone = join()
    first = post(phone, answer_url(step), agreement(due=in_days(30)))
    again = post(phone, answer_url(step), agreement(due=in_days(30)))
    assert first.status_code == again.status_code == 200
    stored = Contribution.objects.get(slot="agreement")
    assert stored.data == {
        "what": "Elke maand overleg in het wijkcentrum",
        "who": "Fatima en Joost",
        "side": "both",
        "due": in_days(30),
    }
    assert stored.participant == phone.participant
    assert "Elke maand overleg in het wijkcentrum" in again.content.decode()


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"what": "   "}, "Write what was agreed"),
        ({"what": "x" * 301}, "at most 300 characters"),
        ({"who": "y" * 121}, "at most 120 characters"),
        ({"side": "everyone"}, "Choose a side"),
        ({"due": "2026-13-45"}, "is not a date"),
        ({"due": "volgende week"}, "is not a date"),
        ({"due": "20270101"}, "is not a date"),
        ({"due": "1999-01-01"}, "more than a year ago"),
        ({"due": "2999-01-01"}, "too far ahead"),
    ],
)
def test_a_bad_agreement_gets_a_message_keeps_the_text_and_stores_nothing(
    step, join, answer_url, fields, message
):
    data = agreement(**{"what": "Samen een ouderavond organiseren", **fields})
    response = post(join(), answer_url(step), data)
    page = response.content.decode()
    assert response.status_code == 422
    assert message in page
    if "what" not in fields:
        assert "Samen een ouderavond organiseren" in page
    assert not Contribution.objects.exists()


def test_a_participant_edits_and_deletes_their_own_agreement(step, join, answer_url):
    phone = join()
    post(phone, answer_url(step), agreement())
    own = Contribution.objects.get()
    response = post(
        phone,
        answer_url(step),
        agreement(action="edit", agreement=own.pk, what="Om de maand overleg", side="formal"),
    )
    assert response.status_code == 200
    assert "Om de maand overleg" in response.content.decode()
    own.refresh_from_db()
    assert own.data["what"] == "Om de maand overleg" and own.data["side"] == "formal"
    post(phone, answer_url(step), {"part": "agreement", "action": "delete", "agreement": own.pk})
    assert not Contribution.objects.exists()


def test_an_invalid_edit_keeps_the_agreement_as_it_was(step, join, answer_url):
    phone = join()
    post(phone, answer_url(step), agreement())
    own = Contribution.objects.get()
    response = post(
        phone, answer_url(step), agreement(action="edit", agreement=own.pk, due="2026-02-30")
    )
    assert response.status_code == 422
    assert "is not a date" in response.content.decode()
    own.refresh_from_db()
    assert own.data["due"] == ""


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_a_participant_cannot_change_another_participants_agreement(step, join, answer_url, action):
    post(join("Fatima"), answer_url(step), agreement())
    theirs = Contribution.objects.get()
    forger = join("Aylin")
    response = post(
        forger, answer_url(step), agreement(action=action, agreement=theirs.pk, what="Gekaapt")
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.data["what"] == "Elke maand overleg in het wijkcentrum"


def test_a_participant_cannot_change_the_facilitators_agreement(
    owner_client, step, join, answer_url, action_url
):
    owner_client.post(action_url(step), agreement(action="add_agreement", what="Van de leiding"))
    theirs = Contribution.objects.get()
    response = post(join(), answer_url(step), agreement(action="edit", agreement=theirs.pk))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.data["what"] == "Van de leiding"


def test_phones_list_the_visible_agreements_of_everyone(
    owner_client, session, step, join, answer_url
):
    post(join("Fatima"), answer_url(step), agreement(what="Folder in het Arabisch"))
    post(join("Joost", "formal"), answer_url(step), agreement(what="Iets ongepasts"))
    hidden = Contribution.objects.get(data__what="Iets ongepasts")
    owner_client.post(reverse("hide_contribution", args=[session.code, hidden.pk]), {"hidden": "1"})
    page = join("Aylin").get(reverse("phone", args=[session.code])).content.decode()
    assert "Folder in het Arabisch" in page
    assert "Iets ongepasts" not in page


def test_locked_step_refuses_agreements_and_shows_the_list_read_only(
    owner_client, session, step, join, answer_url
):
    phone = join()
    post(phone, answer_url(step), agreement(what="Voor het slot"))
    owner_client.post(reverse("lock_step", args=[session.code, step.pk]), {"locked": "1"})
    response = post(phone, answer_url(step), agreement(what="Te laat", client_id="c2"))
    assert response.status_code == 409
    page = phone.get(reverse("phone", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en")
    page = page.content.decode()
    assert "Voor het slot" in page and "Te laat" not in page
    assert 'name="what"' not in page
    assert "The facilitator has closed this exercise" in page


# --- agreements from the facilitator -------------------------------------------------------


def test_the_facilitator_adds_edits_and_deletes_any_agreement(
    owner_client, session, step, join, answer_url, action_url
):
    post(join("Fatima"), answer_url(step), agreement(what="Van Fatima"))
    response = owner_client.post(
        action_url(step),
        agreement(
            action="add_agreement",
            what="Verslag rondsturen",
            side="formal",
            due=in_days(7),
            client_id="f1",
        ),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Verslag rondsturen" in response.content.decode()
    fatimas = Contribution.objects.get(data__what="Van Fatima")
    owner_client.post(
        action_url(step),
        agreement(action="edit_agreement", agreement=fatimas.pk, what="Van Fatima, bijgesteld"),
    )
    fatimas.refresh_from_db()
    assert fatimas.data["what"] == "Van Fatima, bijgesteld"
    assert fatimas.participant is not None  # still hers
    owner_client.post(action_url(step), {"action": "delete_agreement", "agreement": fatimas.pk})
    assert list(Contribution.objects.values_list("data__what", flat=True)) == ["Verslag rondsturen"]


def test_the_facilitators_bad_agreement_is_refused(owner_client, step, action_url):
    response = owner_client.post(action_url(step), agreement(action="add_agreement", what=""))
    assert response.status_code == 400
    response = owner_client.post(
        action_url(step), agreement(action="add_agreement", due="1999-01-01")
    )
    assert response.status_code == 400
    assert not Contribution.objects.exists()


def test_an_agreement_of_another_step_or_session_is_404(
    owner_client, session, step, join, answer_url, action_url, make_session
):
    other_session = make_session(title="Een andere sessie")
    other_step = other_session.steps.get(key="closing")
    other_session.go_to(other_step)
    elsewhere = join(target=other_session)
    post(elsewhere, answer_url(other_step).replace(session.code, other_session.code), agreement())
    foreign = Contribution.objects.get()
    strength = session.steps.get(key="strength_of_the_other")
    note = Contribution.objects.create(
        session=session, step=strength, participant=join().participant, data={"text": "x"}
    )
    for pk in (foreign.pk, note.pk, "abc", ""):
        for action in ("edit_agreement", "delete_agreement"):
            response = owner_client.post(
                action_url(step), agreement(action=action, agreement=pk, what="Anders")
            )
            assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.data["what"] == "Elke maand overleg in het wijkcentrum"
    assert Contribution.objects.count() == 2


def test_another_facilitator_cannot_touch_the_agreements(
    other_client, step, join, answer_url, action_url
):
    post(join(), answer_url(step), agreement())
    theirs = Contribution.objects.get()
    for data in (
        agreement(action="add_agreement", what="Binnengedrongen"),
        agreement(action="edit_agreement", agreement=theirs.pk, what="Binnengedrongen"),
        {"action": "delete_agreement", "agreement": theirs.pk},
        {"action": "show", "view": "evaluation"},
    ):
        assert other_client.post(action_url(step), data).status_code == 403
    theirs.refresh_from_db()
    assert theirs.data["what"] == "Elke maand overleg in het wijkcentrum"
    assert Contribution.objects.count() == 1
    step.refresh_from_db()
    assert "view" not in step.state


# --- the wall --------------------------------------------------------------------------------


def test_the_wall_shows_the_agreements_by_default_and_escapes_html(
    owner_client, session, step, join, answer_url
):
    post(
        join(),
        answer_url(step),
        agreement(what="Ouders <script>x</script> uitnodigen", side="informal", due="2027-03-01"),
    )
    page = projector(owner_client, session)
    assert "Agreements for the follow-up" in page
    assert "Ouders &lt;script&gt;x&lt;/script&gt; uitnodigen" in page
    assert "<script>x</script>" not in page
    assert "Fatima en Joost" in page and "Informal" in page and "1 Mar 2027" in page


def test_hidden_agreements_leave_the_wall_and_the_report(
    owner_client, session, step, join, answer_url
):
    post(join(), answer_url(step), agreement(what="Iets ongepasts"))
    post(join("Joost", "formal"), answer_url(step), agreement(what="Samen een folder maken"))
    hidden = Contribution.objects.get(data__what="Iets ongepasts")
    owner_client.post(reverse("hide_contribution", args=[session.code, hidden.pk]), {"hidden": "1"})
    page = projector(owner_client, session)
    assert "Samen een folder maken" in page and "Iets ongepasts" not in page
    assert "Iets ongepasts" not in report(session, step)
    assert Contribution.objects.get(pk=hidden.pk).hidden


def test_the_wall_switches_to_the_evaluation_summary(
    owner_client, session, step, join, answer_url, action_url
):
    for name, rating, worked in (("A", 5, "De verhalen"), ("B", 4, ""), ("C", 4, "Het eten")):
        post(
            join(name),
            answer_url(step),
            {"part": "evaluation", "rating": rating, "worked": worked, "better": "Meer tijd"},
        )
    post(join("D"), answer_url(step), {"part": "evaluation", "worked": "Alleen tekst"})
    response = owner_client.post(action_url(step), {"action": "show", "view": "evaluation"})
    assert response.status_code == 302
    page = projector(owner_client, session)
    assert "Agreements for the follow-up" not in page
    assert "4.3" in page and "3 ratings" in page
    assert "2 people gave 4" in page and "1 person gave 5" in page
    assert "De verhalen" in page and "Het eten" in page and "Meer tijd" in page
    assert "3 of 4 answered" in page
    assert owner_client.post(action_url(step), {"action": "show", "view": "x"}).status_code == 400


def test_hidden_evaluations_leave_the_wall(
    owner_client, session, step, join, answer_url, action_url
):
    post(join("A"), answer_url(step), {"part": "evaluation", "rating": "1", "worked": "Iets grofs"})
    post(join("B"), answer_url(step), {"part": "evaluation", "rating": "5", "worked": "Mooi"})
    rude = Contribution.objects.get(data__worked="Iets grofs")
    owner_client.post(reverse("hide_contribution", args=[session.code, rude.pk]), {"hidden": "1"})
    owner_client.post(action_url(step), {"action": "show", "view": "evaluation"})
    page = projector(owner_client, session)
    assert "Mooi" in page and "Iets grofs" not in page
    assert "1 rating" in page and "5.0" in page


def test_letters_are_never_on_the_wall(
    owner_client, session, letter_step, join, answer_url, action_url
):
    phone = join()
    response = post(phone, answer_url(letter_step), {"part": "letter", "text": "Beste partners"})
    assert response.status_code == 200
    assert Contribution.objects.get(slot="letter").data == {"text": "Beste partners"}
    for view in ("agreements", "evaluation"):
        owner_client.post(action_url(letter_step), {"action": "show", "view": view})
        assert "Beste partners" not in projector(owner_client, session)


def test_a_letter_is_refused_when_the_option_is_off(step, join, answer_url):
    response = post(join(), answer_url(step), {"part": "letter", "text": "Beste partners"})
    assert response.status_code == 422
    assert "not part of this session" in response.content.decode()
    assert not Contribution.objects.exists()


def test_a_letter_that_is_too_long_is_refused(letter_step, join, answer_url):
    response = post(join(), answer_url(letter_step), {"part": "letter", "text": "x" * 3001})
    assert response.status_code == 422
    assert "at most 3000 characters" in response.content.decode()
    assert not Contribution.objects.exists()


# --- the controls and the report -------------------------------------------------------------


def test_the_controls_list_every_agreement_with_hide_and_delete(
    owner_client, session, step, join, answer_url
):
    post(join("Fatima"), answer_url(step), agreement(what="Folder maken"))
    page = owner_client.get(
        reverse("controls", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Folder maken" in page and "Fatima" in page
    assert 'value="delete_agreement"' in page and 'value="add_agreement"' in page
    assert reverse("hide_contribution", args=[session.code, Contribution.objects.get().pk]) in page


def test_the_report_has_agreements_evaluation_and_visible_letters(
    owner_client, session, letter_step, join, answer_url
):
    fatima, joost = join("Fatima"), join("Joost", "formal")
    url = answer_url(letter_step)
    post(fatima, url, agreement(what="Elke maand overleg", who="Wijkteam", due="2027-01-15"))
    post(fatima, url, {"part": "evaluation", "rating": "5", "worked": "De openheid"})
    post(fatima, url, {"part": "letter", "text": "Beste partners,\nlaten we doorgaan."})
    post(joost, url, {"part": "letter", "text": "Niet voor het verslag"})
    hidden = Contribution.objects.get(data__text="Niet voor het verslag")
    owner_client.post(reverse("hide_contribution", args=[session.code, hidden.pk]), {"hidden": "1"})
    page = report(session, letter_step)
    assert "Elke maand overleg" in page and "15 January 2027" in page and "Both sides" in page
    assert "5.0 / 5" in page and "De openheid" in page
    assert "Beste partners,<br>laten we doorgaan." in page and "Fatima" in page
    assert "Niet voor het verslag" not in page
    session.anonymous = True
    session.save(update_fields=["anonymous"])
    page = report(session, letter_step)
    assert "Beste partners" in page and "Fatima" not in page


def test_the_report_leaves_letters_out_when_the_option_is_off(session, step):
    page = report(session, step)
    assert "Agreements for the follow-up" in page and "Letter or bicycle bell" not in page


def test_the_exports_and_the_session_report_carry_the_visible_agreements(
    owner_client, session, step, join, answer_url
):
    post(join(), answer_url(step), agreement(what="Folder in vier talen – مرحبا", due="2027-01-15"))
    post(join("Joost", "formal"), answer_url(step), agreement(what="Verborgen afspraak"))
    hidden = Contribution.objects.get(data__what="Verborgen afspraak")
    owner_client.post(reverse("hide_contribution", args=[session.code, hidden.pk]), {"hidden": "1"})
    raw = owner_client.get(reverse("export", args=[session.code, "agreements.csv"])).content
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == [
        {
            "what": "Folder in vier talen – مرحبا",
            "who": "Fatima en Joost",
            "side": "both",
            "due": "2027-01-15",
        }
    ]
    data = json.loads(
        owner_client.get(reverse("export", args=[session.code, "session.json"])).content
    )
    assert [a["what"] for a in data["agreements"]] == ["Folder in vier talen – مرحبا"]
    from sessions.report import render_report_html

    html = render_report_html(session)
    assert "Folder in vier talen" in html and "Verborgen afspraak" not in html


# --- cost ------------------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["agreements", "evaluation"])
@pytest.mark.parametrize("participants", [1, 30])
def test_projector_query_count_stays_flat(
    owner_client,
    session,
    letter_step,
    join,
    answer_url,
    action_url,
    participants,
    view,
    django_assert_max_num_queries,
):
    url = answer_url(letter_step)
    for number in range(participants):
        phone = join(f"Deelnemer {number}", "formal" if number % 2 else "informal")
        post(
            phone,
            url,
            {"part": "evaluation", "rating": str(number % 5 + 1), "worked": f"Werkte {number}"},
        )
        post(phone, url, agreement(what=f"Afspraak nummer {number}", client_id=f"c{number}"))
        post(phone, url, {"part": "letter", "text": f"Brief {number}"})
    owner_client.post(action_url(letter_step), {"action": "show", "view": view})
    with django_assert_max_num_queries(10):
        response = owner_client.get(
            reverse("projector", args=[session.code]), HTTP_HX_REQUEST="true"
        )
    page = response.content.decode()
    if view == "agreements":
        assert f"Afspraak nummer {participants - 1}" in page
    else:
        assert f"Werkte {participants - 1}" in page
    assert "Brief 0" not in page


@pytest.mark.parametrize("agreements", [1, 30])
def test_phone_query_count_stays_flat(
    session, step, join, answer_url, agreements, django_assert_max_num_queries
):
    for number in range(agreements):
        phone = join(f"Deelnemer {number}")
        post(phone, answer_url(step), agreement(what=f"Afspraak {number}", client_id=f"c{number}"))
    with django_assert_max_num_queries(10):
        response = phone.get(reverse("phone", args=[session.code]), HTTP_HX_REQUEST="true")
    assert f"Afspraak {agreements - 1}" in response.content.decode()


def test_only_ones_own_agreements_can_be_changed_on_the_phone(session, step, join, answer_url):
    fatima, aylin = join("Fatima"), join("Aylin")
    post(fatima, answer_url(step), agreement(what="Van Fatima"))
    post(aylin, answer_url(step), agreement(what="Van Aylin"))
    page = aylin.get(reverse("phone", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en")
    page = page.content.decode()
    assert "Van Fatima" in page and "Van Aylin" in page
    mine = Contribution.objects.get(data__what="Van Aylin")
    theirs = Contribution.objects.get(data__what="Van Fatima")
    assert f'name="agreement" value="{mine.pk}"' in page
    assert f'name="agreement" value="{theirs.pk}"' not in page


def test_a_participant_can_add_at_most_fifteen_agreements(step, join, answer_url):
    phone = join()
    for number in range(15):
        post(phone, answer_url(step), agreement(what=f"Afspraak {number}", client_id=f"c{number}"))
    response = post(phone, answer_url(step), agreement(what="Nog een", client_id="c99"))
    assert response.status_code == 422
    assert "maximum of 15 agreements" in response.content.decode()
    assert Contribution.objects.count() == 15
    retried = post(phone, answer_url(step), agreement(what="Afspraak 3", client_id="c3"))
    assert retried.status_code == 200 and Contribution.objects.count() == 15
