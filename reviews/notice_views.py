"""The 公示's pages: public (the notice, filing an objection, the receipt, the status look-up), the
platform's (opening with a preview, the overview, a case and its steps, the Excel report) and the listed
parties' (their cases without the objector, the unit's answer, a correction request, evidence files).

Thin: the policy is the gate (``reviews.refusal.gate``), the page data is ``reviews.queries.notice``,
the rules are ``reviews.notice`` and ``reviews.objections``; a rule's refusal is caught once.
"""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kczg_site import clock
from nominations.context_processors import active_campaign
from nominations.models import Campaign
from nominations.policy import may, visible_nominations
from nominations.rules.decision import Refused
from reviews import notice as notices
from reviews import notice_excel, objections, public_guard
from reviews.case_transitions import CASE_TRANSITIONS
from reviews.forms.notice import AnswerForm, CaseStepForm, CorrectionForm, ObjectionForm, OpenNoticeForm, StatusForm
from reviews.models import CaseFile, ObjectionCase, PublicNotice
from reviews.policy import visible_cases
from reviews.queries import notice as queries
from reviews.refusal import gate, gated, report

NOTICE, HANDLE, PARTY = "run_public_notice", "handle_objection", "view_notice_cases"
RECEIPT_KEY = "notice_receipt"


def _opened(year: int) -> tuple[Campaign, PublicNotice]:
    notice = PublicNotice.objects.select_related("campaign").filter(campaign__year=year, start__isnull=False).first()
    if notice is None:
        raise Http404("该年度尚未公示。")
    return notice.campaign, notice


def _campaign(request: HttpRequest) -> Campaign:
    campaign = active_campaign(request)
    if campaign is None:
        raise PermissionDenied("当前没有进行中的征集年度。")
    return campaign


# ---------------------------------------------------------------- public


def public_notice(request: HttpRequest, year: int) -> HttpResponse:
    campaign, notice = _opened(year)
    return render(request, "publication/public_notice.html", queries.public_page(campaign, notice))


def file_objection(request: HttpRequest, year: int) -> HttpResponse:
    """The objection form (GET) and its filing (POST): the rate limit, the captcha, the form, the rules."""
    campaign, notice = _opened(year)
    filing = notices.check_filing(notice)
    entries = queries.proposed_entries(campaign)
    status = 200
    if request.method == "POST":
        if public_guard.over_limit(request, "filing"):
            messages.error(request, public_guard.RATE_LIMITED)
            form = ObjectionForm(notice, entries)
            status = 429
        else:
            form = ObjectionForm(
                notice,
                entries,
                request.POST,
                request.FILES,
                captcha_ok=lambda answer: public_guard.check_answer(request, answer),
            )
            if not filing:
                form.is_valid()
                form.add_error(None, filing.reason)
                status = 400
            elif form.is_valid():
                data = form.cleaned_data
                try:
                    case = objections.file_objection(
                        notice,
                        data["entry"],
                        name=data["name"],
                        unit=data["unit"],
                        is_unit=data["capacity"] == "unit",
                        phone=data["phone"],
                        email=data["email"],
                        grounds=data["grounds"],
                        evidence=data["evidence"],
                        letter=data.get("letter"),
                    )
                except Refused as refusal:
                    form.add_error(None, refusal.reason)
                    status = 400
                else:
                    request.session[RECEIPT_KEY] = case.receipt
                    return redirect("publication:objection_receipt", year=year)
            else:
                status = 400
    else:
        initial = {}
        picked = request.GET.get("entry", "")
        if picked.isascii() and picked.isdigit() and len(picked) < 12:
            initial["entry"] = picked
        form = ObjectionForm(notice, entries, initial=initial)
    context = {
        **queries.public_page(campaign, notice),
        "form": form,
        "captcha": public_guard.new_challenge(request),
        "filing": filing,
    }
    return render(request, "publication/objection_form.html", context, status=status)


