"""The facilitator's handout: the time of day of each step, what to prepare, as a PDF."""

import datetime

import pytest
from django.urls import reverse

from cooperations.handout import clock_times, handout_context, render_handout_html

T = datetime.time


def test_each_step_starts_when_the_ones_before_it_are_done():
    starts, end = clock_times(T(9, 30), [10, 5, 20])
    assert starts == [T(9, 30), T(9, 40), T(9, 45)]
    assert end == T(10, 5)


def test_the_times_cross_noon_and_the_hour():
    starts, end = clock_times(T(11, 50), [25, 0, 45])
    assert starts == [T(11, 50), T(12, 15), T(12, 15)]
    assert end == T(13, 0)


def test_an_evening_meeting_past_midnight_wraps_around():
    assert clock_times(T(23, 30), [20, 20]) == ([T(23, 30), T(23, 50)], T(0, 10))


def test_no_steps_end_when_they_start():
    assert clock_times(T(9, 30), []) == ([], T(9, 30))


def test_skipped_steps_are_left_out_of_the_times(session):
    steps = list(session.steps.order_by("position"))
    assert any(step.skipped for step in steps)  # the tree and the pitfalls
    context = handout_context(session, T(9, 30))
    titles = [row["title"] for row in context["rows"]]
    assert "Boom van samenwerking" not in titles
    active = [step for step in steps if not step.skipped]
    assert len(context["rows"]) == len(active)
    expected_end = datetime.datetime(2000, 1, 1, 9, 30) + datetime.timedelta(
        minutes=sum(step.minutes for step in active)
    )
    assert context["end"] == expected_end.time()
    # The step after the first seven slides starts when they are done.
    before = sum(step.minutes for step in active[:7])
    assert context["rows"][7]["starts"] == T(9, 30 + before)


def test_the_handout_has_the_instruction_the_quotes_and_the_materials(session):
    obstacles = session.steps.get(kind="obstacles")
    obstacles.config = {
        **obstacles.config,
        "quotes": [
            {"id": "q1", "theme": "power", "text": "Zij beslissen, wij mogen meedoen."},
            {"id": "q2", "theme": "values", "text": "<script>alert(1)</script>"},
        ],
    }
    obstacles.save()
    html = render_handout_html(session, T(13, 0), join_url="https://example.org/j/ABC")
    assert "Draaiboek voor de begeleider" in html
    assert "Samen sterk in Dordrecht" in html
    section = html.split("Wat staat in de weg?")[-1]
    assert "Voer vooraf per thema een paar citaten in" in section  # the instruction
    assert "Zij beslissen, wij mogen meedoen." in section
    assert "Onevenwichtige machtsrelatie" in section  # the quote's theme
    assert "&lt;script&gt;" in section and "<script>" not in html
    assert "De citaten hieronder geprint" in section  # materials
    assert "13:00" in html and "CJG Dordrecht" in html


def test_a_follow_up_handout_lists_the_agreements_to_review(owner_client, follow_up):
    response = owner_client.get(reverse("handout", args=[follow_up.code]), {"start": "10:00"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_handout_pdf_is_the_facilitators_only(other_client, client, session):
    url = reverse("handout", args=[session.code])
    assert other_client.get(url).status_code == 403
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("start", ["25:00", "nine", ""])
def test_an_unreadable_start_time_falls_back_to_half_past_nine(owner_client, session, start):
    from cooperations import views

    seen = {}
    original = views.render_handout_html

    def spy(session, start, **kwargs):
        seen["start"] = start
        return original(session, start, **kwargs)

    views.render_handout_html = spy
    try:
        response = owner_client.get(reverse("handout", args=[session.code]), {"start": start})
    finally:
        views.render_handout_html = original
    assert response.status_code == 200
    assert seen["start"] == T(9, 30)


def test_a_follow_up_handout_has_the_review_with_its_open_agreements(follow_up):
    from cooperations.models import RegisterEntry

    open_agreements = RegisterEntry.objects.filter(status="open")
    html = render_handout_html(follow_up, T(19, 0), open_agreements=open_agreements)
    review = html.split("Terugblik op de afspraken")[-1]
    assert "19:02" in html  # after the two-minute cover
    assert "Openstaande afspraken om terug te blikken" in review
    assert "Maandelijks spreekuur in de moskee" in review
    assert "Het afsprakenregister, geprint" in review
