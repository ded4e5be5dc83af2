"""Default review criteria per list and default target counts (入榜数量).

The notice publishes neither scoring criteria nor weights (附件1 is not public): the criteria below are
**the product's own choice**, drawn from the review principles the notice states (客观、科学、公平、
公正; results that drive industry, create economic value and transfer technology). The platform
secretariat edits them per campaign year in the admin. The default target counts are the numbers
listed in 2023 (150 / 50 / 10 / 20).

:func:`load_review_criteria` is idempotent: it creates what is missing and never overwrites a
criterion or a target that staff have edited. It is called by ``manage.py load_review_criteria`` and
may be called from the demo loader.
"""

from decimal import Decimal

from django.db import transaction

from nominations.models import Campaign
from reviews.models import ListTarget, ReviewCriterion

# list code → [(code, name, weight, max score, description)]
DEFAULT_CRITERIA = {
    "tech": [
        ("innovation", "创新性", 30, 10, "技术原创性、突破程度，是否解决关键核心技术问题。"),
        ("advancement", "先进性", 25, 10, "主要技术指标与国内外同类技术相比的水平。"),
        ("value", "应用价值与经济效益", 25, 10, "已产生或可预期的经济效益、社会效益和产业带动作用。"),
        ("transfer", "转化与推广前景", 20, 10, "成果转化情况、推广应用前景和产业化条件。"),
    ],
    "enterprise": [
        ("innovation", "科技创新能力", 30, 10, "研发投入、核心技术、知识产权与研发团队。"),
        ("growth", "成长性", 25, 10, "营业收入、利润、融资等增长情况。"),
        ("market", "市场竞争力", 25, 10, "产品与服务的市场地位和竞争优势。"),
        ("prospect", "社会贡献与发展前景", 20, 10, "就业、带动效应和未来发展潜力。"),
    ],
    "organization": [
        ("mechanism", "融通创新机制", 30, 10, "产学研用协同的组织模式与运行机制。"),
        ("integration", "资源整合与协同成效", 30, 10, "创新链、产业链、资金链、人才链融合的实际成效。"),
        ("impact", "成果转化与产业带动", 25, 10, "促成的成果转化、技术服务与产业带动。"),
        ("demonstration", "示范推广价值", 15, 10, "经验可复制、可推广的程度。"),
    ],
    "manager": [
        ("expertise", "专业能力", 25, 10, "技术转移专业知识、从业经历与资质。"),
        ("achievements", "转化业绩", 35, 10, "促成的成果转化项目数量、金额与效益。"),
        ("service", "服务成效与影响力", 25, 10, "服务企业、高校院所的成效与行业影响。"),
        ("example", "职业素养与示范作用", 15, 10, "职业操守、人才培养与示范引领作用。"),
    ],
}

DEFAULT_TARGETS = {"tech": 150, "enterprise": 50, "organization": 10, "manager": 20}


@transaction.atomic
def load_review_criteria(campaign: Campaign, *, only_empty_lists: bool = False) -> tuple[int, int]:
    """Create the default criteria and target counts of ``campaign``'s lists where missing.

    With ``only_empty_lists`` a list that already has any criterion is left alone (dispatch uses this
    so that reviews never start without criteria, while a criterion staff deleted stays deleted).
    Returns ``(criteria_created, targets_created)``.
    """
    criteria_created = targets_created = 0
    for ranking_list in campaign.lists.all():
        if only_empty_lists and ReviewCriterion.objects.filter(ranking_list=ranking_list).exists():
            continue
        for order, (code, name, weight, max_score, description) in enumerate(
            DEFAULT_CRITERIA.get(ranking_list.code, []), start=1
        ):
            _, created = ReviewCriterion.objects.get_or_create(
                ranking_list=ranking_list,
                code=code,
                defaults={
                    "name": name,
                    "weight": Decimal(weight),
                    "max_score": max_score,
                    "description": description,
                    "order": order,
                },
            )
            criteria_created += created
        if ranking_list.code in DEFAULT_TARGETS:
            _, created = ListTarget.objects.get_or_create(
                ranking_list=ranking_list, defaults={"count": DEFAULT_TARGETS[ranking_list.code]}
            )
            targets_created += created
    return criteria_created, targets_created


def criteria_for(ranking_list_id: int) -> list[ReviewCriterion]:
    """The criteria of a list, in order (one query)."""
    return list(ReviewCriterion.objects.filter(ranking_list_id=ranking_list_id).order_by("order", "pk"))
