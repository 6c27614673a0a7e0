"""Offline-first inspections in a real headless Chromium at 360 px.

Visit the form online once; go offline; reload it from the service worker; enter inspections with
a photo each (half of them for a village never opened online: its form comes from the cached
shell); close the page and open it again; go online with some requests failing (one dropped
after the server committed it, one photo upload cut off); then every inspection is on the server
exactly once with its photo. Then 5 of them are corrected offline through their correction
forms (cached when visited online), the page is closed and reopened, and one correction's answer
is lost after the server committed it: still exactly 20 inspections, 5 at revision 2, every
untouched answer intact (issue 12). Also: a queue that outlives its session sends after signing
in again, and a browser without service workers still queues and sends while the page is open.
"""

import io
import json
import os
import time
from pathlib import Path

import pytest
from PIL import Image

from app.extensions import db
from app.models import Inspection, Photo
from tests.browser.offline_server import CHROMIUM, serving, wait_until_offline_ready
from tests.browser.test_queue_browser import queue_as_an_older_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]
HAICUN, XUCUN = "140225100216", "140225100218"  # two villages of 永安镇
# 20 as the issue asks; OFFLINE_INSPECTIONS=5 for a quicker local run.
COUNT = int(os.environ.get("OFFLINE_INSPECTIONS", "20"))
CORRECTIONS = min(5, COUNT)


@pytest.fixture
def browser(chromium):
    """The session's headless Chromium (tests/browser/conftest.py); a context per test."""
    return chromium


def phone(browser, **kwargs):
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="zh-CN",
        permissions=["geolocation"],
        geolocation={"latitude": 39.7360, "longitude": 113.6650, "accuracy": 15},
        **kwargs,
    )
    # What the page says goes to the test's output, shown when a test fails.
    context.on(
        "page",
        lambda page: (
            page.on("pageerror", lambda e: print("pageerror:", e)),
            page.on("console", lambda m: print("console:", m.text)),
        ),
    )
    return context


def jpeg(i: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2000, 1500), ((i * 37) % 256, 120, 200)).save(out, "JPEG", quality=95)
    return out.getvalue()


def sign_in(page, base, next_path):
    page.goto(f"{base}/login?next={next_path}")
    page.fill("#username", "wang")
    page.fill("#password", "pw-field-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{next_path}")


def ready(page):
    page.wait_for_selector("[data-queue=ready]")
    page.wait_for_selector("#queue-status:not([hidden])")


# Typed in one go and sent with the form's own submit (the page's listeners run as for a tap):
# the steps themselves are driven in test_inspect_browser.py. Each Playwright call is a round
# trip, which on this shared machine made the 20-inspection run take over a minute.
QUICK_FILL = """([households, treated]) => {
  const form = document.getElementById('inspection-form');
  form.households.value = households;
  form.elements['sections.sewage.households_treated'].value = treated;
  form.elements['sections.sewage.treatment_mode'].value = 'septic_tank';
  form.querySelector("[name='sections.sewage.facility_running'][value='true']").checked = true;
  form.dispatchEvent(new Event('input', {bubbles: true}));
}"""


def fill_inspection(page, i: int, photo=True, online=False, quick=False):
    page.bring_to_front()  # a background tab gets no animation frames: actions would crawl
    form = page.url
    if quick:
        page.evaluate(QUICK_FILL, [str(100 + i), str(i)])
    else:
        page.fill("#households", str(100 + i))
        page.click("[data-go='1']")  # → sewage
        page.fill("[name='sections.sewage.households_treated']", str(i))
        page.select_option("[name='sections.sewage.treatment_mode']", "septic_tank")
        page.check("[name='sections.sewage.facility_running'][value='true']")
    if photo:
        page.set_input_files(
            "#photo-sewage",
            files=[{"name": f"IMG_{i}.jpg", "mimeType": "image/jpeg", "buffer": jpeg(i)}],
        )
        page.wait_for_selector("#step-sewage .photo-item", state="attached" if quick else "visible")
    if not quick:
        while page.is_visible("[data-go='1']"):
            page.click("[data-go='1']")
    if online:  # posted as a plain form; the saved page finishes the entry (its photos)
        submit(page, quick)
        page.wait_for_url("**/inspect/saved/*")
    else:  # kept on the phone; the village list says so at its top
        submit(page, quick)
        page.wait_for_url("**/inspect/")
        page.wait_for_selector("#queue-saved")
        ready(page)
        page.goto(form)  # back to the form, as the test goes on there
    ready(page)


