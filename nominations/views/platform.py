"""The platform secretariat: the overview of every unit's progress and quota use, extensions,
reopening, recommending units and pioneers, the imports, the site-wide audit log and the mail log.
Thin: the gate is ``views.gates``, the pages are assembled by ``nominations.queries.platform``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from nominations import confirmation, extensions, membership
from nominations.forms.fields import first_error
from nominations.forms.staff import ExtensionForm, ExtensionSearchForm, PioneerInviteForm, ReopenForm, UnitInviteForm
from nominations.models import Pioneer, RecommendingUnit
from nominations.queries import common
from nominations.queries import platform as pages
from nominations.rules import deadlines
from nominations.rules.decision import Refused
from nominations.views import imports
from nominations.views.gates import platform_scope

# ---------------------------------------------------------------- the overview


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    campaign = platform_scope(request)
    context = pages.dashboard(request.user, campaign, request.GET.get("page"))
    for row in context["rows"]:
        if row["confirmed"]:
            row["reopen_form"] = ReopenForm(auto_id=f"reopen-{row['unit'].pk}-%s")
    context["platform_deadline"] = deadlines.platform_deadline(campaign)
    return render(request, "nominations/platform/dashboard.html", context)


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Reopen a unit's confirmed results. Bad or refused: a page with the reason and the typed text."""
    campaign = platform_scope(request)
    unit = get_object_or_404(RecommendingUnit, pk=pk)
    form = ReopenForm(request.POST, auto_id="reopen-%s")
    status = 400
    if form.is_valid():
        try:
            confirmation.reopen(request.user, unit, campaign, form.cleaned_data["reason"])
        except Refused as refusal:
            form.add_error(None, str(refusal))
            status = 409
        else:
            messages.success(request, f"已重新开放“{unit.name}”的推荐结果，该单位秘书处可以修改并再次确认。")
            return redirect("platform:dashboard")
    context = {"campaign": campaign, "unit": unit, "form": form, "error": first_error(form)}
    return render(request, "nominations/platform/reopen.html", context, status=status)


# ---------------------------------------------------------------- extensions


@login_required
def extension_list(request: HttpRequest) -> HttpResponse:
    campaign = platform_scope(request)
    choices = pages.extension_choices(ExtensionSearchForm(request.GET).query())
    if request.htmx and "q" in request.GET:
        # The suggestion list of the search field (htmx); the page itself without JavaScript.
        return render(request, "nominations/platform/_extension_choices.html", choices)
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            extension = extensions.grant_extension(
                request.user,
                campaign,
                kind=data["kind"],
                until=data["until"],
                reason=data["reason"],
                recommending_unit=data["recommending_unit"],
                member_unit=data["member_unit"],
            )
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"已批准延期：{extension}。")
            return redirect("platform:extensions")
    context = {"campaign": campaign, "form": form, "extensions": pages.extensions(campaign), **choices}
    return render(request, "nominations/platform/extensions.html", context)


# ---------------------------------------------------------------- recommending units and pioneers


@login_required
def units(request: HttpRequest) -> HttpResponse:
    campaign = platform_scope(request)
    form = UnitInviteForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            unit = membership.invite_recommending_unit(request.user, campaign, form.as_row())
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"已邀请推荐单位“{unit.name}”，设置密码的链接已发送到 {unit.contact_email}。")
            return redirect("platform:units")
    page = pages.units_page(request.GET.get("page"))
    return render(
        request, "nominations/platform/units.html", {"campaign": campaign, "form": form, "units": page, "page": page}
    )


@login_required
@require_POST
def unit_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    platform_scope(request)
    unit = get_object_or_404(RecommendingUnit, pk=pk)
    try:
        membership.deactivate_recommending_unit(request.user, unit)
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"已停用推荐单位“{unit.name}”及其秘书处账号。")
    return redirect("platform:units")


@login_required
def pioneers(request: HttpRequest) -> HttpResponse:
    campaign = platform_scope(request)
    form = PioneerInviteForm(request.POST or None, initial={"listed_year": campaign.year - 1})
    if request.method == "POST" and form.is_valid():
        try:
            pioneer = membership.invite_pioneer(request.user, campaign, form.as_row())
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"已邀请先锋人物“{pioneer.name}”。")
            return redirect("platform:pioneers")
    context = {"campaign": campaign, "form": form, "pioneers": pages.pioneers(request.user, campaign)}
    return render(request, "nominations/platform/pioneers.html", context)


@login_required
@require_POST
def pioneer_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = platform_scope(request)
    pioneer = get_object_or_404(Pioneer, pk=pk, campaign=campaign)
    try:
        membership.deactivate_pioneer(request.user, pioneer)
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"已停用先锋人物“{pioneer.name}”及其账号。")
    return redirect("platform:pioneers")


@login_required
def import_view(request: HttpRequest, kind: str) -> HttpResponse:
    campaign = platform_scope(request)
    if kind not in imports.PLATFORM_IMPORTS:
        raise Http404("不支持的导入类型。")
    return imports.import_page(request, imports.PLATFORM_IMPORTS[kind], campaign)


# ---------------------------------------------------------------- logs


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    platform_scope(request)
    filterset, page = pages.audit_log(request.user, request.GET, request.GET.get("page"))
    return render(request, "nominations/platform/audit_log.html", {"filter": filterset, "page": page})


@login_required
def mail_log(request: HttpRequest) -> HttpResponse:
    platform_scope(request)
    filterset, page = common.mail_log(request.user, request.GET, request.GET.get("page"))
    context = {"filter": filterset, "page": page, "base": "platform"}
    return render(request, "nominations/secretariat/mail_log.html", context)
