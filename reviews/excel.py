"""Excel workbooks of the review side: the published lists and the final-review ranking.

Every text cell goes through ``nominations.documents.safety.cell_value`` so that nothing a user typed
can run as a formula.
"""

from io import BytesIO

from openpyxl import Workbook

from nominations.documents.safety import cell_value


def _sheet(workbook, title, header, rows):
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([cell_value(sheet, h) for h in header])
    for row in rows:
        sheet.append([cell_value(sheet, v) for v in row])
    return sheet


def published_workbook(campaign, groups):
    """One sheet per list: 序号, 领域, 名称, 推荐单位, 申报单位; grouped by domain, by recommending unit."""
    workbook = Workbook(write_only=True)
    for ranking_list, domains in groups:
        rows = []
        number = 0
        for domain, entries in domains:
            for entry in entries:
                number += 1
                rows.append(
                    [
                        number,
                        domain.name if domain else "",
                        entry.title,
                        entry.recommending_unit.name if entry.recommending_unit_id else "",
                        entry.member_unit.name if entry.member_unit_id else "",
                    ]
                )
        header = ["序号", "领域", "名称", "推荐单位", "申报单位"]
        if not ranking_list.has_domains:
            header = [h for h in header if h != "领域"]
            rows = [[r[0], *r[2:]] for r in rows]
        _sheet(workbook, ranking_list.name, header, rows)
    if not groups:
        _sheet(workbook, f"{campaign.year}年榜单", ["说明"], [["暂无入榜项目"]])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def ranking_workbook(campaign, groups, *, normalize=False):
    """The final review's ranked tables, one sheet per list/domain."""
    workbook = Workbook(write_only=True)
    header = ["排名", "并列", "名称", "推荐单位", "初评机构", "评分人数", "平均分", "中位数", "标准差"]
    if normalize:
        header.append("标准化得分")
    header.append("状态")
    for group in groups:
        rows = []
        for entry in group.entries:
            summary = entry.summary
            row = [
                entry.rank or "",
                "并列" if entry.tied else "",
                entry.nomination.title,
                entry.nomination.recommending_unit.name if entry.nomination.recommending_unit_id else "",
                str(entry.nomination.dispatch.body) if hasattr(entry.nomination, "dispatch") else "",
                summary.count,
                _round(summary.mean),
                _round(summary.median),
                _round(summary.stdev),
            ]
            if normalize:
                row.append(_round(entry.z_mean))
            row.append(entry.nomination.get_state_display())
            rows.append(row)
        _sheet(workbook, group.label.replace(" · ", "-"), header, rows)
    if not groups:
        _sheet(workbook, "终评", ["说明"], [["暂无数据"]])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _round(value):
    return "" if value is None else round(value, 2)
