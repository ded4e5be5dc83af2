"""The partner's own pages beyond the dashboard: its staff (the admin contact's) and the watermarked Word
downloads of a profile and of a 定向推介 package (thin: parse → ask → render; each download logged)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from kczg_site import clock
from kczg_site.downloads import DOCX_TYPE, attachment_header
from nominations.rules.decision import Refused
from promotion import documents, queries, services, staff, visibility
from promotion.forms import StaffForm
from promotion.models import PackageDelivery, PartnerStaff
from promotion.policy import partner_of
from promotion.views import gate


def _docx(data: bytes, name: str, fallback: str) -> HttpResponse:
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = attachment_header(name, fallback)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def profile_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """A profile the partner may see, as Word: the extended part when consented for partners, the
    contact only when ``view_contact`` allows it (``queries.profile_page`` asks)."""
    gate(request.user, "act_as_partner")
    item = get_object_or_404(visibility.public_profiles().select_related(*queries.PROFILE_RELATED), pk=pk)
    page = queries.profile_page(request.user, item)
    partner = page["partner"]
    data = documents.profile_docx(item, partner.name, clock.now(), consent=page["consent"], contact=page["contact"])
    services.log_view(item, request.user, saw_contact=page["contact"] is not None, downloaded=True)
    return _docx(data, f"推介项目-{item.nomination.title}.docx", "profile.docx")


@login_required
@require_GET
def package_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """A package sent to the partner, as one Word file: never a contact (no bulk export of contact data)."""
    gate(request.user, "act_as_partner")
    partner = partner_of(request.user)
    delivery = get_object_or_404(PackageDelivery.objects.select_related("package"), package_id=pk, partner=partner)
    services.open_delivery(delivery)
    profiles = list(
        delivery.package.profiles.filter(pk__in=visibility.partner_profiles())
        .select_related(*queries.PROFILE_RELATED)
        .order_by("pk")
    )
    data = documents.package_docx(delivery.package.title, profiles, partner.name, clock.now())
    for item in profiles:
        services.log_view(item, request.user, saw_contact=False, downloaded=True)
    return _docx(data, f"定向推介-{delivery.package.title}.docx", "package.docx")


@login_required
@require_POST
def staff_add(request: HttpRequest) -> HttpResponse:
    gate(request.user, "manage_partner_staff")
    form = StaffForm(request.POST)
    if form.is_valid():
        try:
            row = staff.add_staff(partner_of(request.user), request.user, **form.cleaned_data)
        except Refused as refusal:
            form.add_error("email", refusal.reason)
        else:
            messages.success(request, f"已添加工作人员{row.name}，账号邀请已发送至 {row.email}。")
            return redirect("promotion:partner")
    context = {**queries.partner_page(request.user), "staff_form": form}
    return render(request, "promotion/partner.html", context, status=400)


@login_required
@require_POST
def staff_remove(request: HttpRequest, pk: int) -> HttpResponse:
    gate(request.user, "manage_partner_staff")
    partner = partner_of(request.user)
    row = get_object_or_404(PartnerStaff, pk=pk, partner=partner, removed_at__isnull=True)
    try:
        staff.remove_staff(partner, request.user, row)
    except Refused as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(request, f"已移除工作人员{row.name}。")
    return redirect("promotion:partner")
