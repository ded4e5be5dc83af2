"""Posting a 形式审查 checklist, shared by the secretariat's review (``formal.review``) and the platform's
(``formal.platform_review``): the form, the call, the messages. The views only choose the page around it."""

from collections.abc import Callable
from typing import NamedTuple

from django.contrib import messages
from django.http import HttpRequest

from nominations import formal
from nominations.forms.fields import first_error
from nominations.forms.formal import FormalReviewForm
from nominations.models import Nomination
from nominations.rules.decision import Refused


class Posted(NamedTuple):
    form: FormalReviewForm
    recorded: bool
    status: int  # the page's status when not recorded: 400 bad input, 403 refused


def post_review(
    request: HttpRequest, nomination: Nomination, record: Callable[..., object], *, who: str, on_fail: str
) -> Posted:
    """Validate the checklist of ``request.POST`` and ``record`` it; ``who`` names the reviewer in the
    messages ("" or "平台"), ``on_fail`` says what a failed review did. Nothing is changed unless recorded."""
    form = FormalReviewForm(request.POST, items=formal.items_for(nomination), campaign=nomination.campaign)
    if not form.is_valid():
        messages.error(request, f"{who}形式审查结果未提交：{first_error(form)}")
        return Posted(form, False, 400)
    try:
        record(
            nomination,
            request.user,
            failed=form.failed(),
            fix_by=form.cleaned_data["fix_by"],
            note=form.cleaned_data["note"],
        )
    except Refused as refusal:
        messages.error(request, f"不能提交{who}形式审查结果：{refusal}")
        return Posted(form, False, 403)
    if form.failed():
        messages.success(request, f"{who}形式审查未通过，{on_fail}：{nomination}。")
    else:
        messages.success(request, f"{who}形式审查通过：{nomination}。")
    return Posted(form, True, 200)
