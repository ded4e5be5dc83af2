"""The panel meeting's pages (会评): thin views; the rules are ``reviews.panel``, the pages
``reviews.queries.panel``, the gate the policy (``view_panels``, ``view_panel``, ``chair_panel`` …).

Irreversible steps (opening and closing the vote, casting a ballot) show a preview first; the second
POST carries ``confirm=1``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from nominations.context_processors import active_campaign
from nominations.documents.pdf import PdfError
from nominations.models import Campaign
from nominations.rules.decision import Refused
from reviews import panel, panel_minutes, panel_setup
from reviews.forms import ConfirmForm
from reviews.forms.panel import AttendanceForm, BallotForm, CandidatesForm, MeetingForm, TieForm
from reviews.models import PanelCandidate, PanelMeeting, VoteChoice
from reviews.queries import panel as queries
from reviews.refusal import gate, gated, refused, report


def _campaign(request: HttpRequest) -> Campaign:
    campaign = active_campaign(request)
    if campaign is None:
        raise PermissionDenied("当前没有进行中的征集年度。")
    return campaign


def _meeting(request: HttpRequest, pk: int, action: str = "view_panel") -> PanelMeeting:
    """The meeting if the user may see it (else 404), then the policy's ``action`` on it."""
    meeting = get_object_or_404(
        PanelMeeting.objects.select_related("campaign", "chair__profile"), pk=pk, campaign=_campaign(request)
    )
    gate(request.user, "view_panel", meeting)
    if action != "view_panel":
        gate(request.user, action, meeting)
    return meeting


def _back(meeting: PanelMeeting) -> str:
    return reverse("reviews:panel_meeting", args=[meeting.pk])


def _meeting_form(request: HttpRequest, campaign: Campaign, data: dict | None = None) -> MeetingForm:
    return MeetingForm(campaign.lists.order_by("order"), panel_setup.eligible_members().select_related("profile"), data)


@login_required
@gated("view_panels")
def panel_list(request: HttpRequest) -> HttpResponse:
    """The meetings the user may see; the platform creates one here (POST)."""
    campaign = _campaign(request)
    if request.method == "POST":
        gate(request.user, "manage_panels")
        form = _meeting_form(request, campaign, request.POST)
        if not form.is_valid():
            return refused(request, form, title="创建会评", back=reverse("reviews:panel_list"))
        data = form.cleaned_data
        try:
            meeting = panel_setup.create_meeting(
                request.user,
                campaign,
                name=data["name"],
                ranking_lists=list(data["ranking_lists"]),
                chair=data["chair"],
                members=list(data["members"]),
                places=data["places"],
            )
        except Refused as refusal:
            report(request, refusal)
            return redirect("reviews:panel_list")
        messages.success(request, f"已创建会评“{meeting}”。请记录出席并生成候选。")
        return redirect(_back(meeting))
    context = queries.list_page(request.user, campaign)
    if context["manage"]:
        context["form"] = _meeting_form(request, campaign)
    return render(request, "reviews/panel/list.html", context)


@login_required
def panel_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    context = queries.meeting_page(request.user, meeting)
    context["attendance_form"] = AttendanceForm(
        meeting.members.all(),
        initial={"present": [m.pk for m in context["members"] if m.attendance and m.attendance.present]},
    )
    context["candidates_form"] = CandidatesForm()
    if context["cast_decision"]:
        context["ballot_form"] = BallotForm(queries.ballot_candidates(meeting))
    if context["closed"]:
        for candidate in context["results"].candidates:
            candidate.tie_form = TieForm(auto_id=f"id_tie_{candidate.pk}_%s")
    return render(request, "reviews/panel/meeting.html", context)


@login_required
@require_POST
def record_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, "record_panel_attendance")
    form = AttendanceForm(meeting.members.all(), request.POST)
    if not form.is_valid():
        return refused(request, form, title="记录出席", back=_back(meeting))
    try:
        present = panel_setup.record_attendance(meeting, request.user, {m.pk for m in form.cleaned_data["present"]})
    except Refused as refusal:
        report(request, refusal)
    else:
        messages.success(request, f"已记录出席：实到 {present} 人。")
    return redirect(_back(meeting))


@login_required
@require_POST
def add_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, "manage_panels")
    form = CandidatesForm(request.POST)
    if not form.is_valid():
        return refused(request, form, title="生成候选", back=_back(meeting))
    try:
        count = panel_setup.add_candidates(meeting, request.user, top=form.cleaned_data["top"])
    except Refused as refusal:
        report(request, refusal)
    else:
        messages.success(request, f"已生成 {count} 项候选。")
    return redirect(_back(meeting))


def _confirm_page(
    request: HttpRequest,
    meeting: PanelMeeting,
    *,
    title: str,
    lines: list[str],
    action: str,
    button: str,
    decision=None,
) -> HttpResponse:
    context = {
        "meeting": meeting,
        "title": title,
        "lines": lines,
        "action": action,
        "button": button,
        "decision": decision,
    }
    return render(request, "reviews/panel/confirm.html", context)


