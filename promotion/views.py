"""The pages of 发布推介 (thin: parse → ask → render). No page, export or search shows contact details
unless ``view_contact`` allows it (the partner's accepted request)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from kczg_site import clock
from nominations.policy import NOT_FOUND, may
from nominations.rules.decision import Refused
from promotion import queries, services, visibility
from promotion.forms import (
    PLEDGE,
    AnswerForm,
    ConsentForm,
    ModerateForm,
    OfferForm,
    OutcomeForm,
    PackageForm,
    PartnerApplicationForm,
    PartnerStepForm,
    RequestForm,
    SearchForm,
    StaffForm,
)
from promotion.models import ConsentLevel, InterestRequest, ListedProfile, Offer, Outcome, PackageDelivery, Partner
from promotion.policy import partner_of


def gate(user, action: str, obj=None) -> None:
    """Refuse with the policy's reason (404 for what the user may not see, 403 otherwise)."""
    decision = may(user, action, obj)
    if not decision:
        if decision.reason == NOT_FOUND.reason:
            raise Http404(decision.reason)
        raise PermissionDenied(decision.reason)


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    context = {"form": form, "filters": filters, "links": _own_links(request.user), **queries.search(filters)}
    return render(request, "promotion/search.html", context)


def _own_links(user) -> list[tuple[str, str]]:
    """The viewer's own promotion pages (no menu of the core knows them)."""
    links = []
    if user.is_authenticated:
        if may(user, "manage_promotion_consent"):
            links.append(("我的推介授权", reverse("promotion:mine")))
        if may(user, "act_as_partner"):
            links.append(("合作机构工作台", reverse("promotion:partner")))
        if may(user, "moderate_partners"):
            links.append(("金融合作机构管理", reverse("promotion:platform")))
    return links


def profile(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(visibility.public_profiles().select_related(*queries.PROFILE_RELATED), pk=pk)
    context = queries.profile_page(request.user, item)
    if context["partner"] is not None:
        services.log_view(item, request.user, saw_contact=context["contact"] is not None)
    context["request_form"] = RequestForm()
    context["viewed_at"] = clock.now()
    return render(request, "promotion/profile.html", context)


@login_required
@require_POST
def send_request(request: HttpRequest, pk: int) -> HttpResponse:
    gate(request.user, "act_as_partner")
    item = get_object_or_404(visibility.partner_profiles(), pk=pk)
    form = RequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "留言不能超过 500 字。")
        return redirect("promotion:profile", pk=pk)
    try:
        sent = services.send_request(item, request.user, form.cleaned_data["message"])
    except Refused as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(request, f"已提出对接请求（{sent.get_state_display()}）。")
    return redirect("promotion:profile", pk=pk)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    gate(request.user, "manage_promotion_consent")
    return render(request, "promotion/mine.html", queries.member_page(request.user))


@login_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    gate(request.user, "manage_promotion_consent")
    entry = queries.own_published(request.user, pk)
    if entry is None:
        raise Http404("没有找到该入榜项目。")
    existing = ListedProfile.objects.filter(nomination=entry).first()
    if existing is not None:
        gate(request.user, "manage_promotion_consent", existing)
    live = existing.live_consent() if existing else None
    initial = {"level": live.level if live else ConsentLevel.PUBLIC}
    if live:
        initial.update({f: getattr(live, f) for f in ConsentForm.base_fields if f != "level"})
    form = ConsentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                item = existing or services.profile_for(entry)
                services.grant_consent(item, request.user, **form.cleaned_data)
        except Refused as refusal:
            form.add_error(None, refusal.reason)
        else:
            messages.success(request, "已保存推介授权。")
            return redirect("promotion:mine")
    return render(request, "promotion/consent.html", {"form": form, "entry": entry, "live": live})


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ListedProfile, nomination_id=pk)
    gate(request.user, "manage_promotion_consent", item)
    try:
        services.revoke_consent(item, request.user)
    except Refused as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(request, "已撤回推介授权，推介页不再公开。")
    return redirect("promotion:mine")


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(InterestRequest.objects.select_related("profile__nomination", "partner"), pk=pk)
    gate(request.user, "manage_promotion_consent", item.profile)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择接受或拒绝。")
        return redirect("promotion:mine")
    try:
        services.answer_request(item, request.user, form.cleaned_data["answer"] == "accept")
    except Refused as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(request, "已答复对接请求。")
    return redirect("promotion:mine")


