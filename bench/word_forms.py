"""Word 附件2 forms: forms per second, and the ZIP of 2,300 entries (the 2022 national volume).

    .venv/bin/python bench/word_forms.py            # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/word_forms.py

Baseline, measured in the same run: a naive python-docx build of the same content, ``Document()``
from scratch for every form (headings, a label/value table, paragraphs, East Asian fonts on each run,
``save``). Ours: ``nominations.documents.word.FormTemplate`` (skeleton built once, prototypes
deep-copied per entry, only ``document.xml`` serialised per form). Target: the 2,300-entry ZIP in at
most 20 s on a 2-core machine.
"""

import argparse
import io
import os
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _exportdata as bench


def naive_render(content):
    """The same form, built the obvious way: a new python-docx Document per entry."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    def fonts(run, east_asia):
        run.font.name = "Times New Roman"
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)

    doc = Document()
    title = doc.add_paragraph()
    fonts(title.add_run(content.title), "黑体")
    fonts(doc.add_paragraph().add_run(content.list_name), "黑体")
    fonts(doc.add_heading(level=1).add_run("一、基本信息"), "黑体")
    rows = [row for _caption, group in content.basic for row in group]
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = doc.styles["Table Grid"]
    for row, cells in zip(rows, table.rows, strict=True):
        label, value = cells.cells
        fonts(label.paragraphs[0].add_run(row.label), "黑体")
        fonts(value.paragraphs[0].add_run(row.value), "宋体")
    for index, block in enumerate(content.long_texts, start=2):
        fonts(doc.add_heading(level=1).add_run(f"{index}、{block.label}(限{block.max_chars}字)"), "黑体")
        for line in block.text.splitlines() or [""]:
            run = doc.add_paragraph().add_run(line)
            run.font.size = Pt(12)
            fonts(run, "宋体")
    for group in content.repeats:
        fonts(doc.add_heading(level=1).add_run(group.label), "黑体")
        for item in group.items:
            fonts(doc.add_heading(level=2).add_run(item.title), "黑体")
            for row in item.rows:
                fonts(doc.add_paragraph().add_run(f"{row.label}:{row.value}"), "宋体")
            for sub in item.long_texts:
                fonts(doc.add_paragraph().add_run(sub.text), "宋体")
    fonts(doc.add_heading(level=1).add_run("推荐意见"), "黑体")
    for text in ("推荐单位(盖章):", "日期:      年    月    日"):
        fonts(doc.add_paragraph().add_run(text), "宋体")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=2300, help="entries in the ZIP (default 2300)")
    parser.add_argument("--sample", type=int, default=200, help="forms timed for forms/second (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each measurement (default 3)")
    parser.add_argument("--naive-zip", action="store_true", help="also build the whole ZIP the naive way (slow)")
    args = parser.parse_args()

    tmp = bench.setup_django()
    try:
        run(args, tmp)
    finally:
        bench.teardown_django()


def run(args, tmp):
    from nominations import exports
    from nominations.documents import word
    from nominations.models import ExportKind, Nomination

    bench.make_entries(args.entries)
    env = bench.environment()
    print(f"{env['cpu']} · {env['cores']} cores · {env['memory']} · {env['database']} · Python {env['python']}")
    print(f"commit {env['commit']} · {args.entries} entries")

    definitions = exports._Definitions()
    sample = list(
        exports._for_export(Nomination.objects.all(), ExportKind.DOCX_ZIP)[: args.sample]
    )  # loaded once: both builders get the same content
    contents = [word.content_for(n, definitions.of_nomination(n)) for n in sample]

    def ours():
        template = word.FormTemplate()
        return [template.render(content) for content in contents]

    def naive():
        return [naive_render(content) for content in contents]

    ours()  # warm-up
    naive_render(contents[0])
    ours_median, ours_worst, _ = bench.timed(ours, args.repeat)
    naive_median, naive_worst, _ = bench.timed(naive, args.repeat)
    ours_rate = len(contents) / ours_median
    naive_rate = len(contents) / naive_median
    speedup = ours_rate / naive_rate
    print(f"forms/second      ours {ours_rate:8.1f}   naive python-docx {naive_rate:8.1f}   ×{speedup:.1f}")

    path = tmp / "forms.zip"
    filters = exports.Filters(campaign=2023)

    def full_zip():
        return exports.export_to_path(ExportKind.DOCX_ZIP, path, filters)

    zip_median, zip_worst, written = bench.timed(full_zip, args.repeat)
    zip_cpu = bench.last_cpu_seconds()
    with zipfile.ZipFile(path) as archive:
        members = len(archive.namelist())
    size_mb = path.stat().st_size / 1e6
    naive_zip = None
    if args.naive_zip:
        entries = list(exports._for_export(Nomination.objects.all(), ExportKind.DOCX_ZIP))

        def naive_full():
            with zipfile.ZipFile(tmp / "naive.zip", "w") as archive:
                for n in entries:
                    archive.writestr(f"{n.pk}.docx", naive_render(word.content_for(n, definitions.of_nomination(n))))

        naive_zip, _worst, _ = bench.timed(naive_full, 1)
    estimate = written / naive_rate
    naive_text = f"{naive_zip:.2f} s measured" if naive_zip else f"≈ {estimate:.1f} s from its rate"
    verdict = "OK" if zip_worst <= 20 else "OVER TARGET"
    print(
        f"ZIP of {written} forms  ours {zip_median:6.2f} s (worst {zip_worst:.2f} s, {size_mb:.1f} MB, {members} files)"
        f"   naive {naive_text}"
        f"   target ≤ 20 s: {verdict}"
    )
    print(f"ZIP CPU time of this process {zip_cpu:.2f} s · load average {bench.load_average():.1f}")
    result = {
        "environment": env,
        "entries": written,
        "forms_per_second": {
            "ours": ours_rate,
            "naive": naive_rate,
            "ours_worst_s": ours_worst,
            "naive_worst_s": naive_worst,
        },
        "zip_seconds": {"median": zip_median, "worst": zip_worst, "cpu": zip_cpu, "size_mb": size_mb},
        "load_average": bench.load_average(),
        "naive_zip_seconds": naive_zip,
        "naive_zip_estimate_seconds": estimate,
    }
    print(f"raw results: {bench.write_result('word_forms', result)}")


if __name__ == "__main__":
    main()
