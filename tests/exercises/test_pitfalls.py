"""Step 16: the pitfalls, rated on phones, compared per side on the wall and in the report."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from exercises.models import Contribution
from exercises.rendering import step_context

KEYS = (
    "diversity",
    "informal_position",
    "burden_capacity",
    "structural_consultation",
    "management",
    "coordination",
)


@pytest.fixture
def step(at_step):
    return at_step("pitfalls")


def rate(phone, url, pitfall="diversity", **fields):
    return phone.post(
        url, {"pitfall": pitfall, **fields}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
    )


def wall(client, session):
    return client.get(
        reverse("projector", args=[session.code]), HTTP_HX_REQUEST="true"
    ).content.decode()


def row(page, number):
    """One pitfall's row on the wall, from its number to the next row."""
    start = page.index(f'<span class="pit-number">{number}</span>')
    end = page.find('<li class="pit-row', start)
    return page[start : end if end != -1 else len(page)]


def side(html, name):
    start = html.index(f'class="pit-side-{name}"')
    return html[start : html.index("</g>", start)]


def report(session, step):
    context = step_context(session, step, surface="report", language=session.language)
    return render_to_string(context["step_partial"], {**context, "session": session})


# --- phone ----------------------------------------------------------------------------


def test_phone_shows_six_pitfalls_with_five_ratings_each(session, step, join):
    page = join().get(reverse("phone", args=[session.code])).content.decode()
    assert "Evenwicht tussen last en vermogen" in page
    assert page.count('name="pitfall"') == 6
    assert page.count('type="radio" name="rating"') == 30
    assert page.count('name="action" rows="2" maxlength="500"') == 6


def test_a_rating_is_stored_as_the_participants_own_answer(step, join, answer_url):
    phone = join("Fatima", "informal")
    response = rate(phone, answer_url(step), rating="4")
    assert response.status_code == 200 and "Saved" in response.content.decode()
    answer = Contribution.objects.get()
    assert (answer.slot, answer.data, answer.side) == ("diversity", {"rating": 4}, "informal")
    rate(phone, answer_url(step), rating="2")
    assert Contribution.objects.get().data == {"rating": 2}


@pytest.mark.parametrize("rating", ["0", "6", "abc", "3.5", "", "-1", "2x", "٣"])
def test_a_bad_rating_is_refused_and_nothing_is_stored(step, join, answer_url, rating):
    response = rate(join(), answer_url(step), rating=rating)
    assert response.status_code == 422
    assert "Choose a number from 1 to 5" in response.content.decode()
    assert Contribution.objects.count() == 0


def test_a_bad_rating_leaves_the_stored_answer_alone(step, join, answer_url):
    phone = join()
    rate(phone, answer_url(step), rating="3", action="Overleg plannen")
    assert rate(phone, answer_url(step), rating="9", action="Weg?").status_code == 422
    assert Contribution.objects.get().data == {"rating": 3, "action": "Overleg plannen"}


def test_rating_and_action_are_merged_so_neither_is_lost(step, join, answer_url):
    phone = join()
    rate(phone, answer_url(step), rating="5")
    rate(phone, answer_url(step), action="Elke zes weken overleg")
    assert Contribution.objects.get().data == {"rating": 5, "action": "Elke zes weken overleg"}
    rate(phone, answer_url(step), rating="2")
    assert Contribution.objects.get().data == {"rating": 2, "action": "Elke zes weken overleg"}
    rate(phone, answer_url(step), action="")
    assert Contribution.objects.get().data == {"rating": 2, "action": ""}
    assert Contribution.objects.count() == 1


def test_the_phone_shows_the_stored_rating_and_action(session, step, join, answer_url):
    phone = join()
    rate(phone, answer_url(step), pitfall="management", rating="4", action="Uren in het jaarplan")
    page = phone.get(reverse("phone", args=[session.code])).content.decode()
    assert 'value="4" checked' in page
    assert "Uren in het jaarplan</textarea>" in page


