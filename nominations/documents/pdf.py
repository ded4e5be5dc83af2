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

Every call runs one ``soffice`` process with a private profile (``-env:UserInstallation``) per process
and thread, so that parallel conversions (Celery workers, gunicorn threads) never share one, and with a
timeout after which the process group is killed.

The official (frozen) version slots in here later: ``docx_to_pdf(data, watermark=None)`` gives the clean
PDF; its footer (entry number, serial number, "第 N 页 共 M 页", verification code) is stamped onto it and
its SHA-256 stored by the freezing step, which the ``/verify/<code>/`` page reads.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

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


def _profile_dir() -> Path:
    """A LibreOffice profile of this process and thread (created on first use, reused after)."""
    root = Path(tempfile.gettempdir()) / "kczg-soffice"
    return root / f"profile-{os.getpid()}-{threading.get_ident()}"


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
    profile = _profile_dir()
    with tempfile.TemporaryDirectory(prefix="kczg-pdf-") as work:
        source = Path(work) / "form.docx"
        source.write_bytes(docx_bytes)
        command = [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            _filter(watermark),
            "--outdir",
            work,
            str(source),
        ]
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)}
        process = subprocess.Popen(  # noqa: S603 - a fixed command, the file is ours
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, cwd=work, env=env
        )
        try:
            process.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfError(TIMED_OUT) from None
        target = Path(work) / "form.pdf"
        if process.returncode != 0 or not target.exists():
            raise PdfError(FAILED)
        return target.read_bytes()
