"""Which fields of a form definition a public profile shows (the ``publishable`` flag, per campaign year).

The form definitions are Python (``nominations/forms/``), not campaign data, so the flag lives here:
``PUBLISHABLE[(year, list_code)]`` lists the field keys. Never a contact field.
"""

from nominations.forms import get_definition

PUBLISHABLE: dict[tuple[int, str], tuple[str, ...]] = {
    (2023, "tech"): ("name", "maturity"),
    (2023, "enterprise"): ("name", "founded", "business"),
    (2023, "organization"): ("name", "org_type", "mechanism"),
    (2023, "manager"): ("name", "case_name", "summary"),
}
SUMMARY_KEYS = ("summary", "business", "mechanism", "introduction", "achievements")


def publishable_fields(nomination) -> list[dict]:
    """``[{"label", "value"}]`` of the entry's publishable fields (a snapshot for ``ListedProfile``)."""
    keys = PUBLISHABLE.get((nomination.campaign.year, nomination.ranking_list.code), ())
    try:
        definition = get_definition(nomination.ranking_list.code, nomination.campaign.year)
    except LookupError:  # an entry without a definition shows no fields
        return []
    fields = {field.key: field for field in definition.fields}
    data = nomination.data or {}
    rows = []
    for key in keys:
        value = data.get(key)
        if key in fields and isinstance(value, str | int | float) and str(value).strip():
            shown = dict(fields[key].choices).get(value, value)
            rows.append({"label": fields[key].label, "value": str(shown)[:2000]})
    return rows


def summary_of(nomination) -> str:
    data = nomination.data or {}
    for key in SUMMARY_KEYS:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:500]
    return ""
