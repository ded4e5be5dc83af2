"""Intake services: what member units and pioneers do to their own entries. Views call these.

No HTTP here: each function takes the user and plain values, asks the policy and the workflow, and
raises :class:`IntakeError` (or :class:`EditConflict`) with a Chinese reason when it refuses. State
changes go through ``nominations.workflow.transition``.
"""

from __future__ import annotations

import posixpath
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from kczg_site import clock
from nominations import confirmation, locks, policy, workflow
from nominations.audit import record_event
from nominations.forms import definition_for, get_definition, stored_values
from nominations.forms.types import Definition, Kind
from nominations.models import (
    Attachment,
    Campaign,
    Domain,
    EarlierListedItem,
    Nomination,
    RankingList,
    Role,
    State,
)
from nominations.rules import deadlines, earlier_listed, quotas, uploads
from nominations.rules.decision import ALLOW, Decision, Refused, require

CONFLICT_MESSAGE = "该申报已在其他窗口或由他人修改，请刷新后再编辑；您本次填写的内容未保存，已保留在下方。"


class IntakeError(Refused):
    """A refused intake operation; ``str(error)`` is the Chinese reason."""


class EditConflict(IntakeError):
    """The entry changed since the form was loaded (another tab, another user)."""

    def __init__(self) -> None:
        super().__init__(CONFLICT_MESSAGE)


@dataclass(frozen=True)
class SaveResult:
    nomination: Nomination
    earlier_listed: EarlierListedItem | None


# ---------------------------------------------------------------- creating


def creation_deadline(user: policy.AnyUser, campaign: Campaign) -> deadlines.Deadline:
    """The deadline that bounds creating an entry for ``user``'s side."""
    profile = policy.profile_of(user)
    if policy.role_of(user) == Role.MEMBER and profile and profile.member_unit_id:
        return deadlines.member_deadline(campaign, profile.member_unit)
    return deadlines.platform_deadline(campaign)


def check_create(user: policy.AnyUser, campaign: Campaign, now: datetime | None = None) -> Decision:
    """May ``user`` create an entry in ``campaign`` now: the policy, the creation deadline, and (for a
    member) its recommending unit still taking entries (not confirmed, ``confirmation``)."""
    decision = policy.may(user, "create_nomination")
    if not decision:
        return decision
    decision = creation_deadline(user, campaign).check(now)
    if not decision:
        return decision
    profile = policy.profile_of(user)
    if policy.role_of(user) == Role.MEMBER and profile.member_unit_id:
        return confirmation.check_accepting_submissions(profile.member_unit.recommending_unit, campaign)
    return ALLOW


NEW_ENTRY_FORM_REUSED_MESSAGE = "此页面已用于创建一份申报草稿，请刷新页面后重新选择榜单。"


def _created_with(
    user: policy.AnyUser, token: UUID | None, ranking_list: RankingList, domain: Domain | None
) -> Nomination | None:
    """The draft ``user`` already created with the form token ``token``, or ``None``."""
    if token is None:
        return None
    existing = Nomination.objects.filter(created_by=user, creation_token=token).first()
    if existing is None:
        return None
    if existing.ranking_list_id != ranking_list.pk or existing.domain_id != (domain.pk if domain else None):
        raise IntakeError(NEW_ENTRY_FORM_REUSED_MESSAGE)
    return existing


def create_nomination(
    user: policy.AnyUser, ranking_list: RankingList, domain: Domain | None = None, token: UUID | None = None
) -> Nomination:
    """A new draft of ``ranking_list`` (and ``domain`` for lists with domains) for ``user``'s side.

    ``token`` is the one-time token of the form that asks for it: a second call with the same token
    (a double click, even two requests at once) returns the draft the first one created.
    """
    require(policy.may(user, "create_nomination"), IntakeError)
    role = policy.role_of(user)
    profile = policy.profile_of(user)
    campaign = ranking_list.campaign
    if ranking_list.capped_per_domain:
        if domain is None or domain.ranking_list_id != ranking_list.pk:
            raise IntakeError(f"请选择{ranking_list.name}的领域。")
    else:
        domain = None
    fields = {}
    if role == Role.PIONEER:
        allowed = list(quotas.pioneer_lists(campaign))
        if not allowed:
            raise IntakeError("本年度未设先锋人物推举渠道，先锋人物不能推举候选人。")
        if ranking_list not in allowed:
            raise IntakeError(f"先锋人物只能推举{'、'.join(lst.name for lst in allowed)}候选人。")
        fields["pioneer"] = profile.pioneer
    else:
        member_unit = profile.member_unit
        fields["member_unit"] = member_unit
        fields["recommending_unit"] = member_unit.recommending_unit
    existing = _created_with(user, token, ranking_list, domain)
    if existing is not None:
        return existing
    require(check_create(user, campaign), IntakeError)
    definition = definition_for_list(ranking_list)
    data = {}
    for spec in definition.fields:
        if spec.kind == Kind.DOMAIN and domain is not None:
            data[spec.key] = domain.code
    now = clock.now()
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                campaign=campaign,
                ranking_list=ranking_list,
                domain=domain,
                state=State.DRAFT,
                data=data,
                created_by=user,
                created_at=now,
                updated_at=now,
                creation_token=token,
                **fields,
            )
            record_event("create", user, nomination=nomination, at=now)
    except IntegrityError:
        # Two requests with one token at once: the other one's INSERT won the unique constraint.
        existing = _created_with(user, token, ranking_list, domain)
        if existing is None:
            raise
        return existing
    return nomination


