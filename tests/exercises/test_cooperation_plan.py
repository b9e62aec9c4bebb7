"""Step 14: each group writes its plan for the cooperation together; the wall shows them."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from exercises.answers import save_shared_field
from exercises.grouping import form_groups
from exercises.models import Contribution, Group, GroupMember
from exercises.rendering import step_context
from sessions.models import Participant

FULL = {
    "looking_back": "Wij kennen de moeders uit de wijk; het CJG kent de weg naar hulp.",
    "looking_forward": "Over een jaar weten ouders ons allebei te vinden.",
    "goals": "Meer ouders bereiken met opvoedvragen.",
    "concrete": "Elke maand een koffieochtend in de moskee, met iemand van het CJG.",
    "roles": "Formeel: kennis en doorverwijzing. Informeel: vertrouwen en taal.",
    "conditions": "Vaste contactpersonen en een kleine vergoeding.",
    "agreements": "Fatima belt Joost voor 1 februari over de eerste ochtend.",
}


@pytest.fixture
def step(at_step):
    return at_step("cooperation_plan")


@pytest.fixture
def groups(session, step, join):
    phones = [
        join("Joost", "formal"),
        join("Anna", "formal"),
        join("Fatima", "informal"),
        join("Aylin", "informal"),
    ]
    form_groups(session, 2)
    by_group = {}
    for phone in phones:
        number = GroupMember.objects.get(participant=phone.participant).group.number
        by_group.setdefault(number, []).append(phone)
    return by_group


def post_field(phone, url, field, text, base_version=0, **extra):
    return phone.post(
        url,
        {"field": field, "text": text, "base_version": base_version, **extra},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def write(step, number, **data):
    group = Group.objects.get(session=step.session, number=number)
    for key, text in data.items():
        save_shared_field(step, owner={"group": group}, field_name=key, text=text, base_version=0)
    return plan_of(number)


def plan_of(number):
    return Contribution.objects.get(group__number=number, participant__isnull=True)


def act(client, url, action, **data):
    return client.post(url, {"action": action, **data}, HTTP_HX_REQUEST="true")


def projector(client, session):
    return client.get(
        reverse("projector", args=[session.code]), HTTP_HX_REQUEST="true"
    ).content.decode()


def phone_page(phone, session, language="en"):
    return phone.get(
        reverse("phone", args=[session.code]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()


def test_phone_shows_the_group_and_the_seven_parts(session, step, groups):
    page = phone_page(groups[1][0], session, language="nl")
    for label in (
        "Terugkijken (eigen organisatie, eigen kracht)",
        "Vooruitkijken",
        "Doelen",
        "Concrete invulling",
        "Rollen formeel/informeel",
        "Conditie",
        "Afspraken!",
    ):
        assert label in page
    assert page.count('maxlength="1000"') == 7
    for phone in groups[1]:
        assert phone.participant.name in page


def test_the_groups_of_step_12_write_the_plan_too(owner_client, session, at_step, join):
    own_example = at_step("own_example")
    phone = join("Joost", "formal")
    join("Fatima", "informal")
    owner_client.post(
        reverse("step_action", args=[session.code, own_example.pk]),
        {"action": "form_groups", "size": 4},
        HTTP_HX_REQUEST="true",
    )
    plan = at_step("cooperation_plan")
    page = phone_page(phone, session)
    assert "Group 1" in page and "Fatima" in page and 'id="cp-goals"' in page
    response = post_field(phone, reverse("answer", args=[session.code, plan.pk]), "goals", "Doel")
    assert response.status_code == 200
    assert plan_of(1).step == plan


def test_members_write_one_plan_and_a_stale_version_is_a_conflict(step, groups, answer_url):
    first, second = groups[2]
    assert post_field(first, answer_url(step), "goals", "Doel van Fatima").status_code == 200
    response = post_field(second, answer_url(step), "goals", "Doel van Aylin", base_version=0)
    assert response.status_code == 409
    assert "Doel van Fatima" in response.content.decode()
    assert plan_of(2).data == {"goals": "Doel van Fatima"}
    assert post_field(second, answer_url(step), "agreements", "Bellen").status_code == 200
    assert plan_of(2).data == {"goals": "Doel van Fatima", "agreements": "Bellen"}


def test_a_forged_group_is_ignored(step, groups, answer_url):
    other = Group.objects.get(number=2)
    post_field(groups[1][0], answer_url(step), "goals", "Van groep 1", group=other.pk)
    assert plan_of(1).data["goals"] == "Van groep 1"
    assert not Contribution.objects.filter(group=other).exists()


def test_without_a_group_nothing_is_stored(session, step, groups, join, answer_url):
    late = join("Laatkomer", "formal")
    assert "Ask the facilitator to add you to a group" in phone_page(late, session)
    response = post_field(late, answer_url(step), "goals", "Toch iets")
    assert response.status_code == 409
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    "field, text, message",
    [("agreements", "z" * 1001, "at most 1000 characters"), ("title", "Hoi", "not in the form")],
)
def test_a_bad_part_gets_a_message_and_nothing_is_stored(
    step, groups, answer_url, field, text, message
):
    response = post_field(groups[1][0], answer_url(step), field, text)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Contribution.objects.exists()


def test_the_wall_shows_the_plans_group_by_group(owner_client, session, step, groups, action_url):
    write(step, 1, **FULL)
    write(step, 2, goals="Vaders <i>betrekken</i>")
    overview = projector(owner_client, session)
    assert "7 van 7" in overview or "7 of 7" in overview or "complete" in overview
    assert FULL["agreements"] not in overview
    act(owner_client, action_url(step), "next_group")
    page = projector(owner_client, session)
    assert FULL["agreements"] in page and FULL["looking_back"] in page
    assert "Afspraken!" in page and "Joost" in page
    act(owner_client, action_url(step), "next_group")
    assert "Vaders &lt;i&gt;betrekken&lt;/i&gt;" in projector(owner_client, session)
    act(owner_client, action_url(step), "overview")
    assert FULL["agreements"] not in projector(owner_client, session)


def test_a_hidden_plan_is_not_on_the_wall_nor_in_the_report(
    owner_client, session, step, groups, action_url
):
    hidden = write(step, 1, goals="Iets ongepasts")
    write(step, 2, **FULL)
    hidden.hidden = True
    hidden.save()
    act(owner_client, action_url(step), "next_group")
    page = projector(owner_client, session)
    assert FULL["goals"] in page and "Iets ongepasts" not in page
    assert act(owner_client, action_url(step), "show_group", group=1).status_code == 400
    context = step_context(session, step, surface="report", language="nl")
    html = render_to_string(context["step_partial"], {"session": session, **context})
    assert FULL["agreements"] in html and "Iets ongepasts" not in html


def test_the_report_shows_every_plan_without_names_when_anonymous(session, step, groups):
    session.anonymous = True
    session.save()
    write(step, 1, **FULL)
    write(step, 2, goals="Tweede plan")
    context = step_context(session, step, surface="report", language="nl")
    html = render_to_string(context["step_partial"], {"session": session, **context})
    assert FULL["concrete"] in html and "Tweede plan" in html
    for name in ("Anna", "Aylin"):  # (Joost and Fatima are named in the agreements)
        assert name not in html


def test_another_facilitator_cannot_form_groups_or_step(other_client, step, groups, action_url):
    write(step, 1, **FULL)
    assert act(other_client, action_url(step), "form_groups", size=3).status_code == 403
    assert act(other_client, action_url(step), "next_group").status_code == 403
    step.refresh_from_db()
    assert not step.state.get("group")


@pytest.mark.parametrize("count", [1, 30])
def test_projector_query_count_stays_flat(
    owner_client, session, step, action_url, count, django_assert_max_num_queries
):
    organisations = list(session.organisations.all())
    for n in range(count * 2):
        Participant.objects.create(
            session=session,
            name=f"Deelnemer {n}",
            side="formal" if n % 2 else "informal",
            organisation=organisations[n % len(organisations)],
        )
    form_groups(session, 2)
    for number in range(1, count + 1):
        write(step, number, **{**FULL, "goals": f"Doel van groep {number}"})
    url = reverse("projector", args=[session.code])
    with django_assert_max_num_queries(8):
        overview = owner_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert f"Deelnemer {count * 2 - 1}" in overview
    act(owner_client, action_url(step), "show_group", group=count)
    with django_assert_max_num_queries(8):
        shown = owner_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert f"Doel van groep {count}" in shown
    with django_assert_max_num_queries(16):
        controls = owner_client.get(reverse("controls", args=[session.code])).content.decode()
    assert f"Doel van groep {count}" in controls
