"""Running a session: the controls and the projector, for the owner and nobody else."""

from django.urls import reverse

from sessions.models import Session


def test_controls_show_the_step_instruction_and_who_joined(owner_client, session, join):
    join("Fatima", "informal")
    join("Joost", "formal")
    session.go_to(session.active_steps().get(kind="strength"))
    page = owner_client.get(reverse("controls", args=[session.code])).content.decode()
    assert "De kracht van de ander" in page
    assert "Twee groepen; invullen over de ander" in page  # the deck's instruction
    assert "Stichting Al Amal" in page and "CJG Dordrecht" in page
    assert 'data-seconds-left="1200"' in page  # 20 planned minutes
    assert session.code in page


def test_controls_before_the_start_offer_to_start(owner_client, session):
    page = owner_client.get(reverse("controls", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Start the session" in page.content.decode()


def test_next_previous_and_jump(owner_client, session):
    url = reverse("navigate", args=[session.code])
    owner_client.post(url, {"action": "next"})
    owner_client.post(url, {"action": "next"})
    assert Session.objects.get(pk=session.pk).current_step.key == "it_takes_a_village"
    owner_client.post(url, {"action": "previous"})
    assert Session.objects.get(pk=session.pk).current_step.key == "cover"
    target = session.steps.get(key="obstacles")
    response = owner_client.post(url, {"action": "go", "step": target.pk}, HTTP_HX_REQUEST="true")
    assert Session.objects.get(pk=session.pk).current_step == target
    assert "Wat staat in de weg?" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_jump_to_a_skipped_or_foreign_step_is_404(
    owner_client, session, make_session, other_facilitator
):
    skipped = session.steps.get(key="tree")
    url = reverse("navigate", args=[session.code])
    assert owner_client.post(url, {"action": "go", "step": skipped.pk}).status_code == 404
    foreign = make_session(owner=other_facilitator).steps.first()
    assert owner_client.post(url, {"action": "go", "step": foreign.pk}).status_code == 404
    assert Session.objects.get(pk=session.pk).current_step is None


def test_timer_start_pause_reset(owner_client, session):
    owner_client.post(reverse("navigate", args=[session.code]), {"action": "next"})
    url = reverse("timer", args=[session.code])
    owner_client.post(url, {"action": "start"})
    assert Session.objects.get(pk=session.pk).timer_running
    page = owner_client.get(reverse("projector", args=[session.code])).content.decode()
    assert 'data-running="1"' in page  # the wall shows a running timer
    owner_client.post(url, {"action": "pause"})
    assert not Session.objects.get(pk=session.pk).timer_running
    assert owner_client.post(url, {"action": "boil"}).status_code == 400


def test_projector_cover_shows_code_and_qr_large(owner_client, session):
    page = owner_client.get(reverse("projector", args=[session.code])).content.decode()
    assert 'class="join-code-big"' in page and session.code in page
    assert "<svg" in page and 'class="qr large"' in page
    assert f"/j/{session.code}" in page
    assert "Samen sterk in Dordrecht" in page
    assert "corner-join" not in page


def test_projector_later_shows_code_small_in_a_corner(owner_client, session):
    session.go_to(session.active_steps().get(key="this_meeting"))
    page = owner_client.get(reverse("projector", args=[session.code])).content.decode()
    assert "corner-join" in page and 'class="qr small"' in page
    assert "join-code-big" not in page
    # The "this meeting" slide shows the session's own date and partners.
    assert "3 december 2026" in page
    assert "Jeugdteam Oost" in page and "Vrouwen van Nu" in page


def test_projector_speaks_the_sessions_language(owner_client, make_session):
    session = make_session(language="en")
    session.go_to(session.active_steps().get(key="two_perspectives"))
    page = owner_client.get(
        reverse("projector", args=[session.code]), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert "Two perspectives" in page
    assert '<html lang="en"' in page


def test_projector_has_no_controls_in_the_way(owner_client, session):
    page = owner_client.get(reverse("projector", args=[session.code])).content.decode()
    assert "<button" not in page and "<form" not in page
    assert "projector.js" in page  # the arrow keys move the agenda


def test_projector_keys_get_an_empty_answer(owner_client, session):
    response = owner_client.post(
        reverse("navigate", args=[session.code]),
        {"action": "next"},
        HTTP_X_REQUESTED_BY="projector",
    )
    assert response.status_code == 204
    assert Session.objects.get(pk=session.pk).current_step.key == "cover"


def test_close_and_reopen_from_the_controls(owner_client, session):
    url = reverse("close_session", args=[session.code])
    owner_client.post(url, {"action": "close"})
    assert Session.objects.get(pk=session.pk).is_closed
    owner_client.post(reverse("navigate", args=[session.code]), {"action": "next"})
    assert Session.objects.get(pk=session.pk).current_step is None  # closed: nothing moves
    owner_client.post(url, {"action": "reopen"})
    assert not Session.objects.get(pk=session.pk).is_closed


def test_pages_carry_a_strict_content_security_policy(owner_client, session, client):
    for response in (
        owner_client.get(reverse("projector", args=[session.code])),
        client.get(reverse("home")),
    ):
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe" not in policy


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_previous_is_disabled_before_the_start(owner_client, session):
    assert session.previous_step() is None
    owner_client.post(reverse("navigate", args=[session.code]), {"action": "previous"})
    assert Session.objects.get(pk=session.pk).current_step is None
