"""The review at the start of a follow-up: phones report on each open agreement, the wall shows
both sides, the facilitator records the outcome in the register."""

import pytest
from django.urls import reverse

from cooperations.models import RegisterEntry
from exercises.models import Contribution
from exercises.rendering import step_context
from sessions.report import render_report_html

from .conftest import AGREEMENTS

MOSQUE = AGREEMENTS[0]["what"]


@pytest.fixture
def review(follow_up):
    step = follow_up.steps.get(kind="review")
    follow_up.go_to(step)
    return step


@pytest.fixture
def phone(join, follow_up):
    def join_as(name, side):
        return join(name=name, side=side, target=follow_up)

    return join_as


def entry(text=MOSQUE):
    return RegisterEntry.objects.get(text=text)


def answer(client, follow_up, review, **data):
    url = reverse("answer", args=[follow_up.code, review.pk])
    return client.post(url, data, headers={"HX-Request": "true"})


def wall(follow_up, review):
    review.refresh_from_db()
    context = step_context(follow_up, review, surface="projector", language="nl")
    from django.template.loader import render_to_string

    return render_to_string(context["step_partial"], {**context, "session": follow_up})


def test_the_follow_up_has_the_same_partners_and_starts_with_the_review(first_meeting, follow_up):
    assert follow_up.meeting.number == 2
    assert first_meeting.meeting.number == 1
    assert follow_up.meeting.cooperation == first_meeting.meeting.cooperation
    names = lambda s: sorted(s.organisations.values_list("name", "side"))  # noqa: E731
    assert names(follow_up) == names(first_meeting)
    kinds = list(follow_up.active_steps().values_list("kind", flat=True))
    assert kinds[:2] == ["cover", "review"]
    assert kinds[2:] == list(first_meeting.active_steps().values_list("kind", flat=True))[1:]


def test_the_phone_lists_each_open_agreement_with_the_three_answers(phone, follow_up, review):
    page = phone("Fatima", "informal").get(reverse("phone", args=[follow_up.code]))
    html = page.content.decode()
    for agreement in AGREEMENTS:
        assert agreement["what"] in html
    assert "Verborgen afspraak" not in html
    for label in ("Gedaan", "Loopt", "Zit vast"):
        assert label in html


