"""Audit records of the review side that are not workflow transitions (those write their own)."""

from nominations.audit import EVENT_LABELS, record_event

REVIEW_EVENT_LABELS = {
    "assign": "分配评审专家",
    "unassign": "撤销评审分配",
    "conflict_override": "回避冲突仍分配",
    "declare_conflict": "专家申报回避",
    "submit_score": "提交评分",
    "submit_results": "报送初评结果",
    "review_extension": "批准初评延期",
    "move_dispatch": "调整初评机构",
    "decide_unconfirmed": "决定未确认单位的处理",
    "invite_expert": "邀请评审专家",
    "set_target": "设置入榜数量",
    "publish_lists": "发布榜单",
    "close_review": "平台关闭初评",
    "panel_create": "创建会评",
    "panel_attendance": "记录会评出席",
    "panel_candidates": "生成会评候选",
    "panel_open": "开始会评投票",
    "panel_close": "结束会评投票",
    "panel_tie": "主持人确定并列候选",
    # 公示 and its cases (reviews.notice, reviews.objections)
    "open_notice": "开启公示",
    "file_objection": "提出异议",
    "request_correction": "申请更正",
    "case_reject": "异议不予受理",
    "case_accept": "受理异议",
    "case_substantive": "认定为实质性异议",
    "case_forward": "转推荐单位核实",
    "case_answer": "推荐单位答复异议",
    "case_investigate": "调查核实异议",
    "case_uphold": "异议成立",
    "case_dismiss": "异议不成立",
    "correct_entry": "更正公示信息",
}


def register_labels():
    """Let the site-wide log show the review verbs in Chinese."""
    for verb, label in REVIEW_EVENT_LABELS.items():
        EVENT_LABELS.setdefault(verb, label)


def record(verb, actor, *, nomination=None, note="", at=None):
    return record_event(verb, actor, nomination=nomination, note=note, at=at)
