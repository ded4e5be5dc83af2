"""Form definitions, one per list and campaign year: the single source for the web form, its
validation, the read-only display and the admin (and later the Word 附件2 and Excel columns).

``get_definition(list_code, year)`` finds the definition registered for that year, else the latest
one registered for the list before that year, else the latest one for the list. A new campaign year
with a changed form registers a new :class:`Definition` with its year; nothing else changes.
"""

from . import enterprise, manager, organization, tech
from .builder import NominationForm
from .types import Definition, Field, Kind

_REGISTRY = {}


def register(definition):
    _REGISTRY[(definition.year, definition.list_code)] = definition
    return definition


for _module in (tech, enterprise, organization, manager):
    register(_module.DEFINITION)


def get_definition(list_code, year=None):
    """The definition of ``list_code`` for campaign ``year`` (with the fallbacks above)."""
    candidates = sorted((y, d) for (y, code), d in _REGISTRY.items() if code == list_code)
    if not candidates:
        raise LookupError(f"No form definition for list {list_code!r}")
    if year is not None:
        earlier = [d for y, d in candidates if y <= year]
        if earlier:
            return earlier[-1]
    return candidates[-1][1]


def definition_for(nomination):
    """The definition of a nomination's list and campaign year."""
    return get_definition(nomination.ranking_list.code, nomination.campaign.year)


def build_form(nomination, data=None, *, complete=False):
    """The web form of ``nomination``: bound to ``data`` (a POST) or showing what is stored."""
    definition = definition_for(nomination)
    return NominationForm(
        definition,
        data=data,
        complete=complete,
        ranking_list=nomination.ranking_list,
        stored=stored_values(nomination, definition),
    )


def stored_values(nomination, definition=None):
    """The stored data, with the domain taken from the nomination itself."""
    definition = definition or definition_for(nomination)
    values = dict(nomination.data or {})
    for spec in definition.fields:
        if spec.kind == Kind.DOMAIN:
            values[spec.key] = nomination.domain.code if nomination.domain_id else values.get(spec.key, "")
    return values


__all__ = [
    "Definition",
    "Field",
    "Kind",
    "NominationForm",
    "build_form",
    "definition_for",
    "get_definition",
    "register",
    "stored_values",
]
