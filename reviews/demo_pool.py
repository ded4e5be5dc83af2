"""The demo's expert pool: every demo expert gets a profile (职称, the body's domains, an organisation) and
serves its body; 中国科学院 with an alias and an institute shows the parent and alias rules of 回避.

Called by the demo's review side (``reviews.hooks``) after the users exist; idempotent. The people and
organisations are those of ``nominations.demo_reviewers`` (fictional).
"""

from django.contrib.auth import get_user_model

from kczg_site import clock
from nominations.demo_reviewers import REVIEW_TEAMS
from reviews.models import (
    ExpertProfile,
    ExpertService,
    Organisation,
    OrganisationAlias,
    ReviewBody,
    TitleLevel,
)

TITLES = (("研究员", TitleLevel.SENIOR), ("教授", TitleLevel.SENIOR), ("副教授", TitleLevel.ASSOCIATE))
PARENT, PARENT_ALIAS = "中国科学院", "中科院"
INSTITUTE, INSTITUTE_ALIAS = "中国科学院示范技术研究所", "中科院示范所"


def _organisation(name: str, parent: Organisation | None = None) -> Organisation:
    found = Organisation.objects.filter(name=name).first()
    if found is None:
        found = Organisation.objects.create(name=name, parent=parent)
    return found


def _alias(organisation: Organisation, name: str) -> None:
    if not OrganisationAlias.objects.filter(name=name).exists():
        OrganisationAlias.objects.create(organisation=organisation, name=name)


def load_demo_pool(campaign) -> int:
    """Profiles for the demo experts of ``campaign``'s bodies; the number of profiles created."""
    parent = _organisation(PARENT)
    _alias(parent, PARENT_ALIAS)
    _alias(_organisation(INSTITUTE, parent), INSTITUTE_ALIAS)
    users = get_user_model().objects.in_bulk(
        [username for team in REVIEW_TEAMS for username in team.expert_usernames], field_name="username"
    )
    created = 0
    now = clock.now()
    for team in REVIEW_TEAMS:
        body = ReviewBody.objects.filter(campaign=campaign, name=team.body).first()
        if body is None:
            continue
        domains = [c.domain for c in body.coverages.select_related("domain") if c.domain_id]
        for i, (username, (_, organisation)) in enumerate(zip(team.expert_usernames, team.experts, strict=True)):
            user = users.get(username)
            if user is None:
                continue
            title, level = TITLES[i % len(TITLES)]
            profile, made = ExpertProfile.objects.get_or_create(
                user=user,
                defaults={
                    "title": title,
                    "title_level": level,
                    "organisation": _organisation(organisation),
                    "disciplines": "、".join(d.name for d in domains),
                    "updated_at": now,
                },
            )
            created += made
            if made:
                profile.domains.add(*domains)
            ExpertService.objects.get_or_create(
                expert=profile, body=body, defaults={"year": campaign.year, "since": now}
            )
    return created
