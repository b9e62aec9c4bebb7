"""Uploads that are not what they claim, or far too large, are refused with a message.

Already guarded in tests/exercises/test_org_presentation.py: a text file named .jpg, a
truncated JPEG, a decompression bomb, too many pixels, a file over 8 MB, a GIF
(test_a_bad_upload_is_refused_with_a_message, test_a_gif_is_refused) and a JPEG with GPS
EXIF stored upright without any EXIF (test_a_photo_is_stored_rotated_and_without_exif).
Here: SVG and HTML with script, and a 50 MB request that is never read into a file.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.test import Client
from django.urls import reverse

from exercises.models import Contribution

SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert("svg")</script><rect width="10" height="10"/></svg>'
)
HTML_PAGE = b"<!doctype html><html><body><script>alert('html')</script></body></html>"


@pytest.fixture
def card_step(session, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    step = session.steps.get(kind="org_presentation")
    session.go_to(step)
    return step


def upload(phone, step, data, name, content_type="image/jpeg", **extra):
    return phone.post(
        reverse("answer", args=[step.session.code, step.pk]),
        {"action": "upload", "image": SimpleUploadedFile(name, data, content_type=content_type)},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


@pytest.mark.parametrize(
    "data, name, content_type",
    [
        (SVG_WITH_SCRIPT, "logo.svg", "image/svg+xml"),
        (SVG_WITH_SCRIPT, "logo.jpg", "image/jpeg"),
        (HTML_PAGE, "photo.png", "image/png"),
    ],
    ids=["svg", "svg-named-jpg", "html-named-png"],
)
def test_script_in_an_image_file_is_refused(card_step, join, data, name, content_type, settings):
    response = upload(join(), card_step, data, name, content_type)
    assert response.status_code == 422
    assert "not a photo we can use" in response.content.decode()
    assert not Contribution.objects.filter(image__gt="").exists()
    assert not (settings.MEDIA_ROOT).exists() or not any(settings.MEDIA_ROOT.rglob("*.*"))


def test_a_50_mb_upload_is_refused_before_it_is_read_into_a_file(
    card_step, join, monkeypatch, settings
):
    received = []
    for handler in (MemoryFileUploadHandler, TemporaryFileUploadHandler):
        original = handler.receive_data_chunk

        def counting(self, raw_data, start, original=original):
            received.append(len(raw_data))
            return original(self, raw_data, start)

        monkeypatch.setattr(handler, "receive_data_chunk", counting)
    # As in production: the CSRF check reads the form before the view (token in the header).
    phone = Client(enforce_csrf_checks=True)
    phone.cookies.update(join().cookies)
    phone.get(reverse("phone", args=[card_step.session.code]))
    token = phone.cookies["csrftoken"].value
    response = upload(
        phone,
        card_step,
        b"\xff\xd8\xff" + b"\0" * (50 * 1024 * 1024),
        "big.jpg",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 422
    assert "too large (at most 8 MB)" in response.content.decode()
    assert sum(received) == 0  # not one byte went to memory or a temporary file
    assert not Contribution.objects.filter(image__gt="").exists()


def test_a_photo_just_under_the_request_limit_still_reaches_the_check(card_step, join):
    # 9 MB: under the request limit, over the photo limit: the photo check says so.
    response = upload(join(), card_step, b"\xff\xd8\xff" + b"\0" * (9 * 1024 * 1024), "big.jpg")
    assert response.status_code == 422
    assert "too large (at most 8 MB)" in response.content.decode()
