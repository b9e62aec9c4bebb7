import datetime

import pytest
from django.test import Client

from cooperations.follow_up import plan_follow_up
from exercises.models import Contribution
from sessions.roles import set_coordinator

AGREEMENTS = [
    {"what": "Maandelijks spreekuur in de moskee", "who": "Fatima", "side": "informal"},
    {"what": "Folder CJG vertalen in het Arabisch", "who": "Joost", "side": "formal"},
]


@pytest.fixture
def add_agreement():
    def add(session, what, who="", side="both", due="", hidden=False):
        step = session.steps.get(kind="closing")
        return Contribution.objects.create(
            session=session,
            step=step,
            slot="agreement",
            data={"what": what, "who": who, "side": side, "due": due},
            hidden=hidden,
        )

    return add


@pytest.fixture
def first_meeting(session, add_agreement):
    """A meeting that made two agreements (and one hidden one) and closed."""
    for agreement in AGREEMENTS:
        add_agreement(session, **agreement)
    add_agreement(session, "Verborgen afspraak", hidden=True)
    session.go_to(session.steps.get(kind="closing"))
    session.close()
    return session


@pytest.fixture
def follow_up(first_meeting, facilitator):
    return plan_follow_up(
        first_meeting,
        facilitator,
        title="Samen sterk in Dordrecht, deel 2",
        date=datetime.date(2027, 2, 4),
        cooperation_title="CJG Dordrecht × informele intermediairs",
    )


@pytest.fixture
def cooperation(follow_up):
    return follow_up.meeting.cooperation


@pytest.fixture
def coordinator_client(django_user_model, follow_up):
    user = django_user_model.objects.create_user("coordinator", password="pw-coordinator-1")
    set_coordinator(user)
    follow_up.coordinators.add(user)
    client = Client()
    client.force_login(user)
    return client
