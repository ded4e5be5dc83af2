from django.db.models.signals import post_save
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from kczg_site import clock

from .models import DemoClock


@receiver(post_save, sender=DemoClock)
def forget_demo_offset(**kwargs):
    clock.forget()


@receiver(pre_create_historical_record)
def no_missing_change_reason(history_instance, **kwargs):
    """A version saved without a reason (a member's own edit) keeps an empty one, not ``None``: the
    admin's history page prints the value as it is, and "None" is not Chinese."""
    if history_instance.history_change_reason is None:
        history_instance.history_change_reason = ""
