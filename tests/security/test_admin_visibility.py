"""The admin is no side door: a platform user, tried as an attacker would, meets no draft.

The platform user is staff in the platform group (as in production). Every page of the admin that
can show an entry, an attachment, an audit record or a review is fetched — lists, searches, change
pages, history pages (Django's and django-simple-history's), autocompletes, inlines — and the markers
(``TKN-…-Q``) of what the policy hides from the platform must be absent, while what it may see shows.
"""

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from nominations import policy
from nominations.models import Attachment, AuditEvent, Nomination
from reviews.models import Score
from reviews.policy import visible_scores
from tests.security.matrix import audit_events, draft_score, make_platform_staff

MARKER = re.compile(r"TKN-(.+?)-Q")


@pytest.fixture(scope="module", autouse=True)
def _platform_staff(scenario, django_db_blocker):
    with django_db_blocker.unblock():
        make_platform_staff(scenario.users["platform"])


@pytest.fixture
def world(sdb):
    """The scenario with audit records about every entry and a draft review; the platform's client."""
    audit_events(sdb)
    draft = draft_score(sdb)
    client = Client()
    client.force_login(sdb.users["platform"])
    return sdb, draft, client


def _forbidden(s, user):
    visible = set(policy.visible_nominations(user).values_list("pk", flat=True))
    files = set(policy.visible_attachments(user).values_list("pk", flat=True))
    forbidden = {key for key, e in s.entries.items() if e.pk not in visible}
    forbidden |= {f"file-{key}" for key, a in s.attachments.items() if a.pk not in files}
    forbidden.add("score-draft-of-expert")
    return forbidden


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _pages(s, draft):
    """Every admin page that shows entries, attachments, audit records or reviews, for every row."""
    pages = []
    for model in admin.site._registry:
        changelist = _url(model, "changelist")
        pages += [changelist, f"{changelist}?q=TKN", f"{changelist}?q=draft", f"{changelist}?q=file"]
    for key, entry in s.entries.items():
        pages += [_url(Nomination, "change", entry.pk), _url(Nomination, "history", entry.pk)]
        for version in entry.history.all():
            pages.append(reverse("admin:nominations_nomination_simple_history", args=(entry.pk, version.history_id)))
        pages.append(_url(Nomination, "changelist") + f"?q={key}")
    for attachment in Attachment.objects.all():
        pages += [_url(Attachment, "change", attachment.pk), _url(Attachment, "history", attachment.pk)]
    for event in AuditEvent.objects.all():
        pages += [_url(AuditEvent, "change", event.pk), _url(AuditEvent, "history", event.pk)]
    for score in Score.objects.all():
        pages += [_url(Score, "change", score.pk), _url(Score, "history", score.pk)]
    # Autocompletes reaching entries and their records through any foreign key of a registered model.
    for model in admin.site._registry:
        for field in model._meta.fields:
            if field.is_relation and field.related_model in (Nomination, Attachment, Score):
                for term in ("TKN", "draft", ""):
                    pages.append(
                        reverse("admin:autocomplete")
                        + f"?app_label={model._meta.app_label}&model_name={model._meta.model_name}"
                        f"&field_name={field.name}&term={term}"
                    )
    return pages


def test_the_platform_meets_no_draft_anywhere_in_the_admin(world):
    s, draft, client = world
    user = s.users["platform"]
    forbidden = _forbidden(s, user)
    assert {"a-draft", "p-draft", "file-a-draft", "score-draft-of-expert"} <= forbidden
    met = set()
    leaks = []
    for page in _pages(s, draft):
        response = client.get(page)
        assert response.status_code in (200, 302, 403, 404), (page, response.status_code)
        found = set(MARKER.findall(response.content.decode()))
        met |= found
        if found & forbidden:
            leaks.append(f"{page}: {sorted(found & forbidden)}")
    assert not leaks, "\n".join(leaks)
    # The same pages do show what the platform may see (so the search for markers can fail).
    assert {"a-submitted", "b-review", "file-a-submitted", "file-b-review", "score-of-expert2"} <= met


