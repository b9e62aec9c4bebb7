"""Joining with a code and following the session on a phone."""

import pytest
from django.test import Client
from django.urls import reverse

from sessions.access import participant_cookie_name
from sessions.models import Participant, Question


def test_home_form_sends_the_typed_code_to_the_join_page(client, session):
    response = client.post(reverse("home"), {"code": session.code.lower()})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert session.title in page
    assert "Stichting Al Amal" in page  # organisations to pick from


def test_join_creates_a_participant_and_remembers_the_phone(client, session):
    organisation = session.organisations.get(name="CJG Dordrecht")
    response = client.post(
        reverse("join", args=[session.code]),
        {"name": "  Joost  ", "organisation": str(organisation.pk), "side": "formal"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("phone", args=[session.code])
    participant = Participant.objects.get()
    assert (participant.name, participant.organisation, participant.side) == (
        "Joost",
        organisation,
        "formal",
    )
    assert response.cookies[participant_cookie_name(session.code)]["httponly"]
    # Coming back on the same phone: straight to the session, no second participant.
    again = client.get(reverse("join", args=[session.code]))
    assert again.status_code == 302 and again["Location"] == reverse("phone", args=[session.code])
    page = client.get(reverse("phone", args=[session.code])).content.decode()
    assert "Joost" in page and "CJG Dordrecht" in page
    assert Participant.objects.count() == 1


def test_join_with_a_typed_organisation_adds_it_to_the_session(client, session):
    client.post(
        reverse("join", args=[session.code]),
        {
            "name": "Aylin",
            "organisation": "__other__",
            "organisation_other": "Turks Ouderplatform",
            "side": "informal",
        },
    )
    participant = Participant.objects.get()
    assert participant.organisation.name == "Turks Ouderplatform"
    assert participant.organisation.side == "informal"
    # A second person typing the same name (other case) joins the same organisation.
    Client().post(
        reverse("join", args=[session.code]),
        {
            "name": "Mehmet",
            "organisation": "",
            "organisation_other": "turks ouderplatform",
            "side": "informal",
        },
    )
    assert session.organisations.filter(name__iexact="turks ouderplatform").count() == 1


def test_the_join_form_follows_the_organisations_and_the_language(client, session):
    """The unbound form's fields are rendered once per language and list of organisations."""
    url = reverse("join", args=[session.code])
    first = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Stichting Al Amal" in first and "Je organisatie" in first
    # A typed organisation joins the list for the next phone.
    Client().post(
        url,
        {"name": "Aylin", "organisation": "__other__", "organisation_other": "Turks Ouderplatform"}
        | {"side": "informal"},
    )
    nl = Client().get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Turks Ouderplatform" in nl and "Stichting Al Amal" in nl
    en = Client().get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your organisation" in en and "Je organisatie" not in en
    assert "Turks Ouderplatform" in en


def test_the_join_page_lists_the_organisations_by_side_and_name_in_the_same_queries(
    session, make_session
):
    """A hall's phones open the join page at once: its reads do not grow with the list."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(target):
        with CaptureQueriesContext(connection) as captured:
            page = Client().get(reverse("join", args=[target.code])).content.decode()
        return len(captured), page

    few, page = queries(session)
    names = ["CJG Dordrecht", "Jeugdteam Oost", "Stichting Al Amal", "Vrouwen van Nu"]
    assert [page.index(name) for name in names] == sorted(page.index(name) for name in names)
    many = make_session(
        formal_organisations="\n".join(f"Team {n}" for n in range(12)),
        informal_organisations="\n".join(f"Moeders {n}" for n in range(12)),
    )
    assert queries(many)[0] == few


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "   ", "side": "formal"}, "This field is required"),
        ({"name": "\x01\x02\u202e", "side": "formal"}, "cannot be empty"),
        ({"name": "x" * 61, "side": "formal"}, "at most 60"),
        ({"name": "Joost", "side": "formal", "organisation": ""}, "Choose your organisation"),
        ({"name": "Joost", "side": "martian"}, "valid choice"),
    ],
)
def test_join_refuses_bad_input_with_a_clear_message(client, session, data, message):
    data.setdefault("organisation", str(session.organisations.first().pk))
    response = client.post(reverse("join", args=[session.code]), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Participant.objects.count() == 0


def test_join_escapes_a_name_with_html(client, session, owner_client):
    client.post(
        reverse("join", args=[session.code]),
        {
            "name": "<b>Evil</b>",
            "organisation": str(session.organisations.first().pk),
            "side": "formal",
        },
    )
    page = client.get(reverse("phone", args=[session.code])).content.decode()
    assert "&lt;b&gt;Evil&lt;/b&gt;" in page and "<b>Evil</b>" not in page


def test_unknown_code_says_so(client, session):
    response = client.get(reverse("join", args=["ZZZZZZ"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "There is no session with the code" in response.content.decode()


def test_closed_session_refuses_new_participants(client, session):
    session.close()
    response = client.get(reverse("join", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert "This session has closed" in response.content.decode()
    assert client.post(reverse("join", args=[session.code]), {"name": "Late"}).status_code == 410
    assert Participant.objects.count() == 0


def test_guessing_codes_is_rate_limited(client, session, settings):
    settings.JOIN_ATTEMPTS_PER_WINDOW = 5
    for attempt in range(5):
        assert client.get(reverse("join", args=[f"ZZZZZ{attempt + 2}"])).status_code == 404
    blocked = client.get(reverse("join", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en")
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode()
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.get(reverse("join", args=[session.code])).status_code == 200


def test_phone_page_without_joining_goes_to_the_join_form(client, session):
    response = client.get(reverse("phone", args=[session.code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("join", args=[session.code])


def test_a_phone_cookie_opens_only_its_own_session(make_session, join, session):
    other = make_session(title="Andere sessie")
    phone = join()
    response = phone.get(reverse("phone", args=[other.code]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "join", args=[other.code]
    )


def test_a_forged_cookie_opens_nothing(session):
    phone = Client()
    phone.cookies[participant_cookie_name(session.code)] = "forged-token"
    assert phone.get(reverse("phone", args=[session.code])).status_code == 302


def test_phone_waits_before_the_start_then_shows_the_step(session, join):
    phone = join()
    page = phone.get(
        reverse("phone", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "The session starts soon" in page
    session.go_to(session.active_steps().get(key="it_takes_a_village"))
    page = phone.get(
        reverse("phone", args=[session.code]), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert "it takes a village" in page
    assert "migrantenouders" in page


def test_phone_shows_step_content_in_the_phones_language(session, join):
    phone = join()
    session.go_to(session.active_steps().get(key="two_perspectives"))
    page = phone.get(
        reverse("phone", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Two perspectives" in page


def test_send_a_question_to_the_facilitator(session, join, owner_client):
    phone = join("Fatima")
    response = phone.post(
        reverse("ask_question", args=[session.code]),
        {"text": "Mag ik <i>later</i> instromen?"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert Question.objects.get().text == "Mag ik <i>later</i> instromen?"
    controls = owner_client.get(reverse("controls", args=[session.code])).content.decode()
    assert "Mag ik &lt;i&gt;later&lt;/i&gt; instromen?" in controls
    assert "Fatima" in controls


def test_empty_or_too_long_question_is_refused(session, join):
    phone = join()
    for text in ("   ", "x" * 501):
        response = phone.post(
            reverse("ask_question", args=[session.code]), {"text": text}, HTTP_HX_REQUEST="true"
        )
        assert 'role="alert"' in response.content.decode()
    assert Question.objects.count() == 0


def test_questions_need_a_joined_phone(client, session):
    response = client.post(reverse("ask_question", args=[session.code]), {"text": "Hallo"})
    assert response.status_code == 302
    assert Question.objects.count() == 0


def test_a_wrong_code_stays_in_the_field_marked_invalid(client, db):
    response = client.get(reverse("join", args=["ABC234"]))
    page = response.content.decode()
    assert 'value="ABC234"' in page and 'aria-invalid="true"' in page
