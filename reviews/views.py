"""Expert and coordinator pages. Thin: the rules are in dispatch, assignment, conflicts, scoring,
aggregation and final; visibility is ``nominations.policy.visible_nominations``.
"""

from collections import defaultdict
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.views.decorators.http import require_POST

from kczg_site import clock
from kczg_site.paging import page_of
from nominations.context_processors import active_campaign, remember_campaign
from nominations.documents.word import render_form, zip_member_name
from nominations.forms import definition_for
from nominations.models import Role
from nominations.policy import profile_of, role_of, visible_nominations
from nominations.rules.decision import Refused
from reviews import aggregation, assignment, conflicts, paging, scoring
from reviews.criteria import criteria_for
from reviews.final import assignment_counts
from reviews.forms import (
    AssignForm,
    AutoAssignForm,
    ConflictForm,
    InviteForm,
    RemoveAssignmentForm,
    ScoreForm,
    SubmitResultsForm,
)
from reviews.models import Assignment, ReviewBody, ReviewCoverage, Score, ScoreStatus
from reviews.refusal import refused

ENTRY_PARTIAL = "nominations/includes/entry_detail.html"


def _require_role(user, role, reason):
    if role_of(user) != role:
        raise PermissionDenied(reason)


def _body_of(user):
    """The user's review body with campaign, coverage and submission (two queries), or ``None``."""
    profile = profile_of(user)
    if profile is None or not profile.review_body_id:
        return None
    return (
        ReviewBody.objects.select_related("campaign", "submission")
        .prefetch_related(
            Prefetch(
                "coverages",
                queryset=ReviewCoverage.objects.select_related("ranking_list", "domain").order_by(
                    "ranking_list__order", "domain__order"
                ),
            )
        )
        .get(pk=profile.review_body_id)
    )


def _submission(body):
    return getattr(body, "submission", None) if body is not None else None


def _review_context(request, body):
    campaign = body.campaign if body is not None else active_campaign(request)
    if campaign is not None:
        remember_campaign(request, campaign)
    now = clock.now()
    state = deadline = None
    if campaign is not None:
        if now < campaign.platform_deadline:
            state = "before"
        elif now < campaign.initial_review_deadline:
            state = "open"
        else:
            state = "closed"
    if body is not None:
        deadline = scoring.scoring_deadline(body)
        if state == "closed" and deadline.is_open(now):
            state = "open"
    return {
        "body": body,
        "campaign": campaign,
        "now": now,
        "review_state": state,
        "deadline": deadline,
        "submission": _submission(body),
    }


def _refuse(request, error):
    messages.error(request, str(error))


# ---------------------------------------------------------------- experts


@login_required
def expert_dashboard(request):
    _require_role(request.user, Role.EXPERT, "只有初评专家可以查看评审任务。")
    body = _body_of(request.user)
    context = _review_context(request, body)
    rows = []
    if body is not None:
        assignments = (
            Assignment.objects.filter(
                expert=request.user,
                active=True,
                body=body,
                nomination__in=visible_nominations(request.user),
            )
            .select_related("nomination__ranking_list", "nomination__domain", "nomination__recommending_unit", "score")
            .order_by("nomination__ranking_list__order", "nomination__domain__order", "nomination_id")
        )
        for item in assignments:
            score = getattr(item, "score", None)
            if score is None:
                status, css = "未评分", "secondary"
            elif score.status == ScoreStatus.SUBMITTED:
                status, css = "已提交", "success"
            else:
                status, css = "草稿", "warning"
            rows.append(
                {"assignment": item, "nomination": item.nomination, "score": score, "status": status, "css": css}
            )
    context["rows"] = rows
    context["done"] = sum(1 for r in rows if r["status"] == "已提交")
    return render(request, "reviews/expert_dashboard.html", context)


def _expert_entry(request, pk):
    _require_role(request.user, Role.EXPERT, "只有初评专家可以评审。")
    nomination = get_object_or_404(
        visible_nominations(request.user).select_related(
            "campaign", "ranking_list", "domain", "member_unit", "recommending_unit", "dispatch__body__campaign"
        ),
        pk=pk,
    )
    item = get_object_or_404(Assignment, nomination=nomination, expert=request.user, active=True)
    item.nomination = nomination
    return nomination, item


