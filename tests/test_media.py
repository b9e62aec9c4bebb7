"""Uploaded photos are served only to the session's own people."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from exercises.models import Contribution


@pytest.fixture
def photo(session, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    step = session.steps.get(kind="org_presentation")
    contribution = Contribution.objects.create(session=session, step=step)
    contribution.image.save("logo.png", ContentFile(b"\x89PNG fake"), save=True)
    return contribution


def test_photo_url_is_unguessable_and_under_the_session(photo, session):
    assert photo.image.url.startswith(f"/m/{session.code}/")
    assert "logo" not in photo.image.url


def test_the_photo_and_its_folder_are_not_readable_by_other_users_of_the_server(photo):
    from pathlib import Path

    file = Path(photo.image.path)
    assert file.stat().st_mode & 0o777 == 0o640
    assert file.parent.stat().st_mode & 0o777 == 0o750


def test_collected_static_files_stay_readable_for_the_server_and_nginx(settings, tmp_path):
    """Only photos are kept from other users: `make build` runs as root, the app and nginx
    as their own users, and must read every static file."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", "--noinput", verbosity=0)
    collected = [path for path in settings.STATIC_ROOT.rglob("*")]
    assert collected
    assert all(path.stat().st_mode & 0o004 for path in collected)


def test_the_facilitator_and_a_participant_see_the_photo(photo, owner_client, join):
    for client in (owner_client, join()):
        response = client.get(photo.image.url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"\x89PNG fake"


def test_others_do_not_see_the_photo(photo, other_client):
    assert other_client.get(photo.image.url).status_code == 403
    assert Client().get(photo.image.url).status_code == 403


def test_paths_outside_the_session_folder_are_refused(photo, owner_client, session):
    assert owner_client.get(f"/m/{session.code}/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert owner_client.get(f"/m/{session.code}/missing.png").status_code == 404
