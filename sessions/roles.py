"""The coordinator role: an auth group, set in the admin (Users → action "Make coordinator")."""

from django.contrib.auth.models import Group

COORDINATORS = "Coordinators"


def is_coordinator(user):
    return user.is_authenticated and user.groups.filter(name=COORDINATORS).exists()


def set_coordinator(user, on=True):
    group, _ = Group.objects.get_or_create(name=COORDINATORS)
    if on:
        user.groups.add(group)
    else:
        user.groups.remove(group)
