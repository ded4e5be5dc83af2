"""Paging the review pages' entry tables: a list/domain filter and 50 rows a page.

Ranks are computed over every entry of a list/domain first; only then are the rows sliced, so a page
shows the same ranks as the whole table would.
"""


def group_key(ranking_list_id, domain_id):
    """``"3-12"`` for a list/domain, ``"3"`` for a list without domains: the ``group`` query value."""
    return f"{ranking_list_id}-{domain_id}" if domain_id else str(ranking_list_id)


def parse_group(value):
    """The normalised group key of a ``group`` query value, or ``None`` (all) for anything else."""
    parts = (value or "").split("-")
    if not 1 <= len(parts) <= 2 or not all(part.isascii() and part.isdigit() and len(part) < 10 for part in parts):
        return None
    return group_key(int(parts[0]), int(parts[1]) if len(parts) == 2 else None)


def split_group(key):
    """``(ranking_list_id, domain_id or None)`` of a normalised group key."""
    list_id, _, domain_id = key.partition("-")
    return int(list_id), int(domain_id) if domain_id else None


def regroup(pairs):
    """``[(group, item)]`` in order → ``[(group, [items])]``, one entry per run of the same group."""
    result = []
    for group, item in pairs:
        if result and result[-1][0] is group:
            result[-1][1].append(item)
        else:
            result.append((group, [item]))
    return result
