"""Who may download which file, the export pages and their query counts."""

import io
import zipfile

import docx
import pytest
from django.urls import reverse

from nominations import exports, policy
from nominations.models import ExportJob, ExportKind, ExportState, State
from tests.factories import NominationFactory

pytestmark = pytest.mark.django_db


def _run(user, kind=ExportKind.XLSX, **filters):
    job = exports.create_job(user, kind, exports.Filters(campaign=2023, **filters), enqueue_now=False)
    return exports.run_job(job.pk)


def test_member_downloads_the_word_form_of_its_own_entry_only(client, entries, other_nomination, member_user):
    client.force_login(member_user)
    response = client.get(reverse("exports:nomination_docx", args=[entries["tech"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == '2023年"科创中国"系列榜单申报样表'
    assert client.get(reverse("exports:nomination_docx", args=[other_nomination.pk])).status_code == 404
    assert client.get(reverse("exports:nomination_docx", args=[999999])).status_code == 404


def test_anonymous_is_sent_to_log_in(client, entries):
    response = client.get(reverse("exports:nomination_docx", args=[entries["tech"].pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_secretariat_sees_its_unit_entries_but_not_drafts(
    client, entries, other_nomination, secretariat_user, tech, member_unit, electronics
):
    draft = NominationFactory(
        ranking_list=tech, member_unit=member_unit, title="草稿", state=State.DRAFT, domain=electronics
    )
    client.force_login(secretariat_user)
    assert client.get(reverse("exports:nomination_docx", args=[entries["tech"].pk])).status_code == 200
    assert client.get(reverse("exports:nomination_docx", args=[other_nomination.pk])).status_code == 404
    assert client.get(reverse("exports:nomination_docx", args=[draft.pk])).status_code == 404


def test_secretariat_downloads_its_own_jobs(
    client, entries, other_nomination, secretariat_user, other_secretariat_user
):
    job = _run(secretariat_user, ExportKind.DOCX_ZIP, state="recommended_all")
    assert job.state == ExportState.DONE
    client.force_login(secretariat_user)
    response = client.get(reverse("exports:download", args=[job.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert len(archive.namelist()) == 4  # its own unit's four, not the other unit's entry
    # Another user's job: 404, whatever their role.
    client.force_login(other_secretariat_user)
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404
    assert client.get(reverse("exports:status", args=[job.pk])).status_code == 404
    assert client.post(reverse("exports:retry", args=[job.pk])).status_code == 404


def test_platform_job_of_another_user_is_404(client, entries, platform_user, admin_user_):
    job = _run(platform_user)
    client.force_login(admin_user_)
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404
    client.force_login(platform_user)
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 200


def test_file_refused_once_the_user_no_longer_sees_every_entry(client, entries, secretariat_user, other_unit):
    job = _run(secretariat_user)
    client.force_login(secretariat_user)
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 200
    moved = entries["organization"]
    moved.recommending_unit = other_unit
    moved.save()
    assert not policy.may(secretariat_user, "download_export", job)
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404


def test_unfinished_job_has_no_file(client, entries, platform_user):
    job = exports.create_job(platform_user, ExportKind.XLSX, exports.Filters(campaign=2023), enqueue_now=False)
    client.force_login(platform_user)
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404
    row = client.get(reverse("exports:status", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in row and "排队中" in row
    exports.run_job(job.pk)
    row = client.get(reverse("exports:status", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in row and "下载" in row


def test_start_an_export_from_the_page(client, entries, secretariat_user, society, django_capture_on_commit_callbacks):
    client.force_login(secretariat_user)
    page = client.get(reverse("exports:list")).content.decode()
    assert "推荐申报表 ZIP" in page and "Excel 汇总表" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exports:create"), {"kind": "docx_zip", "state": "recommended_all", "unit": str(society.pk)}
        )
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.requested_by == secretariat_user
    assert job.state == ExportState.DONE  # eager Celery in tests
    assert job.filters["state"] == "recommended_all"
    page = client.get(reverse("exports:list")).content.decode()
    assert reverse("exports:download", args=[job.pk]) in page


def test_secretariat_cannot_pick_another_unit(client, entries, secretariat_user, other_unit):
    client.force_login(secretariat_user)
    response = client.post(reverse("exports:create"), {"kind": "xlsx", "unit": str(other_unit.pk)})
    assert response.status_code == 400
    assert not ExportJob.objects.exists()


def test_member_page_lists_its_own_word_forms_and_no_batch(
    client, member_user, entries, other_nomination, django_assert_max_num_queries
):
    client.force_login(member_user)
    client.get(reverse("exports:list"))
    with django_assert_max_num_queries(10):
        page = client.get(reverse("exports:list")).content.decode()
    for entry in entries.values():
        assert reverse("exports:nomination_docx", args=[entry.pk]) in page
    assert reverse("exports:nomination_docx", args=[other_nomination.pk]) not in page
    assert "开始导出" not in page
    assert client.post(reverse("exports:create"), {"kind": "xlsx"}).status_code == 404
    assert not ExportJob.objects.exists()


def test_failed_job_shows_the_error_and_retries(
    client, entries, platform_user, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports.files, "write_export", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("模板缺失")))
    job = _run(platform_user)
    assert job.state == ExportState.FAILED
    client.force_login(platform_user)
    page = client.get(reverse("exports:list")).content.decode()
    assert "模板缺失" in page and "重试" in page
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("exports:retry", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.state == ExportState.DONE


@pytest.mark.parametrize("count", [1, 3])
def test_pages_run_a_bounded_number_of_queries(client, entries, platform_user, django_assert_max_num_queries, count):
    for _ in range(count):
        _run(platform_user)
    client.force_login(platform_user)
    client.get(reverse("exports:list"))  # warm caches (content types, demo clock)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("exports:list")).status_code == 200
    job = ExportJob.objects.first()
    with django_assert_max_num_queries(4):
        assert client.get(reverse("exports:status", args=[job.pk])).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("exports:download", args=[job.pk])).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(reverse("exports:nomination_docx", args=[entries["tech"].pk])).status_code == 200
