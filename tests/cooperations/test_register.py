"""The register: agreements come in when a meeting closes; its facilitators change their
status, with who and when; coordinators read it; nobody else sees it."""

import datetime

import pytest
from django.urls import reverse

from cooperations.models import EntryStatus, Meeting, RegisterChange, RegisterEntry
from cooperations.register import change_status, copy_agreements

from .conftest import AGREEMENTS


def test_closing_a_meeting_puts_its_visible_agreements_in_the_register_once(cooperation):
    entries = RegisterEntry.objects.filter(cooperation=cooperation)
    assert sorted(entries.values_list("text", flat=True)) == sorted(a["what"] for a in AGREEMENTS)
    assert {e.status for e in entries} == {EntryStatus.OPEN}
    fatima = entries.get(owner_name="Fatima")
    assert (fatima.side, fatima.meeting_number) == ("informal", 1)

    meeting = Meeting.objects.get(cooperation=cooperation, number=1)
    meeting.session.reopen()
    meeting.session.close()
    assert copy_agreements(meeting) == 0
    assert entries.count() == 2


def test_a_meeting_that_closes_brings_its_new_agreements(follow_up, add_agreement, cooperation):
    add_agreement(follow_up, "Samen een ouderavond organiseren", side="both", due="2027-03-01")
    follow_up.close()
    entry = RegisterEntry.objects.get(cooperation=cooperation, meeting_number=2)
    assert entry.text == "Samen een ouderavond organiseren"
    assert entry.due == datetime.date(2027, 3, 1)


def test_a_session_outside_any_cooperation_keeps_its_agreements_to_itself(session, add_agreement):
    add_agreement(session, "Alleen voor deze sessie")
    session.close()
    assert not RegisterEntry.objects.exists()


def test_a_status_change_keeps_who_changed_it_when_and_why(cooperation, facilitator):
    entry = cooperation.entries.first()
    change = change_status(entry, EntryStatus.DONE, note="Loopt sinds januari", user=facilitator)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DONE
    assert (change.from_status, change.to_status) == ("open", "done")
    assert change.changed_by_label == "marjolijn"
    assert change.note == "Loopt sinds januari"
    # The same status again without a note is no change.
    assert change_status(entry, EntryStatus.DONE, user=facilitator) is None
    assert RegisterChange.objects.filter(entry=entry).count() == 1


def test_the_owner_changes_a_status_on_the_cooperation_page(owner_client, cooperation):
    entry = cooperation.entries.get(owner_name="Joost")
    url = reverse("change_entry", args=[cooperation.pk, entry.pk])
    response = owner_client.post(url, {"status": "dropped", "note": "Geen budget"}, follow=True)
    entry.refresh_from_db()
    assert entry.status == "dropped"
    page = response.content.decode()
    assert "Vervallen" in page and "Geen budget" in page and "marjolijn" in page


def test_a_bad_status_changes_nothing_and_says_why(owner_client, cooperation):
    entry = cooperation.entries.first()
    url = reverse("change_entry", args=[cooperation.pk, entry.pk])
    response = owner_client.post(url, {"status": "finished", "note": "x" * 400}, follow=True)
    entry.refresh_from_db()
    assert entry.status == "open" and not entry.changes.exists()
    page = response.content.decode()
    assert "geen beschikbare keuze" in page and "niet meer dan 300 tekens" in page


def test_the_page_lists_meetings_and_the_register(owner_client, cooperation):
    page = owner_client.get(reverse("cooperation", args=[cooperation.pk])).content.decode()
    assert "CJG Dordrecht × informele intermediairs" in page
    assert "Samen sterk in Dordrecht, deel 2" in page
    for agreement in AGREEMENTS:
        assert agreement["what"] in page
    assert "Verborgen afspraak" not in page
    assert 'name="status"' in page  # the owner may change them


def test_a_shared_facilitator_may_change_the_register(other_client, other_facilitator, cooperation):
    cooperation.shared_with.add(other_facilitator)
    entry = cooperation.entries.first()
    url = reverse("change_entry", args=[cooperation.pk, entry.pk])
    other_client.post(url, {"status": "done"})
    entry.refresh_from_db()
    assert entry.status == "done"
    assert entry.changes.get().changed_by == other_facilitator


