"""The live loop: the facilitator moves, the poll says so, the phone fetches the new step."""

import json
from wsgiref.util import setup_testing_defaults

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from exercises.answers import add_note
from exercises.models import Contribution
from sessions.models import Session


def poll(client, session, version):
    return client.get(reverse("poll", args=[session.code]), {"v": version})


def test_poll_answers_no_change_with_an_empty_204(client, session):
    response = poll(client, session, session.version)
    assert response.status_code == 204
    assert response.content == b""


def test_poll_of_an_unknown_session_is_404(client, db):
    assert client.get(reverse("poll", args=["ZZZZZZ"]), {"v": 1}).status_code == 404


def test_a_poll_that_finds_nothing_new_is_under_200_bytes_on_the_wire(client, session):
    response = poll(client, session, session.version)
    # What gunicorn sends: the status line, Django's headers and its own three.
    wire = "HTTP/1.1 204 No Content\r\n"
    wire += "".join(f"{name}: {value}\r\n" for name, value in response.headers.items())
    wire += "Server: gunicorn\r\nDate: Sun, 29 Nov 2026 09:30:00 GMT\r\n"
    wire += "Connection: keep-alive\r\n\r\n"
    assert len(wire.encode()) < 200, wire
    assert response.headers["Cache-Control"] == "no-store"


def test_only_the_poll_drops_the_document_headers(client, session, join):
    changed = poll(client, session, 0)
    assert changed.json()["v"] == session.version
    assert "Content-Security-Policy" not in changed.headers
    page = client.get(reverse("join", args=[session.code]))
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_poll_is_one_query_however_many_participants(
    client, session, join, django_assert_num_queries
):
    step = session.active_steps().get(kind="strength")
    for number in range(30):
        participant = join(f"Deelnemer {number}").participant
        for note in range(3):
            add_note(step, participant, text=f"Notitie {note}", client_id="")
    session.bump()
    assert Contribution.objects.filter(session=session).count() == 90
    with django_assert_num_queries(1):
        assert poll(client, session, session.version).status_code == 204
    with django_assert_num_queries(1):
        assert poll(client, session, 0).status_code == 200


def test_advance_then_poll_then_panel_shows_the_new_step(owner_client, session, join):
    phone = join()
    page = phone.get(reverse("phone", args=[session.code])).content.decode()
    version = Session.objects.get(pk=session.pk).version
    assert f'data-version="{version}"' in page

    owner_client.post(reverse("navigate", args=[session.code]), {"action": "next"})  # cover
    owner_client.post(reverse("navigate", args=[session.code]), {"action": "next"})  # step 2

    changed = poll(phone, session, version)
    assert changed.status_code == 200
    state = changed.json()
    current = session.steps.get(key="it_takes_a_village")
    assert state == {
        "v": state["v"],
        "status": "live",
        "step": current.pk,
        "p": state["p"],
        "n": 1,  # participants: how long phones spread fetching the new step
    }
    assert state["v"] > version
    assert len(changed.content) < 100

    panel = phone.get(reverse("phone", args=[session.code]), HTTP_HX_REQUEST="true")
    html = panel.content.decode()
    assert "<html" not in html  # just the panel
    assert f'data-step="{current.pk}"' in html
    assert "it takes a village" in html
    assert 'id="question"' not in html  # the question box (maybe half-typed) is not re-sent
    assert "HX-Request" in panel["Vary"]

    assert poll(phone, session, state["v"]).status_code == 204


def test_a_join_bumps_the_version_for_the_projector(client, session, join):
    version = session.version
    join()
    assert poll(client, session, version).status_code == 200


