"""The notice's cases: objections (异议) filed on the public page without an account, and corrections
(更正) asked by a listed party, handled through their own transition table (``reviews.case_transitions``).

* :func:`file_objection` — an objection while the notice runs: under real name (anonymous ones are
  refused with the fixed ground), about a proposed entry, evidence checked as every upload
  (``nominations.rules.uploads``), a unit's objection with its stamped letter; gives the receipt number.
* :func:`request_correction` — the entry's member or its recommending unit's secretariat asks for a
  typo in its published data to be corrected; decided by the platform.
* :func:`check_case` / :func:`transition_case` — the one function through which a case changes state:
  the row is locked, the policy asked, the row's sources, kind, note, ground and outcome checked; each
  step is kept (``CaseStep``) and audited. An upheld objection withdraws the entry from the list through
  the final review (``reviews.final.decide``: ``workflow.transition("unlist")``), or corrects it.
* :func:`status_of` — the objector's status page: the receipt number and the e-mail, both.
* The objector is mailed at 受理 and at the decision (``nominations.notifications.deliver``, audience
  OTHER: the mail log shows it to the platform only). The recommending unit and the entry's member see
  the grounds and evidence but never who objected (``reviews.policy`` ``view_objector``).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kczg_site import clock
from kczg_site.formats import format_clock_time, format_datetime
from nominations import notifications
from nominations.intake import clean_filename
from nominations.models import MailAudience, MailKind, Nomination, SentMail, State
from nominations.policy import AnyUser, may, profile_of
from nominations.rules import uploads
from nominations.rules.decision import ALLOW, Decision, Refused, require
from nominations.rules.phones import normalize_phone, phone_error
from nominations.rules.text import count_chars
from reviews import final, tasks
from reviews import notice as notices
from reviews.audit import record
from reviews.case_transitions import CASE_TRANSITIONS, CaseTransition
from reviews.models import (
    CaseFile,
    CaseFileKind,
    CaseKind,
    CaseOutcome,
    CaseState,
    CaseStep,
    ObjectionCase,
    PublicNotice,
    RejectGround,
)
from reviews.models.notice import NOTICE_FIELDS
from reviews.states import LISTED_STATES

PERSONAL = "个人"
ANONYMOUS_REFUSED = f"{RejectGround.ANONYMOUS.label}不予受理：请填写真实姓名和联系电话。"
LETTER_REQUIRED = "以单位名义提出异议的，须上传加盖单位公章的异议书。"
MAX_FILES = 5
FILED_NOTE = "提出"


class CaseError(Refused):
    """A refused filing or step of a case; ``str(error)`` is the Chinese reason."""


# ---------------------------------------------------------------- filing


def _receipt(notice: PublicNotice, kind: str) -> str:
    prefix = "YY" if kind == CaseKind.OBJECTION else "GZ"
    return f"{prefix}{notice.campaign.year}-{secrets.randbelow(10**8):08d}"


def check_files(files: Iterable[UploadedFile]) -> tuple[Decision, list]:
    """Every file checked as an entry's attachments are (size, total, content); ``(decision, kinds)``."""
    files = list(files)
    if len(files) > MAX_FILES:
        return Decision.deny(f"证明材料最多 {MAX_FILES} 个文件。"), []
    kinds, total = [], 0
    for uploaded in files:
        decision, kind = uploads.check_upload(uploaded, total)
        if not decision:
            return decision, []
        total += uploaded.size
        kinds.append(kind)
    return ALLOW, kinds


def _store_files(case: ObjectionCase, files: list, kinds: list, kind: str, now: datetime, stored: list) -> None:
    """Store the checked files of ``case``; ``stored`` collects ``(storage, name)`` to remove on a rollback."""
    for uploaded, file_kind in zip(files, kinds, strict=True):
        row = CaseFile(
            case=case,
            kind=kind,
            original_name=clean_filename(uploaded.name),
            content_type=file_kind.content_type,
            size=uploaded.size,
            sha256=uploads.sha256_of(uploaded),
            uploaded_at=now,
        )
        uploaded.seek(0)
        row.file.save(file_kind.code, uploaded, save=False)
        stored.append((row.file.storage, row.file.name))
        row.save()


