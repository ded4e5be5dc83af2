"""Markup and formula payloads in stored data, and bad input on the review pages.

* HTML and script payloads typed into entries are shown escaped on every page that renders them
  (member entry page, secretariat inbox and entry page, expert and coordinator pages, the published
  list) and e-mail bodies carry them as plain text.
* Formula payloads are inert in every workbook the system writes: the entries export (with its quota
  sheet), the final-review ranking and the published lists: no cell is a formula, each payload is
  a text cell shown exactly as typed.
* The review forms (scores, assignment, moves, targets, extensions) refuse nonsense with a Chinese
  message and never a 5xx.
"""

import io
import re
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from nominations.models import ExportJob, Nomination, State
from reviews.models import Assignment, ListTarget, Score
from tests.security.conftest import token

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
COLLECTION_TIME = datetime(2023, 11, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"]


def _client(sdb, role):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(sdb.user(role))
    return client


def _set_title(entry, title, **data):
    entry.title = title
    entry.data = {**entry.data, "name": title, "title": title, **data}
    entry.save(update_fields=["title", "data"])


def _escaped_everywhere(page, payload):
    assert payload not in page
    raw_tags = ("<script>alert(1)", "<img src=x onerror")
    assert not any(tag in page for tag in raw_tags), "an unescaped tag reached the page"


@pytest.mark.parametrize("payload", [SCRIPT, IMG])
def test_markup_in_entries_is_shown_escaped_on_every_page(sdb, payload):
    pages = {
        "a-submitted": [
            ("member", reverse("member:detail", args=[sdb.entries["a-submitted"].pk])),
            ("member", reverse("member:dashboard")),
            ("secretariat", reverse("secretariat:inbox")),
            ("secretariat", reverse("secretariat:nomination", args=[sdb.entries["a-submitted"].pk])),
        ],
        "a-draft": [("member", reverse("member:edit", args=[sdb.entries["a-draft"].pk]))],
        "a-review": [
            ("expert", reverse("reviews:expert_nomination", args=[sdb.entries["a-review"].pk])),
            ("expert", reverse("reviews:expert_dashboard")),
            ("coordinator", reverse("reviews:coordinator_dashboard")),
            ("coordinator", reverse("reviews:coordinator_nomination", args=[sdb.entries["a-review"].pk])),
            ("platform", reverse("reviews:platform_dispatch")),
        ],
        "a-published": [
            ("anonymous", reverse("publication:lists", args=[sdb.campaign.year])),
            ("platform", reverse("reviews:platform_final")),
        ],
        "p-recommended": [("platform", reverse("platform:dashboard"))],
    }
    for key in pages:
        _set_title(sdb.entries[key], f"{key}{payload}", business=payload, contact_name=payload)
    sdb.members["a"].name = f"甲会员{payload}"
    sdb.members["a"].save(update_fields=["name"])
    checked = 0
    for key, visits in pages.items():
        for role, url in visits:
            response = _client(sdb, role).get(url)
            assert response.status_code == 200, (role, url, response.status_code)
            page = response.content.decode()
            _escaped_everywhere(page, payload)
            assert f"{key}{payload}".replace("<", "&lt;").replace(">", "&gt;")[:40] in page.replace("&quot;", '"'), (
                role,
                url,
            )
            checked += 1
    assert checked == sum(map(len, pages.values()))


def test_e_mail_bodies_carry_payloads_as_plain_text(sdb, django_capture_on_commit_callbacks):
    entry = sdb.entries["a-submitted"]
    _set_title(entry, f"标题{SCRIPT}")
    mail.outbox.clear()
    client = _client(sdb, "secretariat")
    # Returning for revision is possible while the member deadline is open.
    with time_machine.travel(COLLECTION_TIME, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("secretariat:nomination_action", args=[entry.pk]), {"action": "return", "note": f"请修改{IMG}"}
        )
    assert response.status_code == 302
    assert Nomination.objects.get(pk=entry.pk).state == State.RETURNED
    assert mail.outbox, "returning an entry sends a mail to the member"
    for message in mail.outbox:
        assert message.content_subtype == "plain"
        assert not getattr(message, "alternatives", None)
        assert "&lt;" not in message.body and "&quot;" not in message.body
    assert any(SCRIPT in m.body or SCRIPT in m.subject for m in mail.outbox)


# ---------------------------------------------------------------- formulas


def _formula_cells(content):
    """Every formula cell of a workbook (must be none) and every text cell's value."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    formulas = [m for xml in sheets for m in re.findall(r"<f[ >].*?</f>|<f/>", xml)]
    book = openpyxl.load_workbook(io.BytesIO(content))
    texts = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(f"{sheet.title}!{cell.coordinate}={cell.value}")
                elif isinstance(cell.value, str):
                    texts.add(cell.value)
    return formulas, texts


def _plant_formulas(sdb):
    keys = ["a-submitted", "a-recommended", "a-review", "a-published", "b-submitted", "p-recommended"]
    planted = {}
    for key, payload in zip(keys, FORMULAS, strict=True):
        _set_title(sdb.entries[key], payload, business=payload, contact_name=payload, contact_phone=payload)
        planted[key] = payload
    sdb.units["a"].name = FORMULAS[0]
    sdb.units["a"].save(update_fields=["name"])
    sdb.members["a"].name = "=1+2"
    sdb.members["a"].save(update_fields=["name"])
    return planted


def _export(sdb, role, capture, **form):
    client = _client(sdb, role)
    before = set(ExportJob.objects.values_list("pk", flat=True))
    with capture(execute=True):
        assert client.post(reverse("exports:create"), {"kind": "xlsx", **form}).status_code == 302
    job = ExportJob.objects.exclude(pk__in=before).get()
    response = client.get(reverse("exports:download", args=[job.pk]))
    assert response.status_code == 200, job.error
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("role", ["secretariat", "platform"])
def test_formula_payloads_are_inert_in_the_entries_export_and_quota_sheet(
    sdb, role, django_capture_on_commit_callbacks
):
    _plant_formulas(sdb)
    form = {"unit": str(sdb.units["a"].pk)} if role == "secretariat" else {}
    formulas, texts = _formula_cells(_export(sdb, role, django_capture_on_commit_callbacks, **form))
    assert formulas == []
    assert FORMULAS[0] in texts  # the unit's name, in the entries and the quota sheet
    # Unit A's entries for its secretariat; every unit's (and the pioneers') for the platform.
    expected = {"+1", "-1", "@SUM(A1)"} if role == "secretariat" else {"+1", "-1", "@SUM(A1)", "\t=1", "\r=1"}
    assert expected <= texts


def _review_export(sdb, role, capture, url):
    client = _client(sdb, role)
    before = set(ExportJob.objects.values_list("pk", flat=True))
    with capture(execute=True):
        assert client.post(url).status_code == 302
    job = ExportJob.objects.exclude(pk__in=before).get()
    response = client.get(reverse("exports:download", args=[job.pk]))
    assert response.status_code == 200, job.error
    return b"".join(response.streaming_content)


def test_formula_payloads_are_inert_in_the_ranking_and_published_workbooks(sdb, django_capture_on_commit_callbacks):
    _plant_formulas(sdb)
    content = _review_export(
        sdb, "platform", django_capture_on_commit_callbacks, reverse("reviews:platform_ranking_excel")
    )
    formulas, texts = _formula_cells(content)
    assert formulas == []
    assert "-1" in texts  # a-review's title
    content = _review_export(
        sdb, "member", django_capture_on_commit_callbacks, reverse("exports:review_create", args=["published"])
    )
    formulas, texts = _formula_cells(content)
    assert formulas == []
    assert "@SUM(A1)" in texts  # a-published's title
    response = Client().get(reverse("publication:excel", args=[sdb.campaign.year]))
    assert response.status_code == 200
    formulas, texts = _formula_cells(response.content)
    assert formulas == []
    assert "@SUM(A1)" in texts  # a-published's title


# ---------------------------------------------------------------- review forms


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_score_form_refuses_letters_out_of_range_and_oversized_values(sdb):
    client = _client(sdb, "expert")
    entry = sdb.entries["a-review"]
    url = reverse("reviews:expert_nomination", args=[entry.pk])
    for values in (
        {"c_innovation": "abc", "c_advancement": "8", "c_value": "8", "c_transfer": "8"},
        {"c_innovation": "11", "c_advancement": "8", "c_value": "8", "c_transfer": "8"},
        {"c_innovation": "-1", "c_advancement": "8", "c_value": "8", "c_transfer": "8"},
        {"c_innovation": "9" * 400, "c_advancement": "NaN", "c_value": "Infinity", "c_transfer": "1e999"},
        {"c_innovation": "8", "c_advancement": "8", "c_value": "8", "c_transfer": "8", "comment": ""},
    ):
        response = client.post(url, {"comment": "意见", **values, "submit": "1"})
        assert response.status_code == 400, values
        page = response.content.decode()
        assert "评分未保存" in page, values
    assert not Score.objects.filter(assignment__expert=sdb.users["expert"]).exists()


def test_coordinator_and_platform_forms_refuse_nonsense(sdb):
    coordinator = _client(sdb, "coordinator")
    entry = sdb.entries["a-review-unassigned"]
    before = Assignment.objects.count()
    for expert in ("abc", "-1", "9" * 40, "", "²"):
        response = coordinator.post(reverse("reviews:assign_expert", args=[entry.pk]), {"expert": expert})
        assert response.status_code == 400, expert
        assert "请选择专家。" in response.content.decode(), expert
    for expert in (sdb.users["other_body_expert"].pk, sdb.users["member"].pk):
        response = coordinator.post(reverse("reviews:assign_expert", args=[entry.pk]), {"expert": expert}, follow=True)
        assert response.status_code == 200, expert
        assert any("只能分配本机构的评审专家" in m for m in _messages(response)), expert
    assert Assignment.objects.count() == before
    for k in ("abc", "0", "21", "9" * 40):
        response = coordinator.post(reverse("reviews:auto_assign"), {"k": k})
        assert response.status_code == 400
        assert "专家人数应在 1 至 20 之间" in response.content.decode(), k
    assert Assignment.objects.count() == before
    response = coordinator.post(reverse("reviews:invite"), {"name": "x", "email": "not-mail"})
    assert response.status_code == 400
    assert "请输入有效的邮箱地址" in response.content.decode()

    platform = _client(sdb, "platform")
    for body in ("abc", "9" * 40, "", str(sdb.bodies["b"].pk) + "x"):
        response = platform.post(
            reverse("reviews:platform_move", args=[sdb.entries["a-review"].pk]), {"body": body, "reason": "x"}
        )
        assert response.status_code == 400, body
        assert "请选择要调整到的初评机构" in response.content.decode(), body
    assert sdb.entries["a-review"].dispatch.body == sdb.bodies["a"]
    tech = sdb.lists["tech"]
    targets_before = list(ListTarget.objects.filter(ranking_list=tech).values_list("count", flat=True))
    for count in ("abc", "-1", "1.5", "9" * 40, ""):
        response = platform.post(reverse("reviews:platform_target", args=[tech.pk]), {"count": count})
        assert response.status_code == 400, count
        assert "入榜数量应为 0 至 100000 之间的整数" in response.content.decode(), count
    assert list(ListTarget.objects.filter(ranking_list=tech).values_list("count", flat=True)) == targets_before
    for until in ("", "abc", "2023-02-30T10:00", "99999-01-01"):
        response = platform.post(
            reverse("reviews:platform_extension", args=[sdb.bodies["a"].pk]),
            {"until": until, "reason": "x"},
        )
        assert response.status_code == 400, until
        assert "请填写延期至的日期和时间" in response.content.decode(), until
    response = platform.post(
        reverse("reviews:platform_decide"),
        {"entry": ["abc", "²", "9" * 40, str(sdb.entries["b-draft"].pk)], "choice_abc": "listed"},
    )
    assert response.status_code == 400
    assert "提交的申报编号有误" in response.content.decode()
    draft = sdb.entries["b-draft"]
    response = platform.post(
        reverse("reviews:platform_decide"), {"entry": [str(draft.pk)], f"choice_{draft.pk}": "listed"}, follow=True
    )
    assert response.status_code == 200
    assert Nomination.objects.get(pk=sdb.entries["b-draft"].pk).state == State.DRAFT


def test_expert_conflict_form_with_a_bad_kind(sdb):
    client = _client(sdb, "expert")
    entry = sdb.entries["a-review"]
    response = client.post(reverse("reviews:declare_conflict", args=[entry.pk]), {"kind": "nonsense"})
    assert response.status_code == 400
    assert "请选择回避类型" in response.content.decode()
    assert Assignment.objects.get(pk=sdb.assignments[("a-review", "expert")].pk).active
    assert token("a-review") in client.get(reverse("reviews:expert_dashboard")).content.decode()
