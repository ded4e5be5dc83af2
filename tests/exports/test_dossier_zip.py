"""The Word ZIP with attachments (包含附件): one folder per entry, the manifests and their SHA-256,
the size limit, the visibility of the attachments, hostile file names, and the ZIP without the option."""

import csv
import hashlib
import io
import zipfile

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from kczg_site import clock
from nominations import exports
from nominations.documents.word.archive import safe_file_name
from nominations.exports import dossier
from nominations.models import Attachment, ExportJob, ExportKind, ExportState

pytestmark = pytest.mark.django_db

HEADERS = ["申报编号", "申报名称", "文件（ZIP 中的路径）", "类型", "原文件名", "大小（字节）", "SHA-256", "校验"]


def _attach(nomination, user, name, data, *, sha256=None):
    attachment = Attachment(
        nomination=nomination,
        original_name=name,
        content_type="application/pdf",
        size=len(data),
        uploaded_by=user,
        uploaded_at=clock.now(),
        sha256=hashlib.sha256(data).hexdigest() if sha256 is None else sha256,
    )
    attachment.file.save("pdf", ContentFile(data), save=False)
    attachment.save()
    return attachment


def _run(user, **filters):
    job = exports.create_job(user, ExportKind.DOCX_ZIP, exports.Filters(campaign=2023, **filters), enqueue_now=False)
    return exports.run_job(job.pk)