def _entry_display(nomination):
    """What the read-only entry partial needs (or the fallback rows when it is not there yet)."""
    try:
        definition = definition_for(nomination)
    except LookupError:  # a list without a form definition
        definition = None
    try:
        get_template(ENTRY_PARTIAL)
        has_partial = definition is not None
    except TemplateDoesNotExist:
        has_partial = False
    rows = []
    if not has_partial:
        data = nomination.data or {}
        fields = definition.fields if definition is not None else []
        for spec in fields:
            value = data.get(spec.key)
            if value not in (None, "", [], {}):
                rows.append((spec.label, value))
        if not fields:
            rows = [(key, value) for key, value in data.items()]
    return {"definition": definition, "has_partial": has_partial, "entry_partial": ENTRY_PARTIAL, "entry_rows": rows}


@login_required
def expert_entry(request, pk):
    nomination, item = _expert_entry(request, pk)
    body = nomination.dispatch.body
    criteria = criteria_for(nomination.ranking_list_id)
    score = Score.objects.filter(assignment=item).first()
    status = 200
    if request.method == "POST":
        form = ScoreForm(criteria, request.POST)
        submit = "submit" in request.POST  # which button was pressed; no value is read
        if not form.is_valid():
            messages.error(request, "评分未保存，请按提示修改后重新提交。")
            status = 400
        else:
            try:
                scoring.save_score(item, request.user, form.values(), form.cleaned_data["comment"], submit=submit)
            except scoring.ScoringError as error:
                for code, message in error.errors.items():
                    field = "comment" if code == "comment" else f"c_{code}"
                    if field in form.fields and field not in form.errors:
                        form.add_error(field, message)
                _refuse(request, error)
                status = 400 if error.errors else 403
            else:
                messages.success(request, "评分已提交。" if submit else "评分草稿已保存。")
                return redirect("reviews:expert_entry", pk=nomination.pk)
    else:
        form = ScoreForm(criteria, initial=ScoreForm.initial_for(score))
    open_decision = scoring.check_scoring_open(body)
    context = {
        "nomination": nomination,
        "assignment": item,
        "criteria": criteria,
        "form": form,
        "score": score,
        "can_score": bool(open_decision),
        "closed_reason": open_decision.reason,
        "deadline": scoring.scoring_deadline(body),
        "others_visible": score is not None and score.is_submitted,
        "others": scoring.other_scores(request.user, nomination),
        "conflict_form": ConflictForm(),
        "attachments": list(nomination.attachments.all()),
        **_entry_display(nomination),
    }
    return render(request, "reviews/expert_entry.html", context, status=status)


