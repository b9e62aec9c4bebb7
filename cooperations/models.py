"""A cooperation: partners who keep meeting, its meetings and its register of agreements.

The agreements of each meeting (the closing step's "afspraken voor vervolg") are copied into
the register when the meeting closes. From then on they live here, not in the session: their
status changes (open, done, dropped) at later meetings or on the cooperation's page, and each
change is kept with who made it and when.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sessions.models import RunByFacilitators, Session


class Cooperation(RunByFacilitators, models.Model):
    title = models.CharField(_("name of the cooperation"), max_length=150)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_cooperations"
    )
    # Facilitators who run its meetings with the owner and change the register too.
    shared_with = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="shared_cooperations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cooperation", args=[self.pk])

    def is_readable_by(self, user):
        """Its facilitators, and the coordinators of any of its meetings (read only)."""
        return self.is_run_by(user) or (
            user.is_authenticated
            and Session.objects.filter(meeting__cooperation=self, coordinators=user).exists()
        )


class Meeting(models.Model):
    """A session as the n-th meeting of a cooperation."""

    cooperation = models.ForeignKey(Cooperation, on_delete=models.CASCADE, related_name="meetings")
    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="meeting")
    number = models.PositiveSmallIntegerField()
    # When its agreements were last copied into the register (on closing, or later).
    copied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["cooperation", "number"], name="meeting_number_unique")
        ]

    def __str__(self):
        return f"{self.cooperation} #{self.number}"


class EntryStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class RegisterEntry(models.Model):
    """One agreement in a cooperation's register."""

    cooperation = models.ForeignKey(Cooperation, on_delete=models.CASCADE, related_name="entries")
    # The meeting it was made at. A deleted session (retention) leaves the agreement in the
    # register: it belongs to the partners now. `meeting_number` keeps where it came from.
    source_session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    meeting_number = models.PositiveSmallIntegerField()
    # Identifies the agreement within its meeting, so copying it twice adds it once.
    source_key = models.CharField(max_length=64)
    text = models.CharField(_("what"), max_length=300)
    owner_name = models.CharField(_("who"), max_length=120, blank=True)
    side = models.CharField(_("side"), max_length=10, blank=True)
    due = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting_number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperation", "source_key"], name="register_entry_once"
            )
        ]

    def __str__(self):
        return self.text[:60]


class RegisterChange(models.Model):
    """Who changed an agreement's status, when, from what to what, and why."""

    entry = models.ForeignKey(RegisterEntry, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=10, choices=EntryStatus.choices)
    to_status = models.CharField(max_length=10, choices=EntryStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The name shown for who changed it, kept when the account goes.
    changed_by_label = models.CharField(max_length=150)
    # The follow-up meeting in which it was recorded, if it was.
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.entry_id}: {self.from_status} → {self.to_status}"
