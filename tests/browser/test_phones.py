"""Every list page at 390 px (a phone) and at 1280 px, as every role, with the demo data.

For each page the test saves ``test-artifacts/phone-<page>.png`` and ``test-artifacts/desktop-<page>.png``
(full page) and checks, at 390 px:

1. **Nothing scrolls sideways**: ``document.documentElement.scrollWidth`` and ``document.body.scrollWidth``
   are at most ``window.innerWidth``. Wide tables scroll inside their own frame (``.table-frame``), which
   does not widen the page.
2. **No text is squeezed to one or two characters per line.** For every visible text node of two or more
   characters (outside ``.visually-hidden``), the browser's own line boxes are read with
   ``Range.getClientRects()``: one rectangle per line. A text that wraps onto two or more lines while its
   widest line is narrower than ``min(characters, 3) × 0.85 em`` is reported. A CJK character is 1 em wide,
   so this catches "填写" broken into 填 / 写 and "提交时间" broken into 提交 / 时间, but never a name that
   wraps normally at four or more characters per line. It looks at line boxes, not at cell widths, so it
   holds for cards, frames, badges, buttons, the navigation bar and the deadline bar alike.
3. **The header stays on the screen**: no element of the navigation bar, the demo banner or the deadline
   bar reaches past the right edge (also with the navigation opened, ``phone-nav-open.png``).

The pages are seen at three moments: collection (2023-11-15, the member deadline ahead), initial review
(2023-12-05: entries dispatched to the demo body, assigned to the three demo experts, partly scored) and
publication (2024-02-05: the body has reported, the final review and the published lists). Each stage is
one test that logs in as the README's demo users and visits its pages.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model

from nominations.demo import DEMO_PASSWORD, REVIEW_BODY_NAME, load_demo
from nominations.models import Domain, MemberUnit, RankingList, State
from reviews import assignment, final, publication, scoring
from reviews.models import ReviewBody
from tests.browser.conftest import ARTIFACTS
from tests.factories import NominationFactory
from tests.reviews.conftest import FULL, put_in_review

BEIJING = ZoneInfo("Asia/Shanghai")
COLLECTION = datetime(2023, 11, 15, 10, 0, tzinfo=BEIJING)
IN_REVIEW = datetime(2023, 12, 5, 10, 0, tzinfo=BEIJING)
PUBLICATION = datetime(2024, 2, 5, 10, 0, tzinfo=BEIJING)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Long but realistic titles, so the tables have something to wrap.
TITLES = (
    "面向新型电力系统的高可靠宽禁带半导体功率器件及模块关键技术",
    "基于存算一体架构的边缘智能芯片设计与产业化应用",
    "大规模多源异构数据可信流通与隐私计算平台",
    "高精度北斗卫星导航增强定位芯片及终端",
)

LAYOUT_PROBLEMS = r"""() => {
  const problems = [];
  const width = window.innerWidth;
  const doc = document.documentElement.scrollWidth, body = document.body.scrollWidth;
  if (doc > width || body > width) problems.push(`页面横向滚动：${Math.max(doc, body)} > ${width}`);
  for (const el of document.querySelectorAll(".site-header *, .deadline-bar *, .demo-banner *")) {
    const box = el.getBoundingClientRect();
    const where = `<${el.tagName.toLowerCase()} class="${el.className}">`;
    if (box.width && box.right > width + 0.5) problems.push(`页眉越出屏幕：${where}`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const chars = [...node.textContent.replace(/\s+/g, "")];
    const el = node.parentElement;
    const skipped = "script, style, template, .visually-hidden, .visually-hidden-focusable";
    if (chars.length < 2 || !el || el.closest(skipped)) continue;
    range.selectNodeContents(node);
    const lines = new Map();
    for (const r of range.getClientRects()) {
      if (r.width < 0.5 || r.height < 0.5) continue;
      const top = Math.round(r.top);
      lines.set(top, Math.max(lines.get(top) || 0, r.width));
    }
    if (lines.size < 2) continue;
    const em = parseFloat(getComputedStyle(el).fontSize);
    const widest = Math.max(...lines.values());
    if (widest < Math.min(chars.length, 3) * 0.85 * em) {
      const where = `<${el.tagName.toLowerCase()} class="${el.className}">`;
      problems.push(`“${chars.join("").slice(0, 20)}”被挤成 ${lines.size} 行（${where}）`);
    }
  }
  return problems;
}"""


@pytest.fixture
def demo(settings, transactional_db):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(datetime(2023, 11, 1, 10, 0, tzinfo=BEIJING), tick=False):
        summary = load_demo()
    campaign = summary["campaign"]
    tech = RankingList.objects.get(campaign=campaign, code="tech")
    electronics = Domain.objects.get(ranking_list=tech, code="electronics")
    member = MemberUnit.objects.get(name="北京星衡智能科技有限公司")
    return {"campaign": campaign, "tech": tech, "electronics": electronics, "member": member}


@pytest.fixture
def browse(chromium_browser, live_server):
    """``browse(username)``: a fresh browser context logged in as a demo user (``None``: anonymous)."""
    contexts = []

    def open_as(username):
        context = chromium_browser.new_context(
            base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport=DESKTOP
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        if username:
            page.goto("/accounts/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            assert "/accounts/login/" not in page.url, f"{username} could not log in"
        return page

    yield open_as
    for context in contexts:
        context.close()


def look(page, name, url):
    """Open ``url`` at 1280 px and at 390 px, save both screenshots, return the phone's layout problems."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size(DESKTOP)
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / f"desktop-{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.innerWidth") == PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)
    return [f"{name}（{url}）：{problem}" for problem in page.evaluate(LAYOUT_PROBLEMS)]


