"""Failed logins counted per username and client address, so a password can't be guessed.

After LOGIN_ATTEMPTS_PER_WINDOW failures within LOGIN_ATTEMPT_WINDOW_SECONDS the login page
says to wait, and even the right password is refused until the window has passed; a
successful login clears the count. The counters live in the shared cache, so every worker
process sees the same count.
"""

import hashlib
import math

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .ratelimit import client_address, count_failure


def _key(request, username):
    # Hashed: the cache holds no usernames, and any typed text makes a valid cache key.
    who = f"{(username or '').strip().lower()}\n{client_address(request)}"
    return "login-fail:" + hashlib.sha256(who.encode()).hexdigest()


class ThrottledLoginMixin:
    """For an AuthenticationForm: refuse while throttled, count failures, clear on success."""

    throttled_message = _(
        "Too many failed attempts to log in. Wait %(minutes)d minutes and try again."
    )

    @property
    def throttled(self):
        return self.has_error("__all__", "throttled")

    def clean(self):
        key = _key(self.request, self.cleaned_data.get("username"))
        if cache.get(key, 0) >= settings.LOGIN_ATTEMPTS_PER_WINDOW:
            raise ValidationError(
                self.throttled_message,
                code="throttled",
                params={"minutes": math.ceil(settings.LOGIN_ATTEMPT_WINDOW_SECONDS / 60)},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            count_failure(key, settings.LOGIN_ATTEMPT_WINDOW_SECONDS)
            raise
        cache.delete(key)
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Your username and password didn't match. Please try again."),
    }


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's own login page counts towards the same limit."""


class ThrottledLoginView(LoginView):
    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response


login = ThrottledLoginView.as_view()
