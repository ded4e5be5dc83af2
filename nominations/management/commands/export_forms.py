"""``python manage.py export_forms --campaign 2023 --output FILE.zip [--with-attachments] [--format pdf]`` —
the Word 附件2 forms as one ZIP; with ``--with-attachments``, one folder per entry with its attachments
and the manifests; with ``--format pdf``, the PDFs instead (``nominations.official_pdf.write_pdf_zip``): an
entry whose unit has confirmed gets its official version as stored, every other one its draft (the
Word form converted with the watermark), many forms per ``soffice`` call, one call per core at a time."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from nominations import exports, official_pdf
from nominations.documents import pdf
from nominations.models import ExportKind
from nominations.rules.decision import Refused

from ._export_common import add_attachments_argument, add_filter_arguments, filters_from, run


class Command(BaseCommand):
    help = "导出申报样表（附件2）：每条申报一个 .docx（或 --format pdf：PDF），打包为 ZIP。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        add_filter_arguments(parser)
        add_attachments_argument(parser)
        parser.add_argument(
            "--format",
            choices=["docx", "pdf"],
            default="docx",
            help="docx（默认，Word）或 pdf：已确认推荐的申报为正式版，其余为带水印的草稿",
        )
        parser.add_argument("--workers", type=int, default=0, help="并行的 LibreOffice 进程数（默认每个 CPU 核一个）")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=pdf.BATCH_SIZE,
            help=f"每个 LibreOffice 进程转换的文件数（默认 {pdf.BATCH_SIZE}，最多 {pdf.MAX_FILES_PER_CALL}）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["format"] == "docx":
            what = "的 Word 申报表和附件" if options.get("with_attachments") else "的 Word 申报表"
            run(self, ExportKind.DOCX_ZIP, options, what)
            return
        if options.get("with_attachments"):
            raise CommandError("PDF 导出暂不包含附件，请去掉 --with-attachments，或导出 Word 格式。")
        filters = filters_from(options)
        verbosity = options.get("verbosity", 1)

        def progress(done: int) -> None:
            if verbosity > 1:
                self.stderr.write(f"已生成 {done} 份 PDF")

        try:
            written, failed = official_pdf.export_pdfs(
                options["output"],
                filters,
                workers=options["workers"] or None,
                batch_size=max(1, options["batch_size"]),
                progress=progress,
            )
        except Refused as refusal:
            raise CommandError(refusal.reason) from refusal
        self.stdout.write(f"已导出 {written} 条申报的 PDF 申报表（{exports.describe(filters)}）：{options['output']}")
        if failed:
            raise CommandError(f"{len(failed)} 份 PDF 生成失败：{'、'.join(failed[:10])}")
