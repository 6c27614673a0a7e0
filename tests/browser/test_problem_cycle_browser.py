"""The rectification ledger's whole cycle in a real headless Chromium at 360 px: an inspector
records a problem with a photo while offline (kept on the phone, sent when the network is back),
the township lead sees it and reports the fix, the inspector's re-check fails once (a new
deadline), the lead reports again, the re-check passes and the problem closes (销号). After each
step the problem's trail and the audit log are checked."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from app.clock import county_today
from app.extensions import db
from app.models import AuditEvent, Problem, ProblemPhoto
from tests.browser.offline_server import CHROMIUM, serving

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]
HAICUN = "140225100216"  # 海村, 永安镇
PASSWORD = "pw-field-2026"
PEOPLE = (("wang", "inspector", "140225100"), ("li", "township_lead", "140225100"))
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"


def jpeg(colour) -> dict:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), colour).save(out, "JPEG", quality=90)
    return {"name": "IMG.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


CSP_VIOLATIONS = []


def phone(chromium):
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("pageerror", lambda e: print("pageerror:", e))
    page.on(
        "console",
        lambda m: CSP_VIOLATIONS.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return context, page


def sign_in(page, base, username, next_path):
    page.goto(f"{base}/login?next={next_path}")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{next_path}")


def cached_for_offline(page, path, timeout_ms=20_000):
    """Visit again until the worker controls the page and holds /problems/new in its cache."""
    ready = """async () => !!navigator.serviceWorker.controller &&
        !!(await caches.match('/problems/new'))"""
    waited = 0
    while not page.evaluate(ready):
        assert waited < timeout_ms, "the service worker did not keep /problems/new"
        page.wait_for_timeout(250)
        waited += 250
        if waited % 2000 == 0:
            page.goto(page.url.split("/problems")[0] + path)
            page.wait_for_selector("#problem-form[data-queue=ready]")


def trail(app, problem_id):
    """(status, [(event kind, actor)], [(audit action, actor)], photo stages) from the server."""
    with app.app_context():
        problem = db.session.get(Problem, problem_id)
        events = [(e.kind, e.actor.username) for e in problem.events]
        audit = db.session.execute(
            db.select(AuditEvent.action, AuditEvent.actor_name)
            .where(AuditEvent.object_type == "problems", AuditEvent.object_id == str(problem_id))
            .order_by(AuditEvent.id)
        ).all()
        stages = [
            p.stage
            for p in db.session.execute(
                db.select(ProblemPhoto).where(ProblemPhoto.problem_id == problem_id)
            ).scalars()
        ]
        result = problem.status, events, [tuple(a) for a in audit], stages
        db.session.remove()
        return result


def test_a_problem_goes_from_found_offline_to_closed(chromium, tmp_path):
    with serving(tmp_path, users=PEOPLE, password=PASSWORD) as (app, base):
        inspector_context, inspector = phone(chromium)
        lead_context, lead = phone(chromium)

        # 1. Recorded offline with a photo, sent when the network is back.
        sign_in(inspector, base, "wang", f"/problems/new?village={HAICUN}")
        inspector.wait_for_selector("#problem-form[data-queue=ready]")
        assert inspector.evaluate(NO_OVERFLOW)
        # Once the service worker controls the page it keeps a copy: the page opens offline.
        cached_for_offline(inspector, f"/problems/new?village={HAICUN}")
        inspector_context.set_offline(True)
        inspector.reload()
        inspector.wait_for_selector("#problem-form[data-queue=ready]")
        assert inspector.input_value("#village_code") == HAICUN
        inspector.select_option("#category", "straw_burning")
        inspector.fill("#description", "村东头秸秆露天焚烧")
        inspector.set_input_files("#photo", files=[jpeg((200, 40, 40))])
        inspector.click("#save-problem")
        inspector.wait_for_selector("#problem-saved")
        inspector.wait_for_selector("#problem-queue li[data-status=waiting]")
        with app.app_context():
            assert db.session.scalar(db.select(db.func.count()).select_from(Problem)) == 0
        inspector_context.set_offline(False)
        inspector.evaluate("window.dispatchEvent(new Event('online'))")
        inspector.wait_for_selector("#problem-queue li[data-status=sent]")
        with app.app_context():
            problem_id = db.session.scalar(db.select(Problem.id))
        assert trail(app, problem_id) == (
            "open",
            [("recorded", "wang")],
            [("problem.record", "wang")],
            ["found"],
        )

        # 2. The lead sees it on the map (an orange ring: open) and in the ledger, and reports
        # the fix with a photo.
        sign_in(lead, base, "li", "/problems")
        lead.goto(f"{base}/map?indicator=manure_utilisation&problems=1")
        ringed = lead.locator(f"path.cj-v-{HAICUN}.cj-p-open")
        ringed.wait_for()
        assert lead.locator("path.cj-village").count() == 1  # only villages with a problem
        assert ringed.get_attribute("stroke") == "#e67e00"
        lead.goto(f"{base}/todo")  # on the lead's to-do: for the township to fix
        lead.click(f"#to-fix #todo-problem-{problem_id} a")
        lead.wait_for_selector("#fix-form")
        assert lead.evaluate(NO_OVERFLOW)
        lead.fill("#fix-note", "已清理焚烧残留")
        lead.set_input_files("#fix-photo", files=[jpeg((40, 200, 40))])
        lead.click("#report-fix")
        lead.wait_for_selector("[data-status=fix_reported]")
        assert trail(app, problem_id)[0] == "fix_reported"

        # 3. The inspector's re-check, due on their to-do page, fails: a new deadline.
        inspector.goto(f"{base}/todo")
        inspector.click(f"#todo-problem-{problem_id} a")
        inspector.check("#recheck-failed")
        inspector.fill("#recheck-note", "仍有焚烧痕迹")
        with app.test_request_context():
            new_deadline = (county_today() + timedelta(days=10)).isoformat()
        inspector.fill("#new-deadline", new_deadline)
        inspector.click("#recheck")
        inspector.wait_for_selector("[data-status=open]")
        assert inspector.text_content("#deadline") == new_deadline
        status, events, audit, stages = trail(app, problem_id)
        assert (status, events[-1], audit[-1]) == (
            "open",
            ("recheck_failed", "wang"),
            ("problem.recheck_fail", "wang"),
        )

        # 4. The lead reports again; 5. the re-check passes and the problem closes.
        lead.reload()
        lead.fill("#fix-note", "彻底清运")
        lead.click("#report-fix")
        lead.wait_for_selector("[data-status=fix_reported]")
        inspector.goto(f"{base}/todo")
        inspector.click(f"#todo-problem-{problem_id} a")
        inspector.check("#recheck-passed")
        inspector.fill("#recheck-note", "已整改到位")
        inspector.set_input_files("#recheck-photo", files=[jpeg((40, 40, 200))])
        inspector.click("#recheck")
        inspector.wait_for_selector("[data-status=closed]")
        assert inspector.locator("[role=status]").first.text_content() == "已销号"
        assert inspector.locator("#trail li").count() == 5
        assert inspector.evaluate(NO_OVERFLOW)
        assert trail(app, problem_id) == (
            "closed",
            [
                ("recorded", "wang"),
                ("fix_reported", "li"),
                ("recheck_failed", "wang"),
                ("fix_reported", "li"),
                ("recheck_passed", "wang"),
            ],
            [
                ("problem.record", "wang"),
                ("problem.report_fix", "li"),
                ("problem.recheck_fail", "wang"),
                ("problem.report_fix", "li"),
                ("problem.recheck_pass", "wang"),
            ],
            ["found", "fix", "recheck"],
        )
        # Nothing is left for either of them to do.
        inspector.goto(f"{base}/todo")
        assert inspector.locator("#rechecks li").first.text_content() == "无"
        assert CSP_VIOLATIONS == []
        inspector_context.close()
        lead_context.close()