@login_required
@require_POST
def open_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Without ``confirm``: the preview (attendance, quorum, what opening freezes); with it: open."""
    meeting = _meeting(request, pk, "chair_panel")
    if not ConfirmForm(request.POST).confirmed:
        members, present = panel.attendance_counts(meeting)
        lines = [
            f"应到 {members} 人，实到 {present} 人；开始投票至少需要实到 {panel.quorum_needed(members)} 人。",
            f"候选 {meeting.candidates.count()} 项；每项需同意票不少于 {panel.votes_needed(present)} 票"
            "（实到人数的三分之二）方为通过。",
            "开始投票后，出席和候选不能再修改；投票结束前不公布表决结果。",
        ]
        return _confirm_page(
            request,
            meeting,
            title="确认开始投票",
            lines=lines,
            action=reverse("reviews:panel_open", args=[pk]),
            button="确认开始投票",
            decision=panel.check_open(meeting),
        )
    try:
        panel.open_vote(meeting, request.user)
    except Refused as refusal:
        report(request, refusal)
    else:
        messages.success(request, "投票已开始，出席专家可在各自手机上投票。")
    return redirect(_back(meeting))


@login_required
@require_POST
def close_vote(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, "chair_panel")
    if not ConfirmForm(request.POST).confirmed:
        _members, present = panel.attendance_counts(meeting)
        cast = panel.ballots_cast(meeting)
        lines = [
            f"已投票 {cast} 人，实到 {present} 人。"
            + (f"尚有 {present - cast} 人未投票，结束后不能再投。" if cast < present else ""),
            "结束投票后立即计票并公布表决结果，不能撤销。",
        ]
        return _confirm_page(
            request,
            meeting,
            title="确认结束投票",
            lines=lines,
            action=reverse("reviews:panel_close", args=[pk]),
            button="确认结束投票并计票",
        )
    try:
        panel.close_vote(meeting, request.user)
    except Refused as refusal:
        report(request, refusal)
    else:
        messages.success(request, "投票已结束，表决结果已公布。")
    return redirect(_back(meeting))


@login_required
@require_POST
def cast_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's ballot: the first POST previews the choices, ``confirm=1`` casts it."""
    meeting = _meeting(request, pk)
    decision = panel.check_cast(meeting, request.user)
    if not decision:
        messages.error(request, decision.reason)
        return redirect(_back(meeting))
    form = BallotForm(queries.ballot_candidates(meeting), request.POST)
    if not form.is_valid():
        context = {**queries.meeting_page(request.user, meeting), "ballot_form": form}
        return render(request, "reviews/panel/meeting.html", context, status=400)
    if not form.confirmed:
        labels = dict(VoteChoice.choices)
        rows = [(c, form.cleaned_data[f"c_{c.pk}"], labels[form.cleaned_data[f"c_{c.pk}"]]) for c in form.candidates]
        return render(request, "reviews/panel/ballot_preview.html", {"meeting": meeting, "rows": rows})
    try:
        panel.cast_ballot(meeting, request.user, form.choices())
    except Refused as refusal:
        report(request, refusal)
    else:
        messages.success(request, "您的选票已投出。投票为无记名，表决结果在主持人结束投票后公布。")
    return redirect(_back(meeting))


@login_required
@require_POST
def resolve_tie(request: HttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, "chair_panel")
    candidate = get_object_or_404(
        PanelCandidate.objects.select_related("meeting", "nomination"), pk=candidate_pk, meeting=meeting
    )
    form = TieForm(request.POST, auto_id=f"id_tie_{candidate.pk}_%s")
    if not form.is_valid():
        return refused(request, form, title=f"确定并列候选：{candidate.nomination}", back=_back(meeting))
    try:
        panel.resolve_tie(candidate, request.user, form.cleaned_data["elected"] == "1", form.cleaned_data["reason"])
    except Refused as refusal:
        report(request, refusal)
    else:
        messages.success(request, f"已记录主持人对“{candidate.nomination}”的确定。")
    return redirect(_back(meeting))


@login_required
def minutes_docx(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, "download_panel_minutes")
    response = HttpResponse(
        panel_minutes.minutes_docx(meeting),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f"attachment; filename=panel-minutes-{meeting.pk}.docx"
    return response


@login_required
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, "download_panel_minutes")
    try:
        data = panel_minutes.minutes_pdf(meeting)
    except PdfError as error:
        return render(
            request,
            "reviews/refused.html",
            {"title": "会评纪要（PDF）", "reason": error.reason, "back": _back(meeting), "resubmit": False},
            status=503,
        )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename=panel-minutes-{meeting.pk}.pdf"
    return response
