"""The whole 2023 year in Chromium, as a newcomer walks it with the README: the demo loaded as
``make run`` loads it (``load_demo``), only the README's demo log-ins, the clock moved to each stage's
moment of the campaign. Every stage saves desktop and 390 px screenshots to ``test-artifacts/``
(``year-<nn>-<stage>-desktop.png`` / ``-phone.png``). The stages live in ``tests/browser/whole_year/``.
"""

import pytest
from django.core.management import call_command

from nominations.models import Campaign
from tests.browser.whole_year import collection, review
from tests.browser.whole_year.helpers import Walk, clear_shots

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = (
    collection.intake,
    collection.return_with_note,
    collection.resubmit,
    collection.recommend_to_quota,
    collection.confirm,
    collection.member_after_confirmation,
    collection.member_deadline_passed,
    collection.platform_deadline_passed,
    review.dispatch,
    review.initial_review,
    review.final_review,
    review.publish,
    review.public_list,
    review.mail_log,
)


@pytest.fixture
def walk(page, live_server):
    call_command("load_demo", verbosity=0)
    clear_shots()
    page.on("dialog", lambda dialog: dialog.accept())
    return Walk(page=page, campaign=Campaign.objects.get(year=2023))


def test_whole_year(walk):
    for stage in YEAR:
        stage(walk)
