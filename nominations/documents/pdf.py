"""The PDF of a Word form: LibreOffice headless (``soffice --convert-to pdf``) converts the generated docx.

* :func:`pdf_available` — whether this server can make PDFs (the ``soffice`` binary is there); the
  download pages ask it and show the PDF link disabled with its reason when it says no;
* :func:`docx_to_pdf` — the conversion, with the draft watermark ("草稿 · 非正式版", diagonal, light grey,
  on every page) unless ``watermark=None``.

Why LibreOffice: the Word form is the source, so the PDF is the same form (one generator, no second
layout). Debian's ``libreoffice-writer-nogui`` embeds the CJK fonts of ``fonts-noto-cjk`` (subsets) in
the PDF; ``pdf_fonts.conf`` maps the form's 宋体 and 黑体 to their serif and sans faces. The watermark is
drawn by LibreOffice's own PDF export filter (its ``Watermark`` options, LO ≥ 7.4), so its glyphs are
embedded like the form's: no second PDF library has to embed a CJK font (reportlab cannot embed Noto
CJK's CFF outlines).

Every call runs one ``soffice`` process with a private profile (``-env:UserInstallation``) that no
other conversion of the process uses at the same time (a pool of profiles, one per conversion running
at once), so that parallel conversions (Celery workers, gunicorn threads, the batch's workers) never
share one, and with a timeout after which the process group is killed.

:func:`convert_many` converts many docx files: many per ``soffice`` call (LibreOffice's start-up is paid
once per batch), one call per core side by side. :func:`with_footer` replaces the form's footer (the
official version's entry number, serial number, verification code and "第 N 页 共 M 页" as Word fields
that LibreOffice fills in on every page).

Why the footer goes into the docx rather than onto the PDF: LibreOffice lays it out in the same pass,
with the same embedded Noto CJK subsets, and fills the page fields itself, so the official version costs
no second step (stamping with pypdf and reportlab would need a CJK TrueType font reportlab can embed, a
second PDF library, and a merge per page). The freezing service is ``nominations.official``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pypdf import PdfReader

from nominations.documents.word import ooxml
from nominations.rules.decision import ALLOW, Decision, Refused

# The binary; ``KCZG_SOFFICE`` names another (a path or a name on the PATH). Tests monkeypatch it.
SOFFICE = os.environ.get("KCZG_SOFFICE", "soffice")
TIMEOUT_SECONDS = int(os.environ.get("KCZG_PDF_TIMEOUT", "120"))
# 宋体 → Noto Serif CJK SC, 黑体 → Noto Sans CJK SC (the system's fontconfig, plus these aliases).
FONTS_CONF = Path(__file__).with_name("pdf_fonts.conf")

DRAFT_WATERMARK = "草稿 · 非正式版"
WATERMARK_FONT = "Noto Sans CJK SC"
WATERMARK_COLOR = 0xCCCCCC  # light grey
WATERMARK_HEIGHT = 60  # points
WATERMARK_ANGLE = 450  # tenths of a degree: diagonal

# The last PDFs made by this process, by the docx's SHA-256 and the watermark (the Word form is the same
# bytes while the entry does not change): a second download of an unchanged form costs no conversion.
RECENT_SIZE = 16
_recent: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_recent_lock = threading.Lock()

UNAVAILABLE = "PDF 暂不可用：服务器未安装 LibreOffice（soffice），请下载 Word 版本。"
FAILED = "PDF 生成失败，请稍后重试或下载 Word 版本。"
TIMED_OUT = "PDF 生成超时，请稍后重试或下载 Word 版本。"


class PdfError(Refused):
    """The PDF could not be made (no engine, a failed or timed-out conversion); the reason is Chinese."""


def soffice_binary() -> str | None:
    """The full path of the LibreOffice binary, or ``None`` when it is not installed."""
    return shutil.which(SOFFICE)


def pdf_available() -> Decision:
    """Can this server make PDFs? Refused, with the reason for the user, when ``soffice`` is missing."""
    return ALLOW if soffice_binary() else Decision.deny(UNAVAILABLE)


_free_slots: list[int] = []
_slots_lock = threading.Lock()
_slot_count = 0


@contextlib.contextmanager
def _profile_dir() -> Iterator[Path]:
    """A LibreOffice profile no other conversion of this process uses meanwhile (created on first use,
    reused after): one per conversion running at the same time, so their number stays bounded however
    many threads come and go (the batch's pool threads, gunicorn's)."""
    global _slot_count
    with _slots_lock:
        if _free_slots:
            slot = _free_slots.pop()
        else:
            _slot_count += 1
            slot = _slot_count
    try:
        yield Path(tempfile.gettempdir()) / "kczg-soffice" / f"profile-{os.getpid()}-{slot}"
    finally:
        with _slots_lock:
            _free_slots.append(slot)


def _filter(watermark: str | None) -> str:
    if not watermark:
        return "pdf:writer_pdf_Export"
    options = {
        "Watermark": {"type": "string", "value": watermark},
        "WatermarkColor": {"type": "long", "value": str(WATERMARK_COLOR)},
        "WatermarkFontHeight": {"type": "long", "value": str(WATERMARK_HEIGHT)},
        "WatermarkRotateAngle": {"type": "long", "value": str(WATERMARK_ANGLE)},
        "WatermarkFontName": {"type": "string", "value": WATERMARK_FONT},
    }
    return "pdf:writer_pdf_Export:" + json.dumps(options, ensure_ascii=False)


def docx_to_pdf(docx_bytes: bytes, *, watermark: str | None = DRAFT_WATERMARK) -> bytes:
    """The PDF of a docx; every page carries ``watermark`` (the draft's by default; ``None``: none).

    Raises :class:`PdfError` when the engine is missing, the conversion fails or times out.
    """
    binary = soffice_binary()
    if binary is None:
        raise PdfError(UNAVAILABLE)
    key = (hashlib.sha256(docx_bytes).hexdigest(), watermark or "")
    with _recent_lock:
        if key in _recent:
            _recent.move_to_end(key)
            return _recent[key]
    data = _convert(binary, docx_bytes, watermark)
    with _recent_lock:
        _recent[key] = data
        while len(_recent) > RECENT_SIZE:
            _recent.popitem(last=False)
    return data


def _convert(binary: str, docx_bytes: bytes, watermark: str | None) -> bytes:
    """One ``soffice`` run: the docx in a temporary folder, the PDF read back."""
    with tempfile.TemporaryDirectory(prefix="kczg-pdf-") as work:
        source = Path(work) / "form.docx"
        source.write_bytes(docx_bytes)
        _run_soffice(binary, [source], Path(work), watermark, TIMEOUT_SECONDS)
        target = Path(work) / "form.pdf"
        if not target.exists():
            raise PdfError(FAILED)
        return target.read_bytes()


def _run_soffice(binary: str, sources: list[Path], outdir: Path, watermark: str | None, timeout: float) -> None:
    """One ``soffice --convert-to pdf`` process over ``sources`` (PDFs named by their stems in ``outdir``),
    with a private profile; the process group is killed after ``timeout``."""
    with _profile_dir() as profile:
        _run_in_profile(binary, profile, sources, outdir, watermark, timeout)


def _run_in_profile(
    binary: str, profile: Path, sources: list[Path], outdir: Path, watermark: str | None, timeout: float
) -> None:
    command = [
        binary,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        _filter(watermark),
        "--outdir",
        str(outdir),
        *(str(source) for source in sources),
    ]
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)}
    process = subprocess.Popen(  # noqa: S603 - a fixed command, the files are ours
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        cwd=str(outdir),
        env=env,
    )
    try:
        process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise PdfError(TIMED_OUT) from None
    if process.returncode != 0:
        raise PdfError(FAILED)


# ---------------------------------------------------------------- many forms at once

# A batch: at most this many docx per ``soffice`` process (LibreOffice's start-up, about 1 s of CPU,
# is paid once per batch); ``workers`` processes run side by side, each with its own profile.
BATCH_SIZE = int(os.environ.get("KCZG_PDF_BATCH", "50"))
SECONDS_PER_FILE = 30  # a batch's timeout: this per file, at least TIMEOUT_SECONDS
# LibreOffice 7.4.7.2 converts only the first 247 files named on one ``--convert-to`` command line and
# exits 0 without a word about the rest (measured with 270 one-line documents; bench/README.md): a batch
# never comes near that.
MAX_FILES_PER_CALL = 200


def default_workers() -> int:
    """One ``soffice`` per core (``KCZG_PDF_WORKERS`` overrides)."""
    return max(1, int(os.environ.get("KCZG_PDF_WORKERS", "0")) or (os.cpu_count() or 1))


def convert_many(
    sources: list[Path],
    outdir: Path,
    *,
    watermark: str | None = DRAFT_WATERMARK,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
    done: Callable[[int], None] | None = None,
) -> dict[Path, Path]:
    """Convert many docx files: ``{source: pdf}`` for every source that converted.

    The sources are split into batches of ``batch_size`` (one ``soffice`` call each, many files on its
    command line) run by ``workers`` threads side by side (one per core by default). A batch that fails
    or times out is retried file by file, so one bad form costs only itself. Source stems must be
    unique (the PDFs are named after them). ``done(n)`` is called after each batch with the count so far.
    Raises :class:`PdfError` when the engine is missing.
    """
    binary = soffice_binary()
    if binary is None:
        raise PdfError(UNAVAILABLE)
    outdir.mkdir(parents=True, exist_ok=True)
    workers = workers or default_workers()
    # Small runs are split evenly so that every worker has a share; large ones in batches of batch_size.
    size = max(1, min(batch_size, MAX_FILES_PER_CALL, -(-len(sources) // workers)))
    batches = [sources[i : i + size] for i in range(0, len(sources), size)]
    results: dict[Path, Path] = {}
    lock = threading.Lock()

    def run(batch: list[Path]) -> None:
        timeout = max(TIMEOUT_SECONDS, SECONDS_PER_FILE * len(batch))
        try:
            _run_soffice(binary, batch, outdir, watermark, timeout)
        except PdfError:
            if len(batch) > 1:  # find the one that fails: the others still convert
                for source in batch:
                    if not (outdir / f"{source.stem}.pdf").exists():
                        with contextlib.suppress(PdfError):
                            _run_soffice(binary, [source], outdir, watermark, TIMEOUT_SECONDS)
        with lock:
            for source in batch:
                target = outdir / f"{source.stem}.pdf"
                if target.exists():
                    results[source] = target
            if done is not None:
                done(len(results))

    count = min(workers, len(batches)) or 1
    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="kczg-pdf") as pool:
        list(pool.map(run, batches))
    return results


# ---------------------------------------------------------------- the official footer

FOOTER_SIZE = 18  # half-points: 9 pt, like the draft's footer
_FOOTER_PART = re.compile(r"^word/footer\d*\.xml$")
_PARAGRAPHS = re.compile(r"<w:p[ >].*</w:p>", re.DOTALL)

PAGE = "PAGE"
NUMPAGES = "NUMPAGES"
FooterLine = list[str]  # text pieces and the field names PAGE and NUMPAGES


def with_footer(docx_bytes: bytes, lines: list[FooterLine]) -> bytes:
    """The docx with every footer replaced by ``lines`` (centred, 9 pt 宋体); ``PAGE`` and ``NUMPAGES``
    in a line are Word fields, which LibreOffice fills in on every page when it converts."""
    paragraphs = []
    for line in lines:
        paragraph = ooxml.paragraph("Footer", align="center")
        for piece in line:
            if piece in (PAGE, NUMPAGES):
                for run in ooxml.field_runs(piece, ooxml.BODY_FONT, FOOTER_SIZE):
                    paragraph.append(run)
            else:
                paragraph.append(ooxml.run(piece, ooxml.BODY_FONT, FOOTER_SIZE))
        paragraphs.append(ooxml.serialise(paragraph))
    replacement = "".join(paragraphs)
    source = io.BytesIO(docx_bytes)
    out = io.BytesIO()
    replaced = False
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as result:
        for info in package.infolist():
            data = package.read(info)
            if _FOOTER_PART.match(info.filename):
                text = data.decode("utf-8")
                text, count = _PARAGRAPHS.subn(lambda _match: replacement, text, count=1)
                replaced = replaced or bool(count)
                data = text.encode("utf-8")
            result.writestr(info, data)
    if not replaced:
        raise PdfError(FAILED)
    return out.getvalue()


def page_count(data: bytes) -> int:
    """How many pages a PDF has."""
    return len(PdfReader(io.BytesIO(data)).pages)
