"""What participants write in the exercises, and the groups they write it in.

One Contribution model serves every kind: the kind decides what goes in `slot` and `data`.
That keeps hiding, anonymity, the report and the exports one mechanism instead of nine.
"""

import uuid
from pathlib import PurePosixPath

from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sessions.models import Organisation, Participant, Session, SessionStep, Side


class Group(models.Model):
    """A small mixed group (formal and informal) for the group exercises of one session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="group_number_unique")
        ]

    def __str__(self):
        return _("Group %(number)d") % {"number": self.number}


class GroupMember(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    # One group per participant per session: a participant is in at most one group.
    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="group_membership"
    )

    def __str__(self):
        return f"{self.participant} in {self.group}"


def contribution_image_path(contribution, filename):
    """<session code>/<random>.<ext>: unguessable, and the media view checks the session."""
    suffix = PurePosixPath(filename).suffix.lower()[:5] or ".jpg"
    return f"{contribution.session.code}/{uuid.uuid4().hex}{suffix}"


class Contribution(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="contributions")
    step = models.ForeignKey(SessionStep, on_delete=models.CASCADE, related_name="contributions")
    # Who wrote it: a participant, or the facilitator (participant empty); shared answers
    # belong to an organisation (its card) or a group (its proposal) instead.
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="contributions"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="contributions"
    )
    side = models.CharField(max_length=10, choices=Side.choices, blank=True)
    # Which part of the exercise: a question, a quote, a pitfall, a tree zone...
    slot = models.CharField(max_length=60, blank=True)
    # Set by the phone for each new note, so that a retried request stores it once.
    client_id = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Per-field edit counters of shared answers: a save based on an old version is a conflict.
    versions = models.JSONField(default=dict, blank=True)
    image = models.ImageField(upload_to=contribution_image_path, blank=True)
    # The language of the screen the text was written on (a phone's own language, or the
    # facilitator's), so the wall and the report mark it with lang="...". Stored with each
    # write rather than read from Participant.language later: a participant who switches
    # their phone to another language mid-session did not rewrite what they typed before.
    language = models.CharField(max_length=10, blank=True)
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["step", "hidden"])]
        constraints = [
            models.UniqueConstraint(
                fields=["step", "participant", "client_id"],
                condition=~Q(client_id=""),
                name="contribution_client_id_unique",
            ),
            # One shared answer per organisation (its card) or group (its proposal) and slot,
            # even when two members save their first words at the same moment.
            models.UniqueConstraint(
                fields=["step", "organisation", "slot"],
                condition=Q(participant__isnull=True, organisation__isnull=False, client_id=""),
                name="one_shared_answer_per_organisation",
            ),
            # One own answer per participant and slot (a rating, a reaction to a quote).
            models.UniqueConstraint(
                fields=["step", "participant", "slot"],
                condition=Q(participant__isnull=False, client_id=""),
                name="one_own_answer_per_slot",
            ),
            models.UniqueConstraint(
                fields=["step", "group", "slot"],
                condition=Q(participant__isnull=True, group__isnull=False, client_id=""),
                name="one_shared_answer_per_group",
            ),
        ]

    def __str__(self):
        return f"{self.step_id}/{self.slot or '-'}/{self.pk}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        # Only a write of the text takes the writer's language; hiding or moving does not.
        if update_fields is None or "data" in update_fields:
            self.language = (translation.get_language() or "")[:10]
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "language"}
        super().save(*args, **kwargs)

    @property
    def author_name(self):
        return self.participant.name if self.participant_id else ""


class Vote(models.Model):
    """A participant's vote for a group's proposal (one per proposal, a fixed number in all)."""

    step = models.ForeignKey(SessionStep, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    proposal = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "proposal"], name="one_vote_per_proposal"
            )
        ]

    def __str__(self):
        return f"{self.participant} → {self.proposal_id}"


@receiver(post_delete, sender=Contribution)
def delete_image_file(sender, instance, **kwargs):
    """A deleted contribution (or session) takes its photo off the disk too."""
    if instance.image:
        instance.image.delete(save=False)
