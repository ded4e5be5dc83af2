"""``python manage.py export_nominations --campaign 2023 --format xlsx --output FILE`` — the Excel workbook."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from nominations.models import ExportKind

from ._export_common import add_filter_arguments, run


class Command(BaseCommand):
    help = "导出申报汇总 Excel 工作簿（每个榜单一个工作表，另附名额使用表）。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        add_filter_arguments(parser)
        parser.add_argument("--format", default="xlsx", choices=["xlsx"], help="导出格式（目前仅 xlsx）")

    def handle(self, *args: Any, **options: Any) -> None:
        run(self, ExportKind.XLSX, options, "到 Excel")
