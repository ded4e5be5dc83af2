"""The platform secretariat: the overview of every unit's progress and quota use, extensions,
reopening, recommending units and pioneers, the site-wide audit log and the mail log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from nominations import confirmation, extensions, membership, policy
from nominations.audit import verb_labels
from nominations.filters import AuditFilter, MailFilter
from nominations.forms.fields import first_error
from nominations.forms.staff import (
    ExtensionForm,
    ImportApplyForm,
    ImportUploadForm,
    PioneerInviteForm,
    ReopenForm,
    UnitInviteForm,
)
from nominations.models import (
    Channel,
    Extension,
    ExtensionKind,
    MemberUnit,
    Participation,
    Pioneer,
    RecommendingUnit,
    State,
)
from nominations.models.nomination import RECOMMENDED_STATES
from nominations.rules import deadlines, quotas
from nominations.views.secretariat import active_campaign, count_per, countdown

PAGE_SIZE = 50
OVERVIEW_PAGE_SIZE = 50
RECEIVED_EXCLUDED = (State.DRAFT, State.WITHDRAWN)


def _context(request):
    decision = policy.may(request.user, "view_platform_overview")
    if not decision:
        raise PermissionDenied(decision.reason)
    campaign = active_campaign()
    if campaign is None:
        raise Http404("没有进行中的征集年度。")
    return campaign


# ---------------------------------------------------------------- the overview


def platform_extended_units(campaign):
    """Ids of the units with a platform-deadline extension."""
    return set(
        Extension.objects.filter(campaign=campaign, kind=ExtensionKind.PLATFORM).values_list(
            "recommending_unit_id", flat=True
        )
    )


def overview_rows(user, campaign, units=None, extended=None):
    """Per unit and per list/domain: submitted, accepted, recommended, quota, confirmed — in a fixed
    number of queries (aggregated with values/annotate, not one query per unit), counted among the
    entries ``user`` may see. ``units``: only these (one page of the overview); every unit without it.
    The quota and the recommended count are the quota rule's (``quotas.quota_rows``)."""
    paged = units is not None
    units = list(overview_units() if units is None else units)
    visible = policy.visible_nominations(user)
    participations = {
        p.unit_id: p for p in Participation.objects.filter(campaign=campaign).select_related("confirmed_by__profile")
    }
    if extended is None:
        extended = platform_extended_units(campaign)
    stats = {}
    aggregated = (
        visible.filter(campaign=campaign, pioneer=None)
        .exclude(state__in=RECEIVED_EXCLUDED)
        .filter(**({"recommending_unit__in": [unit.pk for unit in units]} if paged else {}))
        .values("recommending_unit_id", "ranking_list_id", "domain_id")
        .annotate(
            submitted=Count("pk"),
            accepted=Count("pk", filter=Q(state=State.ACCEPTED) | Q(state__in=RECOMMENDED_STATES)),
        )
        .order_by()
    )
    by_unit_list = {}
    for row in aggregated:
        stats[(row["recommending_unit_id"], row["ranking_list_id"], row["domain_id"])] = row
        by_unit_list.setdefault((row["recommending_unit_id"], row["ranking_list_id"]), []).append(row)
    lines_of = {}
    for quota_row in quotas.quota_rows(units, campaign, entries=visible):
        unit, lst, domain, quota = quota_row.unit, quota_row.ranking_list, quota_row.domain, quota_row.quota
        if domain is None:
            # Indexed by (unit, list): scanning every stats row per unit grew with units × rows.
            found = by_unit_list.get((unit.pk, lst.pk), [])
        else:
            found = [stats[(unit.pk, lst.pk, domain.pk)]] if (unit.pk, lst.pk, domain.pk) in stats else []
        line = {
            "list": lst,
            "domain": domain,
            "quota": quota.total,
            "submitted": sum(v["submitted"] for v in found),
            "accepted": sum(v["accepted"] for v in found),
            "recommended": quota.used,
        }
        line["over"] = line["recommended"] > line["quota"]
        lines_of.setdefault(unit.pk, []).append(line)
    rows = []
    for unit in units:
        lines = lines_of.get(unit.pk, [])
        participation = participations.get(unit.pk)
        rows.append(
            {
                "unit": unit,
                "lines": lines,
                "channels": [c for c in unit.channels.all() if not c.is_pioneer_route],
                "participation": participation,
                "confirmed": bool(participation and participation.confirmed_at),
                "extended": unit.pk in extended,
                "submitted": sum(line["submitted"] for line in lines),
                "accepted": sum(line["accepted"] for line in lines),
                "recommended": sum(line["recommended"] for line in lines),
                "quota": sum(line["quota"] for line in lines),
            }
        )
    return rows


def overview_units():
    return RecommendingUnit.objects.prefetch_related("channels").order_by("-is_active", "name")


