"""The statistics page (统计): the figures in the tables next to the charts, ECharts served from our own
static files, no inline script (CSP), and a fixed number of queries at any size."""

import json
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from reviews import assignment, scoring
from reviews.queries.stats import region_of
from tests.factories import RecommendingUnitFactory
from tests.reviews.conftest import FULL, IN_REVIEW_TIME, put_in_review, recommended
from tests.test_settings import _ScriptFinder

pytestmark = pytest.mark.django_db
STATS_MAX = 16


def _build(n, tech, electronics, society, body, experts, coordinator, platform_user):
    entries = put_in_review(recommended(tech, electronics, society, n), body, platform_user)
    guangdong = RecommendingUnitFactory(name="广东省科学技术协会", channel_codes=["provincial_cast"])
    recommended(tech, electronics, guangdong, 1, title="广东项目")
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        assignment.auto_assign(body, 2, coordinator)
        for entry in entries:
            for item in entry.assignments.filter(active=True):
                scoring.save_score(item, item.expert, FULL, "意见", submit=True)
    return entries


def _page(platform_user):
    client = Client()
    client.force_login(platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        return client.get(reverse("reviews:platform_stats"))


def _table(html, testid):
    start = html.index(f'data-testid="{testid}"')
    body = html[start : html.index("</table>", start)]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body) if "<td" in row]


def test_region_from_the_units_name():
    assert region_of("北京市科学技术协会") == "北京"
    assert region_of("内蒙古自治区科协") == "内蒙古"
    assert region_of("新疆生产建设兵团科协") == "新疆生产建设兵团"
    assert region_of("中国技术经济学会") == "全国性单位"
    assert region_of(None) == "无推荐单位"


def test_the_tables_next_to_the_charts(criteria, tech, electronics, society, body, experts, coordinator, platform_user):
    _build(3, tech, electronics, society, body, experts, coordinator, platform_user)
    response = _page(platform_user)
    html = response.content.decode()
    assert response.status_code == 200
    assert _table(html, "table-per-list") == [["先导技术榜", "4"]]
    assert _table(html, "table-per-domain") == [["先导技术榜 · 电子信息", "4"]]
    assert ["广东省科学技术协会", "1"] in _table(html, "table-per-unit")
    assert _table(html, "table-per-region") == [["全国性单位", "3"], ["广东", "1"]]
    progress = _table(html, "table-progress")
    assert [body.name, "3", "6", "6", "未报送"] in progress
    body_dist = _table(html, "table-body-dist")
    assert body_dist[0][:3] == [body.name, "6", "80.00"]  # six reviews of 80
    data = json.loads(re.search(r'<script id="stats-data" type="application/json">(.*?)</script>', html).group(1))
    assert data["per_list"] == {"labels": ["先导技术榜"], "values": [4]}
    assert data["body_box"]["boxes"] == [[80.0, 80.0, 80.0, 80.0, 80.0]]


def test_echarts_is_served_locally_and_no_script_is_inline(criteria, tech, electronics, society, body, experts,
                                                            coordinator, platform_user):  # fmt: skip
    html = _page(platform_user).content.decode()
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert "/static/vendor/echarts/echarts.min.js" in sources and "/static/js/stats.js" in sources
    assert all(src.startswith("/static/") for src in sources)  # no CDN
    finder = _ScriptFinder()
    finder.feed(html)
    assert finder.inline == [] and finder.handlers == []
    vendor = Path(settings.BASE_DIR) / "static" / "vendor" / "echarts"
    assert "Apache License" in (vendor / "LICENSE").read_text()
    assert (vendor / "echarts.min.js").stat().st_size > 500_000


@pytest.mark.parametrize("n", [1, 6])
def test_the_page_takes_a_fixed_number_of_queries(n, criteria, tech, electronics, society, body, experts, coordinator,
                                                  platform_user, django_assert_max_num_queries):  # fmt: skip
    _build(n, tech, electronics, society, body, experts, coordinator, platform_user)
    client = Client()
    client.force_login(platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=False), django_assert_max_num_queries(STATS_MAX):
        response = client.get(reverse("reviews:platform_stats"))
    assert response.status_code == 200


@pytest.mark.parametrize("role_user", ["coordinator", "member_user", "secretariat_user"])
def test_only_the_platform_sees_the_statistics(request, criteria, role_user):
    client = Client()
    client.force_login(request.getfixturevalue(role_user))
    assert client.get(reverse("reviews:platform_stats")).status_code == 403
