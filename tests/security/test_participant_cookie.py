"""The phone's cookie is signed and scoped: a made-up or edited cookie opens nothing."""

from django.test import Client
from django.urls import reverse

from sessions.access import participant_cookie_name, participant_cookie_value
from sessions.models import Participant


def test_join_sets_a_signed_http_only_lax_cookie(client, session):
    organisation = session.organisations.get(name="CJG Dordrecht")
    response = client.post(
        reverse("join", args=[session.code]),
        {"name": "Joost", "organisation": str(organisation.pk), "side": "formal"},
    )
    participant = Participant.objects.get()
    cookie = response.cookies[participant_cookie_name(session.code)]
    assert cookie.value == participant_cookie_value(participant)
    assert cookie.value != participant.token and cookie.value.startswith(participant.token + ":")
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"


def test_the_cookie_is_secure_when_the_site_is(client, session, settings):
    settings.SESSION_COOKIE_SECURE = True
    organisation = session.organisations.get(name="CJG Dordrecht")
    response = client.post(
        reverse("join", args=[session.code]),
        {"name": "Joost", "organisation": str(organisation.pk), "side": "formal"},
    )
    assert response.cookies[participant_cookie_name(session.code)]["secure"]


def _phone_with_cookie(session, value):
    phone = Client()
    phone.cookies[participant_cookie_name(session.code)] = value
    return phone


def test_the_bare_token_without_signature_is_not_accepted(session, join):
    participant = join().participant
    phone = _phone_with_cookie(session, participant.token)
    response = phone.get(reverse("phone", args=[session.code]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "join", args=[session.code]
    )


def test_a_tampered_signature_is_not_accepted(session, join):
    value = participant_cookie_value(join().participant)
    token, signature = value.rsplit(":", 1)
    forged = f"{token}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}"
    phone = _phone_with_cookie(session, forged)
    response = phone.get(reverse("phone", args=[session.code]))
    assert response.status_code == 302 and "Fatima" not in response.content.decode()


def test_a_cookie_signed_for_another_session_opens_nothing(make_session, session, join):
    other = make_session(title="Andere sessie")
    value = participant_cookie_value(join().participant)
    # Same token and signature under the other session's cookie name: the salt differs.
    phone = _phone_with_cookie(other, value)
    assert phone.get(reverse("phone", args=[other.code])).status_code == 302


def test_the_signed_cookie_opens_the_phone(session, join):
    phone = join(name="Fatima")
    page = phone.get(reverse("phone", args=[session.code])).content.decode()
    assert "Fatima" in page