def definition_for_list(ranking_list: RankingList) -> Definition:
    return get_definition(ranking_list.code, ranking_list.campaign.year)


# ---------------------------------------------------------------- saving


def _domain_from(nomination: Nomination, definition: Definition, data: dict) -> Domain | None:
    for spec in definition.fields:
        if spec.kind == Kind.DOMAIN:
            code = data.get(spec.key)
            if not code:
                return nomination.domain
            if nomination.domain_id and nomination.domain.code == code:
                return nomination.domain
            found = Domain.objects.filter(ranking_list_id=nomination.ranking_list_id, code=code).first()
            return found or nomination.domain
    return nomination.domain


def find_earlier(
    nomination: Nomination, definition: Definition | None = None, data: dict | None = None
) -> EarlierListedItem | None:
    """The earlier listed item matching the entry's name and credit code in ``data`` (or its own data)."""
    definition = definition or definition_for(nomination)
    data = nomination.data if data is None else data
    return earlier_listed.detect(nomination, definition.title_of(data), definition.credit_code_of(data))


def save_draft(nomination: Nomination, user: policy.AnyUser, payload: dict, version: int) -> SaveResult:
    """Store ``payload`` (cleaned form values) over the entry's data, if the entry is still at ``version``.

    Refuses (without changing anything) when the user may not edit now — another side's entry, a
    state that is not editable, the member deadline passed — or when someone saved in between
    (:class:`EditConflict`).

    The earlier-listed match is looked up again (:func:`find_earlier`) only when the name or the
    credit code changed since the last save; otherwise (most autosaves) the last save's match is kept.
    :func:`submit` always looks again.
    """
    require(workflow.check_edit(nomination, user), IntakeError)
    definition = definition_for(nomination)
    data = {**(nomination.data or {}), **payload}
    domain = _domain_from(nomination, definition, data)
    if domain is not None:
        for spec in definition.fields:
            if spec.kind == Kind.DOMAIN:
                data[spec.key] = domain.code
    full_title = definition.title_of(data)
    full_code = definition.credit_code_of(data)
    title = full_title[:200]
    credit_code = full_code[:18]
    if full_title == nomination.title and full_code == nomination.credit_code:
        # Same name and code as at the last save (most autosaves): the match found then still holds.
        # Submitting looks again, so an earlier-listed item added meanwhile is still caught.
        earlier = nomination.earlier_listed
    else:
        earlier = find_earlier(nomination, definition, data)
    now = clock.now()
    updated = Nomination.objects.filter(pk=nomination.pk, version=version, state__in=workflow.EDITABLE_STATES).update(
        data=data,
        title=title,
        credit_code=credit_code,
        domain=domain,
        earlier_listed=earlier,
        version=F("version") + 1,
        updated_at=now,
    )
    if not updated:
        current = Nomination.objects.filter(pk=nomination.pk).values_list("state", flat=True).first()
        if current not in workflow.EDITABLE_STATES:
            label = State(current).label if current in State.values else current
            raise IntakeError(f"该申报当前状态为“{label}”，不能修改；您本次填写的内容未保存，已保留在下方。")
        raise EditConflict()
    # The UPDATE matched exactly this version, so the row now holds what was written: set it on the
    # instance instead of reading it back (one query less per autosave).
    nomination.data = data
    nomination.title = title
    nomination.credit_code = credit_code
    nomination.domain = domain
    nomination.earlier_listed = earlier
    nomination.version = version + 1
    nomination.updated_at = now
    return SaveResult(nomination, earlier)


# ---------------------------------------------------------------- completeness and submitting


def check_complete(nomination: Nomination) -> Decision:
    """``ALLOW`` when the entry passes its definition's full validation, else "申报内容不完整:…"."""
    definition = definition_for(nomination)
    errors = definition.validate(
        stored_values(nomination, definition), complete=True, ranking_list=nomination.ranking_list
    )
    if not errors:
        return ALLOW
    labels = "、".join(definition._label_of(key) for key in errors)
    return Decision.deny(f"申报内容不完整：{labels}需要填写或修改。")


