"""Excel workbooks of the review side: the experts' reviews, the ranked tables and the published lists.

The one module that builds them, for the public download (``public_views.published_excel``) and for
the export jobs (``reviews.exports``, run by ``nominations.exports.run_job``). Written with openpyxl in
write-only mode through the helpers of ``nominations.documents.excel`` (styled, frozen header row);
every row goes through ``nominations.documents.safety.safe_row`` so that nothing a user typed (a
title, a unit's name, an expert's comment) can run as a formula.

Each ``write_*`` function takes a binary file object and returns the ids of the entries written, in
order (the export job keeps them to re-check the download). ``tick``, when given, is called once per
row written (the job's progress).
"""

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook

from nominations.documents.excel import add_sheet, finish_sheet, number_cell
from nominations.documents.safety import safe_row

_TZ = timezone.get_default_timezone()
EMPTY_NOTE = ["说明"]


def _local(moment):
    """Excel has no time zones: Beijing time, naive, to the minute."""
    if moment is None:
        return None
    return moment.astimezone(_TZ).replace(tzinfo=None, second=0, microsecond=0)


def _round(value):
    return "" if value is None else round(value, 2)


def _unit(nomination, field):
    return getattr(nomination, field).name if getattr(nomination, f"{field}_id") else ""


class _Sheet:
    """One write-only sheet being filled: ``add(values)`` per row, ``close()`` at the end."""

    def __init__(self, workbook, title, headers, widths, tick=None):
        self.worksheet = add_sheet(workbook, title, headers, widths)
        self.columns = len(headers)
        self.rows = 0
        self.tick = tick

    def add(self, values):
        self.worksheet.append(safe_row(self.worksheet, values))
        self.rows += 1
        if self.tick:
            self.tick()

    def close(self):
        finish_sheet(self.worksheet, self.columns, self.rows)


def _empty(workbook, title, text):
    sheet = _Sheet(workbook, title, EMPTY_NOTE, [40])
    sheet.add([text])
    sheet.close()


# ---------------------------------------------------------------- the published lists


def published_headers(ranking_list):
    """The columns of one list's sheet: those of the public page (plus 领域 for a list with domains)."""
    headers = ["序号"]
    if ranking_list.has_domains:
        headers.append("领域")
    headers += ["姓名" if ranking_list.nominee_is_person else "名称", "推荐单位"]
    if not ranking_list.nominee_is_person:
        headers.append("申报单位")
    return headers


def write_published(fileobj, campaign, groups, *, tick=None):
    """One sheet per list, grouped by domain and ordered by recommending unit, as on the public page.

    ``groups``: ``reviews.publication.published_groups(campaign)``.
    """
    workbook = Workbook(write_only=True)
    ids = []
    for ranking_list, domains in groups:
        headers = published_headers(ranking_list)
        widths = {"序号": 6, "领域": 14, "名称": 40, "姓名": 16, "推荐单位": 32, "申报单位": 32}
        sheet = _Sheet(workbook, ranking_list.name, headers, [widths[h] for h in headers], tick)
        number = 0
        for domain, entries in domains:
            for entry in entries:
                number += 1
                row = [number]
                if ranking_list.has_domains:
                    row.append(domain.name if domain else "")
                row += [entry.title, _unit(entry, "recommending_unit")]
                if not ranking_list.nominee_is_person:
                    row.append(_unit(entry, "member_unit"))
                sheet.add(row)
                ids.append(entry.pk)
        sheet.close()
    if not groups:
        _empty(workbook, f"{campaign.year}年榜单", "暂无入榜项目")
    workbook.save(fileobj)
    return ids


def published_workbook(campaign, groups):
    """The published lists as bytes, for the public direct download."""
    out = BytesIO()
    write_published(out, campaign, groups)
    return out.getvalue()


# ---------------------------------------------------------------- the ranked tables


DISAGREEMENT_HEADER = "分歧（最高分−最低分）"
DISAGREEMENT_FLAG = "分歧较大，请关注"


def ranking_headers(*, normalize=False, decisions=False, rule_label="均值"):
    """The ranking's columns; ``rule_label`` names the rule the sheet is ranked by (排名依据：…)."""
    headers = ["排名", "并列", "申报编号", "名称", "推荐单位", "申报单位", "初评机构"]
    headers += ["评分人数", "平均分", "中位数", "标准差", "去掉最高分和最低分后均值", DISAGREEMENT_HEADER, "分歧提示"]
    if normalize:
        headers.append("标准化得分")
    headers.append(f"排名依据：{rule_label}")
    headers.append("状态")
    if decisions:
        headers += ["终评结果", "终评理由"]
    return headers


