"""The public ``/verify/`` page (no log-in): is a 正式版申报书 authentic? Type its code or upload it.

Thin: the verdict is ``nominations.official_verify``'s (``verify_code``, ``verify_file``); the page shows the
entry number, the list, the unit and the time of freezing, nothing else. Failed look-ups count per
client address (``official_verify.check_rate``, the log-in's address rule): over the limit, 429.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from kczg_site.formats import format_clock_time
from kczg_site.security import client_ip
from nominations import official_verify
from nominations.forms.verify import VerifyForm

TEMPLATE = "verify/verify.html"


def _page(request: HttpRequest, form: VerifyForm, verdict: official_verify.Verdict | None = None, status: int = 200):
    context = {
        "form": form,
        "verdict": verdict,
        "frozen_at": format_clock_time(verdict.frozen_at) if verdict and verdict.frozen_at else "",
    }
    return render(request, TEMPLATE, context, status=status)


def _refused(request: HttpRequest, form: VerifyForm) -> HttpResponse | None:
    decision = official_verify.check_rate(client_ip(request))
    if decision:
        return None
    return _page(request, form, official_verify.Verdict(authentic=False, message=decision.reason), status=429)


def _answer(request: HttpRequest, form: VerifyForm, verdict: official_verify.Verdict) -> HttpResponse:
    if not verdict.authentic and not verdict.voided:
        official_verify.count_failure(client_ip(request))
        return _page(request, form, verdict, status=404 if request.method == "GET" else 200)
    return _page(request, form, verdict)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, VerifyForm())
    form = VerifyForm(request.POST, request.FILES)
    refused = _refused(request, form)
    if refused is not None:
        return refused
    if not form.is_valid():
        if "code" in form.errors:
            official_verify.count_failure(client_ip(request))
        return _page(request, form, status=400)
    uploaded = form.cleaned_data.get("file")
    verdict = (
        official_verify.verify_file(uploaded) if uploaded else official_verify.verify_code(form.cleaned_data["code"])
    )
    return _answer(request, form, verdict)


@require_GET
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """``/verify/ABCD-EFGH-JKMN/``: the verdict of a code in the address (a link or a QR code)."""
    form = VerifyForm(initial={"code": code[: VerifyForm.base_fields["code"].max_length]})
    refused = _refused(request, form)
    if refused is not None:
        return refused
    return _answer(request, form, official_verify.verify_code(code))
