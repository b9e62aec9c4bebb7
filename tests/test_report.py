"""The coordinator's report (PDF) and exports."""

import csv
import io
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from exercises.models import Contribution
from sessions.roles import set_coordinator


@pytest.fixture
def coordinator(django_user_model):
    user = django_user_model.objects.create_user("gemeente", password="pw-gemeente-2017")
    set_coordinator(user)
    return user


@pytest.fixture
def coordinator_client(coordinator):
    client = Client()
    client.force_login(coordinator)
    return client


@pytest.fixture
def filled(session, join, owner_client):
    step = session.steps.get(key="strength_of_the_other")
    session.go_to(step)
    url = reverse("answer", args=[session.code, step.pk])
    join("Fatima", "informal").post(
        url, {"text": "Zij kennen de weg naar de hulp", "client_id": "a"}
    )
    join("Aylin", "informal").post(
        url, {"text": "Geheime tekst die verborgen is", "client_id": "b"}
    )
    join("Joost", "formal").post(
        url, {"text": "Vertrouwen: ouders komen naar hen – مرحبا", "client_id": "c"}
    )
    hidden = Contribution.objects.get(data__text__startswith="Geheime")
    hidden.hidden = True
    hidden.save()
    return session


def pdf_text(content):
    import subprocess

    from weasyprint import HTML  # noqa: F401  (only to be sure the PDF stack is present)

    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


