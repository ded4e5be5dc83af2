"""回避 (conflicts of interest): every rule in one place, each with the reason shown to the coordinator.

An expert is in conflict with an entry when

1. **同单位** — the expert's unit is the entry's unit (its member unit, or a completing unit typed in the
   form: ``units``, ``employer``), or a parent or child of it, or the same unit under another name:
   names are compared after ``normalize_name``; an :class:`~reviews.models.Organisation` adds its
   aliases (简称、曾用名) and its parent links (中国科学院 → 中国科学院XX研究所), and a name that begins with a
   known organisation's name counts as a unit of that organisation (中国科学院某某研究所 with only
   中国科学院 known);
2. **推荐单位** — the expert's unit recommended the entry (the entry's recommending unit, same identity);
3. **完成人** — the expert is a completer, leader or nominator of the entry, or of another entry of the
   same group (list and domain): a competitor does not judge the group (persons compared by name:
   ``leader``, ``contact_name``, a person list's ``name``, a pioneer's name);
4. **申报回避** — declared: a :class:`~reviews.models.ConflictDeclaration` on the entry (never
   overridable), or a unit named in the expert's declaration for the body (:class:`ExpertPledge`).

Rules 1–3 and a pledge's unit are automatic: automatic assignment never pairs them, and a coordinator
may still assign by hand with a recorded reason (``assignment.assign``, audited as ``conflict_override``).

Where the rest lives: the known organisations and how two unit names relate, ``reviews.organisations``
(:class:`~reviews.organisations.OrganisationIndex`); the pledge and its declaration, recorded before
the expert's first entry of a body opens, ``reviews.pledge``.
"""

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from nominations.models import Nomination
from reviews.models import (
    ConflictDeclaration,
    ExpertPledge,
    ExpertProfile,
    ReviewBody,
)
from reviews.organisations import OrganisationIndex
from reviews.states import REVIEW_STATES

# Form fields that name units of the entry (完成单位, a person's 工作单位) and persons of the entry.
UNIT_KEYS = ("units", "employer")
PERSON_KEYS = ("leader", "contact_name")
PERSON_LIST_CODES = ("manager",)  # lists whose entry is a person: the form's ``name`` is a person
_SPLIT = "、,，;；/\n"


@dataclass(frozen=True)
class Conflict:
    rule: str  # same_unit, recommending_unit, completer, declared, pledge_unit
    reason: str
    overridable: bool = True


# ---------------------------------------------------------------- the entries


def split_names(text: object) -> list[str]:
    if not isinstance(text, str):
        return []
    for sep in _SPLIT:
        text = text.replace(sep, "、")
    return [part.strip() for part in text.split("、") if part.strip()]


def person_key(name: str | None) -> str:
    text = unicodedata.normalize("NFKC", name or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in "·•.").lower()


def entry_units(nomination: Nomination) -> list[str]:
    """The units of an entry for rule 1: its member unit and the completing units typed in its form
    (remembered on the object for the pairs of one computation)."""
    cached = getattr(nomination, "_avoidance_units", None)
    if cached is not None:
        return cached
    names = [nomination.member_unit.name] if nomination.member_unit_id else []
    data = nomination.data if isinstance(nomination.data, dict) else {}
    for key in UNIT_KEYS:
        names += split_names(data.get(key))
    if nomination.pioneer_id and nomination.pioneer.organization:
        names.append(nomination.pioneer.organization)
    nomination._avoidance_units = list(dict.fromkeys(names))
    return nomination._avoidance_units


def entry_persons(list_code: str, data: object, pioneer_name: str = "") -> set[str]:
    """The persons of an entry (normalised names) for rule 3."""
    data = data if isinstance(data, dict) else {}
    names = [data.get(key) for key in PERSON_KEYS]
    if list_code in PERSON_LIST_CODES:
        names.append(data.get("name"))
    names.append(pioneer_name)
    return {key for name in names if isinstance(name, str) and (key := person_key(name))}


