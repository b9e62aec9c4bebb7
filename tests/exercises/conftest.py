import pytest
from django.urls import reverse


@pytest.fixture
def at_step(session):
    """Move the session to the step with this key and return it (included if it was optional)."""

    def go(key):
        step = session.steps.get(key=key)
        if step.skipped:
            step.skipped = False
            step.save(update_fields=["skipped"])
        session.go_to(step)
        return step

    return go


@pytest.fixture
def answer_url(session):
    def url(step):
        return reverse("answer", args=[session.code, step.pk])

    return url


@pytest.fixture
def action_url(session):
    def url(step):
        return reverse("step_action", args=[session.code, step.pk])

    return url
