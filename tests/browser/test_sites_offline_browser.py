"""Issue 23's journey in Chromium at 360 px, offline: an inspector's phone shows on the village
list each village's coal sellers and which are due this month, and on 待办 the sellers due; with
no network it opens two sellers' forms it never opened online (each from its kind's shell and the
site's own entry of the offline data), records one failing and one passing sample, and keeps them
in the one outbox. Back online with two tabs open, and the first answer lost after the server
committed it, each sample is stored exactly once; the failed one opened one 整改 problem; and the
month's figures count them: sellers sampled this month 2 / 10 open sellers, samples passing 1 / 2.
"""

import time
from pathlib import Path

import pytest

from app.clock import county_today
from app.extensions import db
from app.models import Problem, Site, SiteInspection
from app.periods import month_of
from tests.browser.offline_server import CHROMIUM, serving, wait_until_offline_ready
from tests.browser.test_offline_browser import (
    phone,
    queue_states,
    ready,
    send_until_done,
    sign_in,
)
from tests.browser.test_sites_browser import TOWNSHIP, add_sellers

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"
SITE_SHELL_KEPT = """async () => !!(await caches.match('/site/__shell__/coal_seller')) &&
  !!(await caches.match('/inspect/__offline_data__'))"""


def wait_for_site_shell(page, timeout_s=20.0):
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(SITE_SHELL_KEPT):
        assert time.monotonic() < deadline, "the site form's shell was not kept"
        page.wait_for_timeout(100)


def record_offline(page, base, code, passed, go=True):
    """Open the seller's form (unless a link was just followed) and save a sample: passed True,
    False, or None for a sample with no verdict (which the server refuses)."""
    if go:
        page.goto(f"{base}/site/{code}/inspect")
    page.wait_for_selector("#site-inspection-form[data-queue=ready]")
    assert page.get_attribute("#site-inspection-form", "data-site-code") == code
    assert page.text_content("#site-place").startswith(f"{code} · {code[3:]}号煤店")
    assert page.evaluate(NO_OVERFLOW)
    page.select_option("#f-sample_taken", "yes")
    if passed is not None:
        page.select_option("#f-sample_passed", "yes" if passed else "no")
    page.click("#save-site-inspection")
    page.wait_for_url(f"{base}/inspect/")  # the village list, as kept: the queue holds it
    ready(page)


def settled(page, expected, rounds=30):
    """Press 立即发送 until the queue's states (sorted) are `expected`: a run stops at a lost
    answer, so one press may send only part of the queue."""
    for _ in range(rounds):
        if sorted(queue_states(page)) == expected:
            break
        page.click("#send-now")
        page.wait_for_timeout(300)
    return sorted(queue_states(page))


def visits_of(app, code):
    with app.app_context():
        return (
            db.session.execute(
                db.select(SiteInspection).join(SiteInspection.site).where(Site.code == code)
            )
            .scalars()
            .all()
        )