@contextmanager
def _files_removed_on_failure():
    """The stored files of a filing that does not commit are removed again (a rollback keeps no orphans)."""
    stored: list = []
    try:
        yield stored
    except BaseException:
        for storage, name in stored:
            storage.delete(name)
        raise


EXTENSIONS = {kind.content_type: kind.code for kind in uploads.ALLOWED_KINDS}


def neutral_name(item: CaseFile, number: int) -> str:
    """``证明材料1.pdf``: what the listed parties read instead of the objector's own file name."""
    return f"证明材料{number}.{EXTENSIONS.get(item.content_type, 'pdf')}"


def check_entry(notice: PublicNotice, nomination: Nomination | None) -> Decision:
    if nomination is None or nomination.campaign_id != notice.campaign_id or nomination.state not in LISTED_STATES:
        return Decision.deny(f"{RejectGround.NOT_LISTED.label}，请从公示名单中选择。")
    return ALLOW


def _create(notice: PublicNotice, nomination: Nomination, fields: dict, now: datetime) -> ObjectionCase:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ObjectionCase.objects.create(
                    notice=notice,
                    nomination=nomination,
                    receipt=_receipt(notice, fields.get("kind", CaseKind.OBJECTION)),
                    filed_at=now,
                    updated_at=now,
                    **fields,
                )
        except IntegrityError:
            continue
    raise CaseError("受理编号生成失败，请重试。")


def file_objection(
    notice: PublicNotice,
    nomination: Nomination | None,
    *,
    name: str,
    unit: str,
    is_unit: bool,
    phone: str,
    email: str,
    grounds: str,
    evidence: Iterable[UploadedFile] = (),
    letter: UploadedFile | None = None,
    now: datetime | None = None,
) -> ObjectionCase:
    """File an objection (no account); returns the case with its receipt number, or raises CaseError."""
    now = now or clock.now()
    require(notices.check_filing(notice, now), CaseError)
    require(check_entry(notice, nomination), CaseError)
    name, phone = (name or "").strip(), (phone or "").strip()
    if not name or not phone:
        raise CaseError(ANONYMOUS_REFUSED)
    if phone_error(phone):
        raise CaseError(phone_error(phone))
    grounds = (grounds or "").strip()
    if not grounds:
        raise CaseError("请填写异议理由。")
    if count_chars(grounds) > notice.grounds_max_chars:
        raise CaseError(f"异议理由不超过 {notice.grounds_max_chars} 字。")
    if is_unit and letter is None:
        raise CaseError(LETTER_REQUIRED)
    evidence = list(evidence)
    decision, kinds = check_files(evidence)
    require(decision, CaseError)
    letter_kinds = []
    if letter is not None:
        decision, letter_kinds = check_files([letter])
        require(decision, CaseError)
    with _files_removed_on_failure() as stored, transaction.atomic():
        case = _create(
            notice,
            nomination,
            {
                "kind": CaseKind.OBJECTION,
                "objector_name": name[:50],
                "objector_unit": (unit or "").strip()[:200] if is_unit else PERSONAL,
                "objector_is_unit": is_unit,
                "objector_phone": normalize_phone(phone)[:40],
                "objector_email": (email or "").strip(),
                "grounds": grounds,
            },
            now,
        )
        _store_files(case, evidence, kinds, CaseFileKind.EVIDENCE, now, stored)
        if letter is not None:
            _store_files(case, [letter], letter_kinds, CaseFileKind.LETTER, now, stored)
        _step(case, "file", "", CaseState.RECEIVED, None, FILED_NOTE, now)
        record("file_objection", None, note=f"异议 {case.receipt}：对“{nomination.title}”提出，待受理审查")
    return case


