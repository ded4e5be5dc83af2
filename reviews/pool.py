"""The expert pool (专家库): the Excel import, the random draw, the experts' own changes confirmed by a body.

* Import: one row per expert (:data:`COLUMNS`); every row checked (row numbers, Chinese messages) and
  nothing saved unless every row is fine; a new e-mail becomes an invited expert of the body, an expert
  already in the pool joins the body. The sheet is read and signed by ``nominations.membership.sheets``
  (the upload checks of ``nominations.rules.uploads`` before openpyxl opens anything).
* Draw: ``random.Random(seed)`` over the pool that meets the constraints (职称 at least 副高 by default,
  the domain, no 回避 conflict with the body's entries of that domain, not already serving the body),
  sorted by id; the pool, the constraints, the seed and the result are recorded, so
  :func:`replay` gives the same experts again.
* Changes: an expert asks (:func:`request_change`); a coordinator of a body the expert serves confirms
  or rejects (:func:`confirm_change`); both audited.
"""

import random
import secrets
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from kczg_site import clock
from nominations.membership.services import create_invited_user
from nominations.membership.sheets import ImportPreview, ImportRefused, build_preview, load_payload, read_sheet
from nominations.models import Domain, Role
from nominations.policy import may
from nominations.rules.decision import Decision, Refused
from nominations.rules.duplicates import normalize_name
from reviews import avoidance, organisations, serving
from reviews.assignment import body_entries
from reviews.audit import record
from reviews.models import (
    Assignment,
    ExpertDraw,
    ExpertProfile,
    ExpertService,
    Organisation,
    ReviewBody,
    ScoreStatus,
    TitleLevel,
)
from reviews.serving import serving_users

IMPORT_KIND = "experts"
COLUMNS = ("姓名", "邮箱", "所在单位", "上级单位", "所在部门", "职称", "职称级别", "学科", "领域")
REQUIRED = ("姓名", "邮箱", "所在单位", "职称")
LEVELS = {label: value for value, label in TitleLevel.choices}
# 职称 words that tell the level when the column 职称级别 is empty.
TITLE_WORDS = (
    (TitleLevel.SENIOR, ("正高级",)),
    (TitleLevel.ASSOCIATE, ("副教授", "副研究员", "副主任医师", "高级工程师", "副编审")),
    (TitleLevel.SENIOR, ("教授", "研究员", "主任医师", "编审", "院士")),
    (TitleLevel.INTERMEDIATE, ("讲师", "助理研究员", "工程师", "主治医师")),
)
MAX_DRAW = 200
FIELDS = {
    "title": "职称",
    "title_level": "职称级别",
    "organisation": "所在单位",
    "sub_unit": "所在部门",
    "disciplines": "学科",
}


class PoolError(Refused):
    """A refused import, draw or profile change."""


def _split(text: str) -> list[str]:
    return avoidance.split_names(text)


def level_of(title: str, level: str = "") -> int | None:
    """The 职称 level: the column's word (正高、副高、中级、初级、其他), else read from the title; ``None`` when
    the column has a word that is none of them."""
    level = (level or "").strip()
    if level:
        return LEVELS.get(level)
    for value, words in TITLE_WORDS:
        if any(word in (title or "") for word in words):
            return int(value)
    return int(TitleLevel.OTHER)


def _domains_by_name(body: ReviewBody) -> dict[str, Domain]:
    return {d.name: d for d in Domain.objects.filter(ranking_list__campaign=body.campaign)}