def test_the_owner_downloads_a_pdf_with_what_was_entered(owner_client, filled):
    response = owner_client.get(reverse("report_pdf", args=[filled.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Samen sterk in Dordrecht" in text
    assert "Zij kennen de weg naar de hulp" in text
    assert "Geheime tekst" not in text  # hidden
    assert "Afspraken voor vervolg" in text or "Agreements for the follow-up" in text
    assert "CJG Dordrecht" in text and "Stichting Al Amal" in text


def test_names_are_left_out_when_the_session_is_anonymous(owner_client, filled):
    assert "Fatima" in pdf_text(owner_client.get(reverse("report_pdf", args=[filled.code])).content)
    filled.anonymous = True
    filled.save()
    text = pdf_text(owner_client.get(reverse("report_pdf", args=[filled.code])).content)
    assert "Zij kennen de weg" in text and "Fatima" not in text


def test_a_coordinator_reads_reports_shared_with_them_but_cannot_run(
    coordinator_client, coordinator, owner_client, session
):
    assert coordinator_client.get(reverse("report_pdf", args=[session.code])).status_code == 403
    owner_client.post(reverse("share_session", args=[session.code]), {"username": "gemeente"})
    assert list(session.coordinators.all()) == [coordinator]
    assert coordinator_client.get(reverse("report_pdf", args=[session.code])).status_code == 200
    home = coordinator_client.get(reverse("reports_home")).content.decode()
    assert session.title in home
    for name in ("controls", "prepare", "projector"):
        assert coordinator_client.get(reverse(name, args=[session.code])).status_code == 403
    response = coordinator_client.post(reverse("navigate", args=[session.code]), {"action": "next"})
    assert response.status_code == 403
    assert coordinator_client.get(reverse("create_session")).status_code == 403


def test_another_facilitator_cannot_download(other_client, session):
    for url in (
        reverse("report_pdf", args=[session.code]),
        reverse("export", args=[session.code, "contributions.csv"]),
        reverse("export", args=[session.code, "session.json"]),
    ):
        assert other_client.get(url).status_code == 403
    assert Client().get(reverse("report_pdf", args=[session.code])).status_code == 302


def test_csv_export_round_trips_non_ascii_text_and_leaves_out_hidden(owner_client, filled):
    response = owner_client.get(reverse("export", args=[filled.code, "contributions.csv"]))
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    texts = [json.loads(row["content"])["text"] for row in rows]
    assert "Vertrouwen: ouders komen naar hen – مرحبا" in texts
    assert not any("Geheime" in text for text in texts)
    assert {row["kind"] for row in rows} == {"strength"}


def test_json_export_holds_the_session_and_contributions(owner_client, filled):
    data = json.loads(
        owner_client.get(reverse("export", args=[filled.code, "session.json"])).content
    )
    assert data["session"]["title"] == "Samen sterk in Dordrecht"
    assert len(data["contributions"]) == 2


def test_unknown_export_is_404(owner_client, session):
    assert (
        owner_client.get(reverse("export", args=[session.code, "passwords.txt"])).status_code == 404
    )


def test_the_pdf_fetcher_refuses_files_and_other_hosts(session):
    from sessions.report import RefusedURL, safe_url_fetcher

    fetch = safe_url_fetcher(session)
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:8000/healthz",
        "https://example.org/x.png",
        "https://report.invalid/static/../../etc/passwd",
        "https://report.invalid/m/OTHER1/x.jpg",
    ):
        with pytest.raises(RefusedURL):
            fetch.fetch(url)
    assert fetch.fetch("https://report.invalid/static/css/report.css").read().startswith(b"/*")


def pdf_fonts(content, tmp_path):
    import subprocess

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(content)
    return subprocess.run(["pdffonts", pdf], capture_output=True, check=True, text=True).stdout


def test_the_report_keeps_its_stylesheet_and_fonts_with_hashed_static_files(
    owner_client, filled, settings, tmp_path
):
    """Production serves hashed copies (css/report.<hash>.css) from STATIC_ROOT; the report
    must find those too, or the coordinator gets a PDF in the fallback serif font."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    response = owner_client.get(reverse("report_pdf", args=[filled.code]))
    assert response.status_code == 200
    fonts = pdf_fonts(response.content, tmp_path)
    assert re.search(r"Noto-?Sans-?(Regular|Bold)?\s", fonts), fonts
    assert "Serif" not in fonts


def test_a_participants_image_url_to_a_file_is_not_embedded(owner_client, session, join):
    step = session.steps.get(key="strength_of_the_other")
    session.go_to(step)
    join().post(
        reverse("answer", args=[session.code, step.pk]),
        {"text": '<img src="file:///etc/passwd">', "client_id": "x"},
    )
    text = pdf_text(owner_client.get(reverse("report_pdf", args=[session.code])).content)
    assert '<img src="file:///etc/passwd">' in text  # shown as text, escaped, never fetched


@pytest.mark.parametrize("fmt, start", [("pdf", b"%PDF"), ("csv", b"\xef\xbb\xbf"), ("json", b"{")])
def test_export_report_command_writes_each_format(filled, tmp_path, fmt, start):
    from django.core.management import call_command

    out = tmp_path / f"report.{fmt}"
    call_command("export_report", filled.code.lower(), "--out", str(out), "--format", fmt)
    assert out.read_bytes().startswith(start)


def test_export_report_command_says_when_the_code_is_unknown(db, tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="No session"):
        call_command("export_report", "ZZZZZZ", "--out", str(tmp_path / "x.pdf"))


def test_demo_session_fills_every_exercise_and_runs_once(db, capsys):
    from django.core.management import call_command

    from exercises.registry import get_kind
    from sessions.models import Session

    call_command("demo_session", "--participants", "12")
    session = Session.objects.get()
    assert session.is_closed and session.participants.count() == 12
    for step in session.active_steps():
        if get_kind(step.kind).takes_input:
            assert step.contributions.exists(), step.key
    call_command("demo_session", "--if-missing")
    assert Session.objects.count() == 1
    assert session.code in capsys.readouterr().out


@pytest.mark.parametrize("participants", [5, 60])
def test_building_the_report_takes_the_same_queries_for_5_or_60(
    db, participants, django_assert_max_num_queries
):
    from django.core.management import call_command

    from sessions.models import Session
    from sessions.report import render_report_html

    call_command("demo_session", "--participants", str(participants))
    session = Session.objects.get()
    # 18 today; an N+1 over 60 participants would add 60 or more.
    with django_assert_max_num_queries(40):
        html = render_report_html(session)
    assert "Samen sterk in Dordrecht" in html


def test_the_demo_report_holds_every_section_with_its_content(db, owner_client, facilitator):
    """Each exercise's outcome, as entered, in the PDF; a hidden one is left out."""
    from django.core.management import call_command

    from sessions.models import Session

    call_command("demo_session", "--participants", "12")
    session = Session.objects.get()
    session.owner = facilitator
    session.save()
    hidden = Contribution.objects.filter(step__kind="tree").first()
    hidden.hidden = True
    hidden.save()
    text = " ".join(
        pdf_text(owner_client.get(reverse("report_pdf", args=[session.code])).content).split()
    )
    for expected in (
        "Afspraken voor vervolg",  # the agreements, near the front
        "Maandelijks overleg",
        "Oefening: Een (nieuw) beeld van elkaar",  # the organisations' cards
        "betrokken mensen",
        "Oefening: De kracht van de ander",
        "Voorbeelden van samenwerking",
        "Zelf een voorbeeld bedenken",
        "Vadercafé met zwemmen",  # a proposal, with its votes
        "Wat staat in de weg?",
        "Opzetten van een samenwerking",
        "Meer ouders bereiken",
        "Boom van samenwerking",
        "Valkuilen",
        "Afsluiting",
        "Beste partners",  # a letter
    ):
        assert expected in text, expected
    assert hidden.data["text"] not in text