def visit(page, pages):
    problems = []
    for name, url in pages:
        problems += look(page, name, url)
    return problems


def test_collection_pages_on_a_phone(demo, browse):
    second_member = MemberUnit.objects.get(name="杭州青禾生物医药有限公司")
    with time_machine.travel(COLLECTION, tick=False):
        for i, title in enumerate(TITLES):
            NominationFactory(
                ranking_list=demo["tech"],
                domain=demo["electronics"],
                member_unit=demo["member"] if i < 2 else second_member,
                state=State.SUBMITTED,
                sent_at=COLLECTION,
                title=title,
            )
    problems = []
    with time_machine.travel(COLLECTION, tick=True):
        problems += visit(browse("member"), [("member-dashboard", "/member/"), ("member-exports", "/exports/")])
        problems += visit(browse("pioneer"), [("pioneer-dashboard", "/pioneer/")])
        problems += visit(
            browse("secretariat"),
            [
                ("secretariat-dashboard", "/secretariat/"),
                ("secretariat-inbox", "/secretariat/inbox/"),
                ("secretariat-members", "/secretariat/members/"),
                ("secretariat-mail-log", "/secretariat/mail/"),
                ("secretariat-exports", "/exports/"),
            ],
        )
        page = browse("platform")
        problems += visit(
            page,
            [
                ("platform-dashboard", "/platform/"),
                ("platform-units", "/platform/units/"),
                ("platform-pioneers", "/platform/pioneers/"),
                ("platform-extensions", "/platform/extensions/"),
                ("platform-audit-log", "/platform/audit/"),
                ("platform-mail-log", "/platform/mail/"),
            ],
        )
        # The navigation bar opened on a phone: its links stay on the screen.
        page.goto("/platform/")
        page.click(".navbar-toggler")
        page.wait_for_selector("#site-nav.show")
        page.screenshot(path=str(ARTIFACTS / "phone-nav-open.png"), full_page=True)
        problems += [f"导航栏展开：{p}" for p in page.evaluate(LAYOUT_PROBLEMS)]
    assert problems == [], "\n".join(problems)


def _in_review(demo):
    """Four electronics entries in review at the demo body, each with the three demo experts; two scored."""
    body = ReviewBody.objects.get(campaign=demo["campaign"], name=REVIEW_BODY_NAME)
    with time_machine.travel(COLLECTION, tick=False):
        entries = [
            NominationFactory(
                ranking_list=demo["tech"],
                domain=demo["electronics"],
                member_unit=demo["member"],
                state=State.RECOMMENDED,
                sent_at=COLLECTION,
                title=title,
            )
            for title in TITLES
        ]
    users = {u.username: u for u in get_user_model().objects.all()}
    coordinator = users["coordinator"]
    put_in_review(entries, body, users["platform"])
    with time_machine.travel(IN_REVIEW, tick=True):
        for i, entry in enumerate(entries):
            for username in ("expert", "expert2", "expert3"):
                item = assignment.assign(entry, users[username], coordinator)
                if i < 2:
                    values = dict.fromkeys(FULL, str(9 - i))
                    scoring.save_score(item, users[username], values, "意见明确。", submit=True)
    return body, entries, coordinator


def test_review_pages_on_a_phone(demo, browse):
    _body, entries, _coordinator = _in_review(demo)
    problems = []
    with time_machine.travel(IN_REVIEW, tick=True):
        problems += visit(
            browse("expert"),
            [
                ("expert-dashboard", "/reviews/expert/"),
                ("expert-scored", f"/reviews/expert/entries/{entries[0].pk}/"),
                ("expert-to-score", f"/reviews/expert/entries/{entries[2].pk}/"),
            ],
        )
        problems += visit(
            browse("coordinator"),
            [
                ("coordinator-dashboard", "/reviews/coordinator/"),
                ("coordinator-nomination", f"/reviews/coordinator/entries/{entries[0].pk}/"),
            ],
        )
        problems += visit(
            browse("platform"),
            [
                ("platform-dispatch", "/reviews/platform/dispatch/"),
                ("platform-progress", "/reviews/platform/progress/"),
            ],
        )
    assert problems == [], "\n".join(problems)


def test_final_review_and_published_lists_on_a_phone(demo, browse):
    body, entries, coordinator = _in_review(demo)
    with time_machine.travel(IN_REVIEW, tick=True):
        for entry in entries[2:]:
            for item in entry.assignments.filter(active=True):
                scoring.save_score(item, item.expert, dict.fromkeys(FULL, "7"), "意见明确。", submit=True)
        scoring.submit_results(body, coordinator)
    problems = []
    with time_machine.travel(PUBLICATION, tick=True):
        page = browse("platform")
        problems += visit(page, [("platform-final", "/reviews/platform/final/")])
        platform = get_user_model().objects.get(username="platform")
        for entry in entries:
            entry.refresh_from_db()
        final.decide(platform, [(e, final.LISTED, "") for e in entries[:3]] + [(entries[3], final.NOT_LISTED, "")])
        publication.publish(demo["campaign"], platform)
        problems += visit(browse(None), [("published-lists", "/published/2023/")])
    assert problems == [], "\n".join(problems)
