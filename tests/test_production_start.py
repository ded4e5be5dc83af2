"""The README's production steps and the script CI runs are one: README names what
scripts/production_start.sh runs, and .ci/run runs that script (scripts/ci_production_start.sh)."""

import re

from django.conf import settings

BASE_DIR = settings.BASE_DIR


def production_section() -> str:
    readme = (BASE_DIR / "README.md").read_text()
    start = readme.index("## Running in production")
    return readme[start : readme.index("\n### ", start)]


def test_the_readme_starts_production_with_the_script_ci_runs():
    section = production_section()
    assert re.search(r"^scripts/production_start\.sh\b", section, re.MULTILINE), "the README's sketch runs the script"
    ci = (BASE_DIR / ".ci" / "run").read_text()
    assert re.search(r"^[^#\n]*bash scripts/ci_production_start\.sh", ci, re.MULTILINE)
    wrapper = (BASE_DIR / "scripts" / "ci_production_start.sh").read_text()
    assert 'bash "$WORK/scripts/production_start.sh"' in wrapper


def test_every_step_the_readme_lists_is_in_the_script():
    script = (BASE_DIR / "scripts" / "production_start.sh").read_text()
    steps = re.findall(r"^\d+\. (.+(?:\n   .+)*)", production_section(), re.MULTILINE)
    commands = [
        code
        for step in steps
        for code in re.findall(r"`([^`]+)`", step)
        if any(word in code for word in ("manage.py", "pip install", "gunicorn", "venv"))
    ]
    assert len(commands) >= 8, commands
    missing = [command for command in commands if command not in script]
    assert missing == [], f"the README lists steps scripts/production_start.sh does not run: {missing}"
    for needle in ("check --deploy", "migrate", "collectstatic", "load_campaign", "createsuperuser --noinput"):
        assert needle in " ".join(commands), needle
