"""The workflow: the one function through which every state change goes, and the rules it asks; the
transition table itself (data) is ``nominations.transitions``.

``transition()`` takes the row lock (``select_for_update`` on PostgreSQL), asks the policy whether
the user may act on this entry, then checks the state, the deadline and the quota or cap, saves, and
writes an append-only :class:`AuditEvent` — all inside one database transaction. Notifications are
queued with ``transaction.on_commit`` by the listeners in ``nominations.notifications``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from importlib import import_module

from django.db import transaction
from django.dispatch import Signal

from kczg_site import clock
from kczg_site.prepared import PreparedQuery
from nominations import campaign_cache, locks, policy
from nominations.models import AuditEvent, MemberUnit, Nomination, Participation, Pioneer, RecommendingUnit, State
from nominations.models.nomination import NOMINATION_RELATIONS
from nominations.rules import deadlines, earlier_listed, quotas
from nominations.rules.deadlines import Deadline
from nominations.rules.decision import ALLOW, Decision, Refused
from nominations.transitions import ACTION_RULES, TRANSITIONS, Transition

# Sent after a transition has been saved (inside the transaction): sender=Transition, nomination, actor, event.
transitioned = Signal()


S = State

EDITABLE_STATES = S.editable()


class WorkflowError(Refused):
    """A refused transition; ``str(error)`` is the Chinese reason for the user."""


def available_actions(nomination: Nomination, user: policy.AnyUser) -> list[Transition]:
    """The transitions whose role and source state fit (deadline and quota are checked on use); the
    batch-only ones (taken by confirmation or a platform decision) are never offered one by one."""
    role = policy.role_of(user)
    return [t for t in TRANSITIONS.values() if nomination.state in t.sources and role in t.roles and not t.batch_only]


# ---------------------------------------------------------------- what one request remembers
#
# A request asks the rules of one entry several times (edit check, actions, save), and a list page asks
# them of many entries that share a unit: the deadlines and the unit's confirmation do not change
# within a request. They are remembered in a memo on the instance, keyed by what they depend on, and
# the entries of one page may share one memo (:func:`share_lookups`). A fresh instance (e.g. the locked
# row in ``transition``) asks the database again.


def _remembered(nomination: Nomination, key: tuple, compute: Callable[[], object]) -> object:
    memo = nomination.__dict__.setdefault("_rule_memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def share_lookups(entries: Iterable[Nomination]) -> None:
    """Let the entries of one page share what the rules look up (a unit's deadline and confirmation are
    then asked once per unit, not once per row)."""
    memo: dict = {}
    for entry in entries:
        memo.update(entry.__dict__.get("_rule_memo", {}))
        entry.__dict__["_rule_memo"] = memo


def _deadline_key(nomination: Nomination, kind: str) -> tuple:
    if kind == "member":
        return ("member", nomination.campaign_id, nomination.member_unit_id)
    return ("platform", nomination.campaign_id, nomination.recommending_unit_id)


def deadline_for(nomination: Nomination, kind: str) -> Deadline:
    """The entry's member or platform deadline (remembered per request). An entry returned by the formal
    review with a fix-by time (``nominations.formal``) has its own member deadline: the member unit's,
    extended to the fix-by time (remembered under a key of its own, the unit's stays shared)."""

    def compute() -> Deadline:
        if kind == "member":
            return deadlines.member_deadline(nomination.campaign, nomination.member_unit)
        return deadlines.platform_deadline(nomination.campaign, nomination.recommending_unit)

    deadline = _remembered(nomination, _deadline_key(nomination, kind), compute)
    fix_by = nomination.fix_by if kind == "member" else None
    if fix_by is None or fix_by <= deadline.effective:
        return deadline
    key = ("member_fix_by", nomination.pk, fix_by)
    return _remembered(nomination, key, lambda: Deadline(deadline.label, deadline.at, fix_by))


def remember_deadline(entries: Iterable[Nomination], kind: str, deadline: Deadline) -> None:
    """Tell the entries a deadline the page already has (one member unit's or one unit's)."""
    for entry in entries:
        entry.__dict__.setdefault("_rule_memo", {}).setdefault(_deadline_key(entry, kind), deadline)


def confirmed_participation(nomination: Nomination) -> Participation | None:
    """The confirmation of the entry's recommending unit, if it has confirmed (remembered per request)."""
    # Inside the function: confirmation imports this module (transition, TRANSITIONS).
    from nominations.confirmation import confirmed_participation as lookup

    key = ("confirmed", nomination.campaign_id, nomination.recommending_unit_id)

    def compute() -> Participation | None:
        # Most units have not confirmed: the per-process set of those that have (invalidated on every
        # change of a Participation) answers without a query; a confirmed unit's row is read as before.
        if nomination.recommending_unit_id not in campaign_cache.confirmed_units(nomination.campaign_id):
            return None
        return lookup(nomination.recommending_unit_id, nomination.campaign_id)

    return _remembered(nomination, key, compute)


def check_deadline(nomination: Nomination, kind: str | None, now: datetime | None = None) -> Decision:
    if kind is None:
        return ALLOW
    if kind == "member" and nomination.member_unit_id is None:
        kind = "platform"
    return deadline_for(nomination, kind).check(now)


# Actions that send an entry on: the entry must pass its form definition's full validation.
COMPLETENESS_ACTIONS = frozenset({"submit", "resubmit", "pioneer_recommend"})


def check_complete(nomination: Nomination, action: str) -> Decision:
    """Refuse sending an incomplete entry on ("申报内容不完整:…"); the rule lives in ``nominations.intake``."""
    if action not in COMPLETENESS_ACTIONS:
        return ALLOW
    # Inside the function: intake imports this module (check_edit, transition, EDITABLE_STATES).
    from nominations.intake import check_complete as intake_check_complete

    return intake_check_complete(nomination)


# The "not before" checks of a transition's ``opens`` kind ("dispatch", "publication"), registered by
# the app whose rule it is (the reviews app, ``reviews.final``, at ready()): kind -> f(nomination, kind, now).
OPENS_CHECKS: dict[str, Callable[..., Decision]] = {}


def register_opens_check(kind: str, check: Callable[..., Decision]) -> None:
    """Let another app own the moment from which transitions with ``opens=kind`` are allowed."""
    OPENS_CHECKS[kind] = check


def check_opens(nomination: Nomination, kind: str | None, now: datetime | None = None) -> Decision:
    """Refuse an action before the moment it opens (review side; the rule lives in ``reviews.final``)."""
    if kind is None:
        return ALLOW
    try:
        check = OPENS_CHECKS[kind]
    except KeyError:
        raise LookupError(f"No check registered for the opening of {kind!r}") from None
    return check(nomination, kind, now)


def check_edit(nomination: Nomination, user: policy.AnyUser, now: datetime | None = None) -> Decision:
    """May ``user`` change the entry's content now (author, editable state, member deadline)?"""
    decision = policy.may(user, "edit_nomination", nomination)
    if not decision:
        return decision
    if nomination.state not in EDITABLE_STATES:
        return Decision.deny(f"当前状态为“{nomination.get_state_display()}”，不能修改。")
    decision = check_accepting_submissions(nomination, "edit")
    if not decision:
        return decision
    return check_deadline(nomination, "member", now)


def check_limit(nomination: Nomination, transition: Transition) -> Decision:
    kind = transition.limit
    if kind is None:
        return ALLOW
    if kind == "member_cap":
        quota = quotas.member_cap(
            nomination.member_unit, nomination.ranking_list, nomination.domain, exclude=nomination
        )
        if quota.is_full:
            where = _where(nomination)
            return Decision.deny(
                f"{where}已提交 {quota.used} 项，达到每个会员单位不超过 {quota.total} 项的上限，不能再提交。"
            )
        return ALLOW
    if kind == "unit_quota":
        quota = quotas.unit_quota(
            nomination.recommending_unit, nomination.ranking_list, nomination.domain, exclude=nomination
        )
        if quota.is_full:
            return Decision.deny(
                f"{_where(nomination)}的推荐名额已用完"
                f"（已推荐 {quota.used} / 名额 {quota.total}，{quota.explanation}）。"
            )
        return ALLOW
    if kind == "pioneer_quota":
        quota = quotas.pioneer_quota(nomination.pioneer, nomination.ranking_list, exclude=nomination)
        if quota.is_full:
            return Decision.deny(f"每位先锋人物限推举 {quota.total} 人，您的名额已用完。")
        return ALLOW
    raise ValueError(kind)


# Actions on a unit's entries that are locked once the unit has confirmed its recommendations.
LOCKED_AFTER_CONFIRMATION = frozenset({"recommend", "unrecommend", "return", "decline", "accept", "write_opinion"})
CONFIRMED_LOCK_REASON = "本单位已确认推荐结果，如需修改请联系平台秘书处重新开放"


def check_not_confirmed(nomination: Nomination, action: str) -> Decision:
    """Refuse the secretariat's actions while the unit's Participation is confirmed."""
    if action not in LOCKED_AFTER_CONFIRMATION or not nomination.recommending_unit_id:
        return ALLOW
    return Decision.deny(CONFIRMED_LOCK_REASON) if confirmed_participation(nomination) is not None else ALLOW


# The members' actions refused once their recommending unit has confirmed (``edit``: changing the content).
CLOSED_AFTER_CONFIRMATION = frozenset({"submit", "resubmit", "edit"})


def check_accepting_submissions(nomination: Nomination, action: str) -> Decision:
    """Refuse a member's submission or edit once the entry's recommending unit has confirmed; the rule
    lives in ``nominations.confirmation.check_accepting_submissions`` (asked once per instance)."""
    if action not in CLOSED_AFTER_CONFIRMATION or not nomination.recommending_unit_id:
        return ALLOW
    # Inside the function: confirmation imports this module (transition, TRANSITIONS).
    from nominations.confirmation import closed_reason

    participation = confirmed_participation(nomination)
    return Decision.deny(closed_reason(participation)) if participation is not None else ALLOW


def _where(nomination: Nomination) -> str:
    if nomination.domain_id:
        return f"{nomination.ranking_list.name}“{nomination.domain.name}”领域"
    return nomination.ranking_list.name


def check_access(nomination: Nomination, action: str, user: policy.AnyUser) -> Decision:
    """The policy, the role and the state: may ``user`` take ``action`` on this entry at all?"""
    transition = TRANSITIONS.get(action)
    if transition is None:
        return Decision.deny("不支持的操作。")
    decision = policy.may(user, action, nomination)
    if not decision:
        return decision
    if policy.role_of(user) not in transition.roles:
        return Decision.deny(f"您的角色不能进行“{transition.label}”操作。")
    if nomination.state not in transition.sources:
        return Decision.deny(f"当前状态为“{nomination.get_state_display()}”，不能{transition.label}。")
    return ALLOW


def check_action_rule(nomination: Nomination, action: str) -> Decision:
    """The action's rule that lives in another module (``transitions.ACTION_RULES``; imported when asked)."""
    rule = ACTION_RULES.get(action)
    if rule is None:
        return ALLOW
    module, name = rule
    return getattr(import_module(module), name)(nomination)


def check(
    nomination: Nomination,
    action: str,
    user: policy.AnyUser,
    note: str = "",
    override_reason: str = "",
    now: datetime | None = None,
    *,
    typed_assumed: bool = False,
) -> Decision:
    """Every rule of one transition, without changing anything.

    ``typed_assumed``: the rules about what the user is about to type are taken as met (the note, the
    override reason, the form's completeness: checked when the form is sent) — what a button asks to be
    shown enabled (:func:`check_button`)."""
    if typed_assumed:
        note, override_reason = note or "-", override_reason or "-"
    decision = check_access(nomination, action, user)
    if not decision:
        return decision
    transition = TRANSITIONS[action]
    # Before the deadline and completeness: a confirmed unit takes nothing more, whatever the entry.
    decision = check_accepting_submissions(nomination, action)
    if not decision:
        return decision
    if transition.note_required and not (note or "").strip():
        return Decision.deny(f"请填写{transition.note_label}。")
    decision = check_deadline(nomination, transition.deadline, now)
    if not decision:
        return decision
    decision = check_opens(nomination, transition.opens, now)
    if not decision:
        return decision
    decision = ALLOW if typed_assumed else check_complete(nomination, action)
    if not decision:
        return decision
    decision = check_not_confirmed(nomination, action)
    if not decision:
        return decision
    decision = check_action_rule(nomination, action)
    if not decision:
        return decision
    if transition.target == S.RECOMMENDED:
        decision = earlier_listed.check_recommend(nomination, override_reason)
        if not decision:
            return decision
    return check_limit(nomination, transition)


def check_button(nomination: Nomination, action: str, user: policy.AnyUser, now: datetime | None = None) -> Decision:
    """Can the button of ``action`` succeed now, whatever the user will type? (disabled with the reason if not)"""
    return check(nomination, action, user, now=now, typed_assumed=True)


# The row that serialises each limit: the model and the entry's key to it.
_SCOPES = {
    "member_cap": (MemberUnit, "member_unit_id"),
    "unit_quota": (RecommendingUnit, "recommending_unit_id"),
    "pioneer_quota": (Pioneer, "pioneer_id"),
}


def _scope_of(nomination: Nomination, transition: Transition) -> int | None:
    """The key of the row ``_lock_scope`` locks for ``transition`` (``None``: no limit)."""
    scope = _SCOPES.get(transition.limit)
    return getattr(nomination, scope[1]) if scope else None


def _lock_scope(nomination: Nomination, transition: Transition) -> None:
    """Lock the row that serialises the quota or cap being used (no-op on SQLite)."""
    scope = _SCOPES.get(transition.limit)
    if scope:
        locks.serialize_on(scope[0], getattr(nomination, scope[1]))


# The row under its lock, with its relations; compiled once per process (kczg_site/prepared.py).
# of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins.
_LOCKED_ROW = PreparedQuery(
    lambda pk: (
        Nomination.objects.select_for_update(of=("self",), no_key=True)
        .select_related(*NOMINATION_RELATIONS)
        .filter(pk=pk)
    ),
    pk=int,
)


def transition(
    nomination: Nomination, action: str, user: policy.AnyUser, note: str = "", override_reason: str = ""
) -> Nomination:
    """Apply ``action`` to ``nomination`` as ``user``; raise :class:`WorkflowError` with the reason."""
    spec = TRANSITIONS.get(action)
    if spec is None:
        raise WorkflowError(Decision.deny("不支持的操作。"))
    # A refusal ends the transaction normally and is raised after it: nothing was written (rows were
    # only locked), and a rollback makes psycopg forget every statement it prepared on the connection
    # (ROLLBACK and ROLLBACK TO SAVEPOINT alike), so that PostgreSQL would plan the next requests'
    # queries again; at the deadline, refused submits and recommends are a tenth of the requests.
    with transaction.atomic():
        outcome = _apply(nomination, spec, action, user, note, override_reason)
    if isinstance(outcome, Decision):
        raise WorkflowError(outcome)
    _take_over(nomination, outcome)
    return nomination


def _apply(
    nomination: Nomination, spec: Transition, action: str, user: policy.AnyUser, note: str, override_reason: str
) -> Nomination | Decision:
    """The transition inside its transaction: the locked row, transitioned and saved, or the refusal."""
    if spec.limit:
        # The policy and the state first, on a fresh read: a refused action never reaches the
        # quota lock (a secretariat's 推举 has no pioneer to lock: that was a 500). The lock
        # order stays scope, then row, as in ``batch.apply``; every rule is asked again below.
        # The caller's instance was read in this request (and kept up to date by save_draft and
        # _take_over): asked first, it spares a read of the entry with its relations. Only a refusal
        # is confirmed on a fresh read, so a stale instance never refuses what the row allows.
        current = nomination
        decision = check_access(current, action, user)
        if not decision:
            current = Nomination.objects.select_related(*NOMINATION_RELATIONS).get(pk=nomination.pk)
            decision = check_access(current, action, user)
        if not decision:
            return decision
        _lock_scope(current, spec)
    found = _LOCKED_ROW(pk=nomination.pk)
    if not found:
        raise Nomination.DoesNotExist("Nomination matching query does not exist.")
    locked = found[0]
    if spec.limit and _scope_of(locked, spec) != _scope_of(current, spec):
        # The row's unit is not the one locked above (it changed since the instance was read): lock
        # the row's own, so that the cap or quota checked below is serialised on the right row.
        _lock_scope(locked, spec)
    # The deadlines and the confirmation of the checks below: the cached campaign data as of now,
    # under the locks (a change committed since the request began is seen).
    campaign_cache.read_again()
    decision = check(locked, action, user, note=note, override_reason=override_reason)
    if not decision:
        return decision
    now = clock.now()
    from_state = locked.state
    locked.state = spec.target
    locked.updated_at = now
    fields = ["state", "updated_at"]
    if spec.target == S.SUBMITTED:
        locked.submitted_at = now
        fields.append("submitted_at")
    # A flagged entry recommended anyway: its reason (given now, or stored before) is kept on the
    # entry and recorded once, in this transition's audit record.
    overridden = earlier_listed.flagged_item(locked) if spec.target == S.RECOMMENDED else None
    if spec.target == S.RECOMMENDED:
        locked.recommended_at = now
        fields.append("recommended_at")
        if override_reason.strip():
            locked.override_reason = override_reason.strip()
            fields.append("override_reason")
    if action == "unrecommend":
        locked.recommended_at = None
        fields.append("recommended_at")
    locked._change_reason = spec.label
    locked.save(update_fields=fields)
    event_note = note.strip()
    if overridden is not None:
        override = earlier_listed.override_note(overridden, earlier_listed.override_reason_of(locked))
        event_note = (event_note + "\n" if event_note else "") + override
    event = AuditEvent.objects.create(
        at=now,
        actor=user,
        verb=action,
        nomination=locked,
        recommending_unit_id=locked.recommending_unit_id,
        from_state=from_state,
        to_state=spec.target,
        note=event_note,
    )
    transitioned.send(sender=Transition, nomination=locked, actor=user, event=event, transition=spec)
    return locked


def _take_over(nomination: Nomination, locked: Nomination) -> None:
    """Give the caller's instance what the row holds after the transition, instead of reading it again:
    ``locked`` was read under the row lock with its relations and saved (the listeners of ``transitioned``
    save their changes on it too)."""
    for field in Nomination._meta.concrete_fields:
        setattr(nomination, field.attname, getattr(locked, field.attname))
    nomination._state.fields_cache = dict(locked._state.fields_cache)
    nomination.__dict__.pop("_prefetched_objects_cache", None)