def submit(page, quick=True):
    if quick:
        page.evaluate("document.getElementById('inspection-form').requestSubmit()")
    else:
        page.click("#submit")


def cached_for_offline(page):
    wait_until_offline_ready(page)


def queue_states(page):
    return page.eval_on_selector_all(
        "#queue-status li[data-uuid]", "els => els.map(e => e.getAttribute('data-status'))"
    )


def server_counts(app):
    with app.app_context():
        inspections = db.session.execute(db.select(Inspection)).scalars().all()
        photos = db.session.execute(db.select(Photo)).scalars().all()
        per_inspection = {}
        for photo in photos:
            per_inspection[photo.inspection_id] = per_inspection.get(photo.inspection_id, 0) + 1
        return len(inspections), len({i.client_uuid for i in inspections}), per_inspection


def send_until_done(page, expected, rounds=20):
    for _ in range(rounds):
        states = queue_states(page)
        if states.count("sent") == expected:
            return states
        page.click("#send-now")
        page.wait_for_timeout(300)
    return queue_states(page)


def test_offline_inspections_reach_the_server_exactly_once(browser, tmp_path):
    with serving(tmp_path) as (app, base):
        context = phone(browser)
        page = context.new_page()
        sign_in(page, base, f"/inspect/{HAICUN}")
        ready(page)
        # One online visit: the worker controls the page and has cached the form shell.
        cached_for_offline(page)
        assert page.input_value("#lat") == "39.736000"  # the position, taken when allowed

        context.set_offline(True)
        page.reload()
        ready(page)
        assert page.text_content("h1") == "海村村委会"
        for i in range(COUNT):
            village = HAICUN if i < COUNT // 2 else XUCUN
            if f"/inspect/{village}" not in page.url:
                page.goto(f"{base}/inspect/{village}")  # 许村 was never opened online
                ready(page)
            expected = "海村村委会" if village == HAICUN else "许村村委会"
            assert page.text_content("h1") == expected  # 许村: the shell, pointed at it
            fill_inspection(page, i, quick=True)
        assert queue_states(page) == ["waiting"] * COUNT
        assert server_counts(app)[0] == 0

        page.close()  # the tab is closed; the queue is in IndexedDB
        page = context.new_page()
        page.goto(f"{base}/inspect/{HAICUN}")
        ready(page)
        assert queue_states(page) == ["waiting"] * COUNT

        # Back online, with failures: the 3rd inspection's response is lost after the server
        # stored it, and the 2nd photo upload is cut off before it arrives.
        seen = {"inspections": 0, "photos": 0}

        def flaky_inspection(route):
            seen["inspections"] += 1
            if seen["inspections"] == 3:
                route.fetch()  # reaches the server and commits ...
                route.abort("connectionreset")  # ... but the phone never hears back
            else:
                route.continue_()

        def flaky_photo(route):
            seen["photos"] += 1
            if seen["photos"] == 2:
                route.abort("connectionreset")
            else:
                route.continue_()

        page.route("**/api/v1/inspections", flaky_inspection)
        page.route("**/api/v1/inspections/*/photos", flaky_photo)
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        states = send_until_done(page, COUNT)
        assert states == ["sent"] * COUNT
        assert seen["inspections"] == COUNT + 1  # one resend of the lost response
        assert seen["photos"] == COUNT + 1  # one resend of the cut-off photo
        rows, distinct, photos = server_counts(app)
        assert (rows, distinct) == (COUNT, COUNT)
        assert sorted(photos.values()) == [1] * COUNT
        with app.app_context():
            sizes = [p.byte_size for p in db.session.execute(db.select(Photo)).scalars()]
            dims = {(p.width, p.height) for p in db.session.execute(db.select(Photo)).scalars()}
        assert dims == {(1600, 1200)}  # 2000×1500 resized on the phone to ≤ 1600 px
        assert max(sizes) <= 300 * 1024
        page.unroute("**/api/v1/inspections")
        page.unroute("**/api/v1/inspections/*/photos")
        correct_offline(context, page, app, base)
        context.close()


