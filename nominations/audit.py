"""Audit records for events that are not workflow transitions (the workflow writes its own).

Confirmation, reopening, extensions, invitations, imports and deactivations all land in
the same append-only :class:`AuditEvent` table, on the entry (``nomination``) or the unit
(``recommending_unit``) they concern.
"""

from __future__ import annotations

from datetime import datetime

from kczg_site import clock
from kczg_site.prepared import PreparedQuery
from nominations.models import AuditEvent, Nomination, RecommendingUnit
from nominations.policy import AnyUser
from nominations.rules import earlier_listed
from nominations.workflow import TRANSITIONS

# Verbs written here, with their Chinese labels; workflow verbs take the transition's label.
EVENT_LABELS = {
    "confirm": "确认推荐结果",
    "reopen": "重新开放",
    "extension": "批准延期",
    # Older records only: an override is now recorded in the recommend transition's own record.
    "override": earlier_listed.OVERRIDE_LABEL,
    "invite": "邀请",
    "import": "批量导入",
    "deactivate": "停用",
    "revoke_extension": "撤销延期",
    "move_demo_clock": "调整演示时钟",
    # The author's own steps on an entry (nominations/intake.py).
    "create": "创建草稿",
    "upload": "上传附件",
    "delete_attachment": "删除附件",
    # The secretariat's formal review of an entry (nominations/formal.py).
    "formal_review": "形式审查",
    "opinion": "填写推荐意见",
    # 签字盖章 (nominations/stamps.py) and the platform's formal review (nominations/formal.py).
    "stamp_upload": "上传签字盖章页",
    "summary_upload": "上传签字盖章的推荐汇总表",
    "platform_formal_review": "平台形式审查",
    # The official versions of the forms (nominations/official.py).
    "official_freeze": "生成正式版申报书",
    "official_void": "作废正式版申报书",
}


def verb_labels() -> dict[str, str]:
    """Every verb that may appear in the log, with its label (workflow transitions included)."""
    labels = {action: spec.label for action, spec in TRANSITIONS.items()}
    labels.update(EVENT_LABELS)
    return labels


def verb_label(verb: str) -> str:
    return verb_labels().get(verb, verb)


def record_event(
    verb: str,
    actor: AnyUser,
    *,
    nomination: Nomination | None = None,
    recommending_unit: RecommendingUnit | None = None,
    note: str = "",
    at: datetime | None = None,
) -> AuditEvent:
    """Append one audit record and return it."""
    if recommending_unit is None and nomination is not None:
        recommending_unit_id = nomination.recommending_unit_id
    else:
        recommending_unit_id = recommending_unit.pk if recommending_unit is not None else None
    return AuditEvent.objects.create(
        at=at or clock.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        nomination=nomination,
        recommending_unit_id=recommending_unit_id,
        note=note.strip(),
    )


# Every author and secretariat entry page shows it: compiled once per process (kczg_site/prepared.py).
_HISTORY = PreparedQuery(
    lambda nomination: (
        AuditEvent.objects.filter(nomination_id=nomination).select_related("actor__profile").order_by("at", "pk")
    ),
    nomination=int,
)


def history_of(nomination: Nomination) -> list[AuditEvent]:
    """The entry's audit records, oldest first, each with ``verb_label`` and ``changes_state``."""
    labels = verb_labels()
    events = _HISTORY(nomination=nomination.pk)
    for event in events:
        event.verb_label = labels.get(event.verb, event.verb)
        event.changes_state = event.from_state != event.to_state
    return events
