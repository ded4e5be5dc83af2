"""``python manage.py render_official`` — render again the official PDFs that failed or waited too long
(``nominations.official_pdf.retry_unfinished``, also the hourly beat task): e.g. after installing LibreOffice
in the embedded default, where no beat runs."""

from typing import Any

from django.core.management.base import BaseCommand

from nominations import official_pdf
from nominations.models import OfficialState, OfficialVersion


class Command(BaseCommand):
    help = "重新生成失败或长时间未生成的正式版申报书 PDF。"

    def handle(self, *args: Any, **options: Any) -> None:
        ids = official_pdf.retry_unfinished()
        done = OfficialVersion.objects.filter(pk__in=ids, state=OfficialState.DONE).count()
        self.stdout.write(f"已重新提交 {len(ids)} 份正式版申报书的生成，其中 {done} 份已生成。")
