"""No list, search, export or download ever holds an entry, attachment or score the user may not see.

Titles, attachment names and score comments of the scenario carry markers (``TKN-…-Q``); for every
role every list page is fetched and the markers of what ``visible_nominations(user)`` (and
``visible_attachments``) do not hold must be absent. The published lists are public by design, so a
published entry may appear to anyone. Exports are run through the real views and their files opened.
"""

import io
import re
import zipfile

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from nominations import exports, policy
from nominations.models import ExportJob, ExportState, State
from reviews.models import Assignment
from tests.security.conftest import ROLES

MARKER = re.compile(r"TKN-(.+?)-Q")
ZIP_MEMBER = re.compile(r"(\d{6})_[^/]*\.docx$")
STAFF = ("secretariat", "other_secretariat", "platform", "admin")


def _client(sdb, role):
    client = Client()
    if role != "anonymous":
        client.force_login(sdb.user(role))
    return client


def _allowed_entry_markers(sdb, user):
    visible = set() if user is None else set(policy.visible_nominations(user).values_list("pk", flat=True))
    public = {e.pk for e in sdb.entries.values() if e.state == State.PUBLISHED}
    return {key for key, e in sdb.entries.items() if e.pk in visible | public}


def _forbidden_markers(sdb, user):
    """Every marker this user must never meet: entries, attachment names and scores outside the policy."""
    allowed = _allowed_entry_markers(sdb, user)
    forbidden = {key for key in sdb.entries if key not in allowed}
    visible_files = set() if user is None else set(policy.visible_attachments(user).values_list("pk", flat=True))
    forbidden |= {f"file-{key}" for key, a in sdb.attachments.items() if a.pk not in visible_files}
    # Scores: their author, the body's coordinator, the platform and the admin; another expert of the
    # body only after submitting (in the scenario the first expert has not scored yet).
    readers = {
        "score-of-expert2": ("coordinator", "platform", "admin"),
        "score-of-other-body": ("other_body_expert", "other_coordinator", "platform", "admin"),
    }
    for marker, roles in readers.items():
        if user is None or not any(sdb.users[role] == user for role in roles):
            forbidden.add(marker)
    visible_mails = set() if user is None else set(policy.visible_sent_mails(user).values_list("pk", flat=True))
    forbidden |= {key for key, m in sdb.mails.items() if m.pk not in visible_mails}
    return forbidden


def _list_pages(sdb):
    # Searches match the titles but carry no whole marker (the search box echoes the query).
    other_title = "b-submitted"
    own_title = "a-submitted"
    year = sdb.campaign.year
    return [
        reverse("home"),
        reverse("member:dashboard"),
        reverse("pioneer:dashboard"),
        reverse("secretariat:dashboard"),
        reverse("secretariat:inbox"),
        reverse("secretariat:inbox") + f"?q={other_title}",
        reverse("secretariat:inbox") + f"?q={own_title}&state=submitted",
        reverse("secretariat:inbox") + "?q=TKN&ordering=-submitted_at",
        reverse("secretariat:inbox") + "?state=draft",
        reverse("secretariat:members"),
        reverse("secretariat:mail_log"),
        reverse("platform:dashboard"),
        reverse("platform:audit_log"),
        reverse("platform:mail_log"),
        reverse("exports:list"),
        reverse("reviews:expert_dashboard"),
        reverse("reviews:coordinator_dashboard"),
        reverse("reviews:platform_dispatch"),
        reverse("reviews:platform_progress"),
        reverse("reviews:platform_final"),
        reverse("publication:lists", kwargs={"year": year}),
    ]


def _markers_in(text):
    return set(MARKER.findall(text))


@pytest.mark.parametrize("role", ROLES)
def test_list_and_search_pages_hold_only_what_the_policy_shows(sdb, role):
    client = _client(sdb, role)
    user = sdb.user(role)
    forbidden = _forbidden_markers(sdb, user)
    leaks, pages_read = [], 0
    for url in _list_pages(sdb):
        response = client.get(url)
        assert response.status_code < 500, f"{role} {url}: {response.status_code}"
        if response.status_code != 200:
            continue
        pages_read += 1
        found = _markers_in(response.content.decode())
        if found & forbidden:
            leaks.append(f"{url}: {sorted(found & forbidden)}")
    assert not leaks, f"{role} sees what the policy hides:\n" + "\n".join(leaks)
    assert pages_read >= 2


