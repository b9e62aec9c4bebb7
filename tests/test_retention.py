"""Deleting a session takes all its personal data with it; old sessions are purged."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from exercises.models import Contribution
from sessions.models import Participant, Session


@pytest.fixture
def with_photo(session, join, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    phone = join("Fatima")
    step = session.steps.get(kind="org_presentation")
    card = Contribution.objects.create(
        session=session, step=step, organisation=phone.participant.organisation
    )
    card.image.save("logo.png", ContentFile(b"\x89PNG fake"), save=True)
    return tmp_path / card.image.name


def test_the_owner_deletes_a_session_with_participants_answers_and_photos(
    owner_client, session, with_photo
):
    assert with_photo.exists()
    response = owner_client.post(
        reverse("delete_session", args=[session.code]), {"confirm": session.code}, follow=True
    )
    assert "Samen sterk in Dordrecht" in response.content.decode()  # "… are deleted"
    assert not Session.objects.exists()
    assert not Participant.objects.exists() and not Contribution.objects.exists()
    assert not with_photo.exists() and not with_photo.parent.exists()


def test_deleting_needs_the_code_typed(owner_client, session):
    owner_client.post(reverse("delete_session", args=[session.code]), {"confirm": "nope"})
    assert Session.objects.filter(pk=session.pk).exists()


def test_only_the_owner_deletes(other_client, other_facilitator, session):
    session.shared_with.add(other_facilitator)
    response = other_client.post(
        reverse("delete_session", args=[session.code]), {"confirm": session.code}
    )
    assert response.status_code == 403
    assert Session.objects.filter(pk=session.pk).exists()


def test_purge_deletes_only_sessions_past_retention(make_session, with_photo, capsys):
    old = make_session(
        title="Oud", date=(timezone.localdate() - datetime.timedelta(days=120)).isoformat()
    )
    recent = make_session(title="Recent", date=timezone.localdate().isoformat())
    call_command("purge_sessions", "--older-than", "90d", "--dry-run")
    assert Session.objects.filter(pk=old.pk).exists()
    call_command("purge_sessions", "--older-than", "90d")
    assert not Session.objects.filter(pk=old.pk).exists()
    assert Session.objects.filter(pk=recent.pk).exists()
    assert "1 session(s) older than 90 days" in capsys.readouterr().out


def test_the_join_page_says_what_is_stored(client, session):
    page = client.get(
        reverse("join", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "What happens with what you enter?" in page
    assert "365 days after the meeting" in page
