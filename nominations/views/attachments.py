"""Attachments: upload and delete on the author's edit page (htmx or plain POST), and the one download
view for every role, which asks the policy and answers 404 to anyone who may not see the file.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from nominations import intake, policy, workflow
from nominations.forms.creation import AttachmentUploadForm
from nominations.models import Nomination
from nominations.rules.decision import Refused
from nominations.views.gates import visible_entry
from nominations.views.member import _upload_limits, author_view


def _block(request: HttpRequest, nomination: Nomination, *, error: str = "", notice: str = "") -> HttpResponse:
    attachments = list(nomination.attachments.all())
    return render(
        request,
        "nominations/includes/attachments.html",
        {
            "nomination": nomination,
            "attachments": attachments,
            "attachments_total": sum(a.size for a in attachments),
            "upload_limits": _upload_limits(),
            "edit_decision": workflow.check_edit(nomination, request.user),
            "namespace": request.resolver_match.namespace,
            "attachment_error": error,
            "attachment_notice": notice,
            "editable": True,
        },
        status=400 if error else 200,
    )


def _respond(request: HttpRequest, nomination: Nomination, *, error: str, notice: str) -> HttpResponse:
    """The attachments block for htmx; otherwise a message and back to the edit page."""
    if request.htmx:
        return _block(request, nomination, error=error, notice=notice)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect(f"{request.resolver_match.namespace}:edit", pk=nomination.pk)


@author_view
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = visible_entry(request, pk)
    form = AttachmentUploadForm(request.POST, request.FILES)
    error = notice = ""
    if not form.is_valid():
        error = form.error_message()
    else:
        data = form.cleaned_data
        try:
            attachment = intake.add_attachment(
                nomination, request.user, data["file"], data["description"], token=data["token"]
            )
        except Refused as refusal:
            error = refusal.reason
        else:
            notice = f"已上传“{attachment.original_name}”。"
    return _respond(request, nomination, error=error, notice=notice)


@author_view
@require_POST
def delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    nomination = visible_entry(request, pk)
    attachment = nomination.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404("没有找到该附件。")
    error = notice = ""
    try:
        intake.delete_attachment(attachment, request.user)
    except Refused as refusal:
        error = refusal.reason
    else:
        notice = f"已删除“{attachment.original_name}”。"
    return _respond(request, nomination, error=error, notice=notice)


@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, as a download with its original name (RFC 5987 for Chinese names), if the policy agrees."""
    attachment = policy.visible_attachments(request.user).filter(pk=pk).first()
    if attachment is None or not policy.may(request.user, "view_attachment", attachment):
        raise Http404("没有找到该附件，或您无权查看。")
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("附件文件不存在。") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
