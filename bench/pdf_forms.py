"""PDF forms (issue 14): one official PDF, and the batch of 2,300 entries against one plain soffice call.

    .venv/bin/python bench/pdf_forms.py                  # 2,300 entries (the 2022 national volume)
    .venv/bin/python bench/pdf_forms.py --entries 300    # a smaller run; the 2,300 figures extrapolated

Measured in the same run, on the same docx files:

* **official** — one entry's official version: ``nominations.official_pdf.render_versions`` (the Word form,
  the official footer, one ``soffice`` process, the SHA-256 and the stored file);
* **batch** — ``nominations.official_pdf.write_pdf_zip``, what ``manage.py export_forms --format pdf`` runs:
  every form rendered to docx, converted ``--batch-size`` files per ``soffice`` call, ``--workers``
  calls side by side (one per core by default), the PDFs zipped;
* **plain** — the baseline: the same docx files (drafts, written beforehand) converted by one plain
  ``soffice --convert-to pdf`` call with every file on its command line (no watermark).

Targets on 2 cores: the batch ≤ 10 minutes and ≥ 2 × faster than the plain conversion. Reported: wall
time, pages per second (pages counted with pypdf), and the peak memory of this process and its
``soffice`` children together (sampled from /proc every 0.2 s).
"""

import argparse
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _exportdata as bench

TARGET_SECONDS = 600
TARGET_SPEEDUP = 2.0
FULL = 2300


