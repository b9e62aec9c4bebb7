"""Queries compiled once (workshop/compiled_queries.py) give what the ORM gives: the two that
every panel and answer of a phone make, and what cannot be compiled."""

import pytest

from exercises.answers import OWN_NOTES
from exercises.models import Contribution
from sessions.access import PHONE_PARTICIPANT
from sessions.models import Participant, Session
from workshop.compiled_queries import CompiledQuery


@pytest.fixture
def phone(session, join):
    session.go_to(session.active_steps().first())
    return join("Fatima", "informal").participant


def test_a_compiled_query_loads_the_same_objects_as_the_orm(session, phone):
    found = PHONE_PARTICIPANT.first(code=session.code, token=phone.token)
    expected = Participant.objects.select_related("session__current_step", "organisation").get(
        pk=phone.pk
    )
    assert found == expected
    for field in Participant._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    # The related objects came with it, with every field converted as the ORM does.
    assert found.session.code == session.code
    assert found.session.created_at == expected.session.created_at
    assert found.session.current_step == expected.session.current_step
    assert found.session.current_step.config == expected.session.current_step.config
    assert found.organisation.name == expected.organisation.name


def test_a_compiled_query_runs_with_each_calls_own_values(session, phone, join):
    other = join("Joost", "formal").participant
    assert PHONE_PARTICIPANT.first(code=session.code, token=other.token) == other
    assert PHONE_PARTICIPANT.first(code=session.code, token=phone.token) == phone
    assert PHONE_PARTICIPANT.first(code="ZZZZZZ", token=phone.token) is None


def test_json_and_order_survive_compilation(session, phone):
    step = session.current_step
    for number in range(3):
        Contribution.objects.create(
            session=session,
            step=step,
            participant=phone,
            side=phone.side,
            client_id=f"c{number}",
            data={"text": f"Notitie {number} <b>", "lang": "nl"},
        )
    notes = OWN_NOTES.all(step=step.pk, participant=phone.pk)
    assert [note.data["text"] for note in notes] == [f"Notitie {n} <b>" for n in range(3)]
    assert notes == list(Contribution.objects.filter(step=step, participant=phone))
    assert OWN_NOTES.all(step=step.pk, participant=phone.pk + 1000) == []


def test_a_compiled_query_is_counted_like_any_query(session, phone, django_assert_num_queries):
    with django_assert_num_queries(1):
        PHONE_PARTICIPANT.first(code=session.code, token=phone.token)


def test_wrong_parameters_are_refused():
    with pytest.raises(TypeError):
        OWN_NOTES.all(step="1", participant=2)
    with pytest.raises(TypeError):
        OWN_NOTES.all(step=1)
    with pytest.raises(TypeError):
        CompiledQuery(lambda when: Session.objects.filter(date=when), when=object)


@pytest.mark.django_db
def test_a_parameter_django_transforms_or_repeats_cannot_be_compiled():
    used_twice = CompiledQuery(
        lambda code: Session.objects.filter(code=code) | Session.objects.filter(title=code),
        code=str,
    )
    with pytest.raises(ValueError):
        used_twice.all(code="ABCDEF")
    transformed = CompiledQuery(
        lambda title: Session.objects.filter(title__contains=title), title=str
    )
    with pytest.raises(ValueError):
        transformed.all(title="Dordrecht")
