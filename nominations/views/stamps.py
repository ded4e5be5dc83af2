"""签字盖章 and the 推荐汇总表: the secretariat's uploads (an entry's stamped pages from the entry page,
the stamped 汇总表 from the confirmation page), the 汇总表's Word and PDF, and the one download view of
a stamped scan (the policy's ``visible_stamped_pages``; 404 otherwise). Thin: the rules are
``nominations.stamps``'; the page parts ``nominations.queries.stamps``'."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kczg_site.downloads import DOCX_TYPE, attachment_header
from nominations import policy, stamps
from nominations.documents import pdf
from nominations.documents.summary import Summary, summary_docx, summary_for, summary_pdf
from nominations.forms.confirmation import ConfirmRecommendationsForm
from nominations.forms.stamps import StampUploadForm
from nominations.queries import confirmation as confirmation_pages
from nominations.queries import secretariat as pages
from nominations.queries import stamps as stamp_pages
from nominations.rules.decision import Refused, require
from nominations.views.gates import PageRefused, secretariat_scope, visible_entry


@login_required
@require_POST
def entry_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload (or replace) one entry's stamped pages. Bad input: the entry page again with the message
    next to the field (400); refused: with the reason (403)."""
    unit, campaign = secretariat_scope(request)
    nomination = visible_entry(request, pk)
    form = StampUploadForm(request.POST, request.FILES)
    allowed = stamps.check_entry_upload(nomination, request.user)
    status = 400 if allowed else 403
    if not allowed:
        form.is_valid()
        form.add_error(None, allowed.reason)
    elif form.is_valid():
        try:
            stamps.upload_entry_pages(nomination, request.user, form.cleaned_data["file"])
        except Refused as refusal:
            form.add_error("file", refusal.reason)
        else:
            messages.success(request, f"已上传签字盖章页：{nomination}。")
            return redirect("secretariat:nomination", pk=nomination.pk)
    messages.error(request, f"签字盖章页未上传：{form.error_message()}")
    context = pages.entry_page(request.user, unit, campaign, nomination)
    context["stamps"] = stamp_pages.entry_card(request.user, nomination, form)
    return render(request, "nominations/secretariat/nomination.html", context, status=status)


@login_required
@require_POST
def summary_upload(request: HttpRequest) -> HttpResponse:
    """Upload (or replace) the unit's stamped 汇总表; errors as :func:`entry_upload`, on the confirmation page."""
    unit, campaign = secretariat_scope(request)
    form = StampUploadForm(request.POST, request.FILES)
    allowed = stamps.check_summary_upload(request.user, unit, campaign)
    status = 400 if allowed else 403
    if not allowed:
        form.is_valid()
        form.add_error(None, allowed.reason)
    elif form.is_valid():
        try:
            stamps.upload_summary(request.user, unit, campaign, form.cleaned_data["file"])
        except Refused as refusal:
            form.add_error("file", refusal.reason)
        else:
            messages.success(request, "已上传签字盖章的推荐汇总表。")
            return redirect("secretariat:confirm")
    messages.error(request, f"推荐汇总表未上传：{form.error_message()}")
    context = {**confirmation_pages.preview(request.user, unit, campaign, form), "form": ConfirmRecommendationsForm()}
    return render(request, "nominations/secretariat/confirm.html", context, status=status)


def _summary(request: HttpRequest) -> Summary:
    unit, campaign = secretariat_scope(request)
    require(policy.may(request.user, "view_recommendation_summary", unit), PageRefused)
    return summary_for(unit, campaign, policy.visible_nominations(request.user))


@login_required
@require_GET
def summary_word(request: HttpRequest) -> HttpResponse:
    """The unit's 汇总表 as Word (the draft mark until confirmed)."""
    summary = _summary(request)
    response = HttpResponse(summary_docx(summary), content_type=DOCX_TYPE)
    response["Content-Disposition"] = attachment_header(summary.file_stem + ".docx", "summary.docx")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def summary_pdf_view(request: HttpRequest) -> HttpResponse:
    """The unit's 汇总表 as PDF (watermarked until confirmed); 503 with the reason without the engine."""
    summary = _summary(request)
    try:
        require(pdf.pdf_available(), pdf.PdfError)
        data = summary_pdf(summary)
    except pdf.PdfError as refusal:
        return render(request, "nominations/exports/pdf_unavailable.html", {"reason": refusal.reason}, status=503)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = attachment_header(summary.file_stem + ".pdf", "summary.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    """A stamped scan with its original name, for whoever may see it (else 404)."""
    page = policy.visible_stamped_pages(request.user).filter(pk=pk).first()
    if page is None:
        raise Http404("没有找到该文件，或您无权查看。")
    try:
        handle = page.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("文件不存在。") from exc
    response = FileResponse(handle, as_attachment=True, filename=page.original_name, content_type=page.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