def _row_check(body: ReviewBody):
    domains = _domains_by_name(body)
    User = get_user_model()

    def validate(values: dict[str, str], number: int, seen: dict) -> list[str]:
        errors = [f"缺少{column}。" for column in REQUIRED if not values.get(column)]
        email = values.get("邮箱", "").lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(f"邮箱格式不正确：{email}。")
            else:
                if email in seen["emails"]:
                    errors.append(f"邮箱与第 {seen['emails'][email]} 行重复。")
                else:
                    seen["emails"][email] = number
                    user = User.objects.filter(email__iexact=email).select_related("profile").first()
                    if user is not None and getattr(getattr(user, "profile", None), "role", None) != Role.EXPERT:
                        errors.append(f"邮箱 {email} 已有其他角色的账号。")
        for column, limit in (("姓名", 50), ("所在单位", 200), ("上级单位", 200), ("所在部门", 200), ("职称", 50)):
            if len(values.get(column, "")) > limit:
                errors.append(f"{column}不超过 {limit} 个字符。")
        if values.get("所在单位") and not normalize_name(values["所在单位"]):
            errors.append("所在单位名称无法识别。")
        if level_of(values.get("职称", ""), values.get("职称级别", "")) is None:
            errors.append(f"职称级别“{values['职称级别']}”无法识别，应为：{'、'.join(LEVELS)}。")
        unknown = [name for name in _split(values.get("领域", "")) if name not in domains]
        if unknown:
            errors.append(f"领域“{'、'.join(unknown)}”不存在，可选：{'、'.join(domains)}。")
        return errors

    return validate


def check_manage(user: AbstractBaseUser, body: ReviewBody) -> None:
    decision = may(user, "manage_body_reviews", body)
    if not decision:
        raise PoolError(decision)


def preview_import(user: AbstractBaseUser, body: ReviewBody, file: IO[bytes]) -> ImportPreview:
    """Every row of the sheet with its problems (nothing saved)."""
    check_manage(user, body)
    rows, errors = read_sheet(file, COLUMNS)
    return build_preview(IMPORT_KIND, COLUMNS, rows, errors, _row_check(body))


def organisation_for(name: str, parent_name: str = "") -> Organisation:
    """The organisation of a name (its own name or an alias), created when unknown; a parent given for
    an organisation without one is set."""
    index = organisations.OrganisationIndex.load()
    key = normalize_name(name)
    found = Organisation.objects.filter(pk=index.by_key.get(key)).first() if key in index.by_key else None
    if found is None:
        found = Organisation.objects.create(name=name.strip())
    if parent_name and found.parent_id is None and normalize_name(parent_name) != key:
        found.parent = organisation_for(parent_name)
        found.save(update_fields=["parent"])
    return found


def _save_row(body: ReviewBody, values: dict[str, str], domains: dict[str, Domain]) -> ExpertProfile:
    User = get_user_model()
    email = values["邮箱"].lower()
    user = User.objects.filter(email__iexact=email).first()
    organisation = organisation_for(values["所在单位"], values.get("上级单位", ""))
    if user is None:
        user = create_invited_user(
            Role.EXPERT, email, values["姓名"], review_body=body, organization=values["所在单位"][:200]
        )
    profile, _ = ExpertProfile.objects.update_or_create(
        user=user,
        defaults={
            "title": values["职称"],
            "title_level": level_of(values["职称"], values.get("职称级别", "")),
            "organisation": organisation,
            "sub_unit": values.get("所在部门", ""),
            "disciplines": values.get("学科", ""),
            "updated_at": clock.now(),
        },
    )
    profile.domains.add(*[domains[name] for name in _split(values.get("领域", ""))])
    join(profile, body, clock.now())
    return profile


def apply_import(user: AbstractBaseUser, body: ReviewBody, payload: str) -> list[ExpertProfile]:
    """The signed rows checked again and saved, all or nothing (audited)."""
    check_manage(user, body)
    with transaction.atomic():
        preview = build_preview(IMPORT_KIND, COLUMNS, load_payload(payload, IMPORT_KIND), [], _row_check(body))
        if not preview.ok:
            raise ImportRefused(preview)
        domains = _domains_by_name(body)
        saved = [_save_row(body, row.values, domains) for row in preview.rows]
        record("import_experts", user, note=f"{body}导入专家 {len(saved)} 名")
    return saved


# ---------------------------------------------------------------- the draw