@login_required
@require_POST
def declare_conflict(request, pk):
    nomination, _ = _expert_entry(request, pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        back = reverse("reviews:expert_entry", args=[nomination.pk])
        return refused(request, form, title="申报回避", back=back)
    try:
        conflicts.declare(request.user, nomination, form.cleaned_data["kind"], form.cleaned_data["note"])
    except Refused as error:
        _refuse(request, error)
        return redirect("reviews:expert_entry", pk=nomination.pk)
    messages.success(request, f"已申报回避“{nomination}”,该项申报已从您的评审任务中移除。")
    return redirect("reviews:expert_dashboard")


@login_required
def entry_form_docx(request, pk):
    """The entry's Word 附件2 form, for the reviewers who may see the entry."""
    if role_of(request.user) not in (Role.EXPERT, Role.COORDINATOR):
        raise Http404("没有找到该记录,或您无权查看。")
    nomination = get_object_or_404(
        visible_nominations(request.user).select_related("campaign", "ranking_list", "domain", "member_unit"), pk=pk
    )
    content = render_form(nomination, definition_for(nomination))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    name = zip_member_name(nomination).rsplit("/", 1)[-1]

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- coordinators


def _coordinator(request):
    _require_role(request.user, Role.COORDINATOR, "只有初评机构联络人可以查看初评管理。")
    body = _body_of(request.user)
    if body is None:
        raise PermissionDenied("您的账号尚未关联初评机构。")
    return body


def _body_overview(body, request, *, normalize=False):
    """Progress counts, the paged assignment table and the paged ranking per list/domain.

    Ranks are computed over every entry of each list/domain from ids only; the full rows (with their
    assignments) are loaded for the shown pages alone, so the page costs the same at any size.
    """
    light = list(assignment.body_entries(body).values_list("pk", "ranking_list_id", "domain_id", named=True))
    counts = assignment_counts(Assignment.objects.filter(body=body))
    totals = aggregation.submitted_totals(Q(assignment__body=body))
    selected = paging.parse_group(request.GET.get("group"))
    by_group = defaultdict(list)
    for entry in light:
        by_group[paging.group_key(entry.ranking_list_id, entry.domain_id)].append(entry)
    groups = []
    for coverage in body.coverages.all():
        key = paging.group_key(coverage.ranking_list_id, coverage.domain_id)
        in_group = by_group.get(key, [])
        groups.append(
            {
                "coverage": coverage,
                "key": key,
                "entries": aggregation.results(in_group, totals, normalize=normalize, counts=counts),
                "total": len(in_group),
                "assigned": sum(1 for e in in_group if counts.get(e.pk, (0, 0))[0]),
                "complete": sum(1 for e in in_group if counts.get(e.pk, (0, 0))[1]),
            }
        )
    shown = light if selected is None else by_group.get(selected, [])
    entries_page = page_of(shown, request.GET.get("page"))
    ranking_page = page_of(
        [(group, entry) for group in groups if selected in (None, group["key"]) for entry in group["entries"]],
        request.GET.get("rpage"),
    )
    wanted = {entry.pk for entry in entries_page} | {entry.nomination.pk for _, entry in ranking_page}
    full = (
        assignment.body_entries(body)
        .defer("data")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(active=True)
                .select_related("expert__profile", "score")
                .order_by("expert__username"),
                to_attr="active_assignments",
            )
        )
        .in_bulk(wanted)
    )
    for entry in full.values():
        entry.n_assigned, entry.n_submitted = counts.get(entry.pk, (0, 0))
    entries_page.object_list = [full[entry.pk] for entry in entries_page]
    for _, entry in ranking_page:
        entry.nomination = full[entry.nomination.pk]
    progress = {
        "entries": len(light),
        "assigned": sum(1 for e in light if counts.get(e.pk, (0, 0))[0]),
        "complete": sum(1 for e in light if counts.get(e.pk, (0, 0))[1]),
        "reviews": sum(c[0] for c in counts.values()),
        "submitted": sum(c[1] for c in counts.values()),
    }
    return {
        "entries": entries_page,
        "groups": groups,
        "selected": selected,
        "ranking": paging.regroup((group["coverage"], entry) for group, entry in ranking_page),
        "ranking_page": ranking_page,
        "progress": progress,
    }


@login_required
def coordinator_dashboard(request):
    body = _coordinator(request)
    context = _review_context(request, body)
    normalize = request.GET.get("norm") == "z"
    context.update(_body_overview(body, request, normalize=normalize))
    experts = assignment.body_experts(body)
    loads = dict(
        Assignment.objects.filter(body=body, active=True)
        .values("expert_id")
        .annotate(n=Count("pk"))
        .values_list("expert_id", "n")
    )
    context.update(
        {
            "normalize": normalize,
            "experts": [
                {"user": e, "status": assignment.invitation_status(e), "load": loads.get(e.pk, 0)} for e in experts
            ],
            "auto_form": AutoAssignForm(initial={"k": min(assignment.DEFAULT_K, max(len(experts), 1))}),
            "invite_form": InviteForm(),
            "submit_form": SubmitResultsForm(),
            "submit_decision": scoring.check_results_submittable(body),
            "locked": _submission(body) is not None,
        }
    )
    return render(request, "reviews/coordinator_dashboard.html", context)


@login_required
@require_POST
def auto_assign(request):
    body = _coordinator(request)
    form = AutoAssignForm(request.POST)
    if not form.is_valid():
        return refused(request, form, title="自动分配", back=reverse("reviews:coordinator_dashboard"))
    try:
        result = assignment.auto_assign(body, form.cleaned_data["k"], request.user)
    except Refused as error:
        _refuse(request, error)
        return redirect("reviews:coordinator_dashboard")
    text = f"自动分配完成:新增 {len(result.created)} 条评审分配。"
    if result.shortfall:
        text += f"有 {len(result.shortfall)} 项申报因可分配专家不足(含回避)未达到每项 {form.cleaned_data['k']} 人。"
    messages.success(request, text)
    return redirect("reviews:coordinator_dashboard")