def correction_fields(nomination: Nomination) -> list[tuple[str, str]]:
    """``[(field, label)]`` a correction may ask for: the fields the notice shows of the entry's list."""
    notice = notices.notice_of(nomination.campaign) or PublicNotice(campaign=nomination.campaign)
    labels = dict(NOTICE_FIELDS)
    if nomination.ranking_list.nominee_is_person:
        labels["name"] = "姓名"
    return [(f, labels[f]) for f in notice.fields_of(nomination.ranking_list)]


def current_value(nomination: Nomination, field: str) -> str:
    if field == "name":
        return nomination.title
    if field == "unit":
        return nomination.member_unit.name if nomination.member_unit_id else ""
    if field == "recommending_unit":
        return nomination.recommending_unit.name if nomination.recommending_unit_id else ""
    return ""


def check_correction(nomination: Nomination, user: AnyUser) -> Decision:
    decision = may(user, "request_correction", nomination)
    if not decision:
        return decision
    notice = notices.notice_of(nomination.campaign)
    if notices.phase(notice) in ("none", "before"):
        return Decision.deny("公示开始后，方可申请更正公示信息。")
    if nomination.state not in LISTED_STATES:
        return Decision.deny("该申报不在公示名单中，无需更正。")
    return ALLOW


def request_correction(
    nomination: Nomination,
    user: AbstractBaseUser,
    *,
    field: str,
    value: str,
    grounds: str,
    evidence: Iterable[UploadedFile] = (),
    now: datetime | None = None,
) -> ObjectionCase:
    """A listed party's request to correct a typo in its published data (a 更正 case)."""
    now = now or clock.now()
    require(check_correction(nomination, user), CaseError)
    if field not in dict(correction_fields(nomination)):
        raise CaseError("请选择要更正的栏目。")
    value = (value or "").strip()
    if not value or value == current_value(nomination, field):
        raise CaseError("请填写更正后的内容（与现有内容不同）。")
    evidence = list(evidence)
    decision, kinds = check_files(evidence)
    require(decision, CaseError)
    profile = profile_of(user)
    notice = notices.notice_of(nomination.campaign)
    with _files_removed_on_failure() as stored, transaction.atomic():
        case = _create(
            notice,
            nomination,
            {
                "kind": CaseKind.CORRECTION,
                "requested_by": user,
                "objector_name": (profile.display_name if profile and profile.display_name else user.get_username())[
                    :50
                ],
                "objector_unit": str(profile.member_unit or profile.recommending_unit or "") if profile else "",
                "objector_is_unit": True,
                "objector_email": user.email or "",
                "grounds": (grounds or "").strip(),
                "correction_field": field,
                "correction_value": value[:200],
            },
            now,
        )
        _store_files(case, evidence, kinds, CaseFileKind.EVIDENCE, now, stored)
        _step(case, "file", "", CaseState.RECEIVED, user, FILED_NOTE, now)
        record(
            "request_correction",
            user,
            nomination=nomination,
            note=f"更正 {case.receipt}：{dict(NOTICE_FIELDS)[field]}更正为“{case.correction_value}”",
        )
    return case


# ---------------------------------------------------------------- the case's steps


def available_steps(case: ObjectionCase, user: AnyUser) -> list[CaseTransition]:
    """The rows whose source state and kind fit and whose policy answers yes (typed values checked on use)."""
    return [
        t
        for t in CASE_TRANSITIONS.values()
        if case.state in t.sources and case.kind in t.kinds and may(user, _policy_action(t), case)
    ]


def _policy_action(spec: CaseTransition) -> str:
    return "answer_objection" if spec.action == "answer" else "handle_objection"