def candidates(body: ReviewBody, domain: Domain | None, min_level: int, exclude_conflicted: bool = True) -> list[int]:
    """The user ids of the pool that meet the constraints, sorted."""
    profiles = ExpertProfile.objects.filter(title_level__gte=min_level, user__is_active=True)
    if domain is not None:
        profiles = profiles.filter(domains=domain)
    # Not serving the body already, nor withdrawn by it (any service record of the body).
    recorded = ExpertService.objects.filter(body=body).values("expert_id")
    profiles = profiles.exclude(pk__in=recorded).exclude(user__in=get_user_model().objects.filter(serving_users(body)))
    ids = sorted(set(profiles.values_list("user_id", flat=True)))
    if exclude_conflicted and ids:
        entries = body_entries(body)
        if domain is not None:
            entries = entries.filter(domain=domain)
        users = list(get_user_model().objects.filter(pk__in=ids).select_related("profile"))
        conflicted = {expert for (_, expert) in avoidance.conflicts_between(list(entries), users, body)}
        ids = [i for i in ids if i not in conflicted]
    return ids


def pick(pool: list[int], count: int, seed: int) -> list[int]:
    """The draw itself: ``count`` ids of ``pool`` (sorted) by ``random.Random(seed)``."""
    # Reproducible on purpose (the record replays it); the seed itself comes from ``secrets``.
    return random.Random(seed).sample(sorted(pool), min(count, len(pool)))  # noqa: S311


def draw(
    user: AbstractBaseUser,
    body: ReviewBody,
    *,
    count: int,
    domain: Domain | None = None,
    seed: int | None = None,
    min_level: int = TitleLevel.ASSOCIATE,
    exclude_conflicted: bool = True,
) -> ExpertDraw:
    """Draw ``count`` experts for the body; the drawn experts join it (a service record). Recorded."""
    check_manage(user, body)
    if not 1 <= count <= MAX_DRAW:
        raise PoolError(Decision.deny(f"抽取人数应在 1 至 {MAX_DRAW} 之间。"))
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    with transaction.atomic():
        pool = candidates(body, domain, min_level, exclude_conflicted)
        if len(pool) < count:
            raise PoolError(
                Decision.deny(f"满足条件的专家只有 {len(pool)} 名，不足 {count} 名；请放宽条件或先导入专家。")
            )
        drawn = pick(pool, count, seed)
        now = clock.now()
        record_row = ExpertDraw.objects.create(
            body=body,
            domain=domain,
            count=count,
            seed=seed,
            constraints={
                "min_level": int(min_level),
                "min_level_label": TitleLevel(min_level).label,
                "domain": domain.pk if domain else None,
                "exclude_conflicted": exclude_conflicted,
            },
            pool=pool,
            drawn=drawn,
            drawn_by=user,
            drawn_at=now,
        )
        for profile in ExpertProfile.objects.filter(user__in=drawn):
            join(profile, body, now)  # the drawn expert reviews for this body too (reviews.serving)
        record(
            "draw_experts",
            user,
            note=f"{body}{f'（{domain}）' if domain else ''}随机抽取专家 {count} 名，种子 {seed}，候选 {len(pool)} 名",
            at=now,
        )
    return record_row


def replay(record_row: ExpertDraw) -> list[int]:
    """The draw again from its record: the same experts (the audit's check)."""
    return pick(list(record_row.pool), record_row.count, record_row.seed)


# ---------------------------------------------------------------- the experts' own changes


def request_change(user: AbstractBaseUser, values: dict[str, Any]) -> ExpertProfile:
    """The expert asks for a change of the profile; it waits for a body's confirmation."""
    decision = may(user, "edit_expert_profile")
    if not decision:
        raise PoolError(decision)
    profile, _ = ExpertProfile.objects.get_or_create(user=user)
    current = profile_values(profile)
    change = {key: value for key, value in values.items() if key in FIELDS and value != current.get(key)}
    if not change:
        raise PoolError(Decision.deny("没有需要修改的内容。"))
    profile.pending = change
    profile.pending_at = clock.now()
    profile.save(update_fields=["pending", "pending_at"])
    record("request_profile_change", user, note="；".join(f"{FIELDS[k]}：{v}" for k, v in change.items()))
    return profile


