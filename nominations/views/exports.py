"""Export pages: start an export, follow its progress (htmx polling), download it later; and the
direct Word form of one entry. Thin: the work is in ``nominations.exports``; who may see what is the
policy's. Anything a user may not have answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from kczg_site.downloads import DOCX_TYPE, attachment_header
from nominations import exports, official, policy
from nominations.context_processors import active_campaign
from nominations.documents import pdf
from nominations.exports import dossier
from nominations.forms.fields import first_error
from nominations.forms.staff import ExportForm, ReviewExportForm
from nominations.models import Campaign, ExportJob, Nomination, OfficialVersion, Role
from nominations.models.exports import REVIEW_KINDS
from nominations.rules.decision import Refused, require

JOBS_SHOWN = 30


def _campaign_or_404(request: HttpRequest) -> Campaign:
    campaign = active_campaign(request)
    if campaign is None:
        raise Http404("没有正在进行的征集年度。")
    return campaign


def _own_job(request: HttpRequest, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob, pk=pk, requested_by=request.user)


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    """The user's exports, newest first, and the form to start one (for the roles that may)."""
    return _render_list(request)


def _render_list(request: HttpRequest, form: ExportForm | None = None, status: int = 200) -> HttpResponse:
    can_export = policy.may(request.user, "export")
    campaign = active_campaign(request)
    if form is None:
        form = ExportForm(user=request.user, campaign=campaign) if can_export and campaign else None
    jobs = list(exports.user_jobs(request.user)[:JOBS_SHOWN])
    role = policy.role_of(request.user)
    own_entries = None
    if role in (Role.MEMBER, Role.PIONEER):
        # Authors download the Word form of each of their entries directly (no job needed).
        own_entries = list(
            official.with_current_versions(policy.visible_nominations(request.user))
            .select_related("ranking_list", "domain")
            .order_by("ranking_list__order", "pk")[:200]
        )
    return render(
        request,
        "nominations/exports/list.html",
        {
            "jobs": jobs,
            "form": form,
            "can_export": can_export,
            "campaign": campaign,
            "is_secretariat": role == Role.SECRETARIAT,
            "own_entries": own_entries,
            "attachments_limit": dossier.limit_label(),
        },
        status=status,
    )


@login_required
@require_POST
def job_create(request: HttpRequest) -> HttpResponse:
    decision = policy.may(request.user, "export")
    if not decision:
        raise Http404(decision.reason)
    campaign = _campaign_or_404(request)
    form = ExportForm(request.POST, user=request.user, campaign=campaign)
    if not form.is_valid():
        messages.error(request, "导出条件有误，请检查后重试。")
        return _render_list(request, form=form, status=400)
    try:
        job = exports.create_job(request.user, form.cleaned_data["kind"], form.filters())
    except Refused as refusal:
        messages.error(request, refusal.reason)
        return redirect("exports:list")
    messages.success(request, f"已开始导出：{job.description}。可以离开本页，稍后在此下载。")
    return redirect("exports:list")


@login_required
@require_POST
def review_job_create(request: HttpRequest, kind: str) -> HttpResponse:
    """Start a review export (``kind``: scores, ranking, published) and go to the export list.

    ``year`` (optional, else the active campaign) and ``norm=z`` (the ranking by normalised score).
    A kind the user may not start answers 404, like anything else the user may not have.
    """
    if kind not in REVIEW_KINDS:
        raise Http404("没有这种导出。")
    decision = policy.may(request.user, "start_export", kind)
    if not decision:
        raise Http404(decision.reason)
    form = ReviewExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"不能开始导出：{first_error(form)}")
        return _render_list(request, status=400)
    year = form.cleaned_data["year"]
    if year is not None:
        campaign = Campaign.objects.filter(year=year).first()
        if campaign is None:
            messages.error(request, "没有该年度的征集。")
            return redirect("exports:list")
    else:
        campaign = _campaign_or_404(request)
    normalize = form.cleaned_data["norm"] == "z"
    try:
        job = exports.create_review_job(request.user, kind, campaign, normalize=normalize)
    except Refused as refusal:
        messages.error(request, refusal.reason)
        return redirect("exports:list")
    messages.success(request, f"已开始导出{job.get_kind_display()}：{job.description}。可以离开本页，稍后在此下载。")
    return redirect("exports:list")


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One job's row; while the job is queued or running, the row polls itself every second (htmx)."""
    job = _own_job(request, pk)
    return render(request, "nominations/exports/_job_row.html", {"job": job})


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    try:
        exports.retry_job(job, request.user)
    except Refused as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(request, "已重新开始导出。")
    if request.htmx:
        job.refresh_from_db()
        return render(request, "nominations/exports/_job_row.html", {"job": job})
    return redirect("exports:list")


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _own_job(request, pk)
    if not policy.may(request.user, "download_export", job):
        raise Http404("文件不存在或您无权下载。")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=job.file_name or job.file.name.rsplit("/", 1)[-1])


@login_required
@require_GET
def nomination_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The Word 附件2 form of one entry, for anyone who may see the entry (else 404)."""
    nomination = _entry_or_404(request, pk)
    name, data = exports.nomination_docx(nomination)
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = attachment_header(name, "form.docx")
    return response


@login_required
@require_GET
def nomination_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF of the Word form (the draft, watermarked), for the same users as :func:`nomination_docx`;
    once the unit has confirmed, the official version frozen then (``nominations.official``).

    Without the engine, or when the conversion fails, 503 with the reason (the Word form still works).
    """
    nomination = _entry_or_404(request, pk)
    version = official.current_version(nomination)
    if version is not None:
        return _official_pdf(request, nomination, version)
    name, data = exports.nomination_docx(nomination)
    try:
        require(pdf.pdf_available(), pdf.PdfError)
        data = pdf.docx_to_pdf(data)
    except pdf.PdfError as refusal:
        context = {"reason": refusal.reason, "nomination": nomination}
        return render(request, "nominations/exports/pdf_unavailable.html", context, status=503)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = attachment_header(name.removesuffix(".docx") + ".pdf", "form.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


def _official_pdf(request: HttpRequest, nomination: Nomination, version: OfficialVersion) -> HttpResponse:
    """The stored official PDF as it was frozen; 503 with the state while it is not ready."""
    if not version.is_ready:
        context = {"reason": official.unavailable_reason(version), "nomination": nomination}
        return render(request, "nominations/exports/pdf_unavailable.html", context, status=503)
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在。") from None
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = attachment_header(official.file_name(version), "form.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


def _entry_or_404(request: HttpRequest, pk: int) -> Nomination:
    """The entry of a form download, if the user may see it (the policy's ``view_nomination``), else 404."""
    nomination = get_object_or_404(Nomination, pk=pk)
    if not policy.may(request.user, "view_nomination", nomination):
        raise Http404("没有找到该申报。")
    return nomination