_RANKING_WIDTHS = {
    DISAGREEMENT_HEADER: 14,
    "分歧提示": 16,
    "去掉最高分和最低分后均值": 14,
    "名称": 36,
    "推荐单位": 28,
    "申报单位": 28,
    "初评机构": 28,
    "申报编号": 18,
    "终评理由": 30,
}


def _decision(nomination):
    decision = getattr(nomination, "final_decision", None)
    if decision is None:
        return "", ""
    return ("入榜" if decision.listed else "未入榜"), decision.reason


def write_ranking(fileobj, groups, *, normalize=False, decisions=False, tick=None):
    """One sheet per list/domain: the ranked entries (``reviews.aggregation.results``), ties marked 并列.

    ``groups``: objects with ``label`` and ``entries`` (``EntryResult``); ``decisions`` adds the final
    review's result and reason (the platform secretariat's export).
    """
    workbook = Workbook(write_only=True)
    ids = []
    for group in groups:
        rule = getattr(group, "rule", None)
        label = "标准化均值" if normalize else (rule.label if rule is not None else "均值")
        headers = ranking_headers(normalize=normalize, decisions=decisions, rule_label=label)
        widths = [_RANKING_WIDTHS.get(h, 10) for h in headers]
        sheet = _Sheet(workbook, group.label.replace(" · ", "-"), headers, widths, tick)
        for entry in group.entries:
            nomination, summary = entry.nomination, entry.summary
            dispatch = getattr(nomination, "dispatch", None)
            row = [
                entry.rank or "",
                "并列" if entry.tied else "",
                nomination.code,
                nomination.title,
                _unit(nomination, "recommending_unit"),
                _unit(nomination, "member_unit"),
                dispatch.body.name if dispatch is not None else "",
                summary.count,
                _round(summary.mean),
                _round(summary.median),
                _round(summary.stdev),
                _round(entry.trimmed),
                _round(entry.disagreement),
                DISAGREEMENT_FLAG if entry.disagrees else "",
            ]
            if normalize:
                row.append(_round(entry.z_mean))
            row.append(_round(entry.value))
            row.append(nomination.get_state_display())
            if decisions:
                row += list(_decision(nomination))
            sheet.add(row)
            ids.append(nomination.pk)
        sheet.close()
    if not groups:
        _empty(workbook, "初评排名", "暂无数据")
    workbook.save(fileobj)
    return ids


# ---------------------------------------------------------------- the experts' reviews


def score_headers(criteria):
    headers = ["申报编号", "名称", "榜单", "领域", "初评机构", "专家"]
    headers += [f"{c.name}（满分{c.max_score}，权重{c.weight.normalize():f}）" for c in criteria]
    headers += ["加权总分", "评审意见", "状态", "提交时间"]
    return headers


def write_scores(fileobj, sheets, *, tick=None):
    """One sheet per list: one row per expert review, a column per criterion of the list.

    ``sheets``: ``(ranking_list, criteria, scores)`` with ``scores`` an iterable of ``Score`` rows
    (``assignment__nomination``, ``assignment__expert__profile`` and ``assignment__body`` loaded).
    """
    workbook = Workbook(write_only=True)
    ids = []
    for ranking_list, criteria, scores in sheets:
        headers = score_headers(criteria)
        widths = [18, 36, 14, 12, 28, 14, *(12 for _ in criteria), 10, 60, 8, 18]
        sheet = _Sheet(workbook, ranking_list.name, headers, widths, tick)
        for score in scores:
            item = score.assignment
            nomination, expert = item.nomination, item.expert
            profile = getattr(expert, "profile", None)
            values = score.values or {}
            sheet.add(
                [
                    nomination.code,
                    nomination.title,
                    ranking_list.name,
                    nomination.domain.name if nomination.domain_id else "",
                    item.body.name,
                    (profile.display_name if profile is not None else "") or expert.username,
                    *(number_cell(values.get(c.code)) for c in criteria),
                    None if score.total is None else float(score.total),
                    score.comment,
                    score.get_status_display(),
                    _local(score.submitted_at),
                ]
            )
            ids.append(nomination.pk)
        sheet.close()
    if not sheets:
        _empty(workbook, "初评评分", "暂无评分")
    workbook.save(fileobj)
    return ids