def test_closing_makes_phones_read_only(owner_client, session, join):
    phone = join()
    owner_client.post(reverse("navigate", args=[session.code]), {"action": "next"})
    owner_client.post(reverse("close_session", args=[session.code]), {"action": "close"})
    state = poll(phone, session, 0).json()
    assert state["status"] == "closed"
    page = phone.get(
        reverse("phone", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "The session has closed" in page
    assert "ask_question" not in page and "<textarea" not in page


@pytest.mark.parametrize("url_name", ["navigate", "timer", "close_session"])
def test_state_changes_need_a_post(owner_client, session, url_name):
    assert owner_client.get(reverse(url_name, args=[session.code])).status_code == 405


def test_state_changes_need_the_csrf_token(facilitator, session):
    client = Client(enforce_csrf_checks=True)
    client.force_login(facilitator)
    response = client.post(reverse("navigate", args=[session.code]), {"action": "next"})
    assert response.status_code == 403
    assert Session.objects.get(pk=session.pk).current_step is None
    # With the token from the page, as htmx sends it in its header, it works.
    page = client.get(reverse("controls", args=[session.code]))
    token = page.context["csrf_token"]
    client.post(
        reverse("navigate", args=[session.code]), {"action": "next"}, HTTP_X_CSRFTOKEN=str(token)
    )
    assert Session.objects.get(pk=session.pk).current_step is not None


def test_a_contribution_changes_the_version_but_not_the_phone_version(client, session, join):
    step = session.steps.get(key="strength_of_the_other")
    session.go_to(step)
    before = poll(client, session, 0).json()
    join("Fatima").post(
        reverse("answer", args=[session.code, step.pk]),
        {"text": "Zij kennen de wijk", "client_id": "x"},
    )
    after = poll(client, session, before["v"]).json()
    assert after["v"] > before["v"]  # the wall refreshes
    assert after["p"] == before["p"]  # phones keep what they are typing


# -- In production the poll is answered in front of Django's middleware (sessions/live.py).
def wsgi_get(path, query="", remote_addr="192.0.2.10"):
    from workshop.wsgi import application

    environ = {}
    setup_testing_defaults(environ)
    environ.update(PATH_INFO=path, QUERY_STRING=query, REMOTE_ADDR=remote_addr)
    environ["HTTP_HOST"] = "localhost"
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    answer["body"] = b"".join(application(environ, start_response))
    return answer


@pytest.mark.django_db(transaction=True)
def test_the_fast_path_answers_exactly_as_the_view(client, toolkit, make_session):
    session = make_session()
    for version in [session.version, 0]:
        fast = wsgi_get(f"/live/{session.code}", f"v={version}")
        view = poll(client, session, version)
        assert fast["status"] == view.status_code
        assert fast["body"] == view.content
    assert json.loads(wsgi_get(f"/live/{session.code}", "v=0")["body"])["v"] == session.version


@pytest.mark.django_db(transaction=True)
def test_the_fast_path_204_is_under_200_bytes_and_only_polls_take_it(toolkit, make_session):
    session = make_session()
    answer = wsgi_get(f"/live/{session.code}", f"v={session.version}")
    wire = "HTTP/1.1 204 No Content\r\n"
    wire += "".join(f"{name}: {value}\r\n" for name, value in answer["headers"].items())
    wire += "Server: gunicorn\r\nDate: Sun, 29 Nov 2026 09:30:00 GMT\r\n"
    wire += "Connection: keep-alive\r\n\r\n"
    assert answer["status"] == 204 and len(wire.encode()) < 200, wire
    # Everything else is Django's, with its headers.
    health = wsgi_get("/healthz")
    assert health["status"] == 200
    assert health["headers"]["X-Frame-Options"] == "DENY"


@pytest.mark.django_db(transaction=True)
def test_polling_unknown_codes_counts_as_guessing_join_codes(
    settings, client, toolkit, make_session
):
    settings.JOIN_ATTEMPTS_PER_WINDOW = 3
    session = make_session()
    guesses = [wsgi_get(f"/live/GUES{n}", "v=1")["status"] for n in range(4)]
    assert guesses == [404, 404, 404, 429]
    # The same address cannot go on guessing on the join page either ...
    assert client.get(reverse("join", args=["GUES9"]), REMOTE_ADDR="192.0.2.10").status_code == 429
    # ... while a real code still works, and another address is not affected.
    assert wsgi_get(f"/live/{session.code}", "v=0")["status"] == 200
    assert wsgi_get("/live/GUES5", "v=1", remote_addr="192.0.2.99")["status"] == 404


def test_a_larger_room_spreads_its_phones_fetching_the_new_exercise(session, join):
    first = join("Deelnemer 0")
    page = first.get(reverse("phone", args=[session.code])).content.decode()
    assert 'data-spread-ms-per-participant="8"' in page
    # The room fills after the first phone rendered its panel: at the next step change the
    # poll tells it the room's size now, and 30 phones spread over a quarter of a second.
    for number in range(1, 30):
        join(f"Deelnemer {number}")
    session.refresh_from_db()
    state = poll(first, session, 0).json()
    assert state["n"] == 30 == session.participants.count()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
@pytest.mark.django_db(transaction=True)
def test_postgresql_plans_the_poll_once_per_connection(toolkit, make_session):
    """After a few polls the poll's query is a prepared statement on the kept connection:
    the database parses and plans it once, not on each of a hall's 450 polls a second."""
    session = make_session()
    for _ in range(7):
        assert wsgi_get(f"/live/{session.code}", "v=0")["status"] == 200
    with connection.cursor() as cursor:  # the connection the polls kept
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "workshop_sessions_session" WHERE "code" = $1' in sql for sql in prepared)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="only a database server can drop a connection"
)
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_database_dropped_costs_phones_at_most_one_poll(toolkit, make_session):
    """The fast path skips Django's per-request health check (one round trip less)."""
    session = make_session()
    assert wsgi_get(f"/live/{session.code}", "v=0")["status"] == 200
    with connection.cursor() as cursor:  # the connection the poll keeps between requests
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    other = connections.create_connection("default")
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()
    first = wsgi_get(f"/live/{session.code}", "v=0")
    assert first["status"] in (200, 503)  # 503: the phone polls again, no error page
    assert wsgi_get(f"/live/{session.code}", "v=0")["status"] == 200
