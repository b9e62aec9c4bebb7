"""Step 11: examples of cooperation, stepped through on the wall, marked on phones."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from exercises.models import Contribution
from exercises.rendering import step_context

FIRST, SECOND, LAST = "over_de_drempel", "een_veilige_ruimte", "idhem_consultatie"


@pytest.fixture
def step(at_step):
    return at_step("examples")


def toggle(phone, url, example, on=True):
    data = {"example": example}
    if on:
        data["inspires"] = "1"
    return phone.post(url, data, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")


def projector(client, session):
    return client.get(reverse("projector", args=[session.code])).content.decode()


def tally_row(page, key):
    return page.split(f'id="tally-{key}"')[1].split("</li>")[0]


def test_the_phone_lists_the_five_examples_with_a_toggle(session, step, join):
    page = join().get(reverse("phone", args=[session.code])).content.decode()
    assert page.count('name="inspires"') == 5
    assert "Voorbeeld 1: “Over de drempel”" in page
    assert "Voorbeeld 5: St. IDHEM biedt consultatie aan formele werkers" in page


def test_toggling_on_and_off_keeps_one_answer(session, step, join, answer_url):
    phone = join()
    assert toggle(phone, answer_url(step), FIRST).status_code == 200
    assert Contribution.objects.get().data == {"inspires": True}
    page = phone.get(reverse("phone", args=[session.code])).content.decode()
    assert page.split(f'value="{FIRST}"')[1].split("</form>")[0].count("checked") == 1
    assert toggle(phone, answer_url(step), FIRST, on=False).status_code == 200
    assert toggle(phone, answer_url(step), FIRST, on=False).status_code == 200
    contribution = Contribution.objects.get()
    assert contribution.data == {"inspires": False} and contribution.slot == FIRST
    page = phone.get(reverse("phone", args=[session.code])).content.decode()
    assert "checked" not in page.split(f'value="{FIRST}"')[1].split("</form>")[0]


@pytest.mark.parametrize(
    "data",
    [
        {"example": "not_an_example", "inspires": "1"},
        {"example": "", "inspires": "1"},
        {"example": FIRST, "inspires": "yes please"},
    ],
)
def test_a_forged_example_or_value_is_refused_and_nothing_stored(step, join, answer_url, data):
    response = join().post(
        answer_url(step), data, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    assert 'class="error"' in response.content.decode()
    assert Contribution.objects.count() == 0


def test_an_example_key_of_another_session_step_is_refused(
    make_session, other_facilitator, step, join
):
    other = make_session(owner=other_facilitator)
    foreign_step = other.steps.get(key="examples")
    response = join().post(
        reverse("answer", args=[step.session.code, foreign_step.pk]),
        {"example": FIRST, "inspires": "1"},
    )
    assert response.status_code == 404
    assert Contribution.objects.count() == 0


def test_the_tally_counts_formal_and_informal_apart(owner_client, session, step, join, answer_url):
    for name in ("Joost", "Petra"):
        toggle(join(name, "formal"), answer_url(step), FIRST)
    fatima = join("Fatima", "informal")
    toggle(fatima, answer_url(step), FIRST)
    toggle(fatima, answer_url(step), LAST)
    toggle(join("Aylin", "informal"), answer_url(step), SECOND, on=False)
    page = projector(owner_client, session)
    first = tally_row(page, FIRST)
    # The wall speaks the session's language: Dutch.
    assert '<strong class="tally-total" title="Totaal">3</strong>' in first
    assert "formeel 2</span>" in first and "informeel 1</span>" in first
    assert "meest gekozen" in first
    second = tally_row(page, SECOND)
    assert ">0</strong>" in second and "meest gekozen" not in second
    assert "1</strong>" in tally_row(page, LAST)
    # Fatima and the formal two marked something; Aylin only un-marked.
    assert "3 of 4 answered" in page or "3 van 4 beantwoord" in page


def test_hidden_marks_are_not_counted_on_the_wall(owner_client, session, step, join, answer_url):
    toggle(join("Joost", "formal"), answer_url(step), FIRST)
    toggle(join("Fatima", "informal"), answer_url(step), FIRST)
    hidden = Contribution.objects.get(participant__name="Joost")
    owner_client.post(reverse("hide_contribution", args=[session.code, hidden.pk]), {"hidden": "1"})
    first = tally_row(projector(owner_client, session), FIRST)
    assert ">1</strong>" in first and "formeel 0</span>" in first
    assert Contribution.objects.count() == 2


def test_the_facilitator_steps_through_the_examples(
    owner_client, session, step, action_url, join, answer_url
):
    toggle(join("Joost", "formal"), answer_url(step), SECOND)
    assert 'class="tally"' in projector(owner_client, session)
    owner_client.post(action_url(step), {"action": "next_example"})
    page = projector(owner_client, session)
    assert "<h1>Voorbeeld 1: “Over de drempel”</h1>" in page
    assert "<h3>Informele werker:</h3>" in page and 'class="tally"' not in page
    owner_client.post(action_url(step), {"action": "next_example"})
    page = projector(owner_client, session)
    assert "<h1>Voorbeeld 2: “Een veilige ruimte”</h1>" in page
    assert "Inspires 1 participant" in page or "1 deelnemer" in page
    owner_client.post(action_url(step), {"action": "previous_example"})
    assert "<h1>Voorbeeld 1: “Over de drempel”</h1>" in projector(owner_client, session)
    owner_client.post(action_url(step), {"action": "show_example", "example": LAST})
    assert "<h1>Voorbeeld 5: St. IDHEM" in projector(owner_client, session)
    owner_client.post(action_url(step), {"action": "next_example"})  # after the last: the tally
    assert 'class="tally"' in projector(owner_client, session)
    owner_client.post(action_url(step), {"action": "show_example", "example": FIRST})
    owner_client.post(action_url(step), {"action": "show_tally"})
    step.refresh_from_db()
    assert step.state["example"] is None


def test_the_phone_marks_the_example_on_the_screen(session, step, join, owner_client, action_url):
    phone = join()
    owner_client.post(action_url(step), {"action": "show_example", "example": SECOND})
    page = phone.get(reverse("phone", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en")
    on_screen = page.content.decode().split("is-on-screen")[1].split("</li>")[0]
    assert "On the screen now" in on_screen and "“A safe space”" in on_screen


def test_showing_an_unknown_example_is_404(owner_client, step, action_url):
    response = owner_client.post(action_url(step), {"action": "show_example", "example": "nope"})
    assert response.status_code == 404
    step.refresh_from_db()
    assert step.state.get("example") is None


def test_an_unknown_action_is_refused(owner_client, step, action_url):
    assert owner_client.post(action_url(step), {"action": "explode"}).status_code == 400


def test_another_facilitator_cannot_step_through(other_client, step, action_url):
    response = other_client.post(action_url(step), {"action": "next_example"})
    assert response.status_code == 403
    step.refresh_from_db()
    assert step.state.get("example") is None


def test_the_controls_show_the_counts_and_the_next_example(
    owner_client, session, step, join, answer_url
):
    toggle(join("Joost", "formal"), answer_url(step), FIRST)
    page = owner_client.get(
        reverse("controls", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'value="next_example"' in page and "Example 1 →" in page
    row = page.split(f'value="{FIRST}"')[1].split("</tr>")[0]
    assert '<td class="num">1</td><td class="num">0</td>' in row


def test_locked_step_refuses_marks(owner_client, session, step, join, answer_url):
    phone = join()
    owner_client.post(reverse("lock_step", args=[session.code, step.pk]), {"locked": "1"})
    assert toggle(phone, answer_url(step), FIRST).status_code == 409
    assert Contribution.objects.count() == 0
    page = phone.get(
        reverse("phone", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "The facilitator has closed this exercise" in page
    assert page.count(" disabled") == 5


@pytest.mark.parametrize("participants", [1, 30])
def test_projector_query_count_stays_flat(
    owner_client, session, step, join, answer_url, participants, django_assert_max_num_queries
):
    for number in range(participants):
        phone = join(f"Deelnemer {number}", "formal" if number % 2 else "informal")
        toggle(phone, answer_url(step), FIRST)
        toggle(phone, answer_url(step), LAST if number % 3 else SECOND)
    with django_assert_max_num_queries(8):
        response = owner_client.get(
            reverse("projector", args=[session.code]), HTTP_HX_REQUEST="true"
        )
    assert f">{participants}</strong>" in tally_row(response.content.decode(), FIRST)


def report(session, step):
    step.refresh_from_db()
    with translation.override("nl"):
        context = step_context(session, step, surface="report", language="nl")
        return render_to_string(context["kind"].partial("report"), {"session": session, **context})


def test_the_report_lists_the_tally_without_hidden_marks(
    owner_client, session, step, join, answer_url
):
    toggle(join("Joost", "formal"), answer_url(step), FIRST)
    toggle(join("Fatima", "informal"), answer_url(step), FIRST)
    toggle(join("Aylin", "informal"), answer_url(step), LAST)
    hidden = Contribution.objects.get(participant__name="Aylin")
    owner_client.post(reverse("hide_contribution", args=[session.code, hidden.pk]), {"hidden": "1"})
    html = report(session, step)
    first = html.split("Voorbeeld 1: “Over de drempel”")[1].split("</tr>")[0]
    cells = '<td class="num">1</td><td class="num">1</td><td class="num"><strong>2</strong>'
    assert first == f"</td>{cells}</td>"
    last = html.split("Voorbeeld 5:")[1].split("</tr>")[0]
    assert "<strong>0</strong>" in last
