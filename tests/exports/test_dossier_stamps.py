"""The dossier ZIP with the signed and stamped scans: each entry's pages in ``签字盖章/``, each unit's
stamped 推荐汇总表 in ``推荐汇总表/``, both in the manifests with the SHA-256 checked against the upload's;
a secretariat's ZIP holds its own unit's 汇总表 only."""

import hashlib

import pytest
from django.core.files.base import ContentFile

from kczg_site import clock
from nominations.models import StampedPage, StampScope
from tests.exports.test_dossier_zip import _csv_rows, _run, _zip_of

pytestmark = pytest.mark.django_db


def _stamp(*, unit, campaign, user, name, data, nomination=None):
    page = StampedPage(
        campaign=campaign,
        scope=StampScope.ENTRY if nomination else StampScope.SUMMARY,
        recommending_unit=unit,
        nomination=nomination,
        original_name=name,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
        uploaded_at=clock.now(),
    )
    page.file.save("pdf", ContentFile(data), save=False)
    page.save()
    return page


@pytest.fixture
def scans(entries, other_nomination, society, other_unit, campaign, secretariat_user, other_secretariat_user):
    tech = entries["tech"]
    return {
        "tech": _stamp(
            unit=society,
            campaign=campaign,
            user=secretariat_user,
            name="扫描.PDF",
            data=b"%PDF-1.4 stamped tech",
            nomination=tech,
        ),
        "summary": _stamp(
            unit=society, campaign=campaign, user=secretariat_user, name="汇总表.pdf", data=b"%PDF-1.4 summary"
        ),
        "other_summary": _stamp(
            unit=other_unit,
            campaign=campaign,
            user=other_secretariat_user,
            name="汇总表.pdf",
            data=b"%PDF-1.4 other summary",
        ),
    }


def test_the_stamped_pages_and_the_summaries_are_in_the_zip_and_the_manifest(entries, scans, platform_user, society):
    archive = _zip_of(_run(platform_user, attachments=True))
    tech = entries["tech"]
    folder = f"{tech.code} 量子传感芯片关键技术"
    names = archive.namelist()
    assert archive.read(f"{folder}/签字盖章/签字盖章页.pdf") == b"%PDF-1.4 stamped tech"
    assert archive.read(f"推荐汇总表/{society.name} 推荐汇总表.pdf") == b"%PDF-1.4 summary"
    assert sum(name.startswith("推荐汇总表/") for name in names) == 2  # both units' entries are exported
    rows = {row[2]: row for row in _csv_rows(archive)[1:]}
    stamped = rows[f"{folder}/签字盖章/签字盖章页.pdf"]
    assert stamped[0] == tech.code and stamped[3] == "签字盖章页" and stamped[4] == "扫描.PDF"
    assert stamped[6] == hashlib.sha256(b"%PDF-1.4 stamped tech").hexdigest() and stamped[7] == "一致"
    summary = rows[f"推荐汇总表/{society.name} 推荐汇总表.pdf"]
    assert summary[0] == "" and summary[1] == society.name and summary[3] == "推荐汇总表（签字盖章）"
    assert summary[7] == "一致"


def test_a_secretariat_zip_holds_its_own_summary_only(entries, scans, secretariat_user, society, other_unit):
    archive = _zip_of(_run(secretariat_user, attachments=True))
    names = archive.namelist()
    assert f"推荐汇总表/{society.name} 推荐汇总表.pdf" in names
    assert not any(other_unit.name in name for name in names)
    assert b"%PDF-1.4 other summary" not in [archive.read(name) for name in names]
