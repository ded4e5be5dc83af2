"""The 400 handler: Chinese pages (and htmx notices) for a bad request; 413 when the form was too large.

Django raises RequestDataTooBig (a form over DATA_UPLOAD_MAX_MEMORY_SIZE), TooManyFieldsSent and
TooManyFilesSent as SuspiciousOperation, which ends in handler400; Django's own answer is an English
"Bad Request (400)".
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kczg_site import htmx


def _megabytes(size: int) -> str:
    mb = size / (1024 * 1024)
    return f"{mb:g}\u00a0MB" if mb >= 1 else f"{size / 1024:.0f}\u00a0KB"


def _reason(exception: Exception | None) -> tuple[int, str]:
    if isinstance(exception, RequestDataTooBig):
        limit = _megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return 413, f"提交的内容过大（附件以外的内容合计不能超过 {limit}），未能保存。请精简内容后重试。"
    if isinstance(exception, TooManyFieldsSent):
        return 400, "提交的项目过多，未能保存。请精简后重试。"
    if isinstance(exception, TooManyFilesSent):
        return 400, "一次提交的文件过多，未能保存。请分批上传。"
    return 400, "请求有误，未能处理。请返回上一页重试。"


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    status, message = _reason(exception)
    if htmx.is_htmx(request):
        return htmx.notice(request, message, status=status)
    template = "413.html" if status == 413 else "400.html"
    return render(request, template, {"reason": message}, status=status)