def submit_action(nomination: Nomination) -> str:
    """The workflow action that sends this entry on: submit, resubmit or (pioneers) pioneer_recommend."""
    if nomination.pioneer_id and not nomination.member_unit_id:
        return "pioneer_recommend"
    return "resubmit" if nomination.state == State.RETURNED else "submit"


def submit(nomination: Nomination, user: policy.AnyUser, note: str = "") -> Nomination:
    """Send the entry on through the workflow (which checks completeness, deadline and cap)."""
    earlier = find_earlier(nomination)
    if (earlier.pk if earlier else None) != nomination.earlier_listed_id:
        Nomination.objects.filter(pk=nomination.pk).update(earlier_listed=earlier)
        nomination.earlier_listed = earlier
    return workflow.transition(nomination, submit_action(nomination), user, note=note)


# ---------------------------------------------------------------- attachments


def clean_filename(name: str | None) -> str:
    """The uploaded name for display and download: no directories, no control characters, ≤ 200."""
    name = unicodedata.normalize("NFC", name or "")
    name = posixpath.basename(name.replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip() or "附件"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 190 - len(ext)] + dot + ext) if dot and len(ext) < 10 else name[:200]
    return name


def attachments_total(nomination: Nomination) -> int:
    return nomination.attachments.aggregate(total=Sum("size"))["total"] or 0


UPLOAD_FORM_REUSED_MESSAGE = "此上传表单已使用过，请刷新页面后重新选择文件。"


def _uploaded_before(nomination: Nomination, token: UUID | None, digest: str, name: str) -> Attachment | None:
    """The attachment this upload repeats (same form token, or same content under the same name)."""
    if token is not None:
        existing = nomination.attachments.filter(upload_token=token).first()
        if existing is not None:
            if existing.sha256 != digest:
                raise IntakeError(UPLOAD_FORM_REUSED_MESSAGE)
            return existing
    return nomination.attachments.filter(sha256=digest, original_name=name).first()


def add_attachment(
    nomination: Nomination,
    user: policy.AnyUser,
    uploaded: UploadedFile,
    description: str = "",
    token: UUID | None = None,
) -> Attachment:
    """Store one uploaded file for the entry after checking who, when, its content and its size.

    Idempotent: the same upload form posted twice (``token``), or the same content under the same
    name, returns the attachment already stored instead of storing a second copy.
    """
    require(policy.may(user, "upload_attachment", nomination), IntakeError)
    require(workflow.check_edit(nomination, user), IntakeError)
    require(uploads.check_size(uploaded.size), IntakeError)
    digest = uploads.sha256_of(uploaded)
    name = clean_filename(uploaded.name)
    with transaction.atomic():
        # Serialise uploads to one entry so that two parallel uploads cannot exceed the total together
        # (nor store one file twice).
        locks.serialize_on(Nomination, nomination.pk)
        existing = _uploaded_before(nomination, token, digest, name)
        if existing is not None:
            return existing
        decision, kind = uploads.check_upload(uploaded, attachments_total(nomination))
        require(decision, IntakeError)
        now = clock.now()
        attachment = Attachment(
            nomination=nomination,
            original_name=name,
            content_type=kind.content_type,
            size=uploaded.size,
            description=(description or "").strip()[:200],
            uploaded_by=user,
            uploaded_at=now,
            sha256=digest,
            upload_token=token,
        )
        uploaded.seek(0)
        attachment.file.save(kind.code, uploaded, save=False)
        stored_name = attachment.file.name
        storage = attachment.file.storage
        try:
            with transaction.atomic():
                attachment.save()
                record_event("upload", user, nomination=nomination, note=attachment.original_name, at=now)
        except IntegrityError:
            # The same form token stored by a request that got past the lock first (no row lock on SQLite).
            storage.delete(stored_name)
            existing = _uploaded_before(nomination, token, digest, name)
            if existing is None:
                raise
            return existing
        except Exception:
            storage.delete(stored_name)
            raise
    return attachment


def delete_attachment(attachment: Attachment, user: policy.AnyUser) -> None:
    nomination = attachment.nomination
    require(policy.may(user, "delete_attachment", nomination), IntakeError)
    require(workflow.check_edit(nomination, user), IntakeError)
    name = attachment.file.name
    storage = attachment.file.storage
    with transaction.atomic():
        original = attachment.original_name
        attachment.delete()
        record_event("delete_attachment", user, nomination=nomination, note=original)
        transaction.on_commit(lambda: storage.delete(name))