def payloads(app):
    """{id: [payload of each revision]} of every inspection on the server."""
    with app.app_context():
        rows = db.session.execute(db.select(Inspection).order_by(Inspection.id)).scalars()
        return {i.id: [r.payload for r in i.revisions] for i in rows}


def correct_offline(context, page, app, base):
    """5 corrections made offline through /inspect/edit/<id> (each visited online once, as the
    inspector opens a returned inspection), the tab closed and reopened, one answer lost after
    the commit: they revise their inspections and never add one."""
    before = payloads(app)
    corrected = sorted(before)[:CORRECTIONS]
    for inspection_id in corrected:  # online: the worker caches each correction form
        page.goto(f"{base}/inspect/edit/{inspection_id}")
        ready(page)
    context.set_offline(True)
    for k, inspection_id in enumerate(corrected):
        page.goto(f"{base}/inspect/edit/{inspection_id}")
        ready(page)
        assert page.input_value("#households") == str(before[inspection_id][0]["households"])
        page.fill("#households", str(500 + k))  # one figure corrected, the rest untouched
        with page.expect_navigation():
            submit(page)
        page.wait_for_selector("#queue-saved")
        ready(page)
    page.close()
    page = context.new_page()
    page.goto(f"{base}/inspect/{HAICUN}")
    ready(page)
    states = queue_states(page)
    assert (states.count("waiting"), states.count("sent")) == (CORRECTIONS, COUNT - CORRECTIONS)

    puts = {"count": 0}

    def lose_second_answer(route):
        if route.request.method != "PUT":
            return route.continue_()
        puts["count"] += 1
        if puts["count"] == 2:
            route.fetch()  # stored by the server ...
            return route.abort("connectionreset")  # ... its answer never arrives
        return route.continue_()

    page.route("**/api/v1/inspections/*", lose_second_answer)
    posts = []
    page.route("**/api/v1/inspections", lambda route: (posts.append(1), route.continue_()))
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    assert send_until_done(page, COUNT) == ["sent"] * COUNT
    assert puts["count"] == CORRECTIONS + 1  # the lost one sent again, answered 200
    assert posts == []  # a correction is never sent as a new inspection
    after = payloads(app)
    assert sorted(after) == sorted(before)  # exactly the same inspections, none added
    assert sorted(len(r) for r in after.values()) == [1] * (COUNT - CORRECTIONS) + [2] * CORRECTIONS
    for k, inspection_id in enumerate(corrected):
        first, second = after[inspection_id]
        assert second["households"] == 500 + k
        assert {**second, "households": first["households"]} == first  # untouched: intact
    for inspection_id in set(after) - set(corrected):
        assert after[inspection_id] == before[inspection_id]
    rows, distinct, photos = server_counts(app)
    assert (rows, distinct, sorted(photos.values())) == (COUNT, COUNT, [1] * COUNT)


def test_a_queue_survives_an_expired_session(browser, tmp_path):
    with serving(tmp_path) as (app, base):
        context = phone(browser)
        page = context.new_page()
        sign_in(page, base, f"/inspect/{HAICUN}")
        ready(page)
        cached_for_offline(page)
        context.set_offline(True)
        fill_inspection(page, 1, photo=False)
        # Days later: the session is gone (cookies cleared, as after an expiry or a restart).
        context.clear_cookies()
        context.set_offline(False)
        page.click("#send-now")
        page.wait_for_selector("#queue-login")
        assert queue_states(page) == ["waiting"]
        assert server_counts(app)[0] == 0
        page.click("#queue-login a")
        page.fill("#username", "wang")
        page.fill("#password", "pw-field-2026")
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/inspect/{HAICUN}")
        ready(page)
        assert send_until_done(page, 1) == ["sent"]
        assert server_counts(app)[:2] == (1, 1)
        context.close()


