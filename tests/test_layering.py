"""Imports run one way: kczg_site <- nominations <- reviews.

The core offers registries that the reviews app fills at ready() (``reviews/hooks.py``); so no module
of nominations imports reviews, and no module of kczg_site imports nominations or reviews — at the top
of a file or inside a function. ``lint-imports`` (in .ci/run) checks the same contract.
"""

import ast
from pathlib import Path

import pytest

from nominations import call_page, campaign_data, demo, exports, policy, workflow
from nominations.models import Role
from nominations.models.exports import REVIEW_KINDS
from reviews import exports as review_exports
from reviews import final, hooks
from reviews.policy import visible_nominations_for_reviewer

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "reviews": {"promotion"},
    "nominations": {"reviews", "promotion"},
    "kczg_site": {"nominations", "reviews", "promotion"},
}


def imported_packages(path: Path) -> list[tuple[int, str]]:
    """``(line, top-level package)`` of every absolute import in the file, wherever it stands."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


def violations(package: str) -> list[str]:
    forbidden = FORBIDDEN[package]
    return [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, target in imported_packages(path)
        if target in forbidden
    ]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_lower_layers_do_not_import_higher_ones(package):
    assert violations(package) == []


def test_the_scan_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text("def f():\n    from reviews.models import ReviewBody\n    import nominations.policy\n")
    assert imported_packages(source) == [(2, "reviews"), (3, "nominations")]


def test_the_review_side_is_registered_with_the_core():
    """What the core used to import from reviews is now handed over at ready()."""
    assert policy.VISIBLE_FOR_ROLE[Role.EXPERT] is visible_nominations_for_reviewer
    assert policy.VISIBLE_FOR_ROLE[Role.COORDINATOR] is visible_nominations_for_reviewer
    assert all(exports.export_kind(kind) is review_exports for kind in REVIEW_KINDS)
    assert workflow.OPENS_CHECKS["dispatch"] is final.check_opens
    assert workflow.OPENS_CHECKS["publication"] is final.check_opens
    assert hooks.CALL_PAGE_SECTION in call_page.SECTIONS
    assert campaign_data.SECTION_LOADERS["review_bodies"] is hooks.load_review_bodies
    assert demo._review_side().body is not None
