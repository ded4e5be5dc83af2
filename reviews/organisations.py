"""The known organisations (单位) for 回避: names, aliases (简称、曾用名) and parent links, and how two
unit names relate (the same unit, a parent or child of it, or not at all).

The rows are :class:`~reviews.models.Organisation` and :class:`~reviews.models.OrganisationAlias`
(names compared after ``normalize_name``); the conflict rules that ask :meth:`OrganisationIndex.relation`
are ``reviews.avoidance``; ``reviews.pool.organisation_for`` files a new name.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from nominations.rules.duplicates import normalize_name
from reviews.models import Organisation, OrganisationAlias

MIN_PREFIX = 4  # a known organisation's name shorter than this never claims other names as its units


@dataclass
class OrganisationIndex:
    """The known organisations: every normalised name and alias → organisation id, and the parents."""

    by_key: dict[str, int] = field(default_factory=dict)
    parent: dict[int, int | None] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    _memo: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "OrganisationIndex":
        index = cls()
        for pk, name, key, parent in Organisation.objects.values_list("pk", "name", "key", "parent_id"):
            index.by_key[key] = pk
            index.parent[pk] = parent
            index.names[pk] = name
        for key, organisation in OrganisationAlias.objects.values_list("key", "organisation_id"):
            index.by_key.setdefault(key, organisation)
        return index

    def resolve(self, key: str) -> int | None:
        """The organisation of a normalised name: its own or an alias; else the known organisation whose
        name the name begins with (the longest), as a unit of it."""
        if key in self.by_key:
            return self.by_key[key]
        best = None
        for size in range(len(key) - 1, MIN_PREFIX - 1, -1):
            if key[:size] in self.by_key:
                best = self.by_key[key[:size]]
                break
        return best

    def lineage(self, pk: int) -> list[int]:
        chain, seen = [], set()
        while pk is not None and pk not in seen:
            chain.append(pk)
            seen.add(pk)
            pk = self.parent.get(pk)
        return chain

    def relation(self, a: str, b: str) -> str:
        """How two unit names are related for 回避: ``"same"``, ``"related"`` (parent or child, or one
        a unit of the other), or ``""``."""
        ka, kb = _key(a), _key(b)
        if not ka or not kb:
            return ""
        if ka == kb:
            return "same"
        memo = self._memo.get((ka, kb))
        if memo is not None:
            return memo
        answer = ""
        ia, ib = self.resolve(ka), self.resolve(kb)
        if ia is not None and ib is not None:
            if ia == ib:
                # Both names are the organisation itself (aliases) or one is a unit named after it.
                exact = ka in self.by_key and kb in self.by_key
                answer = "same" if exact else "related"
            elif ia in self.lineage(ib) or ib in self.lineage(ia):
                answer = "related"
        self._memo[(ka, kb)] = answer
        return answer


@lru_cache(maxsize=4096)
def _key(name: str) -> str:
    return normalize_name(name)