def cpu_seconds():
    """CPU seconds (user + system) of this process and of its waited-for children (the soffice runs)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


class PeakMemory:
    """The peak resident memory of this process and all its descendants, sampled from /proc."""

    def __init__(self, every=0.2):
        self.every, self.peak, self._stop = every, 0, threading.Event()

    @staticmethod
    def _tree_rss():
        parents, rss = {}, {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
                rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, IndexError, ValueError):
                continue
        me, total = os.getpid(), 0
        for pid, size in rss.items():
            walker, seen = pid, 0
            while walker and walker != me and seen < 64:
                walker, seen = parents.get(walker, 0), seen + 1
            if walker == me:
                total += size
        return total

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._tree_rss())
            self._stop.wait(self.every)

    def __enter__(self):
        self.peak = self._tree_rss()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def mb(self):
        return self.peak / 1e6


def pages_of(paths_or_bytes):
    from pypdf import PdfReader

    total = 0
    for item in paths_or_bytes:
        data = item if isinstance(item, bytes) else Path(item).read_bytes()
        total += len(PdfReader(io.BytesIO(data)).pages)
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=FULL, help=f"entries converted (default {FULL})")
    parser.add_argument("--workers", type=int, default=0, help="soffice processes side by side (default: cores)")
    parser.add_argument("--batch-size", type=int, default=0, help="files per soffice call (default: the project's)")
    parser.add_argument("--skip-plain", action="store_true", help="do not run the plain baseline")
    args = parser.parse_args()
    tmp = bench.setup_django()
    try:
        run(args, tmp)
    finally:
        bench.teardown_django()


def run(args, tmp):
    from django.contrib.auth import get_user_model

    from kczg_site import clock
    from nominations import official_numbers, official_pdf
    from nominations.documents import pdf, word
    from nominations.exports.files import _Definitions, _for_export
    from nominations.models import ExportKind, Nomination, OfficialVersion, State

    if not pdf.pdf_available():
        sys.exit(pdf.UNAVAILABLE)
    bench.make_entries(args.entries)
    env = bench.environment()
    workers = args.workers or pdf.default_workers()
    batch_size = args.batch_size or pdf.BATCH_SIZE
    version_line = subprocess.run(
        [pdf.soffice_binary(), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    print(f"{env['cpu']} · {env['cores']} cores · {env['memory']} · {env['database']} · Python {env['python']}")
    print(f"commit {env['commit']} · {args.entries} entries · {version_line}")
    print(f"batch: {workers} workers × {batch_size} files per soffice call · load average {bench.load_average():.1f}")

    entries = list(_for_export(Nomination.objects.all(), ExportKind.DOCX_ZIP))

    # 1. One official PDF (a recommended entry, frozen as at a confirmation).
    entry = next(n for n in entries if n.state == State.RECOMMENDED)
    campaign = entry.campaign
    version = OfficialVersion.objects.create(
        nomination=entry,
        campaign=campaign,
        serial=official_numbers.take_serials(campaign, 1)[0],
        code=official_numbers.new_code(),
        frozen_at=clock.now(),
        frozen_by=get_user_model().objects.first(),
    )
    with PeakMemory() as memory:
        start = time.perf_counter()
        failed = official_pdf.render_versions([version.pk])
        official_seconds = time.perf_counter() - start
    version.refresh_from_db()
    assert not failed and version.state == "done", version.error
    print(
        f"official PDF      {official_seconds:6.2f} s · {version.pages} pages · {version.file_size / 1e3:.0f} KB"
        f" · peak {memory.mb:.0f} MB"
    )
    official_memory = memory.mb
    # The footer's cost: the same entry's Word form converted without it (one soffice process too).
    from nominations import exports

    _name, plain_docx = exports.nomination_docx(entry)
    start = time.perf_counter()
    pdf.docx_to_pdf(plain_docx, watermark=None)
    no_footer_seconds = time.perf_counter() - start
    print(f"same form, no official footer {no_footer_seconds:6.2f} s (the footer is laid out in the same pass)")
    OfficialVersion.objects.filter(pk=version.pk).delete()  # the batch converts every entry as a draft

    # 2. The batch: what export_forms --format pdf runs (docx rendering, conversion, ZIP).
    out = tmp / "forms-pdf.zip"
    with PeakMemory() as memory, open(out, "wb") as fileobj:
        start, (own0, kids0) = time.perf_counter(), cpu_seconds()
        written, batch_failed = official_pdf.write_pdf_zip(fileobj, entries, workers=workers, batch_size=batch_size)
        batch_seconds = time.perf_counter() - start
        own1, kids1 = cpu_seconds()
    batch_memory = memory.mb
    batch_cpu = {"python": own1 - own0, "soffice": kids1 - kids0}
    with zipfile.ZipFile(out) as archive:
        batch_pages = pages_of(archive.read(name) for name in archive.namelist())
    print(
        f"batch             {batch_seconds:6.1f} s · {written} PDFs, {len(batch_failed)} failed · {batch_pages} pages"
        f" · {batch_pages / batch_seconds:.2f} pages/s · peak {batch_memory:.0f} MB"
        f" · CPU python {batch_cpu['python']:.1f} s + soffice {batch_cpu['soffice']:.1f} s"
    )

    # 3. The baseline: the same docx files (drafts), one plain soffice call with all of them.
    plain_seconds = plain_pages = plain_memory = plain_cpu = plain_made = plain_exit = None
    plain_error = []
    if not args.skip_plain:
        folder = Path(tempfile.mkdtemp(prefix="kczg-plain-", dir=tmp))
        template, definitions = word.FormTemplate(), _Definitions()
        sources = []
        for index, nomination in enumerate(entries):
            source = folder / f"{index:06d}.docx"
            source.write_bytes(template.render(word.content_for(nomination, definitions.of_nomination(nomination))))
            sources.append(str(source))
        profile = Path(tempfile.mkdtemp(prefix="kczg-plain-profile-", dir=tmp))
        command = [
            pdf.soffice_binary(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder / "pdf"),
            *sources,
        ]
        env_vars = {**os.environ, "FONTCONFIG_FILE": str(pdf.FONTS_CONF)}
        with PeakMemory() as memory:
            start, (_own, kids0) = time.perf_counter(), cpu_seconds()
            completed = subprocess.run(command, capture_output=True, text=True, check=False, env=env_vars)
            plain_seconds = time.perf_counter() - start
            plain_cpu = cpu_seconds()[1] - kids0
        plain_memory = memory.mb
        made = sorted((folder / "pdf").glob("*.pdf"))
        plain_pages = pages_of(made)
        plain_made = len(made)
        plain_exit = completed.returncode
        plain_error = (completed.stderr or "").strip().splitlines()[-3:]
        if plain_made < len(sources):
            print(f"plain soffice stopped after {plain_made} of {len(sources)} files: exit {plain_exit}, {plain_error}")
        print(
            f"plain soffice     {plain_seconds:6.1f} s · {len(made)} PDFs · {plain_pages} pages"
            f" · {plain_pages / plain_seconds:.2f} pages/s · peak {plain_memory:.0f} MB · CPU soffice {plain_cpu:.1f} s"
        )
        shutil.rmtree(folder, ignore_errors=True)

    scale = FULL / args.entries
    batch_full = batch_seconds * scale
    # Compared per PDF made: the plain call may stop before its last file (then it made fewer).
    speedup = (plain_seconds / plain_made) / (batch_seconds / written) if plain_made and written else None
    label = "measured" if args.entries == FULL else f"extrapolated ×{scale:.2f} from {args.entries}"
    print(
        f"2,300 entries: batch {batch_full / 60:.1f} min ({label}) · target ≤ 10 min: "
        f"{'OK' if batch_full <= TARGET_SECONDS else 'OVER TARGET'}"
    )
    if speedup:
        print(
            f"speed-up over one plain soffice call (per PDF made): ×{speedup:.2f} · "
            f"target ≥ ×{TARGET_SPEEDUP:.0f}: "
            f"{'OK' if speedup >= TARGET_SPEEDUP else 'BELOW TARGET'}"
        )
    print(f"load average at the end {bench.load_average():.1f}")
    result = {
        "environment": env,
        "soffice": version_line,
        "entries": args.entries,
        "workers": workers,
        "batch_size": batch_size,
        "official": {
            "seconds": official_seconds,
            "pages": version.pages,
            "peak_mb": official_memory,
            "same_form_without_footer_seconds": no_footer_seconds,
        },
        "batch": {
            "seconds": batch_seconds,
            "pages": batch_pages,
            "pages_per_second": batch_pages / batch_seconds,
            "peak_mb": batch_memory,
            "failed": len(batch_failed),
            "pdfs_made": written,
            "seconds_for_2300": batch_full,
            "cpu_seconds": batch_cpu,
        },
        "plain": {
            "seconds": plain_seconds,
            "pages": plain_pages,
            "pages_per_second": plain_pages / plain_seconds if plain_seconds else None,
            "peak_mb": plain_memory,
            "cpu_seconds": plain_cpu,
            "pdfs_made": plain_made,
            "exit_code": plain_exit,
            "stderr_tail": plain_error,
        },
        "speedup": speedup,
        "load_average": bench.load_average(),
    }
    print(f"raw results: {bench.write_result('pdf_forms', result)}")


if __name__ == "__main__":
    main()
