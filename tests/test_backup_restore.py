"""Backup and restore: scripts/backup.sh, then scripts/restore.sh into an empty database, lose nothing.

Data is created through the real services (intake, workflow) and committed, the test database is
dumped with pg_dump and restored with pg_restore into a new database with a unique name, which is
dropped at the end. Every table must come back row for row, every sequence at the same value, and
every attachment's file byte for byte in the restored media folder.

Run with ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/secbackup`` (skipped on SQLite).
"""

import os
import subprocess
import uuid
from datetime import datetime
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import psycopg
import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from psycopg import sql

from nominations import intake, opinions, workflow
from nominations.forms.samples import complete_data
from nominations.models import Attachment, AuditEvent, Nomination, State

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEIJING = ZoneInfo("Asia/Shanghai")
COLLECTION = datetime(2023, 11, 15, 10, 0, tzinfo=BEIJING)
TRIAGE = datetime(2023, 11, 25, 10, 0, tzinfo=BEIJING)
SCRIPTS = settings.BASE_DIR / "scripts"

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def database_url(name=None):
    """A libpq URL for the test database (or another database ``name`` on the same server)."""
    params = connection.settings_dict
    user = quote(params["USER"] or "", safe="")
    password = quote(params["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = params["HOST"] or "127.0.0.1"
    port = f":{params['PORT']}" if params["PORT"] else ""
    return f"postgresql://{credentials}{host}{port}/{quote(name or params['NAME'], safe='')}"


def run_script(name, *args, env):
    full_env = {**os.environ, **env, "PYTHON": str(settings.BASE_DIR / ".venv" / "bin" / "python")}
    if not os.path.exists(full_env["PYTHON"]):
        import sys

        full_env["PYTHON"] = sys.executable
    return subprocess.run(
        ["bash", str(SCRIPTS / name), *map(str, args)],
        cwd=settings.BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def snapshot(url):
    """Every table of the public schema as sorted row texts, and every sequence's position."""
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        rows = {
            table: [
                row[0]
                for row in conn.execute(
                    sql.SQL("SELECT t::text FROM {} AS t ORDER BY 1").format(sql.Identifier(table))
                ).fetchall()
            ]
            for table in tables
        }
        sequences = {
            name: conn.execute(sql.SQL("SELECT last_value, is_called FROM {}").format(sql.Identifier(name))).fetchone()
            for (name,) in conn.execute(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"
            ).fetchall()
        }
    return rows, sequences


@pytest.fixture
def populated(campaign, tech, electronics, enterprise, member_user, secretariat_user):
    """Entries in several states with attachments and audit records, created through the services."""
    with time_machine.travel(COLLECTION, tick=False):
        recommended = intake.create_nomination(member_user, tech, electronics)
        intake.save_draft(
            recommended,
            member_user,
            complete_data("tech", title="柔性电子多维感知及应用(备份测试)", domain=electronics.code),
            recommended.version,
        )
        intake.add_attachment(recommended, member_user, SimpleUploadedFile("专利证书.pdf", PDF_BYTES), "专利证书")
        intake.add_attachment(recommended, member_user, SimpleUploadedFile("现场照片.png", PNG_BYTES))
        recommended.refresh_from_db()
        intake.submit(recommended, member_user)

        returned = intake.create_nomination(member_user, enterprise)
        intake.save_draft(
            returned, member_user, complete_data("enterprise", title="示例科技有限公司"), returned.version
        )
        intake.add_attachment(returned, member_user, SimpleUploadedFile("营业执照.pdf", PDF_BYTES + b"%2\n"))
        returned.refresh_from_db()
        intake.submit(returned, member_user)

        draft = intake.create_nomination(member_user, tech, electronics)
        intake.save_draft(draft, member_user, {"name": "尚未提交的草稿 <b>&"}, draft.version)

    with time_machine.travel(TRIAGE, tick=False):
        workflow.transition(Nomination.objects.get(pk=recommended.pk), "accept", secretariat_user)
        opinions.write_opinion(Nomination.objects.get(pk=recommended.pk), secretariat_user, "同意推荐。")
        workflow.transition(Nomination.objects.get(pk=recommended.pk), "recommend", secretariat_user)
        workflow.transition(Nomination.objects.get(pk=returned.pk), "return", secretariat_user, note="请补充财务数据")

    assert Nomination.objects.get(pk=recommended.pk).state == State.RECOMMENDED
    assert Nomination.objects.get(pk=returned.pk).state == State.RETURNED
    assert Attachment.objects.count() == 3
    assert AuditEvent.objects.count() >= 10
    return {"recommended": recommended.pk, "returned": returned.pk, "draft": draft.pk}


@pytest.fixture
def restore_target():
    """A database name nobody uses; dropped (with any connections to it) at the end."""
    name = f"kczg_restore_{uuid.uuid4().hex[:12]}"
    yield name
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_backup_restores_every_entry_attachment_and_audit_record(populated, restore_target, tmp_path):
    source_url = database_url()
    media_root = settings.MEDIA_ROOT
    backup = run_script("backup.sh", tmp_path / "backups", env={"DATABASE_URL": source_url, "MEDIA_ROOT": media_root})
    assert backup.returncode == 0, backup.stdout + backup.stderr
    backup_dir = backup.stdout.strip().splitlines()[-1]
    assert {path.name for path in (tmp_path / "backups").iterdir()} == {os.path.basename(backup_dir)}
    assert sorted(os.listdir(backup_dir)) == ["SHA256SUMS", "database.dump", "media.tar.gz"]

    restored_media = tmp_path / "restored-media"
    target_url = database_url(restore_target)
    restore = run_script("restore.sh", backup_dir, env={"DATABASE_URL": target_url, "MEDIA_ROOT": restored_media})
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "申报 3 条,附件 3 个" in restore.stdout

    # Row for row: every table (entries, attachments, audit, users, campaign, history, ...).
    source_rows, source_sequences = snapshot(source_url)
    restored_rows, restored_sequences = snapshot(target_url)
    assert set(restored_rows) == set(source_rows)
    for table, rows in source_rows.items():
        assert restored_rows[table] == rows, table
    # New rows after a restore do not collide with restored ones.
    assert restored_sequences == source_sequences

    # And by name: each entry, each attachment reference with its file, each audit record.
    with psycopg.connect(target_url) as conn:
        states = dict(conn.execute("SELECT id, state FROM nominations_nomination").fetchall())
        files = conn.execute("SELECT nomination_id, file, original_name, size FROM nominations_attachment").fetchall()
        events = conn.execute(
            "SELECT id, nomination_id, verb, from_state, to_state, note, at FROM nominations_auditevent ORDER BY id"
        ).fetchall()
    assert states == {
        populated["recommended"]: State.RECOMMENDED,
        populated["returned"]: State.RETURNED,
        populated["draft"]: State.DRAFT,
    }
    expected_files = {
        (attachment.nomination_id, attachment.file.name, attachment.original_name, attachment.size)
        for attachment in Attachment.objects.all()
    }
    assert set(files) == expected_files
    for _nomination_id, name, _original, size in files:
        restored_file = restored_media / name
        assert restored_file.is_file(), name
        assert restored_file.stat().st_size == size
        assert restored_file.read_bytes() == (media_root / name).read_bytes()
    expected_events = list(
        AuditEvent.objects.order_by("id").values_list(
            "id", "nomination_id", "verb", "from_state", "to_state", "note", "at"
        )
    )
    assert events == expected_events
    assert ("return", "请补充财务数据") in {(event[2], event[5]) for event in events}

    # A second restore onto the now populated database and media folder is refused, changing nothing.
    again = run_script("restore.sh", backup_dir, env={"DATABASE_URL": target_url, "MEDIA_ROOT": tmp_path / "empty"})
    assert again.returncode != 0
    assert "只能恢复到空数据库" in again.stderr
    assert snapshot(target_url) == (restored_rows, restored_sequences)
    refused_media = run_script("restore.sh", backup_dir, env={"DATABASE_URL": target_url, "MEDIA_ROOT": restored_media})
    assert refused_media.returncode != 0
    assert "不为空" in refused_media.stderr


def test_restore_refuses_a_damaged_backup(populated, restore_target, tmp_path):
    backup = run_script(
        "backup.sh", tmp_path / "backups", env={"DATABASE_URL": database_url(), "MEDIA_ROOT": settings.MEDIA_ROOT}
    )
    assert backup.returncode == 0, backup.stderr
    backup_dir = backup.stdout.strip().splitlines()[-1]
    with open(os.path.join(backup_dir, "database.dump"), "r+b") as dump:
        dump.seek(100)
        dump.write(b"\x00" * 16)
    restore = run_script(
        "restore.sh", backup_dir, env={"DATABASE_URL": database_url(restore_target), "MEDIA_ROOT": tmp_path / "m"}
    )
    assert restore.returncode != 0
    assert "校验和不符" in restore.stderr
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        assert conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [restore_target]).fetchone() is None
    assert urlsplit(database_url(restore_target)).path == f"/{restore_target}"