def test_an_unknown_pitfall_is_refused(step, join, answer_url):
    response = rate(join(), answer_url(step), pitfall="weather", rating="3")
    assert response.status_code == 422
    assert Contribution.objects.count() == 0


def test_a_too_long_action_is_refused_and_nothing_is_stored(step, join, answer_url):
    response = rate(join(), answer_url(step), rating="3", action="x" * 501)
    assert response.status_code == 422
    assert "at most 500 characters" in response.content.decode()
    assert Contribution.objects.count() == 0


def test_a_phone_cannot_write_into_another_participants_answer(step, join, answer_url):
    fatima, joost = join("Fatima"), join("Joost", "formal")
    rate(fatima, answer_url(step), rating="1", action="Van Fatima")
    rate(
        joost,
        answer_url(step),
        rating="5",
        action="Van Joost",
        participant=fatima.participant.pk,
    )
    assert Contribution.objects.get(participant=fatima.participant).data == {
        "rating": 1,
        "action": "Van Fatima",
    }
    assert Contribution.objects.get(participant=joost.participant).data["action"] == "Van Joost"


def test_locked_step_refuses_ratings(owner_client, session, step, join, answer_url):
    phone = join()
    owner_client.post(reverse("lock_step", args=[session.code, step.pk]), {"locked": "1"})
    assert rate(phone, answer_url(step), rating="3").status_code == 409
    assert Contribution.objects.count() == 0


# --- wall -----------------------------------------------------------------------------


def test_the_wall_shows_the_average_and_count_of_each_side(
    owner_client, session, step, join, answer_url
):
    rate(join("Joost", "formal"), answer_url(step), rating="2")
    rate(join("Marieke", "formal"), answer_url(step), rating="5")
    rate(join("Fatima", "informal"), answer_url(step), rating="1")
    page = wall(owner_client, session)
    first = row(page, 1)
    assert "(Gebrek aan) diversiteit" in first
    formal, informal = side(first, "formal"), side(first, "informal")
    assert re.search(r">3[,.]5<", formal) and "n=2" in formal
    assert re.search(r">1[,.]0<", informal) and "n=1" in informal
    # Told apart without colour: written labels, and a pattern for the informal bars.
    assert "Formal" in formal or "Formeel" in formal
    assert "url(#pit-hatch-diversity)" in informal
    assert "3 of 3 answered" in page or "3 van 3 beantwoord" in page


def test_a_side_without_ratings_shows_a_dash(owner_client, session, step, join, answer_url):
    rate(join("Joost", "formal"), answer_url(step), rating="4")
    informal = side(row(wall(owner_client, session), 1), "informal")
    assert ">–<" in informal and "n=0" in informal


def test_answered_counts_participants_who_rated(owner_client, session, step, join, answer_url):
    rate(join("Fatima"), answer_url(step), rating="3")
    rate(join("Aylin"), answer_url(step), action="Alleen een idee")
    page = wall(owner_client, session)
    assert "1 of 2 answered" in page or "1 van 2 beantwoord" in page


def test_a_focused_pitfall_shows_its_actions_and_not_the_hidden_ones(
    owner_client, session, step, join, answer_url, action_url
):
    rate(join("Fatima"), answer_url(step), pitfall="management", rating="2", action="Zichtbaar")
    rate(join("Aylin"), answer_url(step), pitfall="management", rating="5", action="Ongepast")
    hidden = Contribution.objects.get(data__action="Ongepast")
    owner_client.post(reverse("hide_contribution", args=[session.code, hidden.pk]), {"hidden": "1"})
    assert "Zichtbaar" not in wall(owner_client, session)  # the overview has no actions
    owner_client.post(action_url(step), {"action": "focus", "pitfall": "management"})
    page = wall(owner_client, session)
    assert "Betrokkenheid van het management" in page
    assert "Zichtbaar" in page and "Ongepast" not in page
    # The hidden answer's rating is out of the chart too.
    assert "n=1" in side(page, "informal")
    owner_client.post(action_url(step), {"action": "overview"})
    assert "pit-focus" not in wall(owner_client, session)


