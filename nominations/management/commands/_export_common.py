"""Options shared by ``export_nominations`` and ``export_forms``."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from nominations import exports
from nominations.rules.decision import Refused


def add_filter_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--campaign", type=int, required=True, help="征集年度，如 2023")
    parser.add_argument("--output", required=True, help="输出文件路径")
    parser.add_argument("--list", default="", help="榜单代码：tech、enterprise、organization、manager")
    parser.add_argument("--domain", default="", help="领域代码，如 electronics（先导技术榜）")
    parser.add_argument("--unit", default="", help="推荐单位名称或编号")
    parser.add_argument(
        "--state",
        default="",
        help="状态代码，如 recommended;recommended_all 表示已推荐及评审以后的各状态，live_all 表示已提交及以后",
    )


def add_attachments_argument(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--with-attachments",
        action="store_true",
        help="包含附件：每条申报一个文件夹（申报书和全部附件），另附清单.csv 和清单.xlsx（大小和 SHA-256）",
    )


def filters_from(options: dict[str, Any]) -> exports.Filters:
    try:
        unit = exports.resolve_unit(options["unit"])
        return exports.Filters(
            campaign=options["campaign"],
            list=options["list"],
            domain=options["domain"],
            unit=unit.pk if unit else None,
            state=options["state"],
            attachments=bool(options.get("with_attachments")),
        )
    except Refused as refusal:
        raise CommandError(refusal.reason) from refusal


def run(command: BaseCommand, kind: str, options: dict[str, Any], what: str) -> int:
    filters = filters_from(options)
    verbosity = options.get("verbosity", 1)

    def progress(done: int) -> None:
        if verbosity > 1:
            command.stderr.write(f"已处理 {done} 条")

    try:
        count = exports.export_to_path(kind, options["output"], filters, progress=progress)
    except Refused as refusal:
        raise CommandError(refusal.reason) from refusal
    command.stdout.write(f"已导出 {count} 条申报{what}（{exports.describe(filters)}）：{options['output']}")
    return count