# Partners (发布推介) see no entry at all: their pages are tried in tests/promotion.
@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("anonymous", "partner", "other_partner")])
def test_entry_pages_and_forms_of_visible_entries_hold_no_foreign_markers(sdb, role):
    """The pages of the entries a user may open show no other entry's title, file or score."""
    client = _client(sdb, role)
    user = sdb.user(role)
    forbidden = _forbidden_markers(sdb, user)
    names = {
        "member": "member:detail",
        "other_member": "member:detail",
        "pioneer": "pioneer:detail",
        "other_pioneer": "pioneer:detail",
        "secretariat": "secretariat:nomination",
        "other_secretariat": "secretariat:nomination",
        "expert": "reviews:expert_nomination",
        "other_body_expert": "reviews:expert_nomination",
        "coordinator": "reviews:coordinator_nomination",
        "other_coordinator": "reviews:coordinator_nomination",
        "platform": "exports:nomination_docx",
        "admin": "exports:nomination_docx",
    }
    opened = 0
    for entry in policy.visible_nominations(user):
        response = client.get(reverse(names[role], args=[entry.pk]))
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        opened += 1
        found = _markers_in(response.content.decode())
        assert not found & forbidden, f"{role} on {entry}: {sorted(found & forbidden)}"
    if role not in ("platform", "admin"):
        assert opened


@pytest.mark.parametrize(
    "role,url,expected",
    [
        ("secretariat", "secretariat:mail_log", {"mail-unit-a"}),
        ("other_secretariat", "secretariat:mail_log", {"mail-unit-b"}),
        (
            "platform",
            "platform:mail_log",
            {"mail-member-a", "mail-member-b", "mail-unit-a", "mail-unit-b", "mail-pioneer"},
        ),
        (
            "admin",
            "platform:mail_log",
            {"mail-member-a", "mail-member-b", "mail-unit-a", "mail-unit-b", "mail-pioneer"},
        ),
    ],
)
def test_mail_logs_hold_exactly_the_mails_the_policy_shows(sdb, role, url, expected):
    """A mail to a member unit is never in a secretariat's log; a mail to the secretariat is."""
    user = sdb.user(role)
    assert {key for key, m in sdb.mails.items() if policy.can_see(user, m)} == expected
    found = _markers_in(_client(sdb, role).get(reverse(url)).content.decode())
    assert {m for m in found if m in sdb.mails} == expected


def test_members_may_read_their_own_mails_only(sdb):
    assert {key for key, m in sdb.mails.items() if policy.can_see(sdb.user("member"), m)} == {"mail-member-a"}
    assert {key for key, m in sdb.mails.items() if policy.can_see(sdb.user("other_member"), m)} == {"mail-member-b"}
    for role in ("pioneer", "expert", "coordinator"):
        assert not policy.visible_sent_mails(sdb.user(role)).exists()


def test_an_expert_sees_other_scores_only_after_submitting_their_own(sdb):
    client = _client(sdb, "expert")
    entry = sdb.entries["a-review"]
    url = reverse("reviews:expert_nomination", args=[entry.pk])
    page = client.get(url).content.decode()
    assert sdb.score_comment not in page
    assert "9" not in re.findall(r"score-value[^>]*>([^<]*)<", page)  # no other expert's figures
    # A draft of one's own is not enough.
    values = {"c_innovation": "8", "c_advancement": "8", "c_value": "8", "c_transfer": "8", "comment": "我的意见"}
    assert client.post(url, {**values, "save": "1"}).status_code == 302
    assert sdb.score_comment not in client.get(url).content.decode()
    # Never on the dashboard either.
    assert sdb.score_comment not in client.get(reverse("reviews:expert_dashboard")).content.decode()
    assert client.post(url, {**values, "submit": "1", "confirm": "1"}).status_code == 302  # after the preview
    assert sdb.score_comment in client.get(url).content.decode()
    # The expert of another body never sees them, not even the entry.
    other = _client(sdb, "other_body_expert")
    assert other.get(url).status_code == 404
    assert sdb.score_comment not in other.get(reverse("reviews:expert_dashboard")).content.decode()