def objection_receipt(request: HttpRequest, year: int) -> HttpResponse:
    campaign, notice = _opened(year)
    receipt = request.session.get(RECEIPT_KEY)
    case = ObjectionCase.objects.filter(receipt=receipt, notice=notice).select_related("nomination").first()
    if case is None:
        return redirect("publication:case_status", year=year)
    return render(request, "publication/objection_receipt.html", {"campaign": campaign, "case": case})


def case_status(request: HttpRequest, year: int) -> HttpResponse:
    """The objector's status page: the receipt number and the e-mail given at filing, both (POST)."""
    campaign, notice = _opened(year)
    context = {"campaign": campaign, "notice": notice}
    status = 200
    if request.method == "POST":
        form = StatusForm(request.POST)
        if public_guard.over_limit(request, "lookup"):
            messages.error(request, public_guard.RATE_LIMITED)
            status = 429
        elif form.is_valid():
            case = objections.status_of(form.cleaned_data["receipt"], form.cleaned_data["email"])
            if case is not None and case.notice_id == notice.pk:
                context.update(queries.status_page(case))
            else:
                form.add_error(None, "没有找到该受理编号，或电子邮箱与提交时填写的不一致。")
                status = 404
        else:
            status = 400
    else:
        form = StatusForm()
    context["form"] = form
    return render(request, "publication/case_status.html", context, status=status)


# ---------------------------------------------------------------- the platform


@login_required
@gated(NOTICE)
def platform_notice(request: HttpRequest) -> HttpResponse:
    campaign = _campaign(request)
    context = queries.platform_page(campaign)
    today = timezone.localtime(clock.now()).date()
    rules = context["notice"] or PublicNotice(campaign=campaign)
    context["open_form"] = OpenNoticeForm(initial={"start": today, "days": rules.days})
    return render(request, "reviews/notice/platform.html", context)


@login_required
@require_POST
@gated(NOTICE)
def platform_notice_open(request: HttpRequest) -> HttpResponse:
    """Without ``confirm`` the preview (the period, the proposed entries as the public will see them);
    with ``confirm=1`` the notice opens (``reviews.notice.open_notice``)."""
    campaign = _campaign(request)
    form = OpenNoticeForm(request.POST)
    now = clock.now()
    if not form.is_valid():
        context = queries.platform_page(campaign, now)
        context["open_form"] = form
        return render(request, "reviews/notice/platform.html", context, status=400)
    start, days = form.start_moment(now), form.cleaned_data["days"]
    if form.cleaned_data["confirm"] != "1":
        context = {**notices.open_preview(campaign, start, days), "campaign": campaign, "form": form}
        return render(request, "reviews/notice/open_preview.html", context)
    try:
        notice = notices.open_notice(campaign, request.user, start, days)
    except Refused as refusal:
        report(request, refusal)
    else:
        messages.success(request, f"公示已开启：{notices.period_text(notice)}。")
    return redirect("reviews:platform_notice")


@login_required
@gated(NOTICE)
def platform_notice_excel(request: HttpRequest) -> HttpResponse:
    campaign = _campaign(request)
    content = notice_excel.notice_workbook(campaign)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"{campaign.year}年榜单公示及异议处理情况.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _platform_case_of(request: HttpRequest, pk: int) -> ObjectionCase:
    case = get_object_or_404(
        visible_cases(request.user).select_related(
            "notice__campaign", "nomination__ranking_list", "nomination__recommending_unit", "nomination__member_unit"
        ),
        pk=pk,
    )
    gate(request.user, HANDLE, case)
    return case


@login_required
@gated(HANDLE)
def platform_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = _platform_case_of(request, pk)
    context = {**queries.platform_case(case, request.user), "step_form": CaseStepForm()}
    return render(request, "reviews/notice/platform_case.html", context)


