"""The access-matrix registry: every URL pattern of the project, classified.

For each URL name a :class:`Rule` says which methods the view takes, who the view is for (``gate``),
which objects to put in the URL (``targets``) and whether a user may see a given object (``sees``).
The gates and ``sees`` call the policy (``nominations.policy``, ``reviews.policy``), never a
hand-copied table, so the expected answer follows the policy and a view that forgets a check fails.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from nominations import policy
from nominations.models import Role
from tests.security.conftest import token

# Not classified here, on purpose (each with its reason):
SKIPPED_NAMESPACES = {}
# The admin's unnamed patterns: ``<model>/<id>/`` redirects to the named change page (classified),
# and the catch-all answers "not found" for any other path; neither can be reversed.
SKIPPED_UNNAMED_IN = {"admin": "Django admin redirects and catch-all, tried through the named patterns"}
SKIPPED_NAMES = {
    # Django's authentication views are public by design (log-in, log-out, password reset by e-mail);
    # tests/pages/test_auth_pages.py covers them.
    "login": "public by design",
    "logout": "public by design",
    "password_reset": "public by design",
    "password_reset_done": "public by design",
    "password_reset_confirm": "public by design (token in the URL)",
    "password_reset_complete": "public by design",
}
# Static and media file handlers (only mounted when DEBUG serves files) are skipped by their view.
SKIPPED_VIEWS = ("django.views.static.serve", "django.contrib.staticfiles.views.serve")


def target_url(name, kwargs):
    """The URL of ``name`` for a target's kwargs (``_args`` for positional patterns, ``_query`` for a query)."""
    kwargs = dict(kwargs)
    query = kwargs.pop("_query", None)
    args = kwargs.pop("_args", None)
    url = reverse(name, args=args) if args is not None else reverse(name, kwargs=kwargs)
    return f"{url}?{urlencode(query)}" if query else url


NEVER = object()  # a target no one may reach (e.g. an attachment of another entry in the URL): 404


