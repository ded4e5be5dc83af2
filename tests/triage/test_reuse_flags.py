"""The reuse flag (疑似重复使用材料) on the staff's pages: the same file uploaded to two entries, or the same
patent or certificate number typed in two, is shown to the secretariat and the platform with both entries;
an entry the reader may not see is named by its number only."""

import hashlib
import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nominations import intake, workflow
from nominations.campaign_data import load_campaign
from nominations.groups import ensure_platform_group
from nominations.models import Attachment, RankingList, State
from tests.conftest import CAMPAIGN_FILE
from tests.factories import NominationFactory

pytestmark = pytest.mark.django_db

BEFORE_MEMBER_DEADLINE = datetime(2023, 11, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
ANOTHER_PDF = PDF.replace(b"%%EOF", b"% another scan\n%%EOF")
LABEL = "疑似重复使用材料"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def platform_staff(platform_user):
    """The platform secretariat as the demo sets it up: it reads one entry in the admin."""
    platform_user.is_staff = True
    platform_user.save()
    platform_user.groups.add(ensure_platform_group())
    return platform_user


def submitted(user, ranking_list, title, files=(), domain=None, **content):
    """An entry of ``user``'s member unit, its files uploaded while it was a draft, then submitted."""
    with time_machine.travel(BEFORE_MEMBER_DEADLINE, tick=False):
        nomination = NominationFactory(
            ranking_list=ranking_list,
            member_unit=user.profile.member_unit,
            created_by=user,
            title=title,
            content={"name": title, **content},
            **({"domain": domain} if domain else {}),
        )
        for name, data in files:
            intake.add_attachment(nomination, user, SimpleUploadedFile(name, data))
        workflow.transition(nomination, "submit", user)
    nomination.refresh_from_db()
    return nomination


def page(client, user, name, pk):
    client.force_login(user)
    response = client.get(reverse(name, args=[pk]))
    assert response.status_code == 200
    return response.content.decode()


def flag_of(html):
    """The text of the warning (tags removed), or ``""``."""
    found = re.search(r'<div class="alert alert-warning" role="note" data-testid="reuse-flag">(.*?)</div>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split()) if found else ""


def test_one_file_in_two_entries_of_one_unit_flags_both_with_links(client, member_user, secretariat_user, tech):
    first = submitted(member_user, tech, "柔性电子多维感知技术", [("专利证书.pdf", PDF)])
    second = submitted(
        member_user, tech, "柔性传感器制备工艺", [("证书扫描件.pdf", PDF), ("检测报告.pdf", ANOTHER_PDF)]
    )

    html = page(client, secretariat_user, "secretariat:nomination", first.pk)
    assert flag_of(html) == (
        f"{LABEL}：以下材料也出现在其他申报中，请核实是否重复使用他项成果。 "
        f"“柔性传感器制备工艺”（编号 {second.code}，已提交）：文件“专利证书.pdf”"
    )
    assert f'href="{reverse("secretariat:nomination", args=[second.pk])}"' in html

    html = page(client, secretariat_user, "secretariat:nomination", second.pk)
    assert f"“柔性电子多维感知技术”（编号 {first.code}，已提交）：文件“证书扫描件.pdf”" in flag_of(html)
    assert "检测报告.pdf" not in flag_of(html)  # a file of its own
    assert f'href="{reverse("secretariat:nomination", args=[first.pk])}"' in html


def test_another_units_entry_is_named_by_its_number_only(
    client, member_user, other_member_user, secretariat_user, other_secretariat_user, tech, enterprise
):
    ours = submitted(member_user, tech, "柔性电子多维感知技术", [("专利证书.pdf", PDF)])
    theirs = submitted(other_member_user, enterprise, "甲乙丙新材料有限公司", [("核心专利.pdf", PDF)])

    flag = flag_of(page(client, secretariat_user, "secretariat:nomination", ours.pk))
    assert flag.endswith(f"另一推荐单位的申报（编号 {theirs.code}）：文件“专利证书.pdf”")
    html = page(client, secretariat_user, "secretariat:nomination", ours.pk)
    assert "甲乙丙新材料" not in html and "核心专利.pdf" not in html and "另一会员单位" not in html
    assert reverse("secretariat:nomination", args=[theirs.pk]) not in html

    # The other unit's secretariat reads the same about ours: its file name, our number, nothing else.
    html = page(client, other_secretariat_user, "secretariat:nomination", theirs.pk)
    assert flag_of(html).endswith(f"另一推荐单位的申报（编号 {ours.code}）：文件“核心专利.pdf”")
    assert "柔性电子" not in html


def test_the_platform_sees_every_entry_with_links(
    client, member_user, other_member_user, platform_staff, tech, enterprise
):
    ours = submitted(member_user, tech, "柔性电子多维感知技术", [("专利证书.pdf", PDF)])
    sibling = submitted(member_user, tech, "柔性传感器制备工艺", [("证书扫描件.pdf", PDF)])
    theirs = submitted(other_member_user, enterprise, "甲乙丙新材料有限公司", [("核心专利.pdf", PDF)])

    html = page(client, platform_staff, "admin:nominations_nomination_change", ours.pk)
    flag = flag_of(html)
    assert f"“柔性传感器制备工艺”（编号 {sibling.code}，已提交）：文件“专利证书.pdf”" in flag
    assert f"“甲乙丙新材料有限公司”（编号 {theirs.code}，已提交）：文件“专利证书.pdf”" in flag
    for other in (sibling, theirs):
        assert f'href="{reverse("admin:nominations_nomination_change", args=[other.pk])}"' in html
    assert "另一推荐单位" not in flag


def test_one_patent_typed_two_ways_in_two_entries_is_flagged(client, member_user, secretariat_user, tech):
    first = submitted(
        member_user, tech, "柔性电子多维感知技术", ip="授权发明专利：ZL202110345678.3、ZL202220567890.4。"
    )
    second = submitted(member_user, tech, "柔性传感器制备工艺", ip="核心专利 ZL 2021 1 0345678.3（一种柔性传感器）。")
    submitted(member_user, tech, "无关技术", ip="授权发明专利：ZL201710601862.3。")

    flag = flag_of(page(client, secretariat_user, "secretariat:nomination", first.pk))
    assert flag.endswith(f"“柔性传感器制备工艺”（编号 {second.code}，已提交）：专利号（申请号）202110345678.3")
    assert "无关技术" not in flag


def test_one_certificate_number_in_two_entries_is_flagged(client, member_user, secretariat_user, manager):
    first = submitted(member_user, manager, "张三", qualification="技术经纪人证书（高级），证书编号：JSZY-2021-000123")
    second = submitted(member_user, manager, "李四", qualification="技术转移专业人员能力等级证书，编号 JSZY2021000123")

    flag = flag_of(page(client, secretariat_user, "secretariat:nomination", second.pk))
    assert flag.endswith(f"“张三”（编号 {first.code}，已提交）：证书编号 JSZY2021000123")


def test_drafts_and_unflagged_entries_show_no_flag(client, member_user, secretariat_user, tech):
    alone = submitted(member_user, tech, "柔性电子多维感知技术", [("专利证书.pdf", PDF)], ip="ZL202110345678.3")
    with time_machine.travel(BEFORE_MEMBER_DEADLINE, tick=False):
        draft = NominationFactory(
            ranking_list=tech, member_unit=member_user.profile.member_unit, created_by=member_user
        )
        intake.add_attachment(draft, member_user, SimpleUploadedFile("专利证书.pdf", PDF))
    assert draft.state == State.DRAFT  # its author's alone: never compared, never named to the staff
    html = page(client, secretariat_user, "secretariat:nomination", alone.pk)
    assert LABEL not in html and draft.code not in html
    inbox = page_inbox(client, secretariat_user)
    assert 'data-testid="reuse-badge"' not in inbox


def page_inbox(client, user, **get):
    client.force_login(user)
    response = client.get(reverse("secretariat:inbox"), get)
    assert response.status_code == 200
    return response.content.decode()


def test_the_inbox_badges_the_flagged_rows(client, member_user, other_member_user, secretariat_user, tech, enterprise):
    by_file = submitted(member_user, tech, "柔性电子多维感知技术", [("专利证书.pdf", PDF)])
    submitted(other_member_user, enterprise, "甲乙丙新材料有限公司", [("核心专利.pdf", PDF)])
    by_patent = submitted(member_user, tech, "柔性传感器制备工艺", ip="ZL202110345678.3")
    submitted(other_member_user, enterprise, "丁戊新能源有限公司", business="拥有专利 ZL202110345678.3。")
    plain = submitted(member_user, tech, "无关技术", [("检测报告.pdf", ANOTHER_PDF)], ip="ZL201710601862.3")

    client.force_login(secretariat_user)
    response = client.get(reverse("secretariat:inbox"))
    rows = {row.pk: row.reuse_flagged for row in response.context["page"].object_list}
    assert rows == {by_file.pk: True, by_patent.pk: True, plain.pk: False}
    html = response.content.decode()
    assert html.count('data-testid="reuse-badge"') == 2
    assert (
        '<span class="badge text-bg-warning" data-testid="reuse-badge" title="疑似重复使用材料">疑似重复</span>' in html
    )


@pytest.mark.parametrize("flagged", [1, 5])
def test_the_inbox_counts_its_flags_in_a_bounded_number_of_queries(
    client, member_user, other_member_user, secretariat_user, tech, enterprise, django_assert_max_num_queries, flagged
):
    domains = list(tech.domains.order_by("order", "pk"))  # a member unit submits at most 3 per domain
    for index in range(flagged):
        content = PDF.replace(b"%%EOF", f"% scan {index}\n%%EOF".encode())
        domain = domains[index % len(domains)]
        submitted(member_user, tech, f"技术{index}", [("证书.pdf", content)], domain, ip=f"ZL20211034567{index}")
        submitted(other_member_user, enterprise, f"企业{index}", [("证书.pdf", content)])
    submitted(member_user, tech, "无关技术", [("检测报告.pdf", ANOTHER_PDF)])
    client.force_login(secretariat_user)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("secretariat:inbox"))
    rows = response.context["page"].object_list
    assert sum(row.reuse_flagged for row in rows) == flagged and len(rows) == flagged + 1


@pytest.fixture
def listed_in_2022(tmp_path, member_unit, campaign):
    """A 2022 campaign with a published entry of the society's member: its patent and its file."""
    data = json.loads(CAMPAIGN_FILE.read_text(encoding="utf-8"))
    data["campaign"]["year"] = 2022
    path = tmp_path / "campaign_2022.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    earlier = load_campaign(path)
    nomination = NominationFactory(
        ranking_list=RankingList.objects.get(campaign=earlier, code="tech"),
        member_unit=member_unit,
        title="柔性电子多维感知技术（2022）",
        state=State.PUBLISHED,
        sent_at=datetime(2022, 11, 1, tzinfo=ZoneInfo("Asia/Shanghai")),
        content={"ip": "授权发明专利：ZL202110345678.3。"},
    )
    Attachment.objects.create(
        nomination=nomination,
        file=f"attachments/2022/{nomination.pk}/scan",
        original_name="2022年证书.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=nomination.created_by,
        uploaded_at=nomination.created_at,
        sha256=hashlib.sha256(PDF).hexdigest(),
    )
    return nomination


def test_an_entry_listed_in_an_earlier_campaign_is_compared_too(
    client, member_user, other_member_user, secretariat_user, other_secretariat_user, tech, listed_in_2022
):
    assert listed_in_2022.code.startswith("KCZG-2022-")
    ours = submitted(member_user, tech, "柔性电子多维感知技术", [("专利证书.pdf", PDF)])
    flag = flag_of(page(client, secretariat_user, "secretariat:nomination", ours.pk))
    assert flag.endswith(
        f"“柔性电子多维感知技术（2022）”（编号 {listed_in_2022.code}，已发布入榜）：文件“专利证书.pdf”"
    )
    theirs = submitted(other_member_user, tech, "另一项技术", ip="核心专利 ZL202110345678.3")
    html = page(client, other_secretariat_user, "secretariat:nomination", theirs.pk)
    assert flag_of(html).endswith(f"2022年入榜的申报（编号 {listed_in_2022.code}）：专利号（申请号）202110345678.3")
    assert "柔性电子" not in html
