"""The pledge (保密承诺与回避声明): an expert records the confidentiality pledge and the declaration for
a body before the first entry of the body opens (:func:`check_pledge`, asked by the policy's
``open_review_entry``; off when ``REVIEW_PLEDGE_REQUIRED`` is False). The units declared are a 回避
rule of ``reviews.avoidance`` (``declared_unit``).
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from kczg_site import clock
from nominations.rules.decision import ALLOW, Decision
from reviews.audit import record
from reviews.models import ExpertPledge, ReviewBody

PLEDGE_TEXT = (
    "本人承诺：对评审中接触的申报材料、评审意见和评审结果严格保密，不复制、不外传、不用于评审以外的用途；"
    "独立、公正地评审，不接受请托；与申报单位或申报人存在利害关系时主动申报回避。"
)


def pledge_required() -> bool:
    return bool(getattr(settings, "REVIEW_PLEDGE_REQUIRED", True))


def has_pledged(user: AbstractBaseUser, body_id: int | None) -> bool:
    return bool(body_id) and ExpertPledge.objects.filter(expert=user, body_id=body_id).exists()


def check_pledge(user: AbstractBaseUser, body_id: int | None) -> Decision:
    """The pledge and the declaration come before the first entry of the body opens."""
    if not pledge_required() or has_pledged(user, body_id):
        return ALLOW
    return Decision.deny("请先签署保密承诺并填写回避声明，然后才能查看申报材料。")


def record_pledge(
    user: AbstractBaseUser, body: ReviewBody, declared_units: list[str], declaration: str
) -> ExpertPledge:
    """Record the pledge and the declaration (once per body; audited)."""
    units = [u.strip()[:200] for u in declared_units if u and u.strip()][:50]
    with transaction.atomic():
        pledge, created = ExpertPledge.objects.get_or_create(
            expert=user,
            body=body,
            defaults={"pledged_at": clock.now(), "declared_units": units, "declaration": (declaration or "").strip()},
        )
        if created:
            note = f"{body}：签署保密承诺" + (f"；申报关联单位：{'、'.join(units)}" if units else "；无关联单位")
            record("pledge", user, note=note)
    return pledge