def check_case(
    case: ObjectionCase,
    action: str,
    user: AnyUser,
    *,
    note: str = "",
    ground: str = "",
    outcome: str = "",
    now: datetime | None = None,
) -> Decision:
    """Every rule of one step of a case, without changing anything."""
    spec = CASE_TRANSITIONS.get(action)
    if spec is None:
        return Decision.deny("不支持的操作。")
    decision = may(user, _policy_action(spec), case)
    if not decision:
        return decision
    if case.kind not in spec.kinds:
        return Decision.deny(f"{case.get_kind_display()}申请不能“{spec.label}”。")
    if case.state not in spec.sources:
        return Decision.deny(f"当前状态为“{case.get_state_display()}”，不能{spec.label}。")
    if spec.note_required and not (note or "").strip():
        return Decision.deny(f"请填写{spec.note_label}。")
    if spec.ground_required and ground not in RejectGround.values:
        return Decision.deny("请选择不予受理的理由。")
    if spec.outcome_required:
        if outcome not in CaseOutcome.values:
            return Decision.deny("请选择处理结果。")
        if case.kind == CaseKind.CORRECTION and outcome != CaseOutcome.CORRECTED:
            return Decision.deny("更正申请成立时，处理结果为更正公示信息。")
        if outcome == CaseOutcome.WITHDRAWN and case.nomination.state != State.LISTED:
            return Decision.deny(f"该申报当前状态为“{case.nomination.get_state_display()}”，不能撤销入榜资格。")
    now = now or clock.now()
    if action == "investigate" and case.state == CaseState.FORWARDED and case.answer_due and now < case.answer_due:
        return Decision.deny(
            f"推荐单位答复期限为 {format_datetime(case.answer_due)}，尚未答复，请等待答复后再调查核实。"
        )
    return ALLOW


def answer_due(notice: PublicNotice, now: datetime) -> datetime:
    """24:00 of the ``answer_days``-th natural day after ``now``."""
    day = timezone.localtime(now).date() + timedelta(days=notice.answer_days + 1)
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _step(case, action, from_state, to_state, user, note, now) -> CaseStep:
    return CaseStep.objects.create(
        case=case, action=action, from_state=from_state, to_state=to_state, note=note, at=now, actor=user
    )


def transition_case(
    case: ObjectionCase,
    action: str,
    user: AbstractBaseUser,
    *,
    note: str = "",
    ground: str = "",
    outcome: str = "",
) -> ObjectionCase:
    """Apply ``action`` to ``case`` as ``user`` (locked, all or nothing); raise :class:`CaseError`."""
    spec = CASE_TRANSITIONS.get(action)
    if spec is None:
        raise CaseError(Decision.deny("不支持的操作。"))
    note = (note or "").strip()
    with transaction.atomic():
        locked = (
            ObjectionCase.objects.select_for_update(of=("self",))
            .select_related("notice__campaign", "nomination__ranking_list", "nomination__campaign")
            .get(pk=case.pk)
        )
        now = clock.now()
        require(check_case(locked, action, user, note=note, ground=ground, outcome=outcome, now=now), CaseError)
        from_state = locked.state
        locked.state = spec.target
        locked.updated_at = now
        if action == "reject":
            locked.reject_ground = ground
        if action == "forward":
            locked.answer_due = answer_due(locked.notice, now)
        if action == "answer":
            locked.unit_answer, locked.answered_at = note, now
        if spec.final:
            locked.decided_at = now
        if action == "uphold":
            locked.outcome = outcome
            _apply_outcome(locked, user, note)
        locked.save()
        step_note = note
        if action == "reject":
            step_note = f"{RejectGround(ground).label}。{note}"
        _step(locked, action, from_state, spec.target, user, step_note, now)
        record(
            f"case_{action}",
            user,
            note=f"{locked.get_kind_display()} {locked.receipt}（“{locked.nomination.title}”）：{spec.label}",
        )
        _queue_mails(locked, spec)
    case.refresh_from_db()
    return case


def _queue_mails(case: ObjectionCase, spec: CaseTransition) -> None:
    """After the commit, the Celery tasks (``reviews.tasks``) mail the objector and, at forwarding, the unit."""
    case_id, action = case.pk, spec.action
    if spec.mails_objector and case.objector_email:
        transaction.on_commit(lambda: tasks.send_case_mail.delay(case_id, action))
    if action == "forward":
        transaction.on_commit(lambda: tasks.send_forward_mail.delay(case_id))


