"""The expert pool's pages: the optimal assignment's preview, the body's experts (import, draw, changes
to confirm), and the expert's pledge and profile.

Thin: the policy is the gate (``view_body_reviews`` for the coordinator, ``record_pledge`` and
``edit_expert_profile`` for the expert), the rules are ``reviews.assignment_plan``, ``reviews.pool`` and
``reviews.pledge``; a refusal is caught once (``except Refused``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from kczg_site import clock
from kczg_site.htmx import safe_next
from kczg_site.paging import page_of
from nominations.forms.staff import ImportApplyForm
from nominations.membership.sheets import ImportRefused
from nominations.rules.decision import Refused
from reviews import assignment_plan, pledge, pool
from reviews.coordinator_views import _body
from reviews.forms import ConfirmForm
from reviews.forms.pool import (
    ChangeDecisionForm,
    DrawForm,
    ExpertImportForm,
    NextForm,
    PlanForm,
    PledgeBodyForm,
    PledgeForm,
    ProfileChangeForm,
    WithdrawForm,
)
from reviews.models import ExpertProfile
from reviews.queries import pool as pool_queries
from reviews.queries.reviewers import expert_bodies, review_context
from reviews.refusal import gated, refused, report

PAGE = "view_body_reviews"


# ---------------------------------------------------------------- the coordinator


@login_required
@require_http_methods(["GET", "POST"])
@gated(PAGE)
def assignment_preview(request: HttpRequest) -> HttpResponse:
    """自动分配（最优方案）: GET shows the plan; a POST with ``confirm=1`` applies it (planned again)."""
    body = _body(request)
    data = request.POST if request.method == "POST" else (request.GET if "k" in request.GET else None)
    form = PlanForm(data, initial={"k": 3})
    back = reverse("reviews:coordinator_dashboard")
    if form.is_bound and not form.is_valid():
        return refused(request, form, title="自动分配", back=back)
    k = form.cleaned_data["k"] if form.is_bound else 3
    cap = form.cleaned_data.get("cap") if form.is_bound else None
    try:
        if request.method == "POST" and ConfirmForm(request.POST).confirmed:
            result = assignment_plan.apply_plan(body, k, request.user, cap=cap)
            text = f"自动分配完成：新增 {len(result.created)} 条评审分配。"
            if result.shortfall:
                text += f"有 {len(result.shortfall)} 项申报未达到每项 {k} 人，原因见分配方案。"
            messages.success(request, text)
            return redirect("reviews:coordinator_dashboard")
        plan = assignment_plan.preview(request.user, body, k, cap)
    except Refused as refusal:
        report(request, refusal)
        return redirect(back)
    context = {
        **review_context(body.campaign, body, clock.now()),
        "plan": plan,
        "form": PlanForm(initial={"k": k, "cap": cap}),
        "rows": page_of(plan.changed_rows, request.GET.get("page")),
        "cap_given": cap,
    }
    return render(request, "reviews/pool/assignment_preview.html", context)


@login_required
@gated(PAGE)
def expert_pool(request: HttpRequest) -> HttpResponse:
    """The body's experts from the pool: profiles, pending changes, the draws and the draw form."""
    body = _body(request)
    context = {
        **review_context(body.campaign, body, clock.now()),
        **pool_queries.pool_page(body, request.GET.get("page")),
        "draw_form": DrawForm(body=body),
        "import_form": ExpertImportForm(),
        "columns": pool.COLUMNS,
        "fields": pool.FIELDS,
    }
    return render(request, "reviews/pool/expert_pool.html", context)


@login_required
@require_POST
@gated(PAGE)
def draw_experts(request: HttpRequest) -> HttpResponse:
    body = _body(request)
    form = DrawForm(request.POST, body=body)
    back = reverse("reviews:expert_pool")
    if not form.is_valid():
        return refused(request, form, title="随机抽取专家", back=back)
    data = form.cleaned_data
    try:
        made = pool.draw(
            request.user,
            body,
            count=data["count"],
            domain=data["domain"],
            seed=data["seed"],
            min_level=data["min_level"],
        )
    except Refused as refusal:
        report(request, refusal)
    else:
        messages.success(request, f"已随机抽取专家 {made.count} 名（种子 {made.seed}），抽取记录已保存。")
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
@gated(PAGE)
def import_experts(request: HttpRequest) -> HttpResponse:
    """导入专家: upload → every row checked (nothing saved) → 确认导入 with the signed rows."""
    body = _body(request)
    back = reverse("reviews:expert_pool")
    context = {**review_context(body.campaign, body, clock.now()), "columns": pool.COLUMNS, "preview": None}
    if request.method == "GET":
        context["form"] = ExpertImportForm()
        return render(request, "reviews/pool/import.html", context)
    if "payload" in request.POST:
        apply_form = ImportApplyForm(request.POST)
        if not apply_form.is_valid():
            return refused(request, apply_form, title="导入专家", back=back)
        try:
            saved = pool.apply_import(request.user, body, apply_form.cleaned_data["payload"])
        except ImportRefused as refusal:
            context.update(form=ExpertImportForm(), preview=refusal.preview)
            messages.error(request, refusal.reason)
            return render(request, "reviews/pool/import.html", context, status=400)
        except Refused as refusal:
            report(request, refusal)
            return redirect("reviews:import_experts")
        messages.success(request, f"已导入专家 {len(saved)} 名。")
        return redirect(back)
    form = ExpertImportForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "reviews/pool/import.html", context, status=400)
    try:
        context["preview"] = pool.preview_import(request.user, body, form.cleaned_data["file"])
    except Refused as refusal:
        report(request, refusal)
        return redirect(back)
    return render(request, "reviews/pool/import.html", context)