@login_required
@require_POST
@gated(HANDLE)
def platform_case_step(request: HttpRequest, pk: int) -> HttpResponse:
    case = _platform_case_of(request, pk)
    form = CaseStepForm(request.POST)
    if not form.is_valid():
        context = {**queries.platform_case(case, request.user), "step_form": form}
        return render(request, "reviews/notice/platform_case.html", context, status=400)
    data = form.cleaned_data
    try:
        objections.transition_case(
            case, data["action"], request.user, note=data["note"], ground=data["ground"], outcome=data["outcome"]
        )
    except Refused as refusal:
        report(request, refusal)
    else:
        case.refresh_from_db()
        label = CASE_TRANSITIONS[data["action"]].label
        messages.success(request, f"{case.receipt}：{label}，当前状态为“{case.get_state_display()}”。")
    return redirect("reviews:platform_case", pk=case.pk)


# ---------------------------------------------------------------- the listed parties


def _party_case_of(request: HttpRequest, pk: int) -> ObjectionCase:
    case = get_object_or_404(
        visible_cases(request.user).select_related("nomination__ranking_list", "notice__campaign"), pk=pk
    )
    gate(request.user, "view_objection_case", case)
    return case


@login_required
@gated(PARTY)
def notice_cases(request: HttpRequest) -> HttpResponse:
    campaign = _campaign(request)
    context = {
        "campaign": campaign,
        "cases": queries.party_cases(request.user),
        "entries": queries.correctable_entries(request.user, campaign),
        "notice": notices.notice_of(campaign),
    }
    return render(request, "reviews/notice/party_cases.html", context)


@login_required
@gated(PARTY)
def notice_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = _party_case_of(request, pk)
    context = {
        "item": queries.party_case(case),
        "may_answer": bool(objections.check_case(case, "answer", request.user, note="-")),
        "answer_form": AnswerForm(),
    }
    return render(request, "reviews/notice/party_case.html", context)


@login_required
@require_POST
@gated(PARTY)
def notice_case_answer(request: HttpRequest, pk: int) -> HttpResponse:
    case = _party_case_of(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        context = {"item": queries.party_case(case), "may_answer": True, "answer_form": form}
        return render(request, "reviews/notice/party_case.html", context, status=400)
    try:
        objections.transition_case(case, "answer", request.user, note=form.cleaned_data["note"])
    except Refused as refusal:
        report(request, refusal)
    else:
        messages.success(request, f"{case.receipt}：答复已提交平台秘书处。")
    return redirect("reviews:notice_case", pk=case.pk)


@login_required
@gated(PARTY)
def notice_correction(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_object_or_404(
        visible_nominations(request.user).select_related(
            "ranking_list", "campaign", "member_unit", "recommending_unit"
        ),
        pk=pk,
    )
    gate(request.user, "request_correction", nomination)
    decision = objections.check_correction(nomination, request.user)
    status = 200
    if request.method == "POST":
        form = CorrectionForm(nomination, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = objections.request_correction(
                    nomination,
                    request.user,
                    field=data["field"],
                    value=data["value"],
                    grounds=data["grounds"],
                    evidence=data["evidence"],
                )
            except Refused as refusal:
                form.add_error(None, refusal.reason)
                status = 400
            else:
                messages.success(request, f"更正申请已提交，受理编号 {case.receipt}，由平台秘书处审核。")
                return redirect("reviews:notice_cases")
        else:
            status = 400
    else:
        form = CorrectionForm(nomination)
    context = {"nomination": nomination, "form": form, "decision": decision}
    return render(request, "reviews/notice/correction.html", context, status=status)


@login_required
def case_file(request: HttpRequest, pk: int) -> FileResponse:
    """A case's file: the platform's, or a party's evidence (as 证明材料<n>, not the objector's file name)."""
    item = (
        CaseFile.objects.select_related("case__nomination").filter(pk=pk, case__in=visible_cases(request.user)).first()
    )
    if item is None:
        raise Http404("没有找到该文件，或您无权查看。")
    gate(request.user, "download_case_file", item)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("文件不存在。") from exc
    if may(request.user, "view_objector"):
        name = item.original_name
    else:
        evidence = [f.pk for f in item.case.files.all() if f.kind == item.kind]
        name = objections.neutral_name(item, evidence.index(item.pk) + 1)
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
