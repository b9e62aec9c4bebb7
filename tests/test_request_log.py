"""Every request is logged as one line of JSON, and nothing personal is in it."""

import json
import logging

from django.urls import reverse

from workshop.request_log import JsonFormatter


def request_lines(caplog):
    formatter = JsonFormatter()
    return [
        json.loads(formatter.format(record))
        for record in caplog.records
        if record.name == "workshop.requests"
    ]


def test_each_request_is_one_json_line_with_view_status_and_duration(client, session, caplog):
    caplog.set_level(logging.INFO, logger="workshop.requests")
    client.get(reverse("poll", args=[session.code]), {"v": session.version})
    client.get(reverse("join", args=["NOPE42"]))
    polled, refused = request_lines(caplog)
    assert polled["method"] == "GET"
    assert polled["path"] == f"/live/{session.code}"
    assert polled["view"] == "poll"
    assert polled["status"] == 204
    assert polled["ms"] >= 0
    assert refused["status"] == 404


def test_the_log_holds_no_names_texts_addresses_or_cookies(session, join, caplog):
    caplog.set_level(logging.INFO, logger="workshop.requests")
    phone = join("Fatima Yılmaz")
    step = session.active_steps().get(kind="strength")
    session.go_to(step)
    phone.post(
        reverse("answer", args=[session.code, step.pk]),
        {"text": "Zij vertrouwen ons met hun zorgen", "client_id": "c-1"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Telefoon/1.0",
    )
    phone.get(reverse("phone", args=[session.code]) + "?secret=query")
    lines = [json.dumps(line, ensure_ascii=False) for line in request_lines(caplog)]
    assert len(lines) == 2
    cookie = next(iter(phone.cookies.values())).value
    for line in lines:
        for personal in ["Fatima", "vertrouwen", "203.0.113.7", "Telefoon", "secret", cookie]:
            assert personal not in line