@login_required
@require_POST
@gated(PAGE)
def decide_change(request: HttpRequest, pk: int) -> HttpResponse:
    body = _body(request)
    profile = get_object_or_404(ExpertProfile.objects.select_related("user__profile"), pk=pk)
    form = ChangeDecisionForm(request.POST)
    back = reverse("reviews:expert_pool")
    if not form.is_valid():
        return refused(request, form, title="确认专家信息修改", back=back)
    try:
        pool.confirm_change(request.user, body, profile, form.cleaned_data["decision"] == "accept")
    except Refused as refusal:
        report(request, refusal)
    else:
        messages.success(request, "已处理该专家的信息修改。")
    return redirect(back)


@login_required
@require_POST
@gated(PAGE)
def withdraw_expert(request: HttpRequest, pk: int) -> HttpResponse:
    """退出本机构专家名单: the preview of its effects first (nothing changed), then ``confirm=1``."""
    body = _body(request)
    profile = get_object_or_404(ExpertProfile.objects.select_related("user__profile"), pk=pk)
    form = WithdrawForm(request.POST)
    back = reverse("reviews:expert_pool")
    if not form.is_valid():
        return refused(request, form, title="退出本机构专家名单", back=back)
    reason = form.cleaned_data["reason"]
    if not ConfirmForm(request.POST).confirmed:
        try:
            pool.check_manage(request.user, body)
        except Refused as refusal:
            report(request, refusal)
            return redirect(back)
        context = {
            **review_context(body.campaign, body, clock.now()),
            "profile": profile,
            "reason": reason,
            "effects": pool.withdrawal_effects(body, profile),
            "back": back,
        }
        return render(request, "reviews/pool/withdraw_preview.html", context)
    try:
        pool.withdraw(request.user, body, profile, reason)
    except Refused as refusal:
        report(request, refusal)
    else:
        messages.success(request, f"{profile}已退出本机构专家名单。")
    return redirect(back)


# ---------------------------------------------------------------- the expert


def _next(request: HttpRequest) -> str:
    """The ``next`` of the form (POST) or the link (GET) if it is a page of this site, else the dashboard."""
    form = NextForm(request.POST if request.method == "POST" else request.GET)
    target = form.cleaned_data["next"] if form.is_valid() else ""
    return safe_next(request, target) or reverse("reviews:expert_dashboard")


@login_required
@require_http_methods(["GET", "POST"])
@gated("record_pledge")
def expert_pledge(request: HttpRequest) -> HttpResponse:
    """保密承诺与回避声明: once per body, before the first entry opens. An expert serving several
    bodies signs for each in turn: the page shows the first body the expert has not signed for yet."""
    bodies = expert_bodies(request.user)
    pledged = set(request.user.review_pledges.filter(body__in=bodies).values_list("body_id", flat=True))
    chosen = PledgeBodyForm(request.GET)
    wanted = chosen.cleaned_data["body"] if chosen.is_valid() else None
    body = next((b for b in bodies if b.pk == wanted), None) or next(
        (b for b in bodies if b.pk not in pledged), bodies[0]
    )
    done = body.pk in pledged
    form = PledgeForm(request.POST if request.method == "POST" and not done else None)
    if form.is_bound:
        if form.is_valid():
            pledge.record_pledge(request.user, body, form.units(), form.cleaned_data["declaration"])
            messages.success(request, "保密承诺与回避声明已记录，现在可以查看申报材料。")
            return redirect(_next(request))
        messages.error(request, "未提交，请按提示修改。")
    context = {
        **review_context(body.campaign, body, clock.now()),
        "form": form,
        "pledge_text": pledge.PLEDGE_TEXT,
        "pledge": request.user.review_pledges.filter(body=body).first(),
        "next": _next(request),
    }
    return render(request, "reviews/pool/pledge.html", context, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
@gated("edit_expert_profile")
def expert_profile(request: HttpRequest) -> HttpResponse:
    """The expert's own profile: a change waits for a body's confirmation."""
    body = next(iter(expert_bodies(request.user)), None)
    profile = ExpertProfile.objects.filter(user=request.user).select_related("organisation").first()
    current = pool.profile_values(profile) if profile else {"title_level": 0}
    form = ProfileChangeForm(request.POST if request.method == "POST" else None, initial=current)
    if form.is_bound:
        if form.is_valid():
            try:
                pool.request_change(request.user, form.cleaned_data)
            except Refused as refusal:
                report(request, refusal)
            else:
                messages.success(request, "修改申请已提交，经初评机构联络人确认后生效。")
                return redirect("reviews:expert_profile")
        else:
            messages.error(request, "未提交，请按提示修改。")
    context = {
        **review_context(body.campaign if body else None, body, clock.now()),
        "profile": profile,
        "form": form,
        "fields": pool.FIELDS,
    }
    return render(request, "reviews/pool/profile.html", context, status=400 if form.errors else 200)
