"""Which fields of a form definition a public profile shows: those the definition marks ``publishable``
(``Field(publishable=True)`` in ``nominations/forms/``, per definition, i.e. per campaign year).

A contact field is never publishable: ``Definition`` refuses the flag on one when it is built.
"""

from nominations.forms import get_definition

SUMMARY_KEYS = ("summary", "business", "mechanism", "introduction", "achievements")


def publishable_fields(nomination) -> list[dict]:
    """``[{"label", "value"}]`` of the entry's publishable fields (a snapshot for ``ListedProfile``)."""
    try:
        definition = get_definition(nomination.ranking_list.code, nomination.campaign.year)
    except LookupError:  # an entry without a definition shows no fields
        return []
    data = nomination.data or {}
    rows = []
    for spec in definition.publishable_fields:
        value = data.get(spec.key)
        if isinstance(value, str | int | float) and str(value).strip():
            shown = dict(spec.choices).get(value, value)
            rows.append({"label": spec.label, "value": str(shown)[:2000]})
    return rows


def summary_of(nomination) -> str:
    data = nomination.data or {}
    for key in SUMMARY_KEYS:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:500]
    return ""
