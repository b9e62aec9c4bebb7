"""Step 12: each mixed group writes one proposal together, the wall shows them, then a vote."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from exercises.answers import save_shared_field
from exercises.grouping import form_groups
from exercises.models import Contribution, Group, GroupMember, Vote
from exercises.rendering import step_context
from sessions.models import Participant

FULL = {
    "title": "Samen naar het consultatiebureau",
    "what": "Sleutelfiguren lopen de eerste keer mee naar het CJG.",
    "roles_formal": "Het CJG maakt tijd voor een warme overdracht.",
    "roles_informal": "Vrijwilligers leggen uit wat er gaat gebeuren, in de eigen taal.",
    "conditions": "Vertrouwen, vaste contactpersonen en een vergoeding.",
}


@pytest.fixture
def step(at_step):
    return at_step("own_example")


@pytest.fixture
def other_step(at_step, session):
    return session.steps.get(key="cooperation_plan")


@pytest.fixture
def groups(session, step, join):
    """Two mixed groups of two: returns {1: [phone, phone], 2: [phone, phone]}."""
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
    return answer_of(number)


def answer_of(number):
    return Contribution.objects.get(group__number=number, participant__isnull=True)


def act(client, url, action, **data):
    return client.post(url, {"action": action, **data}, HTTP_HX_REQUEST="true")


def vote(phone, url, proposal, action="vote"):
    return phone.post(
        url,
        {"action": action, "proposal": proposal},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def projector(client, session):
    return client.get(
        reverse("projector", args=[session.code]), HTTP_HX_REQUEST="true"
    ).content.decode()


def phone_page(phone, session):
    return phone.get(
        reverse("phone", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()


# --- writing the proposal together -----------------------------------------------------


def test_phone_shows_the_five_parts_with_limits_and_counters(session, step, groups):
    page = phone_page(groups[1][0], session)
    for label in (
        "Title",
        "What is it?",
        "Roles of the formal partners",
        "Roles of the informal partners",
        "Important conditions",
    ):
        assert label in page
    assert 'id="gp-title" name="text" maxlength="120"' in page
    assert 'id="gp-what" name="text" rows="4" maxlength="1000"' in page
    assert 'id="gp-title-counter"' in page and 'id="gp-conditions-counter"' in page
    assert page.count('hx-trigger="input delay:800ms, ') == 5
    assert page.count('name="base_version" value="0"') == 5


def test_members_of_a_group_write_one_proposal_together(session, step, groups, answer_url):
    first, second = groups[1]
    assert post_field(first, answer_url(step), "title", "Samen sterk").status_code == 200
    assert post_field(second, answer_url(step), "what", "Een inloopochtend").status_code == 200
    proposal = answer_of(1)
    assert proposal.data == {"title": "Samen sterk", "what": "Een inloopochtend"}
    assert Contribution.objects.count() == 1
    page = phone_page(second, session)
    assert 'value="Samen sterk"' in page and "Een inloopochtend" in page


def test_the_same_part_with_a_stale_version_is_a_conflict(step, groups, answer_url):
    first, second = groups[1]
    post_field(first, answer_url(step), "what", "Tekst van Joost", base_version=0)
    response = post_field(second, answer_url(step), "what", "Tekst van Anna", base_version=0)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this" in body and "Tekst van Joost" in body
    assert 'name="base_version" value="1"' in body
    assert answer_of(1).data["what"] == "Tekst van Joost"
    again = post_field(second, answer_url(step), "what", "Joost en Anna samen", base_version=1)
    assert again.status_code == 200
    assert answer_of(1).data["what"] == "Joost en Anna samen"


def test_each_group_writes_only_its_own_proposal(step, groups, answer_url):
    mine = groups[1][0]
    other = Group.objects.get(number=2)
    response = post_field(mine, answer_url(step), "title", "Van groep 1", group=other.pk)
    assert response.status_code == 200  # the forged group is ignored...
    assert answer_of(1).data["title"] == "Van groep 1"
    assert not Contribution.objects.filter(group=other).exists()  # ...and group 2 untouched


def test_a_member_cannot_overwrite_another_groups_proposal(step, groups, answer_url):
    theirs = write(step, 2, title="Voorstel van groep 2")
    post_field(groups[1][0], answer_url(step), "title", "Gekaapt", base_version=0)
    theirs.refresh_from_db()
    assert theirs.data["title"] == "Voorstel van groep 2"
    assert answer_of(1).data["title"] == "Gekaapt"


def test_a_participant_without_a_group_gets_a_message_and_nothing_is_stored(
    session, step, groups, join, answer_url
):
    late = join("Laatkomer", "informal")
    group = Group.objects.get(number=1)
    response = post_field(late, answer_url(step), "title", "Toch iets", group=group.pk)
    assert response.status_code == 409
    assert "Ask the facilitator to add you to a group" in response.content.decode()
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    "field, text, message",
    [
        ("title", "x" * 121, "at most 120 characters"),
        ("conditions", "y" * 1001, "at most 1000 characters"),
        ("salary", "Geheim", "not in the form"),
    ],
)
def test_a_bad_part_gets_a_message_and_nothing_is_stored(
    step, groups, answer_url, field, text, message
):
    response = post_field(groups[1][0], answer_url(step), field, text)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert 'name="base_version"' in response.content.decode()
    assert not Contribution.objects.exists()


def test_a_title_stays_on_one_line(step, groups, answer_url):
    post_field(groups[1][0], answer_url(step), "title", "Samen\n\nsterk")
    assert answer_of(1).data["title"] == "Samen sterk"


def test_locked_step_shows_the_proposal_read_only(owner_client, session, step, groups, answer_url):
    write(step, 1, title="Samen sterk")
    owner_client.post(reverse("lock_step", args=[session.code, step.pk]), {"locked": "1"})
    response = post_field(groups[1][0], answer_url(step), "title", "Te laat", base_version=1)
    assert response.status_code == 409
    page = phone_page(groups[1][0], session)
    assert "Samen sterk" in page and 'id="gp-title"' not in page


# --- the wall ------------------------------------------------------------------------


def test_overview_shows_the_titles_of_all_groups(owner_client, session, step, groups):
    write(step, 1, **FULL)
    write(step, 2, what="Nog zonder titel")
    page = projector(owner_client, session)
    assert FULL["title"] in page
    assert ("Groep 1" in page or "Group 1" in page) and ("Groep 2" in page or "Group 2" in page)
    assert "nog geen titel" in page or "no title yet" in page
    assert "Joost" in page  # names, the session is not anonymous


def test_overview_without_names_when_anonymous(owner_client, session, step, groups):
    session.anonymous = True
    session.save()
    write(step, 1, **FULL)
    page = projector(owner_client, session)
    assert FULL["title"] in page
    for name in ("Joost", "Anna", "Fatima", "Aylin"):
        assert name not in page


def test_the_wall_steps_through_the_proposals(owner_client, session, step, groups, action_url):
    write(step, 1, **FULL)
    write(step, 2, title="Vadercafé", what="Vaders en zonen <b>zwemmen</b>")
    assert act(owner_client, action_url(step), "next_group").status_code == 200
    page = projector(owner_client, session)
    assert FULL["title"] in page and FULL["roles_informal"] in page
    assert "Rollen formele partners" in page
    act(owner_client, action_url(step), "next_group")
    page = projector(owner_client, session)
    assert "Vadercafé" in page and "&lt;b&gt;zwemmen&lt;/b&gt;" in page
    assert act(owner_client, action_url(step), "next_group").status_code == 400  # the last
    act(owner_client, action_url(step), "previous_group")
    assert FULL["title"] in projector(owner_client, session)
    act(owner_client, action_url(step), "show_group", group=2)
    assert "Vadercafé" in projector(owner_client, session)
    act(owner_client, action_url(step), "overview")
    step.refresh_from_db()
    assert step.state["group"] is None


def test_show_group_of_a_number_that_does_not_exist_is_404(owner_client, step, groups, action_url):
    write(step, 1, **FULL)
    assert act(owner_client, action_url(step), "show_group", group=7).status_code == 404
    assert act(owner_client, action_url(step), "show_group", group="x").status_code == 404


def test_a_hidden_proposal_is_not_on_the_wall_and_not_votable(
    owner_client, session, step, groups, action_url, answer_url
):
    hidden = write(step, 1, title="Iets ongepasts", what="Niet voor de muur")
    write(step, 2, **FULL)
    hidden.hidden = True
    hidden.save()
    page = projector(owner_client, session)
    assert "Iets ongepasts" not in page and FULL["title"] in page
    act(owner_client, action_url(step), "next_group")
    assert "Niet voor de muur" not in projector(owner_client, session)
    assert act(owner_client, action_url(step), "show_group", group=1).status_code == 400
    act(owner_client, action_url(step), "open_vote", votes_each=3)
    phone = groups[2][0]
    assert "Iets ongepasts" not in phone_page(phone, session)
    assert vote(phone, answer_url(step), hidden.pk).status_code == 404
    assert not Vote.objects.exists()
    act(owner_client, action_url(step), "close_vote")
    assert "Iets ongepasts" not in projector(owner_client, session)


# --- the vote ------------------------------------------------------------------------


@pytest.fixture
def proposals(step, groups):
    return [write(step, 1, **FULL), write(step, 2, title="Vadercafé", what="Zwemmen")]


def test_opening_the_vote_shows_the_ballot_on_the_phones(
    owner_client, session, step, groups, proposals, action_url
):
    version = session.phone_version
    response = act(owner_client, action_url(step), "open_vote", votes_each=2, phones="1")
    assert response.status_code == 200
    step.refresh_from_db()
    assert step.state["voting"] is True and step.state["votes_each"] == 2
    session.refresh_from_db()
    assert session.phone_version > version
    page = phone_page(groups[1][0], session)
    assert "You have 2 votes" in page and "2 votes left" in page
    assert FULL["title"] in page and "Vadercafé" in page
    assert "your group" in page  # the own group's proposal is on the ballot too
    assert 'id="gp-title"' not in page  # writing is over while voting


@pytest.mark.parametrize("votes_each", ["0", "6", "drie"])
def test_opening_the_vote_with_a_bad_number_is_refused(
    owner_client, step, proposals, action_url, votes_each
):
    assert (
        act(owner_client, action_url(step), "open_vote", votes_each=votes_each).status_code == 400
    )
    step.refresh_from_db()
    assert not step.state.get("voting")


def test_the_vote_cannot_open_without_proposals(owner_client, step, groups, action_url):
    assert act(owner_client, action_url(step), "open_vote", votes_each=3).status_code == 400


def test_a_vote_counts_once_and_can_be_taken_back(
    owner_client, step, groups, proposals, action_url, answer_url
):
    act(owner_client, action_url(step), "open_vote", votes_each=3)
    phone = groups[1][0]
    first = vote(phone, answer_url(step), proposals[0].pk)
    assert first.status_code == 200 and "2 votes left" in first.content.decode()
    vote(phone, answer_url(step), proposals[0].pk)  # a second tap: still one vote
    assert Vote.objects.filter(participant=phone.participant).count() == 1
    back = vote(phone, answer_url(step), proposals[0].pk, action="unvote")
    assert back.status_code == 200 and "3 votes left" in back.content.decode()
    assert not Vote.objects.exists()


def test_votes_beyond_the_limit_are_refused_with_a_message(
    owner_client, step, groups, proposals, action_url, answer_url
):
    act(owner_client, action_url(step), "open_vote", votes_each=1)
    phone = groups[2][0]
    assert vote(phone, answer_url(step), proposals[0].pk).status_code == 200
    response = vote(phone, answer_url(step), proposals[1].pk)
    assert response.status_code == 422
    assert "You have used all your 1 votes" in response.content.decode()
    assert list(Vote.objects.values_list("proposal_id", flat=True)) == [proposals[0].pk]


def test_a_vote_before_the_vote_opens_is_refused(step, groups, proposals, answer_url):
    response = vote(groups[1][0], answer_url(step), proposals[1].pk)
    assert response.status_code == 409
    assert "The vote is not open" in response.content.decode()
    assert not Vote.objects.exists()


def test_a_forged_proposal_id_is_404(
    owner_client, session, step, other_step, groups, proposals, action_url, answer_url
):
    act(owner_client, action_url(step), "open_vote", votes_each=3)
    phone = groups[1][0]
    own_note = Contribution.objects.create(
        session=session, step=step, participant=phone.participant, data={"title": "Eigen"}
    )
    elsewhere = Contribution.objects.create(
        session=session, step=other_step, group=Group.objects.get(number=1), data={"goals": "X"}
    )
    for forged in (own_note.pk, elsewhere.pk, 999999, "abc", ""):
        assert vote(phone, answer_url(step), forged).status_code == 404
    assert not Vote.objects.exists()


def test_the_results_show_as_sorted_bars_with_numbers(
    owner_client, session, step, groups, proposals, action_url, answer_url
):
    act(owner_client, action_url(step), "open_vote", votes_each=2)
    for phone in (groups[1][0], groups[1][1], groups[2][0]):
        vote(phone, answer_url(step), proposals[1].pk)
    vote(groups[2][1], answer_url(step), proposals[0].pk)
    vote(groups[1][0], answer_url(step), proposals[0].pk)
    live = projector(owner_client, session)
    assert "is-voting" in live and ("Stem met je telefoon" in live or "Vote on your phone" in live)
    assert "4 van 4" in live or "4 of 4" in live  # participants who voted
    assert "gp-chart-count" not in live  # no counts while the vote runs...
    assert live.index(FULL["title"]) < live.index("Vadercafé")  # ...nor the standing
    act(owner_client, action_url(step), "close_vote", phones="1")
    page = projector(owner_client, session)
    assert "gp-chart-count" in page
    assert page.index("Vadercafé") < page.index(FULL["title"])  # most votes first
    assert "3 stemmen" in page or "3 votes" in page
    assert "2 stemmen" in page or "2 votes" in page
    assert "gp-w-100" in page and "gp-w-67" in page
    # the phones can't vote any more
    response = vote(groups[2][0], answer_url(step), proposals[0].pk)
    assert response.status_code == 409


def test_no_answered_count_before_the_vote(owner_client, session, step, groups, proposals):
    page = projector(owner_client, session)
    assert 'class="answered"' not in page


def test_another_facilitator_cannot_open_the_vote(other_client, step, proposals, action_url):
    assert act(other_client, action_url(step), "open_vote", votes_each=3).status_code == 403
    step.refresh_from_db()
    assert not step.state.get("voting")


# --- controls and report ------------------------------------------------------------


def test_controls_list_groups_proposals_and_the_vote(owner_client, session, step, groups):
    proposal = write(step, 1, **FULL)
    page = owner_client.get(
        reverse("controls", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Group 1" in page and "Group 2" in page
    assert FULL["title"] in page and FULL["conditions"] in page
    assert 'value="show_group"' in page and 'value="open_vote"' in page
    assert reverse("hide_contribution", args=[session.code, proposal.pk]) in page
    assert 'value="move_member"' in page


def test_report_shows_visible_proposals_and_the_vote(
    owner_client, session, step, groups, proposals, action_url, answer_url
):
    hidden = write(step, 2, title="Verborgen voorstel")
    hidden.hidden = True
    hidden.save()
    act(owner_client, action_url(step), "open_vote", votes_each=1)
    vote(groups[1][0], answer_url(step), proposals[0].pk)
    act(owner_client, action_url(step), "close_vote")
    context = step_context(session, step, surface="report", language="nl")
    html = render_to_string(context["step_partial"], {"session": session, **context})
    assert FULL["title"] in html and FULL["roles_formal"] in html
    assert "Verborgen voorstel" not in html
    assert "Joost" in html or "Anna" in html


# --- a full room: the wall stays cheap ----------------------------------------------------


@pytest.mark.parametrize("count", [1, 30])
def test_projector_query_count_stays_flat(
    owner_client,
    session,
    step,
    action_url,
    count,
    django_assert_max_num_queries,
):
    organisations = list(session.organisations.all())
    people = [
        Participant.objects.create(
            session=session,
            name=f"Deelnemer {n}",
            side="formal" if n % 2 else "informal",
            organisation=organisations[n % len(organisations)],
        )
        for n in range(count * 2)
    ]
    form_groups(session, 2)
    assert Group.objects.count() == count
    for number in range(1, count + 1):
        write(step, number, **{**FULL, "title": f"Voorstel nummer {number}"})
    url = reverse("projector", args=[session.code])
    with django_assert_max_num_queries(10):
        overview = owner_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert f"Voorstel nummer {count}" in overview
    act(owner_client, action_url(step), "show_group", group=count)
    with django_assert_max_num_queries(10):
        shown = owner_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert f"Voorstel nummer {count}" in shown
    act(owner_client, action_url(step), "open_vote", votes_each=1)
    for person, proposal in zip(people, Contribution.objects.all(), strict=False):
        Vote.objects.create(step=step, participant=person, proposal=proposal)
    act(owner_client, action_url(step), "close_vote")
    with django_assert_max_num_queries(10):
        results = owner_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "gp-chart-count" in results
    with django_assert_max_num_queries(16):
        controls = owner_client.get(reverse("controls", args=[session.code])).content.decode()
    assert f"Voorstel nummer {count}" in controls