def test_a_coordinator_reads_the_register_but_cannot_change_it(coordinator_client, cooperation):
    page = coordinator_client.get(reverse("cooperation", args=[cooperation.pk]))
    assert page.status_code == 200
    assert AGREEMENTS[0]["what"] in page.content.decode()
    assert 'name="status"' not in page.content.decode()
    entry = cooperation.entries.first()
    response = coordinator_client.post(
        reverse("change_entry", args=[cooperation.pk, entry.pk]), {"status": "done"}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.status == "open"


def test_another_facilitator_sees_nothing_of_the_cooperation(other_client, cooperation):
    assert other_client.get(reverse("cooperation", args=[cooperation.pk])).status_code == 403
    entry = cooperation.entries.first()
    url = reverse("change_entry", args=[cooperation.pk, entry.pk])
    assert other_client.post(url, {"status": "done"}).status_code == 403
    assert other_client.get(reverse("cooperation_report", args=[cooperation.pk])).status_code == 403
    listing = other_client.get(reverse("cooperations")).content.decode()
    assert cooperation.title not in listing
    entry.refresh_from_db()
    assert entry.status == "open"


def test_an_anonymous_visitor_is_sent_to_log_in(client, cooperation):
    response = client.get(reverse("cooperation", args=[cooperation.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_unknown_cooperation_is_404(owner_client, cooperation):
    assert owner_client.get(reverse("cooperation", args=[cooperation.pk + 99])).status_code == 404


def test_an_entry_of_another_cooperation_is_404(owner_client, cooperation, make_session):
    from cooperations.models import Cooperation

    other = Cooperation.objects.create(title="Ander", owner=cooperation.owner)
    entry = cooperation.entries.first()
    url = reverse("change_entry", args=[other.pk, entry.pk])
    assert owner_client.post(url, {"status": "done"}).status_code == 404


@pytest.mark.parametrize("meetings", [2, 5])
def test_the_cooperation_page_takes_the_same_queries_for_2_or_5_meetings(
    owner_client, cooperation, facilitator, add_agreement, meetings, django_assert_max_num_queries
):
    from cooperations.follow_up import plan_follow_up

    last = cooperation.meetings.last().session
    for number in range(meetings - 2):
        add_agreement(last, f"Afspraak {number}")
        last.close()
        last = plan_follow_up(last, facilitator, title=f"Deel {number}", date="2027-05-01")
    owner_client.get(reverse("cooperation", args=[cooperation.pk]))  # copies, warms up
    with django_assert_max_num_queries(20):
        page = owner_client.get(reverse("cooperation", args=[cooperation.pk]))
    assert page.status_code == 200


def test_deleting_a_meeting_keeps_its_agreements_in_the_register(cooperation, first_meeting):
    from sessions import retention

    retention.delete_session(first_meeting)
    entries = RegisterEntry.objects.filter(cooperation=cooperation)
    assert entries.count() == 2
    assert {(e.source_session, e.meeting_number) for e in entries} == {(None, 1)}
    assert list(cooperation.meetings.values_list("number", flat=True)) == [2]


def test_a_meeting_closed_before_it_joined_brings_its_agreements_when_the_page_opens(
    owner_client, facilitator, make_session, add_agreement
):
    from cooperations.models import Cooperation

    earlier = make_session(title="Kennismaking")
    add_agreement(earlier, "Elkaars spreekuren bezoeken")
    earlier.close()
    cooperation = Cooperation.objects.create(title="Wijk Oost", owner=facilitator)
    Meeting.objects.create(cooperation=cooperation, session=earlier, number=1)
    assert not cooperation.entries.exists()
    page = owner_client.get(reverse("cooperation", args=[cooperation.pk])).content.decode()
    assert "Elkaars spreekuren bezoeken" in page
    assert cooperation.entries.get().meeting_number == 1


def test_the_cooperation_report_has_every_meeting_and_each_change(
    coordinator_client, cooperation, facilitator
):
    from cooperations.views import render_cooperation_html

    entry = cooperation.entries.get(owner_name="Fatima")
    change_status(entry, EntryStatus.DONE, note="Elke tweede dinsdag", user=facilitator)
    html = render_cooperation_html(cooperation, "nl")
    assert "Samen sterk in Dordrecht" in html and "Samen sterk in Dordrecht, deel 2" in html
    assert "Open → <strong>Gedaan</strong> · marjolijn" in html
    assert "Elke tweede dinsdag" in html
    response = coordinator_client.get(reverse("cooperation_report", args=[cooperation.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


@pytest.mark.parametrize("count", [1, 6])
def test_the_list_of_cooperations_takes_the_same_queries_for_1_or_6(
    owner_client, facilitator, count, django_assert_max_num_queries
):
    from cooperations.models import Cooperation

    for number in range(count):
        Cooperation.objects.create(title=f"Samenwerking {number}", owner=facilitator)
    with django_assert_max_num_queries(6):
        page = owner_client.get(reverse("cooperations")).content.decode()
    assert f"Samenwerking {count - 1}" in page
