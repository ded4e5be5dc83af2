"""``python manage.py export_forms --campaign 2023 --output FILE.zip`` — the Word 附件2 forms as one ZIP."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from nominations.models import ExportKind

from ._export_common import add_filter_arguments, run


class Command(BaseCommand):
    help = "导出 Word 申报样表（附件2），每条申报一个 .docx，打包为 ZIP。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        add_filter_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        run(self, ExportKind.DOCX_ZIP, options, "的 Word 申报表")