def url_names():
    """``{"namespace:name": pattern string}`` of every named pattern, walked recursively."""
    found = {}

    def walk(patterns, namespaces, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                spaces = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
                if pattern.namespace in SKIPPED_NAMESPACES:
                    continue
                walk(pattern.url_patterns, spaces, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                view = pattern.lookup_str
                if view in SKIPPED_VIEWS:
                    continue
                if pattern.name is None and set(namespaces) & set(SKIPPED_UNNAMED_IN):
                    continue
                name = ":".join((*namespaces, pattern.name or f"<unnamed {prefix}{pattern.pattern}>"))
                found[name] = prefix + str(pattern.pattern)

    walk(get_resolver().url_patterns, (), "")
    return found


# ---------------------------------------------------------------- gates (who the view is for)


def logged_in(user):
    return True


def has_role(*roles):
    def gate(user):
        return policy.role_of(user) in roles

    gate.__name__ = "role_" + "_".join(roles)
    return gate


def may(action):
    def gate(user):
        return bool(policy.may(user, action))

    gate.__name__ = f"may_{action}"
    return gate


# ---------------------------------------------------------------- visibility of the URL's object


def sees_entry(user, obj):
    return policy.can_see(user, obj)


def sees_with(action):
    def sees(user, obj):
        return bool(policy.may(user, action, obj))

    return sees


def sees_everything(user, obj):
    return True


def sees_own_job(user, job):
    return job.requested_by_id == user.pk


def sees_job_file(user, job):
    return bool(policy.may(user, "download_export", job))


def sees_assignment(user, item):
    return bool(policy.may(user, "manage_body_reviews", item.body)) and policy.can_see(user, item.nomination)


def sees_member_unit(user, unit):
    return policy.can_see(user, unit)


# ---------------------------------------------------------------- targets (objects in the URL)

# Entries of every side: own unit A (draft … review), other unit B, the pioneers. Every role finds
# both entries it may see and entries it may not among them (admin: only the first kind).
ENTRY_KEYS = ("a-draft", "a-submitted", "a-review", "a-review-unassigned", "b-submitted", "b-review", "p-draft")
ATTACHED_KEYS = ("a-draft", "a-submitted", "a-review", "b-submitted", "b-review", "p-draft")


def no_object(s):
    return [("page", {}, None)]


def entries(s, **extra):
    return [(key, {"pk": s.entries[key].pk, **extra}, s.entries[key]) for key in ENTRY_KEYS]


def entries_with_action(action):
    def targets(s):
        return entries(s, action=action)

    return targets


def entry_attachments(s):
    rows = [
        (key, {"pk": s.entries[key].pk, "attachment_pk": s.attachments[key].pk}, s.entries[key])
        for key in ATTACHED_KEYS
    ]
    # The own entry with another entry's attachment: never found.
    rows.append(("mismatch", {"pk": s.entries["a-draft"].pk, "attachment_pk": s.attachments["b-submitted"].pk}, NEVER))
    return rows


def attachments(s):
    return [(key, {"pk": s.attachments[key].pk}, s.attachments[key]) for key in ATTACHED_KEYS]


def jobs(s):
    return [(role, {"pk": job.pk}, job) for role, job in s.jobs.items()]


def member_units(s):
    return [(key, {"pk": unit.pk}, unit) for key, unit in s.members.items()]


def recommending_units(s):
    return [(key, {"pk": unit.pk}, unit) for key, unit in s.units.items()]


def pioneers(s):
    return [(key, {"pk": p.pk}, p) for key, p in s.pioneers.items()]


def import_kinds(s):
    return [
        ("units", {"kind": "units"}, "units"),
        ("pioneers", {"kind": "pioneers"}, "p"),
        ("bad", {"kind": "x"}, NEVER),
    ]


def review_bodies(s):
    return [(key, {"pk": body.pk}, body) for key, body in s.bodies.items()]


def ranking_lists(s):
    return [(code, {"pk": lst.pk}, lst) for code, lst in s.lists.items()]


def assignments(s):
    return [(f"{key}/{expert}", {"pk": item.pk}, item) for (key, expert), item in s.assignments.items()]


def expert_profiles(s):
    """A pool profile of the body's first expert (the coordinator's body), and a pk that does not exist."""
    from reviews.models import ExpertProfile

    profile, _ = ExpertProfile.objects.get_or_create(user=s.users["expert"])
    return [("expert", {"pk": profile.pk}, profile), ("missing", {"pk": 999999}, NEVER)]


def review_kinds(s):
    return [
        ("scores", {"kind": "scores"}, "scores"),
        ("ranking", {"kind": "ranking"}, "ranking"),
        ("published", {"kind": "published"}, "published"),
        ("bad", {"kind": "x"}, NEVER),
    ]


def stamped_pages(s):
    return [(key, {"pk": page.pk}, page) for key, page in s.stamped.items()]


def sees_stamped(user, page):
    return policy.visible_stamped_pages(user).filter(pk=page.pk).exists()


def may_start_kind(user, kind):
    return bool(policy.may(user, "start_export", kind))


def years(s):
    # The published year, and a year without a campaign (404 for everyone).
    return [("published", {"year": s.campaign.year}, s.campaign), ("unpublished", {"year": 2001}, NEVER)]


def _meetings(s):
    """Two panel meetings with the expert as chair and only member: one in 筹备, one closed (made anew
    for each test: the scenario's rows outlive a test, these roll back with it)."""
    from kczg_site import clock
    from reviews.models import MeetingState, PanelCandidate, PanelMeeting

    rows = []
    for name, state in (("筹备中的会评", MeetingState.PREPARING), ("已结束的会评", MeetingState.CLOSED)):
        meeting = PanelMeeting.objects.create(
            campaign=s.campaign,
            name=name,
            chair=s.users["expert"],
            state=state,
            member_count=1,
            present_count=1,
            created_at=clock.now(),
            created_by=s.users["platform"],
        )
        meeting.members.set([s.users["expert"]])
        nomination = s.entries["a-review"]
        PanelCandidate.objects.create(meeting=meeting, nomination=nomination, ranking_list=nomination.ranking_list)
        rows.append(meeting)
    return rows


def meetings(s):
    return [(m.name, {"pk": m.pk}, m) for m in _meetings(s)] + [("missing", {"pk": 999999}, NEVER)]


def panel_candidates(s):
    rows = []
    for m in _meetings(s):
        candidate = m.candidates.first()
        rows.append((m.name, {"pk": m.pk, "candidate_pk": candidate.pk}, m))
    return rows


def official_codes(s):
    """An official version (stored as made, no PDF needed) and a code no version has (404 for everyone)."""
    from nominations.models import OfficialState, OfficialVersion

    entry = s.entries["a-review"]
    version, _ = OfficialVersion.objects.get_or_create(
        code="MATRXCHECK23",
        defaults={
            "nomination": entry,
            "campaign": entry.campaign,
            "serial": 999999,
            "state": OfficialState.DONE,
            "sha256": "0" * 64,
            "frozen_at": entry.updated_at,
        },
    )
    return [("official", {"code": version.printed_code}, version), ("unknown", {"code": "ZZZZ-ZZZZ-ZZZZ"}, NEVER)]


# ---------------------------------------------------------------- the rule


@dataclass(frozen=True)
class Rule:
    methods: tuple
    gate: object = logged_in
    targets: object = no_object
    sees: object = sees_everything
    public: bool = False
    post: object = field(default_factory=dict)  # a minimal body, or a function of the scenario
    # Answers that are fine for a permitted user besides 200/302/400/409 (e.g. a refusal of the state).
    also_ok: tuple = ()
    # Django's admin: anonymous and non-staff users are sent to the admin's log-in page.
    admin: bool = False
    # The gate of POST when it differs from the gate of GET (admin: view vs change permission).
    post_gate: object = None
    # Methods refused (403, or 404 for what the user may not see) to everyone: read-only admin views.
    refused: tuple = ()

    def body(self, s):
        return self.post(s) if callable(self.post) else dict(self.post)

    def gate_of(self, method):
        return self.post_gate if method == "POST" and self.post_gate is not None else self.gate


GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")

member = has_role(Role.MEMBER)
pioneer = has_role(Role.PIONEER)
expert = has_role(Role.EXPERT)
reviewer = has_role(Role.EXPERT, Role.COORDINATOR)
inbox = may("view_inbox")
overview = may("view_platform_overview")
coordinator = may("manage_body_reviews")


def exporter(user):
    return bool(policy.may(user, "export"))


def _author_rules(role_gate):
    # The author's edit refuses with 403 when the state does not allow editing (e.g. submitted).
    return {
        "dashboard": Rule(GET, role_gate),
        # Creating after the deadline (or for a confirmed unit) is refused with 403 and the banner.
        "new": Rule(BOTH, role_gate, also_ok=(403,)),
        "detail": Rule(GET, role_gate, entries, sees_entry),
        "edit": Rule(BOTH, role_gate, entries, sees_entry, also_ok=(403,)),
        "autosave": Rule(POST, role_gate, entries, sees_entry),
        # A refused action (e.g. submitting an entry that is already submitted) is 403 with its reason.
        "act": Rule(POST, role_gate, entries_with_action("submit"), sees_entry, also_ok=(403,)),
        "upload": Rule(POST, role_gate, entries, sees_entry),
        "delete_attachment": Rule(POST, role_gate, entry_attachments, sees_entry),
    }


REGISTRY = {
    # Public pages.
    "home": Rule(GET, public=True),
    "publication:lists": Rule(GET, targets=years, public=True),
    "publication:excel": Rule(GET, targets=years, public=True),
    # The check of an official PDF (nominations/views/verify.py): public, its failed look-ups limited.
    "verify:form": Rule(BOTH, public=True),
    "verify:code": Rule(GET, targets=official_codes, public=True),
    # Any logged-in user.
    "dashboard": Rule(GET),
    "password_change": Rule(BOTH),
    "password_change_done": Rule(GET),
    "attachment": Rule(GET, logged_in, attachments, sees_with("view_attachment")),
    # Authors.
    **{f"member:{name}": rule for name, rule in _author_rules(member).items()},
    **{f"pioneer:{name}": rule for name, rule in _author_rules(pioneer).items()},
    # The recommending unit's secretariat.
    "secretariat:dashboard": Rule(GET, inbox),
    "secretariat:inbox": Rule(GET, inbox),
    "secretariat:nomination": Rule(GET, inbox, entries, sees_entry),
    # A refused action (e.g. accepting an entry that is not submitted) is 403 with its reason.
    "secretariat:nomination_action": Rule(POST, inbox, entries, sees_entry, post={"action": "accept"}, also_ok=(403,)),
    "secretariat:formal_review": Rule(POST, inbox, entries, sees_entry, also_ok=(403,)),
    # 推荐意见: refused in a state that takes none (403 with its reason).
    "secretariat:opinion": Rule(
        POST, inbox, entries, sees_entry, post={"opinion": "该项目技术先进，同意推荐。"}, also_ok=(403,)
    ),
    # 签字盖章: refused in a state or after confirming (403 with its reason); no file is 400.
    "secretariat:stamp_upload": Rule(POST, inbox, entries, sees_entry, also_ok=(403,)),
    "secretariat:summary_upload": Rule(POST, inbox, also_ok=(403,)),
    "secretariat:summary_docx": Rule(GET, inbox),
    "secretariat:summary_pdf": Rule(GET, inbox, also_ok=(503,)),
    "stamped_page": Rule(GET, logged_in, stamped_pages, sees_stamped),
    "secretariat:batch": Rule(POST, inbox),
    "secretariat:confirm": Rule(BOTH, inbox),
    "secretariat:mail_log": Rule(GET, inbox),
    "secretariat:members": Rule(BOTH, inbox),
    "secretariat:member_import": Rule(BOTH, inbox),
    "secretariat:member_deactivate": Rule(POST, inbox, member_units, sees_member_unit),
    # The platform secretariat (intake side).
    "platform:dashboard": Rule(GET, overview),
    "platform:units": Rule(BOTH, overview),
    "platform:reopen": Rule(POST, overview, recommending_units),
    "platform:unit_deactivate": Rule(POST, overview, recommending_units),
    "platform:pioneers": Rule(BOTH, overview),
    "platform:pioneer_deactivate": Rule(POST, overview, pioneers),
    "platform:import": Rule(BOTH, overview, import_kinds),
    "platform:extensions": Rule(BOTH, overview),
    "platform:audit_log": Rule(GET, overview),
    "platform:mail_log": Rule(GET, overview),
    # The platform's 形式审查: refused for an entry not recommended by a confirmed unit (403 with the reason).
    "platform:formal_queue": Rule(GET, overview),
    "platform:formal_review": Rule(BOTH, overview, entries, sees_entry, also_ok=(403,)),
    # Exports: every logged-in user has a job list; only staff export; jobs are their owner's.
    "exports:list": Rule(GET),
    "exports:create": Rule(POST, exporter),
    # Review exports: reviews and rankings for the platform and coordinators, published lists for all.
    "exports:review_create": Rule(POST, logged_in, review_kinds, may_start_kind),
    "exports:status": Rule(GET, logged_in, jobs, sees_own_job),
    "exports:retry": Rule(POST, logged_in, jobs, sees_own_job),
    "exports:download": Rule(GET, logged_in, jobs, sees_job_file),
    "exports:nomination_docx": Rule(GET, logged_in, entries, sees_with("view_nomination")),
    "exports:nomination_pdf": Rule(GET, logged_in, entries, sees_with("view_nomination"), also_ok=(503,)),
    # Experts.
    "reviews:expert_dashboard": Rule(GET, expert),
    "reviews:expert_nomination": Rule(BOTH, expert, entries, sees_with("review_nomination")),
    "reviews:declare_conflict": Rule(POST, expert, entries, sees_with("declare_conflict")),
    "reviews:nomination_form": Rule(GET, reviewer, entries, sees_entry),
    # Coordinators.
    "reviews:coordinator_dashboard": Rule(GET, coordinator),
    "reviews:auto_assign": Rule(POST, coordinator),
    "reviews:invite": Rule(POST, coordinator),
    "reviews:submit_results": Rule(BOTH, coordinator),
    "reviews:coordinator_nomination": Rule(GET, coordinator, entries, sees_with("assign_experts")),
    "reviews:assign_expert": Rule(POST, coordinator, entries, sees_with("assign_experts")),
    "reviews:remove_assignment": Rule(POST, coordinator, assignments, sees_assignment),
    # The expert pool, the optimal plan and the pledge (issue 15).
    "reviews:assignment_plan": Rule(BOTH, coordinator),
    "reviews:expert_pool": Rule(GET, coordinator),
    "reviews:draw_experts": Rule(POST, coordinator),
    "reviews:import_experts": Rule(BOTH, coordinator),
    "reviews:decide_profile_change": Rule(POST, coordinator, expert_profiles),
    "reviews:withdraw_expert": Rule(POST, coordinator, expert_profiles),
    "reviews:expert_pledge": Rule(BOTH, may("record_pledge")),
    "reviews:expert_profile": Rule(BOTH, may("edit_expert_profile")),
    # The platform secretariat (review side).
    "reviews:platform_dispatch": Rule(BOTH, may("run_dispatch")),
    "reviews:platform_move": Rule(
        POST, may("run_dispatch"), entries, sees_with("dispatch"), post=lambda s: {"body": s.bodies["a"].pk}
    ),
    "reviews:platform_unconfirmed": Rule(POST, may("run_dispatch"), recommending_units),
    "reviews:platform_progress": Rule(GET, may("run_final_review")),
    "reviews:platform_extension": Rule(POST, may("grant_review_extension"), review_bodies),
    "reviews:platform_final": Rule(GET, may("run_final_review")),
    "reviews:platform_decide": Rule(POST, may("run_final_review")),
    "reviews:platform_target": Rule(POST, may("run_final_review"), ranking_lists),
    "reviews:platform_ranking_excel": Rule(POST, may("run_final_review")),
    "reviews:platform_publish": Rule(POST, may("run_final_review")),
    "reviews:platform_close_review": Rule(POST, may("run_final_review"), review_bodies),
    # The panel meeting (会评): the platform and the meeting's members; the chair acts on it. A member who
    # is not the chair is refused the chair's actions with the reason (403).
    "reviews:panel_list": Rule(BOTH, may("view_panels"), post_gate=may("manage_panels")),
    "reviews:panel_meeting": Rule(GET, may("view_panels"), meetings, sees_with("view_panel")),
    "reviews:panel_attendance": Rule(POST, may("view_panels"), meetings, sees_with("view_panel"), also_ok=(403,)),
    "reviews:panel_candidates": Rule(POST, may("view_panels"), meetings, sees_with("view_panel"), also_ok=(403,)),
    "reviews:panel_open": Rule(POST, may("view_panels"), meetings, sees_with("view_panel"), also_ok=(403,)),
    "reviews:panel_vote": Rule(POST, may("view_panels"), meetings, sees_with("view_panel")),
    "reviews:panel_close": Rule(POST, may("view_panels"), meetings, sees_with("view_panel"), also_ok=(403,)),
    "reviews:panel_tie": Rule(POST, may("view_panels"), panel_candidates, sees_with("view_panel"), also_ok=(403,)),
    # Minutes: a closed meeting's, for the platform and the chair (403 before closing: sealed).
    "reviews:panel_minutes": Rule(GET, may("view_panels"), meetings, sees_with("view_panel"), also_ok=(403,)),
    "reviews:panel_minutes_pdf": Rule(GET, may("view_panels"), meetings, sees_with("view_panel"), also_ok=(403, 503)),
    "reviews:platform_stats": Rule(GET, may("run_final_review")),
}


# ---------------------------------------------------------------- Django's admin
#
# Every admin URL is tried for every role. Gates come from Django's own permissions (the platform
# group's, ``nominations.groups``); the entry, attachment, audit and score models have targets on both
# sides of the policy (drafts among them) and their ``sees`` is the policy's ``visible_*``. A URL object
# that does not exist (``MISSING``) may be answered with 404, 403 or Django's redirect to the index.

MISSING = object()


def staff(user):
    return user.is_active and user.is_staff


def make_platform_staff(user):
    """The platform user as in production: staff, in the platform group set up after ``migrate``."""
    from nominations.groups import ensure_platform_group

    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(ensure_platform_group())
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)
    return user


def audit_events(s):
    """An audit record about every entry (the upload of its file, for those with one) and one about none."""
    from nominations.audit import record_event

    rows = []
    for key, e in s.entries.items():
        note = s.attachments[key].original_name if key in s.attachments else ""
        event = record_event("upload" if note else "create", s.users["member"], nomination=e, note=note)
        rows.append((key, {"object_id": event.pk}, event))
    event = record_event("reopen", s.users["platform"], recommending_unit=s.units["a"], note="重新开放")
    rows.append(("no-entry", {"object_id": event.pk}, event))
    return rows


def draft_score(s):
    """The first expert's review of ``a-review``, saved as a draft (not yet submitted)."""
    from reviews.scoring import save_score

    return save_score(
        s.assignments[("a-review", "expert")],
        s.users["expert"],
        {"innovation": "6"},
        token("score-draft-of-expert"),
        submit=False,
    )


def django_perm(model, *actions):
    label, name = model._meta.app_label, model._meta.model_name

    def gate(user):
        return staff(user) and any(user.has_perm(f"{label}.{action}_{name}") for action in actions)

    gate.__name__ = f"perm_{'_'.join(actions)}_{label}_{name}"
    return gate


def sees_in(visible):
    def sees(user, obj):
        return visible(user).filter(pk=obj.pk).exists()

    return sees


def _admin_entries(s):
    return [(key, {"object_id": e.pk}, e) for key, e in s.entries.items()]


def _admin_entry_versions(s):
    rows = []
    for key, e in s.entries.items():
        rows.append((key, {"_args": (e.pk, e.history.order_by("-history_id").first().history_id)}, e))
    return rows


def _admin_attachments(s):
    return [(key, {"object_id": a.pk}, a) for key, a in s.attachments.items()]


def _scores(s):
    """The submitted reviews of the scenario and a draft one of the first expert (not yet submitted)."""
    from reviews.models import Score

    draft = draft_score(s)
    rows = [("draft", {"object_id": draft.pk}, draft)]
    for score in Score.objects.exclude(pk=draft.pk).order_by("pk"):
        rows.append((f"submitted-{score.pk}", {"object_id": score.pk}, score))
    return rows


def _first_object(model):
    def targets(s):
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            return [("missing", {"object_id": 0}, MISSING)]
        return [("first", {"object_id": obj.pk}, obj)]

    return targets


def _app_labels(s):
    from django.contrib import admin

    return [(label, {"app_label": label}, label) for label in sorted({m._meta.app_label for m in admin.site._registry})]


def sees_app(user, app_label):
    return user.has_module_perms(app_label)


def _view_on_site(s):
    from django.contrib.contenttypes.models import ContentType

    entry = s.entries["a-draft"]
    # No model of the project has a public URL of its own: the shortcut answers 404.
    kwargs = {"content_type_id": ContentType.objects.get_for_model(entry).pk, "object_id": entry.pk}
    return [("a-draft", kwargs, NEVER)]


def _autocompletes(s):
    # Entries through the audit records' entry field, users through the profiles' user field.
    entries_query = {"app_label": "nominations", "model_name": "auditevent", "field_name": "nomination", "term": "TKN"}
    users_query = {"app_label": "nominations", "model_name": "profile", "field_name": "user", "term": "s-"}
    return [("entries", {"_query": entries_query}, None), ("users", {"_query": users_query}, None)]


def _autocomplete_gate(user):
    from django.contrib.auth import get_user_model

    from nominations.models import Nomination

    return django_perm(Nomination, "view")(user) and django_perm(get_user_model(), "view")(user)


def _model_rules(model, model_admin):
    """The rules of one registered model's admin URLs."""
    from simple_history.admin import SimpleHistoryAdmin

    from nominations.models import Attachment, AuditEvent, Nomination
    from reviews.models import Score
    from reviews.policy import visible_scores

    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    view = django_perm(model, "view", "change")
    change = django_perm(model, "change")
    add = django_perm(model, "add")
    delete = django_perm(model, "delete")
    # Admin classes narrow Django's permissions further (read-only records): 403 is fine there.
    narrowed = (403,)
    explicit = {
        Nomination: (_admin_entries, sees_entry),
        Attachment: (_admin_attachments, sees_with("view_attachment")),
        AuditEvent: (audit_events, sees_in(policy.visible_audit_events)),
        Score: (_scores, sees_in(visible_scores)),
    }
    explicit.update(_promotion_admin_records())
    if model in explicit:
        targets, sees = explicit[model]
        # Entry data is read-only in the admin: no add, change or delete for anyone.
        rules = {
            "changelist": Rule(BOTH, view, admin=True),
            "add": Rule(BOTH, view, admin=True, refused=BOTH),
            "change": Rule(BOTH, view, targets, sees, admin=True, refused=("POST",)),
            "history": Rule(GET, view, targets, sees, admin=True),
            "delete": Rule(BOTH, view, targets, sees, admin=True, refused=BOTH),
        }
        if isinstance(model_admin, SimpleHistoryAdmin):
            rules["simple_history"] = Rule(BOTH, view, _admin_entry_versions, sees, admin=True, refused=("POST",))
        return {f"{prefix}_{name}": rule for name, rule in rules.items()}
    target = _first_object(model)
    rules = {
        "changelist": Rule(BOTH, view, admin=True, also_ok=narrowed),
        "add": Rule(BOTH, add, admin=True, also_ok=narrowed),
        "change": Rule(BOTH, view, target, admin=True, post_gate=change, also_ok=narrowed),
        "history": Rule(GET, view, target, admin=True, also_ok=narrowed),
        "delete": Rule(BOTH, delete, target, admin=True, also_ok=narrowed),
    }
    if model is _user_model():
        rules["password_change"] = Rule(BOTH, change, _user_ids, admin=True)
    return {f"{prefix}_{name}": rule for name, rule in rules.items()}


def _promotion_admin_records():
    """发布推介's records in the admin: read-only for everyone (superusers too); a partner is decided on the
    platform's page. Rows about a listed item follow its entry's visibility."""
    from promotion.models import Consent, InterestRequest, ListedProfile, Outcome, Partner, ProfileView

    def record(make, entry_of=None):
        def targets(s):
            obj = make(s, *_promotion(s))
            return [("published", {"object_id": obj.pk}, obj)]

        def sees(user, obj):
            return entry_of is None or policy.visible_nominations(user).filter(pk=entry_of(obj).pk).exists()

        return targets, sees

    def view(s, entry, profile, request):
        return ProfileView.objects.create(
            partner=request.partner, profile=profile, user=s.users["partner"], viewed_at=REVIEW_TIME_FOR_MATRIX
        )

    def outcome(s, entry, profile, request):
        return Outcome.objects.create(
            request=request, kind="meeting", reported_by=s.users["partner"], reported_at=REVIEW_TIME_FOR_MATRIX
        )

    return {
        ListedProfile: record(lambda s, entry, profile, request: profile, lambda o: o.nomination),
        Consent: record(lambda s, entry, profile, request: profile.live_consent(), lambda o: o.profile.nomination),
        InterestRequest: record(lambda s, entry, profile, request: request, lambda o: o.profile.nomination),
        ProfileView: record(view, lambda o: o.profile.nomination),
        Outcome: record(outcome, lambda o: o.request.profile.nomination),
        Partner: record(lambda s, entry, profile, request: request.partner),
    }


def _user_model():
    from django.contrib.auth import get_user_model

    return get_user_model()


def _user_ids(s):
    return [(role, {"id": s.users[role].pk}, s.users[role]) for role in ("member", "platform", "admin")]


def admin_rules():
    from django.contrib import admin

    rules = {
        "admin:index": Rule(BOTH, staff, admin=True),
        "admin:login": Rule(BOTH, public=True),
        "admin:logout": Rule(POST, staff, admin=True),
        "admin:password_change": Rule(BOTH, staff, admin=True),
        "admin:password_change_done": Rule(GET, staff, admin=True),
        "admin:jsi18n": Rule(GET, staff, admin=True),
        "admin:app_list": Rule(GET, staff, _app_labels, sees_app, admin=True),
        "admin:view_on_site": Rule(GET, staff, _view_on_site, admin=True),
        "admin:autocomplete": Rule(GET, _autocomplete_gate, _autocompletes, admin=True),
    }
    for model, model_admin in admin.site._registry.items():
        rules.update(_model_rules(model, model_admin))
    return rules


REGISTRY.update(admin_rules())


# ---------------------------------------------------------------- 公示 and its cases (reviews.notice_views)
#
# A notice running at the scenario's time, with an objection about unit A's published entry forwarded
# to unit A (its member and secretariat see it), one not yet accepted (the platform's alone) and one
# accepted about unit B's entry; the forwarded one has an evidence file and the stamped letter.


def notice_cases(s):
    """The notice and its cases, built once per test (inside the test's savepoint)."""
    from datetime import timedelta

    cached = getattr(s, "notice_cases", None)
    if cached is not None and type(cached[0]).objects.filter(pk=cached[0].pk, start__isnull=False).exists():
        return cached

    from django.core.files.base import ContentFile

    from reviews.models import CaseFile, CaseState, ObjectionCase, PublicNotice
    from tests.security.conftest import PDF_BYTES, REVIEW_TIME

    notice, _ = PublicNotice.objects.get_or_create(campaign=s.campaign)
    notice.start, notice.end, notice.opened_at = (
        REVIEW_TIME - timedelta(days=1),
        REVIEW_TIME + timedelta(days=6),
        REVIEW_TIME,
    )
    notice.save()
    objector = {
        "objector_name": token("异议人"),
        "objector_unit": token("异议单位"),
        "objector_phone": "13900001111",
        "objector_email": "objector@example.org",
        "filed_at": REVIEW_TIME,
        "updated_at": REVIEW_TIME,
        "grounds": token("异议理由"),
    }
    cases = {}
    for key, entry, state in (
        ("a-forwarded", "a-published", CaseState.FORWARDED),
        ("a-received", "a-published", CaseState.RECEIVED),
        ("b-accepted", "b-review", CaseState.ACCEPTED),
    ):
        cases[key] = ObjectionCase.objects.create(
            notice=notice, nomination=s.entries[entry], state=state, receipt=f"YY2023-0000000{len(cases)}", **objector
        )
    files = {}
    for kind in ("evidence", "letter"):
        item = CaseFile(
            case=cases["a-forwarded"],
            kind=kind,
            original_name=f"{token('材料' + {'evidence': '证据', 'letter': '公章'}[kind])}.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            sha256="0" * 64,
            uploaded_at=REVIEW_TIME,
        )
        item.file.save("pdf", ContentFile(PDF_BYTES), save=False)
        item.save()
        files[kind] = item
    s.notice_cases = (notice, cases, files)
    return s.notice_cases


def notice_years(s):
    notice_cases(s)
    return [("notice", {"year": s.campaign.year}, s.campaign), ("no-notice", {"year": 2001}, NEVER)]


def objection_cases(s):
    _notice, cases, _files = notice_cases(s)
    return [(key, {"pk": case.pk}, case) for key, case in cases.items()]


def case_files(s):
    _notice, _cases, files = notice_cases(s)
    return [(key, {"pk": item.pk}, item) for key, item in files.items()]


notice_pages = may("run_public_notice")
case_handler = may("handle_objection")
listed_party = may("view_notice_cases")

REGISTRY.update(
    {
        # Public (no account): the filing and the status look-up are rate-limited per address (429).
        "publication:notice": Rule(GET, targets=notice_years, public=True),
        "publication:objection": Rule(BOTH, targets=notice_years, public=True, also_ok=(429,)),
        "publication:objection_receipt": Rule(GET, targets=notice_years, public=True),
        "publication:case_status": Rule(BOTH, targets=notice_years, public=True, also_ok=(429,)),
        # The platform secretariat.
        "reviews:platform_notice": Rule(GET, notice_pages),
        "reviews:platform_notice_open": Rule(POST, notice_pages),
        "reviews:platform_notice_excel": Rule(GET, notice_pages),
        "reviews:platform_case": Rule(GET, case_handler, objection_cases, sees_with("view_objection_case")),
        "reviews:platform_case_step": Rule(POST, case_handler, objection_cases, sees_with("view_objection_case")),
        # The listed parties: cases about their entries from 受理 on, without the objector.
        "reviews:notice_cases": Rule(GET, listed_party),
        "reviews:notice_case": Rule(GET, listed_party, objection_cases, sees_with("view_objection_case")),
        "reviews:notice_case_answer": Rule(POST, listed_party, objection_cases, sees_with("view_objection_case")),
        "reviews:notice_correction": Rule(BOTH, listed_party, entries, sees_with("request_correction")),
        # Evidence for the platform and the parties; the stamped letter (it names the objector) the platform's.
        "reviews:case_file": Rule(GET, logged_in, case_files, sees_with("download_case_file")),
    }
)


# ---------------------------------------------------------------- 发布推介 (promotion)
#
# A published entry of member unit A with a partner-level consent, a second one without consent, and a
# request of the approved partner (made anew for each test, rolled back with it).


def _promotion(s):
    from nominations.models import State
    from promotion import services
    from promotion.models import ConsentLevel, InterestRequest, RequestState

    entry = s.entries["a-review"]
    type(entry).objects.filter(pk=entry.pk).update(state=State.PUBLISHED)
    entry.refresh_from_db()
    profile = services.profile_for(entry)
    services.grant_consent(
        profile, s.users["member"], level=ConsentLevel.PARTNERS, contact_name="联系人", contact_phone="13912345678"
    )
    partner = s.users["partner"].partners.get()
    request = InterestRequest.objects.create(
        partner=partner,
        profile=profile,
        requested_by=s.users["partner"],
        state=RequestState.PENDING,
        created_at=REVIEW_TIME_FOR_MATRIX,
        expires_at=REVIEW_TIME_FOR_MATRIX.replace(year=2099),
    )
    return entry, profile, request


def _review_time():
    from tests.security.conftest import REVIEW_TIME

    return REVIEW_TIME


REVIEW_TIME_FOR_MATRIX = _review_time()


def promotion_profiles(s):
    _entry, profile, _request = _promotion(s)
    return [("consented", {"pk": profile.pk}, profile), ("missing", {"pk": 999999}, NEVER)]


def promotion_entries(s):
    entry, _profile, _request = _promotion(s)
    return [("published", {"pk": entry.pk}, entry), ("draft", {"pk": s.entries["a-draft"].pk}, s.entries["a-draft"])]


def promotion_requests(s):
    _entry, _profile, request = _promotion(s)
    return [("pending", {"pk": request.pk}, request), ("missing", {"pk": 999999}, NEVER)]


def promotion_partners(s):
    partner = s.users["other_partner"].partners.get()
    return [("pending", {"pk": partner.pk}, partner), ("missing", {"pk": 999999}, NEVER)]


def promotion_packages(s):
    from promotion.models import Package, PackageDelivery

    _entry, profile, request = _promotion(s)
    package = Package.objects.create(
        title="矩阵推介", created_by=s.users["platform"], created_at=REVIEW_TIME_FOR_MATRIX
    )
    package.profiles.set([profile])
    PackageDelivery.objects.create(package=package, partner=request.partner, sent_at=REVIEW_TIME_FOR_MATRIX)
    return [("delivered", {"pk": package.pk}, package), ("missing", {"pk": 999999}, NEVER)]


def promotion_outcomes(s):
    from promotion.models import Outcome

    _entry, _profile, request = _promotion(s)
    outcome = Outcome.objects.create(
        request=request, kind="meeting", reported_by=s.users["partner"], reported_at=REVIEW_TIME_FOR_MATRIX
    )
    return [("reported", {"pk": outcome.pk}, outcome), ("missing", {"pk": 999999}, NEVER)]


def sees_own_outcome(user, outcome):
    from promotion.policy import owns_profile

    return owns_profile(user, outcome.request.profile)


def sees_own_published(user, entry):
    from nominations.models import State

    return policy.can_see(user, entry) and entry.state == State.PUBLISHED


def sees_own_request(user, item):
    from promotion.policy import owns_profile

    return owns_profile(user, item.profile)


def promotion_staff(s):
    """A staff member (not the admin contact) of the approved partner and one of the pending partner."""
    from tests.factories import UserFactory

    rows = []
    for key in ("partner", "other_partner"):
        partner = s.users[key].partners.get()
        user = UserFactory(username=f"s-staff-of-{key}")
        partner.staff.add(user)
        row = partner.named_staff.create(user=user, name="矩阵经办", added_at=REVIEW_TIME_FOR_MATRIX)
        rows.append((key, {"pk": row.pk}, row))
    return [*rows, ("missing", {"pk": 999999}, NEVER)]


def sees_own_staff(user, row):
    return row.partner.staff.filter(pk=user.pk).exists()


listed_side = may("manage_promotion_consent")
partner_side = may("act_as_partner")
partner_moderator = may("moderate_partners")

REGISTRY.update(
    {
        # Public: the search and the profiles (consented ones only; never a contact), the partner's application.
        "promotion:search": Rule(GET, public=True),
        "promotion:profile": Rule(GET, targets=promotion_profiles, public=True),
        "promotion:partner_apply": Rule(BOTH, public=True),
        # Approved partners: their dashboard, offers, and requests about profiles consented for partners.
        "promotion:partner": Rule(GET, partner_side),
        "promotion:offer_new": Rule(BOTH, partner_side),
        "promotion:request": Rule(POST, partner_side, promotion_profiles),
        # The listed party (member or pioneer): consent per own published entry, answers to requests.
        "promotion:mine": Rule(GET, listed_side),
        "promotion:consent": Rule(BOTH, listed_side, promotion_entries, sees_own_published),
        "promotion:revoke": Rule(POST, listed_side, promotion_entries, sees_own_published),
        "promotion:answer": Rule(POST, listed_side, promotion_requests, sees_own_request),
        # The platform: approves, suspends, removes partners; moderates a new partner's first requests.
        "promotion:platform": Rule(GET, partner_moderator),
        "promotion:partner_step": Rule(POST, partner_moderator, promotion_partners),
        "promotion:moderate": Rule(POST, partner_moderator, promotion_requests),
        # 定向推介: the platform sends packages; a partner opens those sent to it. Outcomes: the partner
        # reports one of its accepted requests (a pending one is refused with a message), the listed party confirms.
        "promotion:platform_packages": Rule(BOTH, partner_moderator),
        "promotion:platform_stats": Rule(GET, partner_moderator),
        "promotion:package": Rule(GET, partner_side, promotion_packages),
        "promotion:report_outcome": Rule(POST, partner_side, promotion_requests),
        "promotion:confirm_outcome": Rule(POST, listed_side, promotion_outcomes, sees_own_outcome),
        # Watermarked Word downloads: a profile for approved partners (the contact per view_contact), a package
        # for the partners it was sent to (never a contact).
        "promotion:profile_docx": Rule(GET, partner_side, promotion_profiles),
        "promotion:package_docx": Rule(GET, partner_side, promotion_packages),
        # The approved partner's admin contact adds (by e-mail, an invited user) and removes its staff.
        "promotion:staff_add": Rule(POST, may("manage_partner_staff")),
        "promotion:staff_remove": Rule(POST, may("manage_partner_staff"), promotion_staff, sees_own_staff),
    }
)
