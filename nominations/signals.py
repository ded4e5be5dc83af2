from django.db.models.signals import post_save
from django.dispatch import receiver

from kczg_site import clock

from .models import DemoClock


@receiver(post_save, sender=DemoClock)
def forget_demo_offset(**kwargs):
    clock.forget()