def _run_export(client, django_capture_on_commit_callbacks, user, **form):
    before = set(ExportJob.objects.filter(requested_by=user).values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:create"), form)
    assert response.status_code == 302, response.content.decode()[:500]
    job = ExportJob.objects.filter(requested_by=user).exclude(pk__in=before).get()
    assert job.state == ExportState.DONE, job.error
    response = client.get(reverse("exports:download", args=[job.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _xlsx_markers(content):
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    found = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    found |= _markers_in(value)
    return found


def _zip_pks(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
    return {int(m.group(1)) for m in map(ZIP_MEMBER.search, names) if m}


FILTERS = [
    {},
    {"list": "tech"},
    {"state": "recommended_all"},
    {"list": "manager", "state": "recommended"},
]


@pytest.mark.parametrize("role", STAFF)
def test_excel_and_word_zip_exports_are_exactly_the_visible_entries(
    sdb, role, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    user = sdb.user(role)
    client = _client(sdb, role)
    unit = {"unit": str(sdb.users[role].profile.recommending_unit_id)} if role.endswith("secretariat") else {}
    for extra in FILTERS:
        form = {**unit, **extra}
        filters = exports.Filters(
            campaign=sdb.campaign.year,
            list=form.get("list", ""),
            state=form.get("state", ""),
            unit=int(form["unit"]) if form.get("unit") else None,
        )
        expected = exports.select_nominations(user, filters)
        # The same selection, computed from the policy queryset by hand.
        by_hand = {
            n.pk
            for n in policy.visible_nominations(user).filter(campaign=sdb.campaign)
            if (not form.get("list") or n.ranking_list.code == form["list"])
            and (not form.get("unit") or n.recommending_unit_id == int(form["unit"]))
            and (not form.get("state") or n.state in exports.STATE_GROUPS.get(form["state"], ("", [form["state"]]))[1])
        }
        assert set(expected.values_list("pk", flat=True)) == by_hand
        expected_markers = {key for key, e in sdb.entries.items() if e.pk in by_hand}

        content = _run_export(client, django_capture_on_commit_callbacks, user, kind="xlsx", **form)
        entry_markers = {m for m in _xlsx_markers(content) if m in sdb.entries}
        assert entry_markers == expected_markers, (role, form)

        content = _run_export(client, django_capture_on_commit_callbacks, user, kind="docx_zip", **form)
        assert _zip_pks(content) == by_hand, (role, form)


def test_a_secretariat_cannot_export_another_units_entries(sdb):
    client = _client(sdb, "secretariat")
    before = ExportJob.objects.count()
    response = client.post(reverse("exports:create"), {"kind": "xlsx", "unit": str(sdb.units["b"].pk)})
    assert response.status_code == 400
    assert "导出条件有误" in response.content.decode()
    assert ExportJob.objects.count() == before


def test_an_export_file_is_refused_once_an_entry_in_it_is_no_longer_visible(sdb):
    """The download re-checks the policy: a job that holds an entry the owner lost is not served."""
    job = sdb.jobs["secretariat"]
    client = _client(sdb, "secretariat")
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 200
    moved = sdb.entries["a-submitted"]
    moved.recommending_unit = sdb.units["b"]
    moved.save(update_fields=["recommending_unit"])
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404


def _run_review_export(client, capture, user, url, **form):
    before = set(ExportJob.objects.filter(requested_by=user).values_list("pk", flat=True))
    with capture(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:500]
    job = ExportJob.objects.filter(requested_by=user).exclude(pk__in=before).get()
    assert job.state == ExportState.DONE, job.error
    response = client.get(reverse("exports:download", args=[job.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_review_and_published_workbooks_hold_only_what_their_readers_may_see(sdb, django_capture_on_commit_callbacks):
    """Every review export each role may start holds only entries and scores the role may see."""
    capture = django_capture_on_commit_callbacks
    for role in ROLES[1:]:
        user = sdb.user(role)
        client = _client(sdb, role)
        for kind in ("scores", "ranking", "published"):
            url = reverse("exports:review_create", args=[kind])
            if not policy.may(user, "start_export", kind):
                assert client.post(url).status_code == 404, (role, kind)
                continue
            content = _run_review_export(client, capture, user, url)
            markers = _xlsx_markers(content)
            assert not markers & _forbidden_markers(sdb, user), (role, kind)
            if kind == "published":
                published = {key for key, e in sdb.entries.items() if e.state == State.PUBLISHED}
                assert {m for m in markers if m in sdb.entries} == published
    platform = _client(sdb, "platform")
    content = _run_review_export(
        platform, capture, sdb.user("platform"), reverse("reviews:platform_ranking_excel"), norm="z"
    )
    visible = _allowed_entry_markers(sdb, sdb.user("platform"))
    assert {m for m in _xlsx_markers(content) if m in sdb.entries} <= visible
    public = Client().get(reverse("publication:excel", kwargs={"year": sdb.campaign.year}))
    assert public.status_code == 200
    published = {key for key, e in sdb.entries.items() if e.state == State.PUBLISHED}
    assert {m for m in _xlsx_markers(public.content) if m in sdb.entries} == published


def test_attachment_downloads_follow_visible_attachments(sdb):
    for role in ROLES[1:]:
        client = _client(sdb, role)
        visible = set(policy.visible_attachments(sdb.user(role)).values_list("pk", flat=True))
        for attachment in sdb.attachments.values():
            response = client.get(reverse("attachment", args=[attachment.pk]))
            assert (response.status_code == 200) == (attachment.pk in visible), (role, attachment)
            if response.streaming:
                b"".join(response.streaming_content)  # closes the file; response.close() would close the DB connection


def test_assignments_of_the_scenario_are_as_built(sdb):
    # A guard for the invariant tests above: the expert really has an entry to score and a peer's score.
    assert Assignment.objects.filter(expert=sdb.users["expert"], active=True).count() == 2
