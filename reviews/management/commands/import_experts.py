"""``python manage.py import_experts FILE --as COORDINATOR`` — the coordinator's Excel import of experts.

The same rules as the page (``reviews.pool``): the upload checks, every row checked with its number,
nothing saved unless every row is fine; audited as the coordinator given with ``--as``.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from nominations.rules.decision import Refused
from reviews import pool
from reviews.queries.reviewers import reviewer_body


class Command(BaseCommand):
    help = "Import experts into the pool from an Excel sheet (columns: " + "、".join(pool.COLUMNS) + ")."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlsx file.")
        parser.add_argument("--as", dest="username", required=True, help="The coordinator of the body.")
        parser.add_argument("--dry-run", action="store_true", help="Check the rows only.")

    def handle(self, *args, file, username, dry_run=False, **options):
        user = get_user_model().objects.filter(username=username).first()
        body = reviewer_body(user) if user is not None else None
        if body is None:
            raise CommandError(f"{username}：不是初评机构的联络人。")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        try:
            with path.open("rb") as handle:
                preview = pool.preview_import(user, body, File(handle, name=path.name))
            for error in preview.errors:
                self.stderr.write(error)
            for row in preview.bad_rows:
                self.stderr.write(f"第 {row.number} 行：{' '.join(row.errors)}")
            if not preview.ok:
                raise CommandError("表格存在问题，本次未导入任何数据。")
            if dry_run:
                self.stdout.write(f"检查通过：{len(preview.rows)} 名专家（未导入）。")
                return
            saved = pool.apply_import(user, body, preview.payload())
        except Refused as refusal:
            raise CommandError(refusal.reason) from refusal
        self.stdout.write(f"已导入专家 {len(saved)} 名到{body}。")