def _zip_of(job):
    with job.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def _csv_rows(archive):
    raw = archive.read("清单.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the Chinese
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def _xlsx_rows(archive):
    book = openpyxl.load_workbook(io.BytesIO(archive.read("清单.xlsx")), read_only=True)
    return [["" if v is None else v for v in row] for row in book["清单"].iter_rows(values_only=True)]


@pytest.fixture
def files(entries, other_nomination, member_user, other_member_user):
    tech = entries["tech"]
    return {
        "patent": _attach(tech, member_user, "专利证书.pdf", b"%PDF-1.4 patent"),
        "patent_again": _attach(tech, member_user, "专利证书.PDF", b"%PDF-1.4 another patent"),
        "report": _attach(entries["enterprise"], member_user, "检测报告.pdf", b"%PDF-1.4 report"),
        "other": _attach(other_nomination, other_member_user, "另一单位的证书.pdf", b"%PDF-1.4 other unit"),
    }


def test_one_folder_per_entry_with_form_attachments_and_manifests(entries, files, platform_user):
    job = _run(platform_user, state="recommended", attachments=True)
    assert job.state == ExportState.DONE, job.error
    assert job.filters["attachments"] is True and "包含附件" in job.description
    assert job.progress_done == job.progress_total == 5
    archive = _zip_of(job)
    tech = entries["tech"]
    folder = f"{tech.code} 量子传感芯片关键技术"
    names = archive.namelist()
    assert f"{folder}/{tech.code} 申报书.docx" in names
    assert f"{folder}/附件/专利证书.pdf" in names
    assert f"{folder}/附件/专利证书（2）.PDF" in names  # same name without case: de-duplicated
    assert archive.read(f"{folder}/附件/专利证书.pdf") == b"%PDF-1.4 patent"
    assert {name.split("/")[0] for name in names} == {
        "清单.csv",
        "清单.xlsx",
        *(f"{n.code} {dossier.safe_name(n.title, limit=40)}" for n in [*entries.values(), files["other"].nomination]),
    }
    # Every member stays in its entry's folder: form, or 附件/<name>.
    for name in names:
        parts = name.split("/")
        assert ".." not in parts and not name.startswith("/")
        assert len(parts) in (1, 2, 3)


def test_manifest_rows_and_every_sha256_matches_the_bytes(entries, files, platform_user, monkeypatch):
    monkeypatch.setattr(dossier, "READ_CHUNK", 4)  # stored files are copied in chunks, never read whole
    archive = _zip_of(_run(platform_user, attachments=True))
    csv_rows = _csv_rows(archive)
    xlsx_rows = _xlsx_rows(archive)
    assert csv_rows[0] == HEADERS and xlsx_rows[0] == HEADERS
    members = set(archive.namelist()) - {"清单.csv", "清单.xlsx"}
    for rows in (csv_rows[1:], xlsx_rows[1:]):
        assert {row[2] for row in rows} == members  # every file, once
        for row in rows:
            data = archive.read(row[2])
            assert row[6] == hashlib.sha256(data).hexdigest(), row[2]
            assert int(row[5]) == len(data)
    tech = entries["tech"]
    by_path = {row[2]: row for row in xlsx_rows[1:]}
    patent = by_path[f"{tech.code} 量子传感芯片关键技术/附件/专利证书.pdf"]
    assert patent[:5] == [tech.code, "量子传感芯片关键技术", patent[2], "附件", "专利证书.pdf"]
    assert patent[6] == files["patent"].sha256 and patent[7] == "一致"
    form = by_path[f"{tech.code} 量子传感芯片关键技术/{tech.code} 申报书.docx"]
    assert form[3] == "申报书"
    # The formula-like title stays inert text in both manifests.
    enterprise = entries["enterprise"]
    assert any(row[1] == enterprise.title for row in xlsx_rows[1:])
    assert any(row[1] == "'" + enterprise.title for row in csv_rows[1:])


def test_a_file_that_changed_since_upload_says_so_and_the_export_completes(entries, member_user, platform_user):
    tampered = _attach(entries["tech"], member_user, "证书.pdf", b"%PDF-1.4 changed", sha256="0" * 64)
    job = _run(platform_user, attachments=True)
    assert job.state == ExportState.DONE
    rows = _csv_rows(_zip_of(job))
    row = next(row for row in rows if row[4] == tampered.original_name)
    assert row[7] == "校验不一致"
    assert row[6] == hashlib.sha256(b"%PDF-1.4 changed").hexdigest()


def test_without_the_option_the_zip_is_unchanged(entries, files, platform_user):
    job = _run(platform_user)
    assert "attachments" not in job.filters and "包含附件" not in job.description
    names = _zip_of(job).namelist()
    assert f"先导技术榜/电子信息/{entries['tech'].pk:06d}_量子传感芯片关键技术.docx" in names
    assert len(names) == 5 and all(name.endswith(".docx") for name in names)


def test_a_selection_beyond_the_limit_is_refused_on_the_page_before_any_work(
    client, entries, files, secretariat_user, society, settings
):
    settings.EXPORT_ATTACHMENTS_MAX_BYTES = 20
    client.force_login(secretariat_user)
    page = client.get(reverse("exports:list")).content.decode()
    assert "包含附件" in page and "推荐申报材料 ZIP（含附件）" in page
    response = client.post(
        reverse("exports:create"),
        {"kind": "docx_zip", "unit": str(society.pk), "attachments": "1"},
        follow=True,
    )
    page = response.content.decode()
    assert "超过包含附件导出的上限" in page and "请缩小导出范围" in page
    assert not ExportJob.objects.exists()
    # The same selection without attachments is fine.
    response = client.post(reverse("exports:create"), {"kind": "docx_zip", "unit": str(society.pk)})
    assert response.status_code == 302 and ExportJob.objects.count() == 1


def test_attachments_only_with_the_word_zip(client, entries, platform_user):
    client.force_login(platform_user)
    response = client.post(reverse("exports:create"), {"kind": "xlsx", "attachments": "1"})
    assert response.status_code == 400
    assert "只有 Word 申报表 ZIP 可以包含附件。" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_a_secretariat_zip_never_holds_another_unit_attachment(
    client, entries, files, secretariat_user, society, django_capture_on_commit_callbacks
):
    client.force_login(secretariat_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exports:create"),
            {"kind": "docx_zip", "state": "recommended_all", "unit": str(society.pk), "attachments": "1"},
        )
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.state == ExportState.DONE, job.error
    response = client.get(reverse("exports:download", args=[job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    contents = [archive.read(name) for name in archive.namelist()]
    assert b"%PDF-1.4 patent" in contents
    assert b"%PDF-1.4 other unit" not in contents
    assert not any("另一单位" in name for name in archive.namelist())
    assert all("另一单位" not in "".join(row) for row in _csv_rows(archive))


def test_hostile_names_stay_inside_their_folder(entries, member_user, platform_user):
    # (A NUL cannot be stored: the upload strips control characters, and PostgreSQL refuses it; \x07 stands in.)
    tech = entries["tech"]
    for name in ["../../etc/passwd", "..\\..\\boot.ini", "a/b/c.pdf", "ctrl\x07byte.pdf", "CON.pdf", "..", ".pdf"]:
        _attach(tech, member_user, name, name.encode("utf-8", "replace"))
    archive = _zip_of(_run(platform_user, list="tech", attachments=True))
    folder = f"{tech.code} 量子传感芯片关键技术/附件/"
    attachments = [name for name in archive.namelist() if "/附件/" in name]
    assert len(attachments) == 7
    for name in attachments:
        assert name.startswith(folder)
        rest = name[len(folder) :]
        assert rest and "/" not in rest and "\\" not in rest and "\x00" not in rest and rest not in (".", "..")
        assert not rest.upper().startswith("CON.")
    assert f"{folder}etc_passwd" in attachments
    assert safe_file_name("nul\x00byte.pdf") == "nul_byte.pdf" and safe_file_name("ctrl\x07byte.pdf") == "ctrl_byte.pdf"
    assert safe_file_name("x" * 300 + ".pdf").endswith(".pdf") and len(safe_file_name("x" * 300 + ".pdf")) <= 100


def test_a_missing_stored_file_is_listed_and_the_export_completes(entries, member_user, platform_user):
    gone = _attach(entries["tech"], member_user, "丢失.pdf", b"%PDF-1.4 gone")
    gone.file.storage.delete(gone.file.name)
    job = _run(platform_user, attachments=True)
    assert job.state == ExportState.DONE
    row = next(row for row in _csv_rows(_zip_of(job)) if row[4] == "丢失.pdf")
    assert row[7] == "文件缺失"


def test_export_forms_with_attachments(entries, files, tmp_path, settings):
    path = tmp_path / "dossier.zip"
    out = io.StringIO()
    call_command("export_forms", "--campaign", "2023", "--output", str(path), "--with-attachments", stdout=out)
    assert "已导出 5 条申报的 Word 申报表和附件" in out.getvalue()
    with zipfile.ZipFile(path) as archive:
        assert "清单.csv" in archive.namelist() and "清单.xlsx" in archive.namelist()
        assert any(name.endswith("/附件/另一单位的证书.pdf") for name in archive.namelist())
        for row in _csv_rows(archive)[1:]:
            assert row[6] == hashlib.sha256(archive.read(row[2])).hexdigest()
    settings.EXPORT_ATTACHMENTS_MAX_BYTES = 10
    with pytest.raises(CommandError, match="超过包含附件导出的上限"):
        call_command("export_forms", "--campaign", "2023", "--output", str(path), "--with-attachments")
