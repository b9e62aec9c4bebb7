"""Facilitators' logins: guessing a password is throttled, weak passwords are refused."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

RIGHT = "pw-marjolijn-2017"


def log_in(client, password, username="marjolijn", **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


@pytest.fixture
def throttled_after_three(settings):
    settings.LOGIN_ATTEMPTS_PER_WINDOW = 3
    settings.LOGIN_ATTEMPT_WINDOW_SECONDS = 600


def test_after_too_many_failures_even_the_right_password_waits(facilitator, throttled_after_three):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _attempt in range(3):
        page = log_in(client, "wrong-guess").content.decode()
        assert "Your username and password didn" in page and "Too many" not in page
    response = log_in(client, RIGHT)
    page = response.content.decode()
    assert response.status_code == 429
    assert page.count("Too many failed attempts to log in. Wait 10 minutes") == 1
    assert "_auth_user_id" not in client.session


def test_the_wait_message_is_dutch_by_default(facilitator, throttled_after_three):
    client = Client()
    for _attempt in range(3):
        log_in(client, "wrong-guess")
    page = log_in(client, RIGHT).content.decode()
    assert "Wacht 10 minuten en probeer het dan opnieuw" in page


def test_a_successful_login_clears_the_count(facilitator, throttled_after_three):
    client = Client()
    for _attempt in range(2):
        log_in(client, "wrong-guess")
    assert log_in(client, RIGHT).status_code == 302
    client.logout()
    for _attempt in range(2):
        log_in(client, "wrong-guess")
    # Two new failures after the success: still below three, so the right password works.
    assert log_in(client, RIGHT).status_code == 302


def test_the_count_is_per_username_and_address(
    facilitator, other_facilitator, throttled_after_three
):
    for _attempt in range(3):
        log_in(Client(), "wrong-guess", REMOTE_ADDR="10.0.0.7")
    # Another address for the same name, and another name from the same address, still log in.
    assert log_in(Client(), RIGHT, REMOTE_ADDR="10.0.0.8").status_code == 302
    assert (
        log_in(Client(), "pw-elena-2017", username="elena", REMOTE_ADDR="10.0.0.7").status_code
        == 302
    )
    assert log_in(Client(), RIGHT, REMOTE_ADDR="10.0.0.7").status_code == 429


def stored_cache_keys():
    """Every key in the shared cache, whichever backend holds it (Redis or the table)."""
    from django.core.cache import cache
    from django.db import connection

    if hasattr(cache, "_cache") and hasattr(cache._cache, "get_client"):  # Redis
        return [key.decode() for key in cache._cache.get_client(write=False).keys("*")]
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM workshop_cache")
        return [row[0] for row in cursor.fetchall()]


def test_the_username_is_not_stored_in_the_cache_key(facilitator, throttled_after_three):
    log_in(Client(), "wrong-guess")
    keys = stored_cache_keys()
    assert keys and not any("marjolijn" in key for key in keys)


@pytest.mark.parametrize("password", ["12345678", "password", "kort", "marjolijn2017"], ids=str)
def test_weak_passwords_are_refused(facilitator, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=facilitator)


def test_a_long_unusual_password_is_accepted(facilitator):
    validate_password("ouders-en-vrijwilligers-samen-2026", user=facilitator)


def test_the_admin_login_is_throttled_too(django_user_model, throttled_after_three):
    django_user_model.objects.create_user("beheer", password="pw-beheer-2017", is_staff=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _attempt in range(3):
        client.post("/admin/login/", {"username": "beheer", "password": "wrong-guess"})
    page = client.post(
        "/admin/login/", {"username": "beheer", "password": "pw-beheer-2017"}
    ).content.decode()
    assert "Too many failed attempts to log in" in page
    assert "_auth_user_id" not in client.session