def _coordinator_entry(request, pk):
    body = _coordinator(request)
    nomination = get_object_or_404(
        visible_nominations(request.user).select_related(
            "campaign", "ranking_list", "domain", "member_unit", "recommending_unit", "dispatch__body"
        ),
        pk=pk,
    )
    return body, nomination


@login_required
def coordinator_entry(request, pk):
    body, nomination = _coordinator_entry(request, pk)
    experts = assignment.body_experts(body)
    items = list(
        Assignment.objects.filter(nomination=nomination)
        .select_related("expert__profile", "score", "assigned_by")
        .order_by("-active", "assigned_at")
    )
    found = conflicts.conflicts([nomination], experts)
    active_ids = {a.expert_id for a in items if a.active}
    for item in items:
        item.remove_form = RemoveAssignmentForm(auto_id=f"id_remove_{item.pk}_%s")
    criteria = criteria_for(nomination.ranking_list_id)
    context = {
        **_review_context(request, body),
        "nomination": nomination,
        "assignments": items,
        "criteria": criteria,
        "candidates": [
            {"user": e, "conflict": found.get((nomination.pk, e.pk), "")} for e in experts if e.pk not in active_ids
        ],
        "declared": list(nomination.conflicts.select_related("expert__profile")),
        "assign_form": AssignForm(),
        "locked": _submission(body) is not None,
    }
    return render(request, "reviews/coordinator_entry.html", context)


@login_required
@require_POST
def assign_expert(request, pk):
    _body, nomination = _coordinator_entry(request, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        back = reverse("reviews:coordinator_entry", args=[nomination.pk])
        return refused(request, form, title="分配专家", back=back)
    expert = form.cleaned_data["expert"]
    try:
        assignment.assign(nomination, expert, request.user, form.cleaned_data["override_reason"])
    except Refused as error:
        _refuse(request, error)
    else:
        messages.success(request, f"已分配专家:{expert.profile.display_name or expert.username}。")
    return redirect("reviews:coordinator_entry", pk=nomination.pk)


@login_required
@require_POST
def remove_assignment(request, pk):
    body = _coordinator(request)
    item = get_object_or_404(
        Assignment.objects.select_related("nomination", "body"),
        pk=pk,
        body=body,
        nomination__in=visible_nominations(request.user),
    )
    form = RemoveAssignmentForm(request.POST)
    if not form.is_valid():
        back = reverse("reviews:coordinator_entry", args=[item.nomination_id])
        return refused(request, form, title="撤销评审分配", back=back)
    try:
        assignment.unassign(item, request.user, form.cleaned_data["reason"])
    except Refused as error:
        _refuse(request, error)
    else:
        messages.success(request, "已撤销该评审分配,可重新分配其他专家。")
    return redirect("reviews:coordinator_entry", pk=item.nomination_id)


@login_required
@require_POST
def invite(request):
    body = _coordinator(request)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return refused(request, form, title="邀请专家", back=reverse("reviews:coordinator_dashboard"))
    try:
        user = assignment.invite_expert(
            body,
            request.user,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            organization=form.cleaned_data["organization"],
        )
    except Refused as error:
        _refuse(request, error)
    else:
        messages.success(request, f"已向 {user.email} 发送邀请邮件。")
    return redirect("reviews:coordinator_dashboard")


@login_required
@require_POST
def submit_results(request):
    body = _coordinator(request)
    form = SubmitResultsForm(request.POST)
    if not form.is_valid():
        return refused(request, form, title="报送初评结果", back=reverse("reviews:coordinator_dashboard"))
    try:
        scoring.submit_results(body, request.user, form.cleaned_data["note"])
    except Refused as error:
        _refuse(request, error)
    else:
        messages.success(request, "初评结果已报送平台秘书处,本机构的评分已锁定。")
    return redirect("reviews:coordinator_dashboard")
