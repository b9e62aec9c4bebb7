import pytest
from django.core.management import call_command
from django.test import Client

from sessions.access import participant_cookie_name, participant_cookie_value
from sessions.models import Session


@pytest.fixture
def demo(db, facilitator):
    """The demo session (content in every exercise, groups formed), open again and owned by
    the `facilitator` fixture, so `owner_client` runs it."""
    call_command("demo_session", "--participants", "6")
    session = Session.objects.get()
    session.owner = facilitator
    session.save()
    session.reopen()
    session.save()
    return session


def phone_of(participant):
    phone = Client()
    phone.cookies[participant_cookie_name(participant.session.code)] = participant_cookie_value(
        participant
    )
    return phone
