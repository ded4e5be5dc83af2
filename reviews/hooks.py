"""What the core (``nominations``) needs from the review side, registered from ``ReviewsConfig.ready``.

Imports run one way: ``kczg_site`` ← ``nominations`` ← ``reviews``. The core never imports this app;
it offers registries and this module fills them:

* the entries experts and coordinators see (``nominations.policy.register_visibility``);
* the review export kinds (``nominations.exports.register_export_kind``);
* the "not before" checks of the dispatch and publication transitions
  (``nominations.workflow.register_opens_check``);
* the review bodies on the call page (``nominations.call_page.register_section``) and in a campaign
  file (``nominations.campaign_data.register_section_loader``), and the 公示's rules (``public_notice``);
* the review body and the scoring criteria of the demo (``nominations.demo.register_review_side``).
"""

from django.db.models import Prefetch

from nominations import call_page, campaign_data, demo, exports, workflow
from nominations import policy as core_policy
from nominations.models import Role
from nominations.models.exports import REVIEW_KINDS
from reviews import audit, final, notice, policy
from reviews import exports as review_exports
from reviews.criteria import load_review_criteria
from reviews.models import ReviewBody, ReviewCoverage


def _call_page_prefetches() -> list[Prefetch]:
    return [
        Prefetch(
            "review_bodies",
            queryset=ReviewBody.objects.order_by("order").prefetch_related(
                Prefetch(
                    "coverages",
                    queryset=ReviewCoverage.objects.select_related("ranking_list", "domain").order_by(
                        "ranking_list__order", "domain__order"
                    ),
                )
            ),
        )
    ]


def _call_page_context(campaign) -> dict:
    return {"review_groups": call_page.review_groups(campaign.review_bodies.all())}


CALL_PAGE_SECTION = call_page.CallPageSection(prefetches=_call_page_prefetches, context=_call_page_context)


def load_review_bodies(campaign, rows, *, lists, domains) -> None:
    """The ``review_bodies`` of a campaign file: each body with its contacts and the lists/domains it covers."""
    for entry in rows:
        entry = dict(entry)
        covers = entry.pop("covers")
        body, _ = ReviewBody.objects.update_or_create(campaign=campaign, name=entry.pop("name"), defaults=entry)
        wanted = set()
        for list_code, domain_code in covers:
            domain = domains[(list_code, domain_code)] if domain_code else None
            coverage, _ = ReviewCoverage.objects.get_or_create(body=body, ranking_list=lists[list_code], domain=domain)
            wanted.add(coverage.pk)
        body.coverages.exclude(pk__in=wanted).delete()


def _demo_body(campaign, name: str) -> ReviewBody:
    return ReviewBody.objects.get(campaign=campaign, name=name)


def _demo_criteria(campaign) -> None:
    from reviews.demo_pool import load_demo_pool

    load_review_criteria(campaign, only_empty_lists=True)
    load_demo_pool(campaign)  # the demo experts' pool profiles (after the users exist)


def register() -> None:
    """Fill the core's registries (idempotent)."""
    policy.register_actions()
    audit.register_labels()
    for role in (Role.EXPERT, Role.COORDINATOR):
        core_policy.register_visibility(role, policy.visible_nominations_for_reviewer)
    for kind in REVIEW_KINDS:
        exports.register_export_kind(kind, review_exports)
    for kind in ("dispatch", "publication"):
        workflow.register_opens_check(kind, final.check_opens)
    call_page.register_section(CALL_PAGE_SECTION)
    campaign_data.register_section_loader("review_bodies", load_review_bodies)
    campaign_data.register_section_loader("public_notice", notice.load_public_notice)
    demo.register_review_side(demo.DemoReviewSide(body=_demo_body, load_criteria=_demo_criteria))