def test_a_draft_answers_404_on_every_admin_page_of_it(world):
    s, draft, client = world
    entry = s.entries["a-draft"]
    version = entry.history.first().history_id
    for page in (
        _url(Nomination, "change", entry.pk),
        _url(Nomination, "history", entry.pk),
        reverse("admin:nominations_nomination_simple_history", args=(entry.pk, version)),
        _url(Attachment, "change", s.attachments["a-draft"].pk),
        _url(Score, "change", draft.pk),
        _url(Score, "history", draft.pk),
        _url(AuditEvent, "change", AuditEvent.objects.filter(nomination=entry).first().pk),
    ):
        assert client.get(page).status_code == 404, page


def test_inlines_of_a_visible_entry_show_only_visible_records(world):
    s, _draft, client = world
    entry = s.entries["a-review"]
    response = client.get(_url(Nomination, "change", entry.pk))
    assert response.status_code == 200
    text = response.content.decode()
    assert "TKN-file-a-review-Q" in text  # the attachment inline
    assert AuditEvent.objects.filter(nomination=entry, verb="upload").exists()
    inline_rows = {
        formset.formset.model: list(formset.formset.queryset) for formset in response.context["inline_admin_formsets"]
    }
    assert set(inline_rows[Attachment]) <= set(policy.visible_attachments(s.users["platform"]))
    assert set(inline_rows[AuditEvent]) <= set(policy.visible_audit_events(s.users["platform"]))


def test_the_platform_reads_submitted_reviews_not_draft_ones(world):
    s, draft, client = world
    platform = s.users["platform"]
    assert not visible_scores(platform).filter(pk=draft.pk).exists()
    assert visible_scores(s.users["expert"]).filter(pk=draft.pk).exists()
    assert not visible_scores(s.users["expert2"]).filter(pk=draft.pk).exists()
    assert not visible_scores(s.users["coordinator"]).filter(pk=draft.pk).exists()
    response = client.get(_url(Score, "changelist"))
    listed = {score.pk for score in response.context["cl"].result_list}
    assert listed == set(visible_scores(platform).values_list("pk", flat=True))
    assert draft.pk not in listed and listed
    assert client.get(_url(Score, "change", draft.pk)).status_code == 404
    submitted = Score.objects.exclude(pk=draft.pk).first()
    response = client.get(_url(Score, "change", submitted.pk))
    assert response.status_code == 200
    assert submitted.comment in response.content.decode()


def test_the_audit_log_page_leaves_out_records_of_entries_the_reader_cannot_see(world):
    s, _draft, client = world
    text = client.get(reverse("platform:audit_log")).content.decode()
    found = set(MARKER.findall(text))
    assert not found & _forbidden(s, s.users["platform"])
    assert "file-a-submitted" in found  # an upload of a submitted entry's file
    assert "重新开放" in text  # a record about no entry stays visible to the platform
    events = policy.visible_audit_events(s.users["platform"])
    assert not events.filter(nomination=s.entries["a-draft"]).exists()
    assert events.filter(nomination=None).exists()
    # The admin's list of audit records: the same rows.
    response = client.get(_url(AuditEvent, "changelist"))
    assert response.context["cl"].result_count == events.count()


def test_the_history_of_a_submitted_entry_leaves_out_its_draft_versions(world):
    """What the member typed before sending it stays the member's, in the admin's history too."""
    s, _draft, client = world
    entry = s.entries["a-submitted"]
    assert entry.history.count() >= 2
    Nomination.history.filter(id=entry.pk, history_id=entry.history.earliest().history_id).update(
        state="draft", submitted_at=None, title="TKN-draft-title-Q"
    )
    Nomination.history.filter(id=entry.pk).exclude(state="draft").update(title="TKN-sent-title-Q")
    draft_version = Nomination.history.get(id=entry.pk, state="draft")
    page = client.get(_url(Nomination, "history", entry.pk)).content.decode()
    assert "TKN-sent-title-Q" in page
    assert "TKN-draft-title-Q" not in page
    version_page = reverse("admin:nominations_nomination_simple_history", args=(entry.pk, draft_version.history_id))
    assert client.get(version_page).status_code == 404