def test_a_report_and_a_comment_are_saved_and_merged(phone, follow_up, review):
    fatima = phone("Fatima", "informal")
    assert answer(fatima, follow_up, review, entry=entry().pk, report="progress").status_code == 200
    answer(fatima, follow_up, review, entry=entry().pk, comment="Twee keer gedaan, loopt goed")
    stored = Contribution.objects.get(step=review, participant=fatima.participant)
    assert stored.data == {"report": "progress", "comment": "Twee keer gedaan, loopt goed"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"report": "finished"}, "Kies gedaan, loopt of zit vast."),
        ({"comment": "x" * 301}, "Te lang: maximaal 300 tekens (nu 301)"),
        ({"entry": "999999", "report": "done"}, "Deze afspraak staat niet meer op de lijst."),
        ({"entry": "abc", "report": "done"}, "Deze afspraak staat niet meer op de lijst."),
    ],
)
def test_a_bad_report_is_refused_with_a_message(phone, follow_up, review, data, message):
    fatima = phone("Fatima", "informal")
    data = {"entry": entry().pk, **data}
    response = answer(fatima, follow_up, review, **data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Contribution.objects.filter(step=review).exists()


def test_the_wall_shows_reports_by_side_and_escapes_comments(phone, follow_up, review):
    fatima, joost = phone("Fatima", "informal"), phone("Joost", "formal")
    answer(fatima, follow_up, review, entry=entry().pk, report="done", comment="<b>Klaar</b>")
    answer(joost, follow_up, review, entry=entry().pk, report="stuck", comment="Geen ruimte")
    html = wall(follow_up, review)
    assert "&lt;b&gt;Klaar&lt;/b&gt;" in html and "<b>Klaar" not in html
    assert "Geen ruimte" in html
    mosque_row = html.split(MOSQUE)[1].split("review-row")[0]
    # Formal: one stuck; informal: one done.
    formal = mosque_row.split('<tr class="side-formal">')[1].split("</tr>")[0]
    informal = mosque_row.split('<tr class="side-informal">')[1].split("</tr>")[0]
    assert '<td class="report-stuck">1</td>' in formal
    assert '<td class="report-done is-zero">0</td>' in formal
    assert '<td class="report-done">1</td>' in informal


def test_the_facilitator_records_the_outcome_in_the_register(
    owner_client, follow_up, review, facilitator
):
    url = reverse("step_action", args=[follow_up.code, review.pk])
    data = {"action": "outcome", "entry": entry().pk, "status": "done", "note": "Elke maand"}
    response = owner_client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    mosque = entry()
    assert mosque.status == "done"
    change = mosque.changes.get()
    assert (change.changed_by, change.session, change.note) == (
        facilitator,
        follow_up,
        "Elke maand",
    )
    # It stays on the wall with its outcome, and the register page shows who and when.
    assert "Gedaan" in wall(follow_up, review).split(MOSQUE)[1][:200]
    page = owner_client.get(reverse("cooperation", args=[mosque.cooperation_id])).content.decode()
    assert "marjolijn" in page and "in bijeenkomst 2" in page


def test_an_unknown_status_or_agreement_is_refused(owner_client, follow_up, review):
    url = reverse("step_action", args=[follow_up.code, review.pk])
    bad = owner_client.post(url, {"action": "outcome", "entry": entry().pk, "status": "gone"})
    assert bad.status_code == 400
    missing = owner_client.post(url, {"action": "outcome", "entry": 424242, "status": "done"})
    assert missing.status_code == 404
    assert entry().status == "open"


def test_another_facilitator_cannot_record_an_outcome(other_client, follow_up, review):
    url = reverse("step_action", args=[follow_up.code, review.pk])
    response = other_client.post(url, {"action": "outcome", "entry": entry().pk, "status": "done"})
    assert response.status_code == 403
    assert entry().status == "open"


def test_agreements_closed_earlier_are_not_reviewed_again(cooperation, follow_up, facilitator):
    from cooperations.register import change_status

    change_status(entry(), "dropped", user=facilitator)  # on the cooperation page, before
    step = follow_up.steps.get(kind="review")
    from exercises.registry import get_kind

    texts = [e.text for e in get_kind("review").entries(step)]
    assert texts == [AGREEMENTS[1]["what"]]


def test_the_report_of_the_follow_up_shows_what_was_agreed_and_what_became_of_it(
    owner_client, phone, follow_up, review
):
    answer(phone("Joost", "formal"), follow_up, review, entry=entry().pk, report="done")
    url = reverse("step_action", args=[follow_up.code, review.pk])
    owner_client.post(
        url, {"action": "outcome", "entry": entry().pk, "status": "done", "note": "Loopt"}
    )
    html = render_report_html(follow_up)
    assert "Bijeenkomst 2 van de samenwerking" in html
    section = html.split("Terugblik op de afspraken")[-1]
    assert MOSQUE in section and AGREEMENTS[1]["what"] in section
    assert "Gedaan: 1" in section  # the formal side's report
    assert "<strong>Gedaan</strong>" in section  # the outcome


def test_many_agreements_are_paged_on_the_wall_by_the_facilitator(
    owner_client, first_meeting, add_agreement, facilitator
):
    from cooperations.follow_up import plan_follow_up

    for number in range(1, 5):
        add_agreement(first_meeting, f"Extra afspraak {number}")
    first_meeting.reopen()
    first_meeting.close()
    second = plan_follow_up(first_meeting, facilitator, title="Deel 2", date="2027-02-04")
    review = second.steps.get(kind="review")
    second.go_to(review)
    first_page = wall(second, review)
    assert "1–4 van 6" in first_page and "Extra afspraak 3" not in first_page
    url = reverse("step_action", args=[second.code, review.pk])
    assert owner_client.post(url, {"action": "page", "page": "1"}).status_code == 302
    second_page = wall(second, review)
    assert "5–6 van 6" in second_page
    assert "Extra afspraak 3" in second_page and MOSQUE not in second_page
    assert owner_client.post(url, {"action": "page", "page": "2"}).status_code == 400


def test_a_third_meeting_reviews_what_is_still_open_from_both_before(
    owner_client, follow_up, review, add_agreement, facilitator
):
    from cooperations.follow_up import plan_follow_up
    from exercises.registry import get_kind

    url = reverse("step_action", args=[follow_up.code, review.pk])
    owner_client.post(url, {"action": "outcome", "entry": entry().pk, "status": "done"})
    add_agreement(follow_up, "Samen een ouderavond organiseren")
    follow_up.close()
    third = plan_follow_up(follow_up, facilitator, title="Deel 3", date="2027-05-12")
    assert third.meeting.number == 3
    listed = [e.text for e in get_kind("review").entries(third.steps.get(kind="review"))]
    assert listed == [AGREEMENTS[1]["what"], "Samen een ouderavond organiseren"]