# ---------------------------------------------------------------- the experts


@dataclass
class ExpertFacts:
    """What the rules need of one expert."""

    pk: int
    name: str
    units: list[str]
    declared_units: list[str] = field(default_factory=list)


def expert_facts(experts: Iterable[AbstractBaseUser], body: ReviewBody | None = None) -> dict[int, ExpertFacts]:
    """Per expert id: name, units (the pool profile's organisation, else the account's 所在单位) and the
    units declared in the pledge for ``body`` (two queries)."""
    experts = list(experts)
    pool = {
        p.user_id: p
        for p in ExpertProfile.objects.filter(user__in=[e.pk for e in experts]).select_related("organisation")
    }
    declared = defaultdict(list)
    if body is not None:
        for expert_id, units in ExpertPledge.objects.filter(body=body, expert__in=[e.pk for e in experts]).values_list(
            "expert_id", "declared_units"
        ):
            declared[expert_id] = [u for u in units or [] if isinstance(u, str)]
    facts = {}
    for expert in experts:
        profile = getattr(expert, "profile", None)
        units = []
        if expert.pk in pool and pool[expert.pk].organisation_id:
            units.append(pool[expert.pk].organisation.name)
        if profile is not None and profile.organization:
            units.append(profile.organization)
        name = (profile.display_name if profile else "") or ""
        facts[expert.pk] = ExpertFacts(expert.pk, name, list(dict.fromkeys(units)), declared[expert.pk])
    return facts


# ---------------------------------------------------------------- the rules


_WORDS = {"same": "相同", "related": "为上下级单位或同一单位的不同名称"}


def _unit_rule(
    index: OrganisationIndex, facts: ExpertFacts, names: list[str], rule: str, label: str
) -> Conflict | None:
    for unit in facts.units:
        for name in names:
            relation = index.relation(unit, name)
            if relation:
                reason = f"专家所在单位“{unit}”与{label}“{name}”{_WORDS[relation]}"
                return Conflict(rule, reason)
    return None


def same_unit(index: OrganisationIndex, facts: ExpertFacts, nomination: Nomination) -> Conflict | None:
    """Rule 1: the expert's unit and the entry's units."""
    return _unit_rule(index, facts, entry_units(nomination), "same_unit", "申报单位")


def recommending_unit(index: OrganisationIndex, facts: ExpertFacts, nomination: Nomination) -> Conflict | None:
    """Rule 2: the expert's unit recommended the entry."""
    if not nomination.recommending_unit_id:
        return None
    found = _unit_rule(index, facts, [nomination.recommending_unit.name], "recommending_unit", "推荐单位")
    if found is None:
        return None
    return Conflict("recommending_unit", found.reason + "（专家所在单位推荐了该申报）")


def declared_unit(index: OrganisationIndex, facts: ExpertFacts, nomination: Nomination) -> Conflict | None:
    """Rule 4 (automatic part): a unit the expert declared a relation with in the pledge."""
    if not facts.declared_units:
        return None
    names = list(entry_units(nomination))
    if nomination.recommending_unit_id:
        names.append(nomination.recommending_unit.name)
    for unit in facts.declared_units:
        for name in names:
            if index.relation(unit, name):
                return Conflict("pledge_unit", f"专家在回避声明中申报与“{unit}”存在关联，与“{name}”相关")
    return None


