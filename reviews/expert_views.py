"""The expert's pages: the tasks, the review sheet of an entry, the conflict declaration, the Word form.

Thin: the policy (``reviews.policy``) is the gate, the page data is ``reviews.queries.expert``, the rules
are in scoring and conflicts; a rule's refusal is caught once (``except Refused``).
"""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kczg_site import clock
from nominations.context_processors import active_campaign, remember_campaign
from nominations.documents.word import render_form, zip_member_name
from nominations.forms import definition_for
from nominations.models import Nomination, Role
from nominations.policy import may, visible_nominations
from nominations.rules.decision import Refused
from reviews import conflicts, scoring
from reviews.criteria import criteria_for
from reviews.forms import ConfirmForm, ConflictForm, ScoreForm
from reviews.models import Assignment, ConflictKind, Score
from reviews.queries import expert as queries
from reviews.queries.reviewers import expert_bodies, review_period, submission_of
from reviews.refusal import gated, refused, report

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def pledge_url(request: HttpRequest, nomination: Nomination) -> str:
    """The pledge page for the entry's body, coming back to this page once signed."""
    return f"{reverse('reviews:expert_pledge')}?body={nomination.dispatch.body_id}&next={quote(request.path)}"


def _assigned(request: HttpRequest, pk: int) -> tuple[Nomination, Assignment]:
    found = queries.assigned_entry(request.user, pk)
    if found is None:
        raise Http404("没有找到该记录，或您无权查看。")
    return found


@login_required
@gated("view_review_tasks")
def expert_dashboard(request: HttpRequest) -> HttpResponse:
    """The tasks of every body the expert serves in the campaign, grouped per body with its deadline."""
    campaign = active_campaign(request)
    bodies = expert_bodies(request.user)
    if bodies and (campaign is None or all(b.campaign_id != campaign.pk for b in bodies)):
        campaign = bodies[0].campaign  # the newest year the expert serves in
    if campaign is not None:
        remember_campaign(request, campaign)
    bodies = [b for b in bodies if campaign is not None and b.campaign_id == campaign.pk]
    page = queries.dashboard(request.user, bodies)
    now = clock.now()
    context = {
        **page,
        "body": bodies[0] if bodies else None,
        "bodies": bodies,
        "campaign": campaign,
        "now": now,
        "review_period": review_period(campaign, page["deadline"], now),
        "submission": submission_of(bodies[0] if bodies else None),
    }
    if campaign is not None:
        scoring.remember_expert_deadline(request.user, campaign, page["deadline"])
    return render(request, "reviews/expert_dashboard.html", context)


def _sheet(
    request: HttpRequest,
    nomination: Nomination,
    item: Assignment,
    form: ScoreForm,
    score: Score | None,
    status: int = 200,
) -> HttpResponse:
    context = {
        **queries.review_sheet(request.user, nomination, item, criteria=form.criteria, score=score),
        "form": form,
        "conflict_form": ConflictForm(),
    }
    return render(request, "reviews/expert_nomination.html", context, status=status)


def _field_errors(form: ScoreForm, refusal: Refused) -> bool:
    """Put a scoring refusal's messages next to their fields; ``True`` when there were any."""
    errors = refusal.detail if isinstance(refusal.detail, dict) else {}
    for code, message in errors.items():
        field = "comment" if code == "comment" else f"c_{code}"
        if field in form.fields and field not in form.errors:
            form.add_error(field, message)
    return bool(errors)


@login_required
@gated("view_review_tasks")
def expert_nomination(request: HttpRequest, pk: int) -> HttpResponse:
    """The review sheet. 保存草稿 saves at once; 提交评分 shows the preview first (nothing saved), whose
    确认提交评分 posts the same values with ``confirm=1`` through the same form and rules again."""
    nomination, item = _assigned(request, pk)
    pledge = may(request.user, "open_review_entry", nomination)
    if not pledge:  # the pledge and the declaration before the first entry opens (reviews.pledge)
        messages.info(request, pledge.reason)
        return redirect(pledge_url(request, nomination))
    criteria = criteria_for(nomination.ranking_list_id)
    score = queries.own_score(item)
    if request.method != "POST":
        return _sheet(request, nomination, item, ScoreForm(criteria, initial=ScoreForm.initial_for(score)), score)
    form = ScoreForm(criteria, request.POST)
    if not form.is_valid():
        messages.error(request, "评分未保存，请按提示修改后重新提交。")
        return _sheet(request, nomination, item, form, score, status=400)
    if "edit" in request.POST:  # 返回修改 on the preview: the values again, nothing saved
        return _sheet(request, nomination, item, form, score)
    submit = "submit" in request.POST  # which button was pressed; no value is read
    values, comment = form.values(), form.cleaned_data["comment"]
    try:
        if submit and not ConfirmForm(request.POST).confirmed:
            checked = scoring.check_score(item, request.user, values, comment, submit=True)
            context = {"nomination": nomination, "checked": checked, "score": score, **queries.deadline_of(nomination)}
            return render(request, "reviews/expert_score_preview.html", context)
        scoring.save_score(item, request.user, values, comment, submit=submit)
    except Refused as refusal:
        status = 400 if _field_errors(form, refusal) else 403
        report(request, refusal)
        return _sheet(request, nomination, item, form, score, status=status)
    messages.success(request, "评分已提交。" if submit else "评分草稿已保存。")
    return redirect("reviews:expert_nomination", pk=nomination.pk)


@login_required
@require_POST
@gated("view_review_tasks")
def declare_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    """申报回避: the preview of what it does first (nothing recorded), then ``confirm=1`` records it."""
    nomination, item = _assigned(request, pk)
    form = ConflictForm(request.POST)
    back = reverse("reviews:expert_nomination", args=[nomination.pk])
    if not form.is_valid():
        return refused(request, form, title="申报回避", back=back)
    kind, note = form.cleaned_data["kind"], form.cleaned_data["note"]
    if not ConfirmForm(request.POST).confirmed:
        decision = conflicts.check_declare(request.user, nomination, kind, note)
        if not decision:
            messages.error(request, decision.reason)
            return redirect(back)
        context = {
            "nomination": nomination,
            "form": form,
            "kind_label": ConflictKind(kind).label,
            "note": note,
            "score": queries.own_score(item),
            "back": back,
        }
        return render(request, "reviews/expert_conflict_preview.html", context)
    try:
        conflicts.declare(request.user, nomination, kind, note)
    except Refused as refusal:
        report(request, refusal)
        return redirect(back)
    messages.success(request, f"已申报回避“{nomination}”，该项申报已从您的评审任务中移除。")
    return redirect("reviews:expert_dashboard")


@login_required
@gated("download_entry_form")
def nomination_form_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The entry's Word 附件2 form, for the reviewers (experts and coordinators) who may see the entry."""
    nomination = get_object_or_404(
        visible_nominations(request.user).select_related("campaign", "ranking_list", "domain", "member_unit"), pk=pk
    )
    if request.user.profile.role == Role.EXPERT and not may(request.user, "open_review_entry", nomination):
        return redirect(pledge_url(request, nomination))
    response = HttpResponse(render_form(nomination, definition_for(nomination)), content_type=WORD)
    name = zip_member_name(nomination).rsplit("/", 1)[-1]
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    return response
