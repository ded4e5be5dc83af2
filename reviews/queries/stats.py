"""The statistics page (统计) of the platform secretariat: entries per list, domain, recommending unit and
region; review progress per body; score distributions per body and per expert. A fixed number of
queries at any size (every figure is one grouped query or derived from one); each chart's data is also
the table printed next to it.

Region (地区) is not a field of a recommending unit: it is read from the unit's name, the provincial-level
name it starts with (北京市科协 → 北京, 广东省科学技术协会 → 广东, 新疆生产建设兵团科协 → 新疆生产建设兵团);
a unit whose name names no province (national societies, central enterprises) counts as 全国性单位.
"""

import statistics
from collections import Counter, defaultdict
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count

from nominations.models import Campaign
from nominations.policy import visible_nominations
from reviews.models import Score, ScoreStatus
from reviews.queries.platform import bodies

PROVINCES = (
    "新疆生产建设兵团", "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南",
    "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "香港", "澳门", "台湾",
)  # fmt: skip
NATIONAL = "全国性单位"
NO_UNIT = "无推荐单位"
BINS = [(0, 60), (60, 70), (70, 80), (80, 90), (90, 100.001)]
BIN_LABELS = ["60 分以下", "60–69", "70–79", "80–89", "90 分以上"]
TOP_UNITS = 20


def region_of(unit_name: str | None) -> str:
    """The provincial-level region a recommending unit's name starts with, else 全国性单位.

    >>> region_of("广东省科学技术协会"), region_of("新疆生产建设兵团科协"), region_of("中国技术经济学会")
    ('广东', '新疆生产建设兵团', '全国性单位')
    """
    if not unit_name:
        return NO_UNIT
    for province in PROVINCES:
        if unit_name.startswith(province):
            return province
    return NATIONAL


def box(numbers: list[float]) -> list[float]:
    """``[min, Q1, median, Q3, max]`` of a distribution (ECharts' boxplot; inclusive quartiles)."""
    numbers = sorted(numbers)
    if len(numbers) == 1:
        return [numbers[0]] * 5
    q1, q2, q3 = statistics.quantiles(numbers, n=4, method="inclusive")
    return [round(v, 2) for v in (numbers[0], q1, q2, q3, numbers[-1])]


def _counts(rows: list[tuple[str, int]]) -> dict[str, Any]:
    return {"labels": [label for label, _ in rows], "values": [n for _, n in rows]}


def stats_page(user: AbstractBaseUser, campaign: Campaign) -> dict[str, Any]:
    entries = visible_nominations(user).filter(campaign=campaign).order_by()
    per_list = list(
        entries.values_list("ranking_list__name", "ranking_list__order")
        .annotate(n=Count("pk"))
        .order_by("ranking_list__order")
    )
    per_domain = list(
        entries.filter(domain__isnull=False)
        .values_list("ranking_list__name", "domain__name", "ranking_list__order", "domain__order")
        .annotate(n=Count("pk"))
        .order_by("ranking_list__order", "domain__order")
    )
    per_unit = list(
        entries.values_list("recommending_unit__name").annotate(n=Count("pk")).order_by("-n", "recommending_unit__name")
    )
    regions = Counter()
    for name, n in per_unit:
        regions[region_of(name)] += n

    body_rows = bodies(campaign)
    submitted = dict(
        Score.objects.filter(assignment__body__in=body_rows, assignment__active=True, status=ScoreStatus.SUBMITTED)
        .values_list("assignment__body_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    progress = [
        {
            "name": b.name,
            "entries": b.n_entries,
            "assignments": b.n_assignments,
            "submitted": submitted.get(b.pk, 0),
            "reported": hasattr(b, "submission"),
        }
        for b in body_rows
    ]
    totals = Score.objects.filter(
        assignment__body__campaign=campaign, assignment__active=True, status=ScoreStatus.SUBMITTED, total__isnull=False
    ).values_list(
        "assignment__body__name", "assignment__expert__username", "assignment__expert__profile__display_name", "total"
    )
    by_body, by_expert = defaultdict(list), defaultdict(list)
    for body_name, username, display_name, total in totals:
        by_body[body_name].append(float(total))
        by_expert[f"{display_name or username}（{body_name}）"].append(float(total))

    def distribution(groups: dict[str, list[float]]) -> list[dict[str, Any]]:
        rows = []
        for label, numbers in sorted(groups.items()):
            rows.append(
                {
                    "label": label,
                    "count": len(numbers),
                    "mean": round(statistics.fmean(numbers), 2),
                    "box": box(numbers),
                    "bins": [sum(1 for v in numbers if low <= v < high) for low, high in BINS],
                }
            )
        return rows

    unit_rows = [(name or NO_UNIT, n) for name, n in per_unit]
    region_rows = sorted(regions.items(), key=lambda item: (-item[1], item[0]))
    body_dist, expert_dist = distribution(by_body), distribution(by_expert)
    charts = {
        "per_list": _counts([(name, n) for name, _order, n in per_list]),
        "per_domain": _counts([(f"{lst} · {dom}", n) for lst, dom, _o1, _o2, n in per_domain]),
        "per_unit": _counts(unit_rows[:TOP_UNITS]),
        "per_region": _counts(region_rows),
        "progress": {
            "labels": [p["name"] for p in progress],
            "series": [
                {"name": "分发申报", "values": [p["entries"] for p in progress]},
                {"name": "评审分配", "values": [p["assignments"] for p in progress]},
                {"name": "已提交评分", "values": [p["submitted"] for p in progress]},
            ],
        },
        "body_box": {"labels": [r["label"] for r in body_dist], "boxes": [r["box"] for r in body_dist]},
        "body_bins": {
            "labels": BIN_LABELS,
            "series": [{"name": r["label"], "values": r["bins"]} for r in body_dist],
        },
        "expert_box": {"labels": [r["label"] for r in expert_dist], "boxes": [r["box"] for r in expert_dist]},
    }
    return {
        "campaign": campaign,
        "total": sum(n for _name, _order, n in per_list),
        "per_list": [(name, n) for name, _order, n in per_list],
        "per_domain": [(f"{lst} · {dom}", n) for lst, dom, _o1, _o2, n in per_domain],
        "per_unit": unit_rows,
        "top_units": TOP_UNITS,
        "per_region": region_rows,
        "progress": progress,
        "body_dist": body_dist,
        "expert_dist": expert_dist,
        "bin_labels": BIN_LABELS,
        "charts": charts,
    }