@require_http_methods(["GET", "POST"])
def partner_apply(request: HttpRequest) -> HttpResponse:
    form = PartnerApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    data["username"], email=data["email"], password=data["password"], first_name=data["staff_name"]
                )
                services.apply_partner(
                    user=user,
                    name=data["name"],
                    institution_type=data["institution_type"],
                    credit_code=data["credit_code"],
                    licence_number=data["licence_number"],
                    staff={
                        "name": data["staff_name"],
                        "position": data["staff_position"],
                        "phone": data["staff_phone"],
                        "email": data["email"],
                    },
                )
        except Refused as refusal:
            form.add_error("credit_code", refusal.reason)
        else:
            return render(request, "promotion/partner_applied.html", {"name": data["name"]})
    return render(request, "promotion/partner_apply.html", {"form": form, "pledge": PLEDGE})


@login_required
def partner_dashboard(request: HttpRequest) -> HttpResponse:
    gate(request.user, "act_as_partner")
    return render(request, "promotion/partner.html", {**queries.partner_page(request.user), "staff_form": StaffForm()})


@login_required
@require_http_methods(["GET", "POST"])
def offer_new(request: HttpRequest) -> HttpResponse:
    gate(request.user, "act_as_partner")
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        Offer.objects.create(partner=partner_of(request.user), created_at=clock.now(), **form.cleaned_data)
        messages.success(request, "已发布资源产品。")
        return redirect("promotion:partner")
    return render(request, "promotion/offer_form.html", {"form": form})


@login_required
def platform(request: HttpRequest) -> HttpResponse:
    gate(request.user, "moderate_partners")
    return render(request, "promotion/platform.html", queries.platform_page())


@login_required
@require_POST
def partner_step(request: HttpRequest, pk: int) -> HttpResponse:
    gate(request.user, "moderate_partners")
    partner = get_object_or_404(Partner, pk=pk)
    form = PartnerStepForm(request.POST)
    if form.is_valid():
        try:
            services.decide_partner(partner, request.user, form.cleaned_data["step"])
        except Refused as refusal:
            messages.error(request, refusal.reason)
        else:
            messages.success(request, f"已处理：{partner.name}。")
    else:
        messages.error(request, "请选择操作。")
    return redirect("promotion:platform")


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    gate(request.user, "moderate_partners")
    item = get_object_or_404(InterestRequest.objects.select_related("profile__nomination", "partner"), pk=pk)
    form = ModerateForm(request.POST)
    if form.is_valid():
        try:
            services.moderate_request(item, request.user, form.cleaned_data["release"] == "yes")
        except Refused as refusal:
            messages.error(request, refusal.reason)
    return redirect("promotion:platform")


@login_required
@require_http_methods(["GET", "POST"])
def platform_packages(request: HttpRequest) -> HttpResponse:
    gate(request.user, "moderate_partners")
    form = PackageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profiles = queries.package_profiles(data["year"], data["list_code"], data["domain_code"])
        try:
            services.create_package(request.user, data["title"], profiles, data["partners"])
        except Refused as refusal:
            form.add_error(None, refusal.reason)
        else:
            messages.success(request, "已发送定向推介。")
            return redirect("promotion:platform_packages")
    return render(request, "promotion/packages.html", {"form": form, **queries.packages_page()})


@login_required
def package(request: HttpRequest, pk: int) -> HttpResponse:
    gate(request.user, "act_as_partner")
    partner = partner_of(request.user)
    delivery = get_object_or_404(PackageDelivery.objects.select_related("package"), package_id=pk, partner=partner)
    services.open_delivery(delivery)
    profiles = delivery.package.profiles.filter(pk__in=visibility.partner_profiles()).select_related(
        *queries.PROFILE_RELATED
    )
    return render(request, "promotion/package.html", {"package": delivery.package, "profiles": profiles})


@login_required
@require_POST
def report_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    gate(request.user, "act_as_partner")
    item = get_object_or_404(InterestRequest, pk=pk, partner=partner_of(request.user))
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择成果类型，金额须为不小于零的数字。")
        return redirect("promotion:partner")
    try:
        services.report_outcome(item, request.user, form.cleaned_data["kind"], form.cleaned_data["amount_wan"])
    except Refused as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(request, "已报告对接成果，待入榜单位确认。")
    return redirect("promotion:partner")


@login_required
@require_POST
def confirm_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = get_object_or_404(Outcome.objects.select_related("request__profile__nomination"), pk=pk)
    gate(request.user, "manage_promotion_consent", outcome.request.profile)
    try:
        services.confirm_outcome(outcome, request.user)
    except Refused as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(request, "已确认对接成果。")
    return redirect("promotion:mine")


@login_required
def platform_stats(request: HttpRequest) -> HttpResponse:
    gate(request.user, "moderate_partners")
    return render(request, "promotion/stats.html", queries.stats_page())
