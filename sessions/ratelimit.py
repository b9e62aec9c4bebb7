"""Counting failed join codes per client, so codes can't be guessed by trying many."""

from django.conf import settings
from django.core.cache import cache


def client_address(request):
    # Behind a reverse proxy every request comes from the proxy; trust its header only when
    # told to (BEHIND_HTTPS_PROXY), otherwise a phone could pick its own address.
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


def _key(request):
    return f"join-fail:{client_address(request)}"


def join_attempts_exhausted(request):
    return cache.get(_key(request), 0) >= settings.JOIN_ATTEMPTS_PER_WINDOW


def record_failed_join(request):
    count_failure(_key(request), settings.JOIN_ATTEMPT_WINDOW_SECONDS)


def count_failure(key, window_seconds):
    """Add one failure to the counter at `key`; the window starts at the first failure."""
    if cache.add(key, 1, timeout=window_seconds):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
