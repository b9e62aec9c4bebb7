"""When a meeting of a cooperation closes, its agreements enter the register."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from sessions.models import Session, Status


@receiver(post_save, sender=Session)
def copy_agreements_on_close(sender, instance, update_fields=None, **kwargs):
    if instance.status != Status.CLOSED:
        return
    if update_fields is not None and "status" not in update_fields:
        return
    from .models import Meeting
    from .register import copy_agreements

    meeting = Meeting.objects.filter(session=instance).first()
    if meeting is not None:
        copy_agreements(meeting)
