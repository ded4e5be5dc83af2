"""The Excel report of a campaign's 公示 for the records (the platform's): the period and the proposed
entries per list, then every case (异议, 更正) with its steps, through the review workbooks' helpers
(``reviews.excel._Sheet``: styled header, formula-safe rows)."""

from io import BytesIO

from openpyxl import Workbook

from nominations.models import Campaign
from reviews import notice as notices
from reviews.case_transitions import CASE_TRANSITIONS
from reviews.excel import _local, _Sheet, _unit
from reviews.models import ObjectionCase


def _label(action: str) -> str:
    return CASE_TRANSITIONS[action].label if action in CASE_TRANSITIONS else "提出"


def notice_workbook(campaign: Campaign) -> bytes:
    workbook = Workbook(write_only=True)
    notice = notices.notice_of(campaign)
    summary = _Sheet(workbook, "公示概况", ["项目", "内容"], [24, 60])
    summary.add(["年度", campaign.title])
    if notice is not None and notice.is_opened:
        summary.add(["公示期", notices.period_text(notice)])
        summary.add(["开启时间", _local(notice.opened_at)])
    else:
        summary.add(["公示期", "尚未开启公示"])
    groups = notices.proposed_groups(campaign, notice)
    for group in groups:
        summary.add([f"{group.ranking_list.name}拟入榜", group.count])
    cases = list(
        ObjectionCase.objects.filter(notice__campaign=campaign)
        .select_related("nomination__ranking_list", "nomination__recommending_unit")
        .prefetch_related("steps")
        .order_by("filed_at", "pk")
    )
    summary.add(["异议与更正", len(cases)])
    summary.close()

    entries = _Sheet(workbook, "公示名单", ["榜单", "领域", "名称", "申报单位", "推荐单位"], [18, 14, 40, 32, 32])
    for group in groups:
        for domain, rows in group.domains:
            for entry in rows:
                entries.add(
                    [
                        group.ranking_list.name,
                        domain.name if domain else "",
                        entry.title,
                        _unit(entry, "member_unit"),
                        _unit(entry, "recommending_unit"),
                    ]
                )
    entries.close()

    headers = [
        "受理编号",
        "类型",
        "榜单",
        "异议对象",
        "推荐单位",
        "状态",
        "提出时间",
        "提出人",
        "单位",
        "联系电话",
        "电子邮箱",
        "理由",
        "不予受理理由",
        "答复期限",
        "推荐单位答复",
        "处理结果",
        "决定时间",
        "处理记录",
    ]
    widths = [18, 8, 16, 32, 24, 20, 17, 10, 24, 16, 24, 50, 24, 17, 40, 16, 17, 60]
    sheet = _Sheet(workbook, "异议与更正", headers, widths)
    for case in cases:
        steps = "\n".join(
            f"{_local(s.at):%Y-%m-%d %H:%M} {_label(s.action)}{'：' + s.note if s.note else ''}"
            for s in case.steps.all()
        )
        sheet.add(
            [
                case.receipt,
                case.get_kind_display(),
                case.nomination.ranking_list.name,
                case.nomination.title,
                _unit(case.nomination, "recommending_unit"),
                case.get_state_display(),
                _local(case.filed_at),
                case.objector_name,
                case.objector_unit,
                case.objector_phone,
                case.objector_email,
                case.grounds,
                case.get_reject_ground_display() if case.reject_ground else "",
                _local(case.answer_due),
                case.unit_answer,
                case.get_outcome_display() if case.outcome else "",
                _local(case.decided_at),
                steps,
            ]
        )
    sheet.close()
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