def _apply_outcome(case: ObjectionCase, user: AbstractBaseUser, note: str) -> None:
    nomination = case.nomination
    if case.outcome == CaseOutcome.WITHDRAWN:
        reason = f"公示期间异议成立（{case.receipt}），撤销入榜资格：{note}"
        try:
            final.decide(user, [(nomination, final.NOT_LISTED, reason)])
        except Refused as error:
            raise CaseError(problems=error.problems) from error
        return
    if case.kind == CaseKind.CORRECTION and case.correction_field == "name" and case.correction_value:
        old = nomination.title
        fresh = Nomination.objects.select_for_update(of=("self",)).get(pk=nomination.pk)
        fresh.title = case.correction_value
        fresh.updated_at = clock.now()
        fresh._change_reason = f"更正 {case.receipt}"
        fresh.save(update_fields=["title", "updated_at"])
        record(
            "correct_entry",
            user,
            nomination=fresh,
            note=f"更正 {case.receipt}：名称由“{old}”更正为“{fresh.title}”",
        )


# ---------------------------------------------------------------- the objector's side


def status_of(receipt: str, email: str) -> ObjectionCase | None:
    """The case of ``receipt`` when ``email`` is the one given at filing (case-insensitive), else None."""
    receipt, email = (receipt or "").strip().upper(), (email or "").strip()
    if not receipt or not email:
        return None
    case = ObjectionCase.objects.filter(receipt=receipt).select_related("nomination", "notice__campaign").first()
    if case is None or case.objector_email.lower() != email.lower():
        return None
    return case


MAIL_TEMPLATES = {
    "accept": "objection_accepted",
    "reject": "objection_decided",
    "uphold": "objection_decided",
    "dismiss": "objection_decided",
}


def send_case_mail(case_id: int, action: str) -> SentMail | None:
    """Tell the objector (受理, 不予受理, the decision); the log shows it to the platform only."""
    case = ObjectionCase.objects.select_related("nomination", "notice__campaign").filter(pk=case_id).first()
    if case is None or not case.objector_email or action not in MAIL_TEMPLATES:
        return None
    context = {
        "case": case,
        "campaign": case.notice.campaign,
        "step": CASE_TRANSITIONS[action],
        "filed_at": format_clock_time(case.filed_at),
        "last_note": case.steps.order_by("-pk").first(),
        "status_url": notifications.site_url(reverse("publication:case_status", args=[case.notice.campaign.year])),
    }
    subject, body = notifications.render_mail(MAIL_TEMPLATES[action], context)
    return notifications.deliver(
        MailKind.OUTCOME,
        [case.objector_email],
        subject,
        body,
        audience=MailAudience.OTHER,
        dedupe_key=f"case:{case.pk}:{action}",
    )


def send_forward_mail(case_id: int) -> SentMail | None:
    """Ask the recommending unit's secretariat to verify and answer by the due time (no objector in it)."""
    case = (
        ObjectionCase.objects.select_related("nomination__ranking_list", "nomination__recommending_unit")
        .filter(pk=case_id)
        .first()
    )
    unit = case.nomination.recommending_unit if case is not None else None
    if unit is None:
        return None
    context = {
        "case": case,
        "unit": unit,
        "due": format_datetime(case.answer_due),
        "case_url": notifications.site_url(reverse("reviews:notice_case", args=[case.pk])),
    }
    subject, body = notifications.render_mail("objection_forwarded", context)
    return notifications.deliver(
        MailKind.OUTCOME,
        notifications.unit_staff_recipients(unit),
        subject,
        body,
        audience=MailAudience.SECRETARIAT,
        recommending_unit=unit,
        dedupe_key=f"case:{case.pk}:forward",
    )