def test_sellers_due_are_sampled_offline_and_counted_once(chromium, tmp_path):
    lost = {"left": 1}

    def lose_first_answer(wsgi):
        """The first POST of a site inspection is stored, but the phone hears only a 502."""

        def app(environ, start_response):
            path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
            if method == "POST" and path == "/api/v1/site-inspections" and lost["left"]:
                lost["left"] -= 1
                list(wsgi(environ, lambda *a, **k: lambda data: None))  # committed
                start_response("502 Bad Gateway", [("Content-Type", "text/plain")])
                return [b"answer lost"]
            return wsgi(environ, start_response)

        return app

    users = (("wang", "inspector", TOWNSHIP),)
    with serving(tmp_path, users=users, wrap=lose_first_answer) as (app, base):
        # CS-1 … CS-10 in one village of 永安镇: ⌈20 % of 10⌉ = 2 due in any month (all ten in
        # December, when every seller not yet sampled this year is drawn)
        add_sellers(app, 10)
        with app.app_context():
            month = month_of(county_today())
        context = phone(chromium)
        page = context.new_page()
        sign_in(page, base, "/inspect/")  # the village list: the phone keeps what it needs
        ready(page)
        wait_until_offline_ready(page)
        wait_for_site_shell(page)
        page.goto(f"{base}/todo")  # the sellers due this month (the month's draw is made)
        due = page.eval_on_selector_all("#sites-due li", "els => els.map(e => e.id.slice(4))")
        assert len(due) >= 2 and all(code.startswith("CS-") for code in due)
        assert page.evaluate(NO_OVERFLOW)
        page.goto(f"{base}/inspect/")
        ready(page)
        # Each seller under its village, those due marked with the day.
        listed = page.eval_on_selector_all("li[data-site]", "els => els.map(e => e.dataset.site)")
        assert listed == sorted(f"CS-{n}" for n in range(1, 11))
        marked = page.eval_on_selector_all(
            "li[data-site] [data-due]", "els => els.map(e => e.closest('li').dataset.site)"
        )
        assert marked == sorted(due)
        assert page.evaluate(NO_OVERFLOW)

        context.set_offline(True)
        failing, passing = due[0], due[1]
        # 待办 as last visited online; its link opens a form never opened online.
        page.goto(f"{base}/todo")
        assert (
            page.eval_on_selector_all("#sites-due li", "els => els.map(e => e.id.slice(4))") == due
        )
        page.click(f"#due-{failing} a")
        record_offline(page, base, failing, passed=False, go=False)
        # A sample saved without its verdict: kept, refused once sent (422), fixed from the queue.
        record_offline(page, base, passing, passed=None)
        assert page.eval_on_selector_all(
            "#queue-status li[data-kind=site]", "els => els.map(e => e.dataset.status)"
        ) == ["waiting", "waiting"]
        assert visits_of(app, failing) == [] and visits_of(app, passing) == []

        # Back online with a second tab open: both send; the first answer is lost after commit.
        second = context.new_page()
        context.set_offline(False)
        second.goto(f"{base}/inspect/")
        ready(second)
        for tab in (second, page):
            tab.evaluate("window.dispatchEvent(new Event('online'))")
        page.bring_to_front()
        assert settled(page, ["needs_fix", "sent"]) == ["needs_fix", "sent"]
        assert lost["left"] == 0
        # 修改: back into the seller's form with its answers, its client_uuid and the message.
        page.click("#queue-status li[data-status=needs_fix] button")
        page.wait_for_url(f"{base}/site/{passing}/inspect")
        page.wait_for_selector("#site-inspection-form[data-queue=ready]")
        assert page.input_value("#f-sample_taken") == "yes"
        assert "煤样是否符合 GB 34169 民用散煤标准" in page.text_content("#site-errors")
        page.select_option("#f-sample_passed", "yes")
        page.click("#save-site-inspection")
        page.wait_for_url(f"{base}/site/{passing}")  # stored: the seller's page and its history
        page.goto(f"{base}/inspect/")
        ready(page)
        assert send_until_done(page, 2) == ["sent", "sent"]
        second.reload()
        ready(second)
        page.wait_for_timeout(500)
        fail_rows, pass_rows = visits_of(app, failing), visits_of(app, passing)
        assert len(fail_rows) == 1 and len(pass_rows) == 1
        assert fail_rows[0].answers == {"sample_taken": True, "sample_passed": False}
        assert pass_rows[0].answers == {"sample_taken": True, "sample_passed": True}
        with app.app_context():
            problems = db.session.execute(
                db.select(Problem.category, Site.code).join(Site, Problem.site_id == Site.id)
            ).all()
        assert problems == [("coal_substandard", failing)]  # the failed sample's one problem

        # The month's figures, by hand: 2 of the 10 open sellers sampled; 1 of 2 samples passed.
        figure = page.evaluate(
            "async (url) => (await (await fetch(url)).json())",
            f"{base}/api/v1/rollup?period={month}&level=township&township={TOWNSHIP}",
        )
        unit = figure["units"][0]["indicators"]
        sampled, passed = unit["coal_sampling_month"], unit["coal_sample_pass"]
        assert (sampled["numerator"], sampled["denominator"]) == (2, 10)
        assert (passed["numerator"], passed["denominator"]) == (1, 2)
        assert passed["rate"] == 0.5
        # Sampled: no longer due on the village list.
        page.reload()
        ready(page)
        still_due = page.eval_on_selector_all(
            "li[data-site] [data-due]", "els => els.map(e => e.closest('li').dataset.site)"
        )
        assert failing not in still_due and passing not in still_due
        context.close()
