import datetime

import pytest
from django.core.management import call_command
from django.test import Client

from sessions.access import participant_cookie_name, participant_cookie_value
from sessions.forms import JoinForm, SessionCreateForm
from sessions.models import AgendaTemplate


@pytest.fixture(autouse=True)
def _start_with_an_empty_shared_cache(settings):
    # With REDIS_URL the cache (join and login limits) outlives each test's rolled-back
    # database: every test starts with it empty. The database cache is rolled back anyway.
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        from django.core.cache import cache

        cache.clear()


@pytest.fixture
def toolkit(db):
    call_command("load_toolkit", verbosity=0)
    return AgendaTemplate.objects.get(slug="toolkit-2017")


@pytest.fixture
def facilitator(django_user_model):
    return django_user_model.objects.create_user("marjolijn", password="pw-marjolijn-2017")


@pytest.fixture
def other_facilitator(django_user_model):
    return django_user_model.objects.create_user("elena", password="pw-elena-2017")


@pytest.fixture
def owner_client(facilitator):
    client = Client()
    client.force_login(facilitator)
    return client


@pytest.fixture
def other_client(other_facilitator):
    client = Client()
    client.force_login(other_facilitator)
    return client


SESSION_DATA = {
    "title": "Samen sterk in Dordrecht",
    "date": "2026-12-03",
    "place": "Wijkcentrum Crabbehof",
    "language": "nl",
    "formal_organisations": "CJG Dordrecht\nJeugdteam Oost",
    "informal_organisations": "Stichting Al Amal\nVrouwen van Nu",
}


@pytest.fixture
def make_session(toolkit, facilitator):
    def make(owner=None, **overrides):
        form = SessionCreateForm(data={**SESSION_DATA, **overrides})
        assert form.is_valid(), form.errors
        return form.save_for(owner or facilitator, toolkit)

    return make


@pytest.fixture
def session(make_session):
    return make_session()


@pytest.fixture
def join(session):
    """Join `session` (or another) as a phone: returns a Client that carries the cookie."""

    def join_as(name="Fatima", side="informal", organisation=None, target=None):
        target = target or session
        organisation = organisation or target.organisations.filter(side=side).first()
        form = JoinForm(
            data={"name": name, "organisation": str(organisation.pk), "side": side},
            session=target,
        )
        assert form.is_valid(), form.errors
        participant = form.save()
        phone = Client()
        phone.cookies[participant_cookie_name(target.code)] = participant_cookie_value(participant)
        phone.participant = participant
        return phone

    return join_as


@pytest.fixture
def today():
    return datetime.date(2026, 12, 3)
