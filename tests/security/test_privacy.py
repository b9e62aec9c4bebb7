"""Personal data: what the join page promises, anonymity in exports, retention and deletion.

Already guarded elsewhere: deletion by the owner with photos (tests/test_retention.py),
purge_sessions with --older-than (same file), names left out of an anonymous PDF report
(tests/test_report.py::test_names_are_left_out_when_the_session_is_anonymous), the wall
without names when anonymous (tests/exercises/*), and a server log without names or texts
(tests/security/test_server_faults.py).
"""

import datetime
import json

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from exercises.answers import add_note
from exercises.models import Contribution
from sessions.models import Participant, Session


def test_the_join_page_says_what_who_and_how_long_and_allows_a_pseudonym(client, session, settings):
    settings.RETENTION_DAYS = 90
    page = client.get(
        reverse("join", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Your name or a pseudonym" in page
    assert "a pseudonym is fine" in page  # what is stored
    assert "The facilitator sees it" in page  # who sees it
    assert "deleted 90 days after the meeting" in page  # for how long
    dutch = Client().get(reverse("join", args=[session.code])).content.decode()
    assert "Wat gebeurt er met wat je invult?" in dutch


def test_a_pseudonym_joins_like_a_name(client, session):
    organisation = session.organisations.first()
    response = client.post(
        reverse("join", args=[session.code]),
        {"name": "Moeder van drie", "organisation": str(organisation.pk), "side": "informal"},
    )
    assert response.status_code == 302
    assert Participant.objects.get().name == "Moeder van drie"


def strength_notes(session, join):
    step = session.steps.get(kind="strength")
    add_note(step, join("Fatima", "informal").participant, text="Zij kennen de wijk", client_id="1")
    add_note(step, join("Joost", "formal").participant, text="Zij hebben geld", client_id="2")


def test_exports_leave_names_out_when_the_session_is_anonymous(owner_client, session, join):
    strength_notes(session, join)
    urls = [
        reverse("export", args=[session.code, what])
        for what in ("contributions.csv", "session.json")
    ]
    named = "".join(owner_client.get(url).content.decode() for url in urls)
    assert "Fatima" in named and "Zij kennen de wijk" in named
    session.anonymous = True
    session.save()
    exports = [owner_client.get(url).content.decode() for url in urls]
    for export in exports:
        assert "Zij kennen de wijk" in export and "Zij hebben geld" in export
        assert "Fatima" not in export and "Joost" not in export
    assert json.loads(exports[1])["session"]["anonymous"] is True


def test_purge_uses_the_configured_retention_and_deletes_the_files(
    make_session, join, settings, tmp_path, capsys
):
    settings.RETENTION_DAYS = 30
    settings.MEDIA_ROOT = tmp_path
    old = make_session(
        title="Oud", date=(timezone.localdate() - datetime.timedelta(days=31)).isoformat()
    )
    kept = make_session(
        title="Net", date=(timezone.localdate() - datetime.timedelta(days=29)).isoformat()
    )
    phone = join("Fatima", target=old)
    card = Contribution.objects.create(
        session=old,
        step=old.steps.get(kind="org_presentation"),
        organisation=phone.participant.organisation,
    )
    card.image.save("logo.png", ContentFile(b"\x89PNG"), save=True)
    photo = tmp_path / card.image.name
    assert photo.exists()
    call_command("purge_sessions")
    titles = set(Session.objects.values_list("title", flat=True))
    assert kept.title in titles and old.title not in titles
    assert not Participant.objects.filter(name="Fatima").exists()
    assert not photo.exists() and not (tmp_path / old.code).exists()
    assert "older than 30 days" in capsys.readouterr().out


def test_a_deleted_sessions_code_opens_nothing_afterwards(owner_client, session, join):
    phone = join("Fatima")
    code = session.code
    owner_client.post(reverse("delete_session", args=[code]), {"confirm": code})
    assert phone.get(reverse("phone", args=[code])).status_code == 302
    assert owner_client.get(reverse("report_pdf", args=[code])).status_code == 404
    assert Client().get(reverse("poll", args=[code])).status_code == 404
