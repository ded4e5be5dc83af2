"""Two submits of one entry at the same moment on SQLite, the embedded default of ``make run``.

SQLite has no row locks: ``select_for_update()`` is a no-op there. With deferred transactions both
requests read the draft, then the second writer is refused at once with "database is locked" (SQLite
will not wait for a lock its own transaction blocks) and the member sees a 500. The settings start
every transaction with BEGIN IMMEDIATE and wait up to 20 seconds for the writer ahead, so the second
submit reads the entry after the first committed and the workflow refuses it with its own reason, as
on PostgreSQL (tests/intake/test_cap_concurrency.py).

The in-memory shared-cache database of the test run does not lock like a file, so this runs in a fresh
interpreter on the real settings and a real SQLite file (``KCZG_VAR_DIR/db.sqlite3``), two threads with
their own connections.
"""

import json

from tests.test_settings import run

RACE = """
import json, threading, django
django.setup()
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from nominations import intake, workflow
from nominations.campaign_data import load_campaign
from nominations.forms.samples import complete_data
from nominations.models import AuditEvent, Domain, Nomination, RankingList, Role, State
from tests.conftest import CAMPAIGN_FILE
from tests.factories import MemberUnitFactory, NominationFactory, RecommendingUnitFactory, make_user
from tests.intake.conftest import OPEN

call_command("migrate", verbosity=0)
campaign = load_campaign(CAMPAIGN_FILE)
tech = RankingList.objects.get(campaign=campaign, code="tech")
electronics = Domain.objects.get(ranking_list=tech, code="electronics")
society = RecommendingUnitFactory(name="中国技术经济学会", channel_codes=["society"])
member_unit = MemberUnitFactory(name="示例科技有限公司", recommending_unit=society)
alice = make_user(Role.MEMBER, "alice", member_unit=member_unit)
data = complete_data("tech", title="并发提交")
data["domain"] = electronics.code
entry = NominationFactory(
    ranking_list=tech, domain=electronics, member_unit=member_unit, created_by=alice,
    state=State.DRAFT, title="并发提交", data=data,
)
connection.close()

barrier = threading.Barrier(2)
results = []

def submit():
    try:
        nomination = Nomination.objects.get(pk=entry.pk)
        barrier.wait(timeout=10)
        intake.submit(nomination, alice)
        results.append("ok")
    except workflow.WorkflowError as exc:
        results.append("refused: " + str(exc))
    except Exception as exc:
        results.append("error: " + type(exc).__name__ + ": " + str(exc))
    finally:
        connections.close_all()

with time_machine.travel(OPEN, tick=False):
    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

entry.refresh_from_db()
print("RESULT " + json.dumps({
    "database": [settings.DATABASES["default"]["ENGINE"], str(settings.DATABASES["default"]["NAME"])],
    "results": sorted(results),
    "state": entry.state,
    "submitted_events": AuditEvent.objects.filter(nomination=entry, verb="submit").count(),
}, ensure_ascii=False))
"""


def test_two_simultaneous_submits_give_one_success_and_one_refusal(tmp_path):
    extra = {"DEMO_CLOCK": "0", "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    result = run(["-c", RACE], extra, tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    found = json.loads(next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))[7:])

    assert found["database"] == ["django.db.backends.sqlite3", str(tmp_path / "var" / "db.sqlite3")]
    ok, refused = found["results"]
    assert ok == "ok", found["results"]
    assert refused.startswith("refused: "), found["results"]
    assert "已提交" in refused and "不能提交" in refused, refused  # the workflow's reason, in Chinese
    assert found["state"] == "submitted"
    assert found["submitted_events"] == 1