def test_focus_on_an_unknown_pitfall_is_refused(owner_client, step, action_url):
    response = owner_client.post(action_url(step), {"action": "focus", "pitfall": "weather"})
    assert response.status_code == 400
    step.refresh_from_db()
    assert not step.state.get("focus")


def test_another_facilitator_cannot_focus_or_hide(
    other_client, session, step, join, answer_url, action_url
):
    rate(join(), answer_url(step), rating="3", action="Iets")
    answer = Contribution.objects.get()
    response = other_client.post(action_url(step), {"action": "focus", "pitfall": "diversity"})
    assert response.status_code in (403, 404)
    response = other_client.post(
        reverse("hide_contribution", args=[session.code, answer.pk]), {"hidden": "1"}
    )
    assert response.status_code in (403, 404)
    step.refresh_from_db()
    assert not step.state.get("focus") and not Contribution.objects.get().hidden


def test_the_wall_escapes_what_phones_write(
    owner_client, session, step, join, answer_url, action_url
):
    rate(join(), answer_url(step), rating="3", action="<script>alert(1)</script>")
    owner_client.post(action_url(step), {"action": "focus", "pitfall": "diversity"})
    page = wall(owner_client, session)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


# --- controls and report --------------------------------------------------------------


def test_controls_list_actions_with_hide_buttons(owner_client, session, step, join, answer_url):
    rate(join("Fatima"), answer_url(step), rating="4", action="Een vaste coördinator")
    rate(join("Aylin"), answer_url(step), rating="2")
    page = owner_client.get(
        reverse("controls", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Een vaste coördinator" in page and "Fatima" in page
    answer = Contribution.objects.get(data__action="Een vaste coördinator")
    assert reverse("hide_contribution", args=[session.code, answer.pk]) in page
    assert page.count("Show on the wall") >= 6


def test_the_report_has_the_chart_and_the_visible_actions(
    owner_client, session, step, join, answer_url
):
    rate(
        join("Joost", "formal"),
        answer_url(step),
        pitfall="coordination",
        rating="4",
        action="Afsprakenkaart maken",
    )
    rate(join("Fatima"), answer_url(step), pitfall="coordination", rating="2", action="Verborgen")
    hidden = Contribution.objects.get(data__action="Verborgen")
    owner_client.post(reverse("hide_contribution", args=[session.code, hidden.pk]), {"hidden": "1"})
    page = report(session, step)
    assert page.count('<svg class="pit-chart"') == 6
    assert "Afsprakenkaart maken" in page and "Joost" in page
    assert "Verborgen" not in page
    # SVG attributes carry no locale's decimal comma.
    assert not re.search(r'\s(x|y|width|height)="[0-9]+,[0-9]', page)


@pytest.mark.parametrize("participants", [1, 30])
def test_projector_query_count_stays_flat(
    owner_client,
    session,
    step,
    join,
    answer_url,
    action_url,
    participants,
    django_assert_max_num_queries,
):
    for number in range(participants):
        phone = join(f"Deelnemer {number}", "formal" if number % 2 else "informal")
        for index, key in enumerate(KEYS):
            rate(
                phone,
                answer_url(step),
                pitfall=key,
                rating=str(1 + (number + index) % 5),
                action=f"Actie {number}",
            )
    with django_assert_max_num_queries(14):
        overview = owner_client.get(
            reverse("projector", args=[session.code]), HTTP_HX_REQUEST="true"
        )
    assert "n=" in overview.content.decode()
    owner_client.post(action_url(step), {"action": "focus", "pitfall": "diversity"})
    with django_assert_max_num_queries(14):
        focused = owner_client.get(
            reverse("projector", args=[session.code]), HTTP_HX_REQUEST="true"
        )
    assert f"Actie {participants - 1}" in focused.content.decode()