def test_without_a_service_worker_the_queue_still_sends(browser, tmp_path):
    with serving(tmp_path) as (app, base):
        context = phone(browser, service_workers="block")
        # As in an in-app browser without service workers: the API is simply not there.
        context.add_init_script("delete Navigator.prototype.serviceWorker")
        page = context.new_page()
        sign_in(page, base, f"/inspect/{HAICUN}")
        ready(page)
        assert page.is_visible("#offline-notice")
        assert "浏览器中打开" in page.text_content("#offline-notice")
        fill_inspection(page, 7, online=True)
        assert send_until_done(page, 1) == ["sent"]
        rows, _distinct, photos = server_counts(app)
        assert rows == 1 and list(photos.values()) == [1]
        context.close()


def test_without_javascript_the_plain_form_still_posts(browser, tmp_path):
    with serving(tmp_path) as (app, base):
        context = phone(browser, java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{base}/login?next=/inspect/{HAICUN}")
        page.fill("#username", "wang")
        page.fill("#password", "pw-field-2026")
        page.click("button[type=submit]")
        page.fill("#households", "90")
        page.fill("[name='sections.sewage.households_treated']", "9")
        page.select_option("[name='sections.sewage.treatment_mode']", "septic_tank")
        page.check("[name='sections.sewage.facility_running'][value='true']")
        page.click("#submit")
        page.wait_for_selector("#answer-profile-households")
        assert page.text_content("#answer-profile-households") == "90 户"
        assert server_counts(app)[0] == 1
        context.close()


def test_two_tabs_on_one_draft_store_one_inspection(browser, tmp_path):
    with serving(tmp_path) as (app, base):
        context = phone(browser)
        first = context.new_page()
        sign_in(first, base, f"/inspect/{HAICUN}")
        ready(first)
        cached_for_offline(first)
        second = context.new_page()
        second.goto(f"{base}/inspect/{HAICUN}")
        ready(second)
        # The draft's client_uuid was fixed when the first tab made it; the second shares it.
        uuid = first.input_value("[name=client_uuid]")
        assert second.input_value("[name=client_uuid]") == uuid
        context.set_offline(True)
        fill_inspection(first, 3, photo=False)
        fill_inspection(second, 3, photo=False)  # the same answers, saved again in tab two
        assert queue_states(second) == ["waiting"]  # one entry: the queue is keyed by uuid
        context.set_offline(False)
        assert send_until_done(second, 1) == ["sent"]
        first.reload()
        ready(first)
        assert queue_states(first) == ["sent"]
        with app.app_context():
            assert [i.client_uuid for i in db.session.execute(db.select(Inspection)).scalars()] == [
                uuid
            ]
        context.close()


def test_rescue_file_imports_once_and_the_queue_then_agrees(browser, tmp_path):
    with serving(tmp_path) as (app, base):
        context = phone(browser, accept_downloads=True)
        page = context.new_page()
        sign_in(page, base, f"/inspect/{HAICUN}")
        ready(page)
        cached_for_offline(page)
        context.set_offline(True)
        fill_inspection(page, 5)
        with page.expect_download() as download:
            page.click("#rescue")
        rescue = json.loads(Path(download.value.path()).read_text())
        assert rescue["format"] == "cunjian-rescue" and rescue["username"] == "wang"
        assert [len(e["photos"]) for e in rescue["entries"]] == [1]
        path = tmp_path / "rescue.json"
        path.write_text(json.dumps(rescue))
        result = app.test_cli_runner().invoke(args=["import-rescue", str(path)])
        assert "inspections: 1 stored, 0 already there, 0 refused; photos: 1 stored" in (
            result.output
        )
        # The phone still sends its entry later: the server already has it and answers 200.
        context.set_offline(False)
        assert send_until_done(page, 1) == ["sent"]
        rows, distinct, photos = server_counts(app)
        assert (rows, distinct, list(photos.values())) == (1, 1, [1])
        context.close()


def test_a_refused_entry_is_shown_to_fix_not_retried(browser, tmp_path):
    with serving(tmp_path) as (app, base):
        context = phone(browser)
        page = context.new_page()
        sign_in(page, base, f"/inspect/{HAICUN}")
        ready(page)
        cached_for_offline(page)
        context.set_offline(True)
        # The phone now refuses households = -5 itself (form-rules.js); an entry queued by an
        # older page that did not check it is refused by the server when sent.
        queue_as_an_older_page(page, "wang", HAICUN, "海村村委会", {"households": "-5"})
        context.set_offline(False)
        page.click("#send-now")
        page.wait_for_selector("li[data-status=needs_fix]")
        entry = page.locator("li[data-status=needs_fix]")
        assert "户数（户）" in entry.inner_text() and "需要修改" in entry.inner_text()
        page.click("#send-now")  # not retried: it stays to be fixed, nothing stored
        page.wait_for_timeout(300)
        assert queue_states(page) == ["needs_fix"] and server_counts(app)[0] == 0
        uuid = entry.get_attribute("data-uuid")
        with page.expect_navigation():
            entry.get_by_role("button", name="修改").click()  # back into the form, same uuid
        ready(page)
        assert page.input_value("[name=client_uuid]") == uuid
        assert page.input_value("#households") == "-5"
        fill_inspection(page, 1, photo=False, online=True)
        assert send_until_done(page, 1) == ["sent"]
        with app.app_context():
            stored = db.session.execute(db.select(Inspection)).scalars().all()
            assert [i.client_uuid for i in stored] == [uuid]
        context.close()


def registration_id(page, cdp, scope: str, timeout_s: float = 10.0) -> str:
    """The service worker registration for `scope`, from DevTools' ServiceWorker domain (the
    page's wait lets Playwright deliver the events)."""
    found = {}
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: found.update(
            {r["scopeURL"]: r["registrationId"] for r in event["registrations"]}
        ),
    )
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + timeout_s
    while scope not in found and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    return found[scope]