def profile_values(profile: ExpertProfile) -> dict[str, Any]:
    return {
        "title": profile.title,
        "title_level": profile.title_level,
        "organisation": profile.organisation.name if profile.organisation_id else "",
        "sub_unit": profile.sub_unit,
        "disciplines": profile.disciplines,
    }


def serves(profile: ExpertProfile, body: ReviewBody) -> bool:
    return serving.serves(profile.user, body)


def join(profile: ExpertProfile, body: ReviewBody, now: Any) -> ExpertService:
    """The expert serves ``body`` from now on (a service record; a withdrawn one is active again)."""
    service, created = ExpertService.objects.get_or_create(
        expert=profile, body=body, defaults={"year": body.campaign.year, "since": now}
    )
    if not created and not service.active:
        service.active, service.since, service.withdrawn_at, service.withdrawn_reason = True, now, None, ""
        service.save(update_fields=["active", "since", "withdrawn_at", "withdrawn_reason"])
    return service


def withdrawal_effects(body: ReviewBody, profile: ExpertProfile) -> dict[str, int]:
    """What :func:`withdraw` would do (the preview): unscored assignments removed, submitted kept."""
    items = Assignment.objects.filter(expert=profile.user, body=body, active=True)
    kept = items.filter(score__status=ScoreStatus.SUBMITTED).count()
    return {"removed": items.count() - kept, "kept": kept}


def withdraw(user: AbstractBaseUser, body: ReviewBody, profile: ExpertProfile, reason: str = "") -> ExpertService:
    """The body withdraws an expert (退出本机构专家名单): the service record is kept, inactive; the
    expert no longer sees the body's entries; the expert's unscored assignments of the body are removed
    (the entries can be given to another expert), submitted reviews stay counted. Audited."""
    from reviews.assignment import check_not_locked

    check_manage(user, body)
    if not serving.serves(profile.user, body):
        raise PoolError(Decision.deny("该专家不在本机构的专家名单中。"))
    decision = check_not_locked(body)
    if not decision:
        raise PoolError(decision)
    reason = (reason or "").strip()[:200] or "联络人操作"
    now = clock.now()
    with transaction.atomic():
        service, _ = ExpertService.objects.get_or_create(
            expert=profile, body=body, defaults={"year": body.campaign.year, "since": now}
        )
        service.active, service.withdrawn_at, service.withdrawn_reason = False, now, reason
        service.save(update_fields=["active", "withdrawn_at", "withdrawn_reason"])
        removed = (
            Assignment.objects.filter(expert=profile.user, body=body, active=True)
            .exclude(score__status=ScoreStatus.SUBMITTED)
            .update(active=False, removed_at=now, removed_reason=f"专家退出本机构专家名单：{reason}")
        )
        note = f"{body}：{profile} 退出专家名单（{reason}），撤销未提交的分配 {removed} 项"
        record("withdraw_expert", user, note=note, at=now)
    return service


def confirm_change(user: AbstractBaseUser, body: ReviewBody, profile: ExpertProfile, accept: bool) -> ExpertProfile:
    """A coordinator of a body the expert serves applies (or rejects) the pending change; audited."""
    check_manage(user, body)
    if not serves(profile, body):
        raise PoolError(Decision.deny("该专家不在本机构的专家名单中。"))
    if not profile.pending:
        raise PoolError(Decision.deny("该专家没有待确认的修改。"))
    change = dict(profile.pending)
    with transaction.atomic():
        if accept:
            for key, value in change.items():
                if key == "organisation":
                    profile.organisation = organisation_for(str(value))
                    account = profile.user.profile
                    account.organization = str(value)[:200]
                    account.save(update_fields=["organization"])
                elif key == "title_level":
                    profile.title_level = int(value)
                elif key in FIELDS:
                    setattr(profile, key, str(value))
            profile.updated_at = clock.now()
        profile.pending, profile.pending_at = {}, None
        profile.save()
        verb = "确认" if accept else "退回"
        record(
            "confirm_profile_change", user, note=f"{verb}{profile}的信息修改：" + "；".join(map(str, change.values()))
        )
    return profile
