from django.conf import settings
from django.db import models

from kczg_site.formats import format_timestamp

from .nomination import State


class AuditEvent(models.Model):
    """An append-only record of a state change, override, extension, reopening or setting change."""

    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    verb = models.CharField("操作", max_length=40)
    nomination = models.ForeignKey(
        "Nomination", on_delete=models.PROTECT, null=True, blank=True, related_name="events", verbose_name="申报"
    )
    recommending_unit = models.ForeignKey(
        "RecommendingUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="推荐单位"
    )
    from_state = models.CharField("原状态", max_length=20, blank=True)
    to_state = models.CharField("新状态", max_length=20, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        # Scale (bench/scale.py): the audit log pages in its order, filtered by verb or unit.
        indexes = [
            models.Index(fields=["-at", "-id"], name="auditevent_at_id"),
            models.Index(fields=["verb", "-at"], name="auditevent_verb_at"),
            models.Index(fields=["recommending_unit", "-at"], name="auditevent_unit_at"),
        ]
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"

    def __str__(self):
        # Inside the method: nominations.audit imports the models (the labels include the workflow's).
        from nominations.audit import verb_label

        return f"{format_timestamp(self.at)} {verb_label(self.verb)}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit records are append-only.")

    @property
    def from_label(self):
        return State(self.from_state).label if self.from_state in State.values else self.from_state

    @property
    def to_label(self):
        return State(self.to_state).label if self.to_state in State.values else self.to_state
