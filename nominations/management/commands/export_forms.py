"""``python manage.py export_forms --campaign 2023 --output FILE.zip [--with-attachments]`` — the Word 附件2
forms as one ZIP; with ``--with-attachments``, one folder per entry with its attachments and the manifests."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from nominations.models import ExportKind

from ._export_common import add_attachments_argument, add_filter_arguments, run


class Command(BaseCommand):
    help = "导出 Word 申报样表（附件2），每条申报一个 .docx，打包为 ZIP。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        add_filter_arguments(parser)
        add_attachments_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        what = "的 Word 申报表和附件" if options.get("with_attachments") else "的 Word 申报表"
        run(self, ExportKind.DOCX_ZIP, options, what)
