"""The mixed groups of steps 12 and 14: forming them, moving people, latecomers."""

import pytest
from django.urls import reverse

from exercises.answers import save_shared_field
from exercises.grouping import deal_mixed, form_groups, groups_with_members
from exercises.models import Group, GroupMember
from sessions.models import Participant


@pytest.fixture
def step(at_step):
    return at_step("own_example")


@pytest.fixture
def crowd(session, join):
    """5 formal participants (two organisations) and 7 informal ones (two organisations)."""
    formal = list(session.organisations.filter(side="formal"))
    informal = list(session.organisations.filter(side="informal"))
    phones = []
    for number in range(5):
        phones.append(join(f"Formeel {number}", "formal", organisation=formal[number % 2]))
    for number in range(7):
        phones.append(join(f"Informeel {number}", "informal", organisation=informal[number % 2]))
    return phones


def form(client, url, size=4, **extra):
    return client.post(
        url,
        {"action": "form_groups", "size": size, "phones": "1", **extra},
        HTTP_HX_REQUEST="true",
    )


def move(client, url, participant, group):
    return client.post(
        url,
        {"action": "move_member", "participant": participant, "group": group, "phones": "1"},
        HTTP_HX_REQUEST="true",
    )


def phone_page(phone, session):
    return phone.get(
        reverse("phone", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()


def controls(client, session):
    return client.get(
        reverse("controls", args=[session.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()


# --- dealing ------------------------------------------------------------------------------


def test_groups_of_four_from_5_formal_and_7_informal_all_have_both_sides(
    owner_client, session, step, crowd, action_url
):
    response = form(owner_client, action_url(step))
    assert response.status_code == 200
    groups = groups_with_members(session)
    assert len(groups) == 3
    sizes = [len(group.people) for group in groups]
    assert sum(sizes) == 12 and max(sizes) - min(sizes) <= 1
    for group in groups:
        assert {person.side for person in group.people} == {"formal", "informal"}


@pytest.mark.parametrize(
    "formal, informal, size",
    [(5, 7, 4), (3, 3, 4), (10, 13, 5), (4, 9, 3), (2, 14, 4), (0, 6, 4), (1, 0, 4), (7, 7, 2)],
)
def test_dealing_keeps_sizes_within_one_and_mixes_when_possible(formal, informal, size):
    people = [Participant(pk=n + 1, name=f"F{n}", side="formal") for n in range(formal)] + [
        Participant(pk=100 + n, name=f"I{n}", side="informal") for n in range(informal)
    ]
    groups = deal_mixed(people, size)
    assert sorted(p.pk for group in groups for p in group) == sorted(p.pk for p in people)
    sizes = [len(group) for group in groups]
    assert max(sizes) - min(sizes) <= 1
    for group in groups:
        sides = {person.side for person in group}
        if formal >= len(groups):
            assert "formal" in sides
        if informal >= len(groups):
            assert "informal" in sides


def test_colleagues_are_spread_over_the_groups(session, step, join):
    cjg = session.organisations.get(name="CJG Dordrecht")
    for number in range(4):
        join(f"CJG {number}", "formal", organisation=cjg)
    for number in range(4):
        join(f"Vrijwilliger {number}", "informal")
    form_groups(session, 4)
    for group in groups_with_members(session):
        colleagues = [p for p in group.people if p.organisation_id == cjg.pk]
        assert len(colleagues) == 2


def test_phones_show_their_group_number_and_members(owner_client, session, step, crowd, action_url):
    version = session.phone_version
    form(owner_client, action_url(step))
    session.refresh_from_db()
    assert session.phone_version > version  # phones rebuild their panel
    phone = crowd[0]
    group = GroupMember.objects.get(participant=phone.participant).group
    page = phone_page(phone, session)
    assert f"Group {group.number}" in page
    for member in group.members.select_related("participant"):
        assert member.participant.name in page
    others = Participant.objects.exclude(group_membership__group=group).first()
    assert f">{others.name}<" not in page


@pytest.mark.parametrize("size", ["1", "9", "vier", ""])
def test_forming_with_a_bad_size_is_refused(owner_client, session, step, crowd, action_url, size):
    assert form(owner_client, action_url(step), size=size).status_code == 400
    assert not Group.objects.exists()


def test_forming_without_participants_is_refused(owner_client, step, action_url):
    assert form(owner_client, action_url(step)).status_code == 400
    assert not Group.objects.exists()


def test_forming_again_replaces_the_groups_while_nothing_is_written(
    owner_client, session, step, crowd, action_url
):
    form(owner_client, action_url(step), size=4)
    assert Group.objects.count() == 3
    form(owner_client, action_url(step), size=6)
    assert Group.objects.count() == 2
    assert GroupMember.objects.count() == 12


def test_forming_again_after_an_answer_only_adds_newcomers_to_the_smallest_groups(
    owner_client, session, step, crowd, join, action_url
):
    form(owner_client, action_url(step), size=4)
    first = Group.objects.get(number=1)
    save_shared_field(
        step, owner={"group": first}, field_name="title", text="Samen", base_version=0
    )
    before = {m.participant_id: m.group_id for m in GroupMember.objects.all()}
    late_formal = join("Laatkomer Kees", "formal")
    late_informal = join("Laatkomer Hatice", "informal")
    response = form(owner_client, action_url(step), size=2)
    assert response.status_code == 200
    assert Group.objects.count() == 3  # not replaced: group 1 has written something
    after = {m.participant_id: m.group_id for m in GroupMember.objects.all()}
    assert {k: after[k] for k in before} == before  # nobody else moved
    new_groups = {after[late_formal.participant.pk], after[late_informal.participant.pk]}
    assert len(new_groups) == 2  # each to a (different) smallest group
    sizes = sorted(len(group.people) for group in groups_with_members(session))
    assert sizes == [4, 5, 5]


def test_controls_offer_forming_again_only_while_nothing_is_written(
    owner_client, session, step, crowd, action_url
):
    page = controls(owner_client, session)
    assert "Form mixed groups" in page and 'name="phones" value="1"' in page
    form(owner_client, action_url(step))
    assert "Form the groups again" in controls(owner_client, session)
    group = Group.objects.get(number=2)
    save_shared_field(step, owner={"group": group}, field_name="what", text="X", base_version=0)
    page = controls(owner_client, session)
    assert "Form the groups again" not in page
    assert "forming them again only adds newcomers" in page


# --- moving by hand ---------------------------------------------------------------------


def test_moving_a_member_to_another_group(owner_client, session, step, crowd, action_url):
    form(owner_client, action_url(step))
    phone = crowd[0]
    old = GroupMember.objects.get(participant=phone.participant).group
    target = Group.objects.exclude(pk=old.pk).first()
    response = move(owner_client, action_url(step), phone.participant.pk, target.number)
    assert response.status_code == 200
    assert GroupMember.objects.get(participant=phone.participant).group == target
    assert f"Group {target.number}" in phone_page(phone, session)


def test_moving_a_member_into_a_new_group(owner_client, session, step, crowd, action_url):
    form(owner_client, action_url(step))
    phone = crowd[3]
    move(owner_client, action_url(step), phone.participant.pk, "new")
    membership = GroupMember.objects.get(participant=phone.participant)
    assert membership.group.number == 4
    assert "Group 4" in phone_page(phone, session)


def test_a_group_left_empty_without_an_answer_disappears(
    owner_client, session, step, join, action_url
):
    only = join("Alleen", "formal")
    form(owner_client, action_url(step))
    move(owner_client, action_url(step), only.participant.pk, "new")
    assert list(Group.objects.values_list("number", flat=True)) == [2]


@pytest.mark.parametrize("group", ["99", "nul", ""])
def test_moving_into_a_group_number_that_does_not_exist_is_404(
    owner_client, session, step, crowd, action_url, group
):
    form(owner_client, action_url(step))
    phone = crowd[0]
    before = GroupMember.objects.get(participant=phone.participant).group_id
    assert move(owner_client, action_url(step), phone.participant.pk, group).status_code == 404
    assert GroupMember.objects.get(participant=phone.participant).group_id == before


def test_moving_into_another_sessions_group_is_404(
    owner_client, session, step, crowd, make_session, join, action_url
):
    form(owner_client, action_url(step))
    other = make_session(title="Andere sessie")
    stranger = join("Vreemde", "formal", target=other)
    form_groups(other, 4)
    phone = crowd[0]
    before = GroupMember.objects.get(participant=phone.participant).group_id
    # group 5 exists only in the other session
    Group.objects.filter(session=other).update(number=5)
    assert move(owner_client, action_url(step), phone.participant.pk, 5).status_code == 404
    assert GroupMember.objects.get(participant=phone.participant).group_id == before
    # and a participant of the other session can't be moved into ours
    assert move(owner_client, action_url(step), stranger.participant.pk, 1).status_code == 404
    assert GroupMember.objects.get(participant=stranger.participant).group.session == other


@pytest.mark.parametrize("participant", ["999999", "x", ""])
def test_moving_an_unknown_participant_is_404(
    owner_client, session, step, crowd, action_url, participant
):
    form(owner_client, action_url(step))
    assert move(owner_client, action_url(step), participant, 1).status_code == 404


# --- latecomers -------------------------------------------------------------------------


def test_a_latecomer_is_asked_to_go_to_the_facilitator_and_shows_on_the_controls(
    owner_client, session, step, crowd, join, action_url
):
    form(owner_client, action_url(step))
    late = join("Laatkomer Nadia", "informal")
    page = phone_page(late, session)
    assert "Ask the facilitator to add you to a group" in page
    assert 'id="gp-title"' not in page  # nothing to write in without a group
    page = controls(owner_client, session)
    assert "1 participant without a group" in page
    assert f'name="participant" value="{late.participant.pk}"' in page
    move(owner_client, action_url(step), late.participant.pk, 2)
    assert "Group 2" in phone_page(late, session)
    assert "without a group" not in controls(owner_client, session)


def test_before_the_groups_exist_a_phone_waits_for_its_group(session, step, join):
    page = phone_page(join("Vroeg", "formal"), session)
    assert "your group appears here by itself" in page


# --- who may ----------------------------------------------------------------------------


def test_another_facilitator_cannot_form_groups(other_client, session, step, crowd, action_url):
    assert form(other_client, action_url(step)).status_code == 403
    assert not Group.objects.exists()


def test_another_facilitator_cannot_move_members(
    owner_client, other_client, session, step, crowd, action_url
):
    form(owner_client, action_url(step))
    phone = crowd[0]
    before = GroupMember.objects.get(participant=phone.participant).group_id
    assert move(other_client, action_url(step), phone.participant.pk, "new").status_code == 403
    assert GroupMember.objects.get(participant=phone.participant).group_id == before
    assert Group.objects.count() == 3


def test_a_phone_cannot_form_groups(session, step, crowd, action_url):
    response = crowd[0].post(action_url(step), {"action": "form_groups", "size": 4})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Group.objects.exists()