@dataclass
class GroupPersons:
    """Per group (list, domain): person key → the entries (id, title) naming that person."""

    by_group: dict[tuple[int, int | None], dict[str, list[tuple[int, str]]]] = field(default_factory=dict)

    @classmethod
    def load(cls, nominations: list[Nomination]) -> "GroupPersons":
        groups = {(n.ranking_list_id, n.domain_id) for n in nominations}
        found = cls()
        if not groups:
            return found
        campaigns = {n.campaign_id for n in nominations}
        in_groups = Q()
        for list_id, domain_id in groups:
            in_groups |= (
                Q(ranking_list_id=list_id, domain_id=domain_id)
                if domain_id
                else Q(ranking_list_id=list_id, domain__isnull=True)
            )
        # Only the persons' fields of the form, never the whole form data of every entry of the group.
        person_fields = [f"data__{key}" for key in (*PERSON_KEYS, "name")]
        rows = [
            (pk, title, list_id, domain_id, code, dict(zip((*PERSON_KEYS, "name"), values, strict=True)), pioneer)
            for pk, title, list_id, domain_id, code, pioneer, *values in Nomination.objects.filter(
                in_groups, campaign_id__in=campaigns, state__in=REVIEW_STATES
            ).values_list(
                "pk", "title", "ranking_list_id", "domain_id", "ranking_list__code", "pioneer__name", *person_fields
            )
        ]
        extra = [
            (n.pk, n.title, n.ranking_list_id, n.domain_id, n.ranking_list.code, n.data, _pioneer_name(n))
            for n in nominations
        ]
        seen = set()
        for pk, title, list_id, domain_id, code, data, pioneer in [*extra, *rows]:
            if (list_id, domain_id) not in groups or pk in seen:
                continue
            seen.add(pk)
            persons = found.by_group.setdefault((list_id, domain_id), {})
            for key in entry_persons(code, data, pioneer or ""):
                persons.setdefault(key, []).append((pk, title))
        return found


def _pioneer_name(nomination: Nomination) -> str:
    return nomination.pioneer.name if nomination.pioneer_id else ""


def completer(persons: GroupPersons, facts: ExpertFacts, nomination: Nomination) -> Conflict | None:
    """Rule 3: the expert is a person of this entry, or of another entry of the same group."""
    key = person_key(facts.name)
    if not key:
        return None
    named = persons.by_group.get((nomination.ranking_list_id, nomination.domain_id), {}).get(key, [])
    for pk, _title in named:
        if pk == nomination.pk:
            return Conflict("completer", f"专家“{facts.name}”是该申报的完成人或推荐人")
    if named:
        pk, title = named[0]
        return Conflict("completer", f"专家“{facts.name}”是同组申报“{title}”的完成人或推荐人")
    return None


def conflicts_between(
    nominations: Iterable[Nomination], experts: Iterable[AbstractBaseUser], body: ReviewBody | None = None
) -> dict[tuple[int, int], list[Conflict]]:
    """``{(nomination_id, expert_id): [conflicts]}`` of every rule (a handful of queries).

    ``nominations`` with member unit, recommending unit, list and pioneer loaded; ``experts`` with
    their profiles; ``body``: the body whose pledges count (default: each entry's dispatch body)."""
    nominations = list(nominations)
    experts = list(experts)
    found: dict[tuple[int, int], list[Conflict]] = defaultdict(list)
    if not nominations or not experts:
        return {}
    if body is None:
        body = getattr(getattr(nominations[0], "dispatch", None), "body", None)
    index = OrganisationIndex.load()
    facts = expert_facts(experts, body)
    persons = GroupPersons.load(nominations)
    for nomination in nominations:
        for expert in experts:
            fact = facts[expert.pk]
            for rule in (same_unit, recommending_unit, declared_unit):
                conflict = rule(index, fact, nomination)
                if conflict:
                    found[(nomination.pk, expert.pk)].append(conflict)
            conflict = completer(persons, fact, nomination)
            if conflict:
                found[(nomination.pk, expert.pk)].append(conflict)
    for declaration in ConflictDeclaration.objects.filter(
        nomination__in=[n.pk for n in nominations], expert__in=[e.pk for e in experts]
    ):
        found[(declaration.nomination_id, declaration.expert_id)].append(
            Conflict("declared", f"专家申报回避（{declaration.get_kind_display()}）", overridable=False)
        )
    return dict(found)


def reason_text(items: Iterable[Conflict]) -> str:
    return "；".join(item.reason for item in items)
