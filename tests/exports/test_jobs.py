"""The export job lifecycle: queued → running → done with progress; failed with the error; retry."""

import pytest

from nominations import exports
from nominations.documents import excel
from nominations.models import ExportJob, ExportKind, ExportState

pytestmark = pytest.mark.django_db


def test_job_runs_to_done_with_progress_and_stores_the_file(entries, platform_user, django_capture_on_commit_callbacks):
    seen = []
    original = excel.NominationWorkbook.add

    def spy(self, entry):
        job = ExportJob.objects.get()
        seen.append((job.state, job.progress_done, job.progress_total))
        return original(self, entry)

    excel.NominationWorkbook.add = spy
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            job = exports.create_job(platform_user, ExportKind.XLSX, exports.Filters(campaign=2023))
        assert job.state == ExportState.QUEUED
        assert len(callbacks) == 1
        done = exports.run_job(job.pk, every=1)
    finally:
        excel.NominationWorkbook.add = original
    assert [state for state, _done, _total in seen] == [ExportState.RUNNING] * 4
    assert [progress for _state, progress, _total in seen] == [0, 1, 2, 3]
    assert {total for _s, _d, total in seen} == {4}
    assert done.state == ExportState.DONE
    assert (done.progress_done, done.progress_total, done.percent) == (4, 4, 100)
    assert sorted(done.entry_ids) == sorted(n.pk for n in entries.values())
    assert done.file.name.startswith("exports/2023/") and done.file.name.endswith(".xlsx")
    assert done.file_name.startswith("2023年科创中国榜单申报汇总_全部榜单_") and done.file_name.endswith(".xlsx")
    assert done.file_size > 0 and done.file.storage.exists(done.file.name)
    assert done.started_at and done.finished_at and done.attempts == 1
    # A second delivery of the same task changes nothing.
    assert exports.run_job(job.pk) is None


def test_eager_task_runs_on_commit(entries, secretariat_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.create_job(
            secretariat_user, ExportKind.DOCX_ZIP, exports.Filters(campaign=2023, state="recommended_all")
        )
    job.refresh_from_db()
    assert job.state == ExportState.DONE
    assert job.progress_done == 4
    assert job.file_name.endswith(".zip")


def test_failed_job_records_the_error_and_can_be_retried(
    entries, platform_user, monkeypatch, django_capture_on_commit_callbacks
):
    def boom(*args, **kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setattr(exports.files, "write_export", boom)
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.create_job(platform_user, ExportKind.XLSX, exports.Filters(campaign=2023))
    job.refresh_from_db()
    assert job.state == ExportState.FAILED
    assert "磁盘已满" in job.error
    assert not job.file
    monkeypatch.undo()

    with django_capture_on_commit_callbacks(execute=True):
        exports.retry_job(job, platform_user)
    job.refresh_from_db()
    assert job.state == ExportState.DONE
    assert job.error == ""
    assert job.attempts == 2
    with pytest.raises(exports.ExportError):
        exports.retry_job(job, platform_user)


def test_only_staff_roles_may_start_a_batch(member_user, campaign):
    with pytest.raises(exports.ExportError, match="只有推荐单位秘书处和平台秘书处可以批量导出"):
        exports.create_job(member_user, ExportKind.XLSX, exports.Filters(campaign=2023))


def test_unknown_filters_are_refused(platform_user, campaign):
    for filters in (
        exports.Filters(campaign=1999),
        exports.Filters(campaign=2023, list="nope"),
        exports.Filters(campaign=2023, domain="nope"),
        exports.Filters(campaign=2023, state="nope"),
    ):
        with pytest.raises(exports.ExportError):
            exports.create_job(platform_user, ExportKind.XLSX, filters)