def test_background_sync_sends_the_queue_with_the_page_closed(browser, tmp_path):
    """The browser fires "cunjian-send" when the network is back (DevTools fires it here, as
    nothing else would on loopback); the worker sends the queue, photo included, with no page
    of the site open."""
    with serving(tmp_path) as (app, base):
        context = phone(browser)
        context.grant_permissions(["background-sync"], origin=base)
        page = context.new_page()
        sign_in(page, base, f"/inspect/{HAICUN}")
        ready(page)
        cached_for_offline(page)
        context.set_offline(True)
        fill_inspection(page, 1)
        fill_inspection(page, 2, photo=False)
        assert queue_states(page) == ["waiting"] * 2
        tags = page.evaluate("navigator.serviceWorker.ready.then(r => r.sync.getTags())")
        assert tags == ["cunjian-send"]
        page.close()  # no page of the site is open from here on

        blank = context.new_page()
        cdp = context.new_cdp_session(blank)
        registration = registration_id(blank, cdp, f"{base}/")
        assert server_counts(app)[0] == 0
        context.set_offline(False)
        cdp.send(
            "ServiceWorker.dispatchSyncEvent",
            {
                "origin": base,
                "registrationId": registration,
                "tag": "cunjian-send",
                "lastChance": False,
            },
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and server_counts(app)[1:] != (2, {1: 1}):
            blank.wait_for_timeout(200)
        rows, distinct, photos = server_counts(app)
        assert (rows, distinct) == (2, 2)
        assert sorted(photos.values()) == [1]  # the first inspection's photo, sent by the worker

        page = context.new_page()
        page.goto(f"{base}/inspect/{HAICUN}")
        ready(page)
        assert queue_states(page) == ["sent"] * 2  # the page sees what the worker did
        assert server_counts(app)[:2] == (2, 2)  # and sends nothing again
        context.close()
