"""Excel export of 10,000 entries: time and peak memory, against bare openpyxl write-only.

    .venv/bin/python bench/excel_export.py            # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/excel_export.py

Ours: ``nominations.exports.export_to_path(XLSX, ...)`` — reads the entries from the database with
``.iterator(chunk_size=...)``, derives the columns from the form definitions, escapes formula-like
text, writes the styled header rows and the quota sheet. Baseline, measured in the same run: bare
``Workbook(write_only=True)`` appending the very same cell values (prepared in memory beforehand, so
the baseline has no database or row-building cost at all). Targets: ours within 1.5 × the baseline
time, at most 100 MB peak memory growth (tracemalloc, in a separate run so that tracing does not
slow the timed ones; the growth of the process's maximum RSS is printed too).
"""

import argparse
import os
import resource
import sys
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _exportdata as bench


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=10_000, help="entries to export (default 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed repetitions (default 3)")
    args = parser.parse_args()
    tmp = bench.setup_django()
    try:
        run(args, tmp)
    finally:
        bench.teardown_django()


def run(args, tmp):
    import openpyxl
    from openpyxl import Workbook

    from nominations import exports
    from nominations.models import ExportKind

    bench.make_entries(args.entries)
    env = bench.environment()
    print(f"{env['cpu']} · {env['cores']} cores · {env['memory']} · {env['database']} · Python {env['python']}")
    print(f"commit {env['commit']} · {args.entries} entries")
    path = tmp / "ours.xlsx"
    filters = exports.Filters(campaign=2023)

    def ours():
        return exports.export_to_path(ExportKind.XLSX, path, filters)

    # The first run also gives the growth of the maximum RSS (nothing else large is loaded yet).
    rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    ours()
    rss_growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_start) / 1024
    # The baseline's cells: exactly what ours wrote, loaded into memory before the clock starts.
    book = openpyxl.load_workbook(path, read_only=True)
    sheets = [(sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)]) for sheet in book.worksheets]
    book.close()
    cells = sum(len(rows) * len(rows[0]) for _title, rows in sheets if rows)

    def bare():
        workbook = Workbook(write_only=True)
        for title, rows in sheets:
            worksheet = workbook.create_sheet(title)
            for row in rows:
                worksheet.append(row)
        workbook.save(tmp / "bare.xlsx")

    bare()  # warm-up
    ours_median, ours_worst, written = bench.timed(ours, args.repeat)
    ours_cpu = bench.last_cpu_seconds()
    bare_median, bare_worst, _ = bench.timed(bare, args.repeat)
    bare_cpu = bench.last_cpu_seconds()
    ratio = ours_median / bare_median

    tracemalloc.start()
    base_current, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    ours()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_mb = (peak - base_current) / 1e6

    size_mb = path.stat().st_size / 1e6
    print(
        f"Excel, {written} entries ({cells:,} cells, {size_mb:.1f} MB)"
        f"   ours {ours_median:.2f} s (worst {ours_worst:.2f})"
        f"   bare openpyxl write-only {bare_median:.2f} s (worst {bare_worst:.2f})   ratio {ratio:.2f} "
        f"(target ≤ 1.5: {'OK' if ratio <= 1.5 else 'OVER'})"
    )
    print(
        f"CPU time: ours {ours_cpu:.2f} s, bare {bare_cpu:.2f} s (ratio {ours_cpu / bare_cpu:.2f})"
        f" · load average {bench.load_average():.1f}"
    )
    print(
        f"peak memory growth (tracemalloc) {peak_mb:.1f} MB (target ≤ 100 MB: {'OK' if peak_mb <= 100 else 'OVER'})"
        f"   max RSS growth (first run) {rss_growth_mb:.1f} MB"
    )
    result = {
        "environment": env,
        "entries": written,
        "cells": cells,
        "ours_seconds": {"median": ours_median, "worst": ours_worst},
        "bare_seconds": {"median": bare_median, "worst": bare_worst},
        "ratio": ratio,
        "cpu_seconds": {"ours": ours_cpu, "bare": bare_cpu},
        "load_average": bench.load_average(),
        "peak_tracemalloc_mb": peak_mb,
        "max_rss_growth_mb": rss_growth_mb,
        "file_mb": size_mb,
    }
    print(f"raw results: {bench.write_result('excel_export', result)}")


if __name__ == "__main__":
    main()