def unconfirmed_summary(user, campaign, extended):
    """Active units that have not confirmed (name, recommended count, extended) and the confirmed count,
    without building the whole overview: two grouped queries and one list. Counted among the entries
    ``user`` may see."""
    confirmed_ids = set(
        Participation.objects.filter(campaign=campaign, unit__is_active=True)
        .exclude(confirmed_at=None)
        .values_list("unit_id", flat=True)
    )
    recommended = dict(
        policy.visible_nominations(user)
        .filter(campaign=campaign, pioneer=None, state__in=RECOMMENDED_STATES)
        .values_list("recommending_unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    unconfirmed = [
        {"unit": unit, "recommended": recommended.get(unit.pk, 0), "extended": unit.pk in extended}
        for unit in RecommendingUnit.objects.filter(is_active=True).exclude(pk__in=confirmed_ids).order_by("name")
    ]
    return unconfirmed, len(confirmed_ids)


def recommended_per_pioneer(user):
    """An annotation of pioneers: how many of their recommendations ``user`` may see."""
    return count_per(policy.visible_nominations(user).filter(state__in=RECOMMENDED_STATES), "pioneer")


def pioneer_rows(user, campaign):
    route = Channel.objects.filter(campaign=campaign, is_pioneer_route=True).first()
    per_person = route.pioneer_quota if route else 0
    # No count of the pioneers' drafts: the platform never sees them.
    pioneers = Pioneer.objects.filter(campaign=campaign).annotate(recommended=recommended_per_pioneer(user))
    entries = (
        policy.visible_nominations(user)
        .filter(campaign=campaign)
        .exclude(pioneer=None)
        .exclude(state__in=RECEIVED_EXCLUDED)
        .select_related("pioneer", "ranking_list")
        .order_by("pioneer__name")
    )
    return list(pioneers), per_person, list(entries)


@login_required
def dashboard(request):
    campaign = _context(request)
    # One page of units at a time: the whole table grew with the number of units (2,000 units took
    # over a second to render); the confirmation summary still covers every unit.
    page = Paginator(overview_units(), OVERVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    extended = platform_extended_units(campaign)
    rows = overview_rows(request.user, campaign, units=page.object_list, extended=extended)
    for row in rows:
        if row["confirmed"]:
            row["reopen_form"] = ReopenForm(auto_id=f"reopen-{row['unit'].pk}-%s")
    unconfirmed, confirmed_count = unconfirmed_summary(request.user, campaign, extended)
    pioneers, per_person, pioneer_entries = pioneer_rows(request.user, campaign)
    platform = deadlines.platform_deadline(campaign)
    return render(
        request,
        "nominations/platform/dashboard.html",
        {
            "campaign": campaign,
            "rows": rows,
            "page": page,
            "unconfirmed": unconfirmed,
            "confirmed_count": confirmed_count,
            "pioneers": pioneers,
            "pioneer_quota": per_person,
            "pioneer_entries": pioneer_entries,
            "platform_deadline": platform,
            "countdown": countdown(platform.effective),
        },
    )


@login_required
@require_POST
def reopen(request, pk):
    """Reopen a unit's confirmed results. Bad or refused: a page with the reason and the typed text."""
    campaign = _context(request)
    unit = get_object_or_404(RecommendingUnit, pk=pk)
    form = ReopenForm(request.POST, auto_id="reopen-%s")
    if form.is_valid():
        try:
            confirmation.reopen(request.user, unit, campaign, form.cleaned_data["reason"])
        except confirmation.ConfirmationError as error:
            form.add_error(None, str(error))
            status = 409
        else:
            messages.success(request, f"已重新开放“{unit.name}”的推荐结果,该单位秘书处可以修改并再次确认。")
            return redirect("platform:dashboard")
    else:
        status = 400
    context = {"campaign": campaign, "unit": unit, "form": form, "error": first_error(form)}
    return render(request, "nominations/platform/reopen.html", context, status=status)


# ---------------------------------------------------------------- extensions


EXTENSION_CHOICES_LIMIT = 20


def extension_choices(query):
    """Active recommending units and member units whose name contains ``query`` (two queries)."""
    if not query:
        return {"q": query, "units": [], "members": [], "more": False}
    limit = EXTENSION_CHOICES_LIMIT
    units = list(RecommendingUnit.objects.filter(is_active=True, name__icontains=query).order_by("name")[: limit + 1])
    members = list(
        MemberUnit.objects.filter(is_active=True, name__icontains=query)
        .select_related("recommending_unit")
        .order_by("name", "pk")[: limit + 1]
    )
    return {
        "q": query,
        "units": units[:limit],
        "members": members[:limit],
        "more": max(len(units), len(members)) > limit,
    }


@login_required
def extension_list(request):
    campaign = _context(request)
    query = (request.GET.get("q") or "").strip()[:100]
    if request.htmx and "q" in request.GET:
        # The suggestion list of the search field (htmx); the page itself without JavaScript.
        return render(request, "nominations/platform/_extension_choices.html", extension_choices(query))
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
        except extensions.ExtensionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已批准延期:{extension}。")
            return redirect("platform:extensions")
    granted = Extension.objects.filter(campaign=campaign).select_related(
        "recommending_unit", "member_unit__recommending_unit", "granted_by"
    )
    context = {"campaign": campaign, "form": form, "extensions": granted, **extension_choices(query)}
    return render(request, "nominations/platform/extensions.html", context)


# ---------------------------------------------------------------- recommending units and pioneers


@login_required
def units(request):
    campaign = _context(request)
    form = UnitInviteForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            unit = membership.invite_recommending_unit(request.user, campaign, form.as_row())
        except membership.MembershipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已邀请推荐单位“{unit.name}”,设置密码的链接已发送到 {unit.contact_email}。")
            return redirect("platform:units")
    listing = RecommendingUnit.objects.prefetch_related("channels").annotate(
        member_count=Count("members", distinct=True)
    )
    # One page at a time: rendering all 2,000 units of the scale benchmark took 400 ms.
    page = Paginator(listing.order_by("-is_active", "name"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "nominations/platform/units.html",
        {"campaign": campaign, "form": form, "units": page, "page": page},
    )


@login_required
@require_POST
def unit_deactivate(request, pk):
    _context(request)
    unit = get_object_or_404(RecommendingUnit, pk=pk)
    try:
        membership.deactivate_recommending_unit(request.user, unit)
    except membership.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已停用推荐单位“{unit.name}”及其秘书处账号。")
    return redirect("platform:units")


@login_required
def pioneers(request):
    campaign = _context(request)
    form = PioneerInviteForm(request.POST or None, initial={"listed_year": campaign.year - 1})
    if request.method == "POST" and form.is_valid():
        try:
            pioneer = membership.invite_pioneer(request.user, campaign, form.as_row())
        except membership.MembershipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已邀请先锋人物“{pioneer.name}”。")
            return redirect("platform:pioneers")
    listing = Pioneer.objects.filter(campaign=campaign).annotate(recommended=recommended_per_pioneer(request.user))
    return render(
        request,
        "nominations/platform/pioneers.html",
        {"campaign": campaign, "form": form, "pioneers": listing.order_by("-is_active", "name")},
    )


@login_required
@require_POST
def pioneer_deactivate(request, pk):
    campaign = _context(request)
    pioneer = get_object_or_404(Pioneer, pk=pk, campaign=campaign)
    try:
        membership.deactivate_pioneer(request.user, pioneer)
    except membership.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已停用先锋人物“{pioneer.name}”及其账号。")
    return redirect("platform:pioneers")


IMPORTS = {
    "units": (
        "从 Excel 导入推荐单位",
        membership.UNIT_COLUMNS,
        membership.preview_unit_import,
        membership.apply_unit_import,
        "platform:units",
        "多个推荐渠道用分号分隔,渠道名称与通知一致。",
    ),
    "pioneers": (
        "从 Excel 导入先锋人物",
        membership.PIONEER_COLUMNS,
        membership.preview_pioneer_import,
        membership.apply_pioneer_import,
        "platform:pioneers",
        "入选年度留空则按上一年度处理。",
    ),
}


@login_required
def import_view(request, kind):
    campaign = _context(request)
    if kind not in IMPORTS:
        raise Http404
    title, columns, do_preview, do_apply, back_url, hint = IMPORTS[kind]
    preview, status = None, 200
    applying = ImportApplyForm(request.POST) if request.method == "POST" and "payload" in request.POST else None
    if applying is not None and not applying.is_valid():
        messages.error(request, first_error(applying))
        upload, status = ImportUploadForm(), 400
    elif applying is not None:
        try:
            created = do_apply(request.user, campaign, applying.cleaned_data["payload"])
        except membership.ImportRefused as refused:
            messages.error(request, str(refused))
            preview = refused.preview
        except membership.MembershipError as error:
            messages.error(request, str(error))
            return redirect("platform:import", kind=kind)
        else:
            messages.success(request, f"已导入 {len(created)} 条,并向各联系邮箱发送了设置密码的链接。")
            return redirect(back_url)
        upload = ImportUploadForm()
    else:
        upload = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and upload.is_valid():
            preview = do_preview(campaign, upload.cleaned_data["file"])
    return render(
        request,
        "nominations/secretariat/import.html",
        {
            "upload": upload,
            "preview": preview,
            "title": title,
            "columns": columns,
            "hint": hint,
            "back_url": back_url,
            "action_url": "platform:import",
            "action_kind": kind,
        },
        status=status,
    )


# ---------------------------------------------------------------- logs


@login_required
def audit_log(request):
    _context(request)
    filterset = AuditFilter(request.GET or None, policy.visible_audit_events(request.user))
    events = filterset.qs.select_related("actor__profile", "nomination", "recommending_unit").order_by("-at", "-pk")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = verb_labels()
    for event in page:
        event.verb_label = labels.get(event.verb, event.verb)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "nominations/platform/audit_log.html", {"filter": filterset, "page": page, "query": query.urlencode()}
    )


@login_required
def mail_log(request):
    _context(request)
    filterset = MailFilter(request.GET or None, policy.visible_sent_mails(request.user))
    page = Paginator(filterset.qs.select_related("nomination", "member_unit", "recommending_unit"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "nominations/secretariat/mail_log.html",
        {"filter": filterset, "page": page, "query": query.urlencode(), "base": "platform"},
    )
