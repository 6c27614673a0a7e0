"""The one offline outbox in a real headless Chromium at 360 px (issue 19): an inspection and a
problem recorded offline in two tabs wait in the same queue, and when the network is back both
tabs (and the service worker's Background Sync) try to send it at once: each entry reaches the
server exactly once (Web Locks: one sender at a time, so one POST each) and the queue empties.
Also: the service worker's page cache is pruned, and caches of older workers are deleted."""

import re
import time
from pathlib import Path

import pytest

from app.extensions import db
from app.models import Inspection, Problem, ProblemPhoto
from tests.browser.offline_server import CHROMIUM, serving, wait_until_offline_ready
from tests.browser.test_offline_browser import HAICUN, fill_inspection, phone, ready, sign_in
from tests.browser.test_problem_cycle_browser import jpeg

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]
SW_SOURCE = (Path(__file__).parents[2] / "static" / "sw.js").read_text(encoding="utf-8")
KEEP_PAGES = int(re.search(r"var KEEP_PAGES = (\d+);", SW_SOURCE).group(1))
PAGES = re.search(r'var PAGES = "([^"]+)";', SW_SOURCE).group(1)
OUTBOX = """() => new Promise((ok, no) => {
  const req = indexedDB.open('cunjian');
  req.onsuccess = () => {
    const all = req.result.transaction('outbox').objectStore('outbox').getAll();
    all.onsuccess = () => { ok(all.result.map(e => [e.kind, e.status])); req.result.close(); };
    all.onerror = () => no(all.error);
  };
})"""


def posts_counted(counts):
    """WSGI middleware: counts the POSTs that reach the server, by path."""

    def wrap(wsgi):
        def counting(environ, start_response):
            if environ["REQUEST_METHOD"] == "POST":
                path = environ["PATH_INFO"]
                counts[path] = counts.get(path, 0) + 1
            return wsgi(environ, start_response)

        return counting

    return wrap


def wait_for(page, predicate, timeout_s=20.0):
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, f"never true: {predicate}"
        page.wait_for_timeout(200)


def test_two_tabs_send_an_offline_inspection_and_problem_once_each(chromium, tmp_path):
    counts = {}
    with serving(tmp_path, wrap=posts_counted(counts)) as (app, base):
        context = phone(chromium)
        inspecting = context.new_page()
        sign_in(inspecting, base, f"/inspect/{HAICUN}")
        ready(inspecting)
        wait_until_offline_ready(inspecting)
        recording = context.new_page()
        recording.goto(f"{base}/problems/new?village={HAICUN}")
        recording.wait_for_selector("#problem-form[data-queue=ready]")
        wait_for(recording, "async () => !!(await caches.match('/problems/new'))")
        assert recording.evaluate("document.documentElement.scrollWidth <= 360")

        context.set_offline(True)
        fill_inspection(inspecting, 7, photo=False, quick=True)  # → the village list
        recording.bring_to_front()
        recording.select_option("#category", "straw_burning")
        recording.fill("#description", "村东头秸秆露天焚烧")
        recording.set_input_files("#photo", files=[jpeg((200, 40, 40))])
        recording.click("#save-problem")
        recording.wait_for_selector("#problem-saved")
        # One queue: the problem page lists the inspection too, both waiting.
        recording.wait_for_selector("#problem-queue li[data-kind=problem][data-status=waiting]")
        assert sorted(recording.evaluate(OUTBOX)) == [["new", "waiting"], ["problem", "waiting"]]
        with app.app_context():
            assert db.session.scalar(db.select(db.func.count()).select_from(Problem)) == 0
        posted_offline = dict(counts)

        context.set_offline(False)
        for tab in (inspecting, recording):  # both tabs hear the network come back at once
            tab.evaluate("window.dispatchEvent(new Event('online'))")
        wait_for(recording, f"async () => ({OUTBOX})().then(e => e.every(x => x[1] === 'sent'))")
        for tab in (inspecting, recording):
            tab.click("#send-now")  # again, from each tab: nothing left to send
        recording.wait_for_timeout(500)

        assert sorted(recording.evaluate(OUTBOX)) == [["new", "sent"], ["problem", "sent"]]
        with app.app_context():
            problems = db.session.execute(db.select(Problem)).scalars().all()
            inspections = db.session.execute(db.select(Inspection)).scalars().all()
            photos = db.session.execute(db.select(ProblemPhoto.stage)).scalars().all()
            assert [p.description for p in problems] == ["村东头秸秆露天焚烧"]
            assert [i.village.code for i in inspections] == [HAICUN]
            assert photos == ["found"]
            problem_uuid = problems[0].client_uuid
            db.session.remove()
        sent = {k: v - posted_offline.get(k, 0) for k, v in counts.items() if k.startswith("/api/")}
        # One POST each: no tab (nor the worker) sent an entry another was sending.
        assert sent == {
            "/api/v1/inspections": 1,
            "/api/v1/problems": 1,
            f"/api/v1/problems/{problem_uuid}/photos": 1,
        }
        recording.reload()
        recording.wait_for_selector("#problem-form[data-queue=ready]")
        assert recording.locator("#problem-queue ul.queue:not(.sent-today) li").count() == 0
        context.close()


PAGE_CACHE = """() => caches.keys().then(async names => {
  const pages = await caches.open(NAME);
  const paths = (await pages.keys()).map(r => new URL(r.url).pathname);
  return [names.filter(n => n.startsWith('cunjian-')).sort(), paths.sort()];
})""".replace("NAME", repr(PAGES))


SITE_SHELLS = "/site/__shell__/"


def not_site_shells(paths: list[str]) -> list[str]:
    return [p for p in paths if not p.startswith(SITE_SHELLS)]


def test_the_page_cache_is_pruned_and_old_caches_deleted(chromium, tmp_path):
    with serving(tmp_path) as (app, base):
        context = phone(chromium)
        page = context.new_page()
        page.goto(f"{base}/login")
        # What an older worker left: its page cache (unstamped) and another version's assets.
        page.evaluate("""async () => {
          await (await caches.open('cunjian-pages')).put('/inspect/', new Response('old'));
          await (await caches.open('cunjian-assets-0ld')).put('/static/x.js', new Response('x'));
        }""")
        sign_in(page, base, f"/inspect/{HAICUN}")
        ready(page)
        wait_until_offline_ready(page)
        names, real = page.evaluate(PAGE_CACHE)
        real = not_site_shells(real)  # the site forms' shells arrive on their own time
        # The assets of this version, the form's content-named files, the pages.
        assert len(names) == 3 and PAGES in names and names[0].startswith("cunjian-assets-")
        assert names[1] == "cunjian-forms-1"
        assert "cunjian-assets-0ld" not in names

        # 10 pages kept 40 days ago, and KEEP_PAGES kept 1 to KEEP_PAGES hours ago.
        page.evaluate(
            """async ([name, keep]) => {
              const pages = await caches.open(name), hour = 3600 * 1000, now = Date.now();
              const put = (id, at) => pages.put('/inspect/edit/' + id, new Response('p',
                {headers: {'X-Cunjian-Cached-At': String(at)}}));
              for (let i = 0; i < 10; i++) await put(90000 + i, now - 40 * 24 * hour);
              for (let i = 1; i <= keep; i++) await put(i, now - i * hour);
            }""",
            [PAGES, KEEP_PAGES],
        )
        page.goto(f"{base}/inspect/")  # a page kept: the cache is pruned
        ready(page)
        unpruned = ("/inspect/__shell__", "/inspect/__offline_data__", "/inspect/__missing__")
        fresh = [p for p in real if p not in (*unpruned, "/__warmed__")]
        # The real pages are the newest; the oldest fakes make room for them.
        kept_fakes = [f"/inspect/edit/{i}" for i in range(1, KEEP_PAGES - len(fresh) + 1)]
        expected = sorted(real + kept_fakes)
        deadline = time.monotonic() + 10
        while (
            not_site_shells(page.evaluate(PAGE_CACHE)[1]) != expected
            and time.monotonic() < deadline
        ):
            page.wait_for_timeout(200)
        assert not_site_shells(page.evaluate(PAGE_CACHE)[1]) == expected

        # The site forms' shells (issue 23) are never pruned either: all three kinds stay.
        def shells():
            return [p for p in page.evaluate(PAGE_CACHE)[1] if p.startswith(SITE_SHELLS)]

        while len(shells()) < 3 and time.monotonic() < deadline + 10:
            page.wait_for_timeout(200)
        assert shells() == [
            f"{SITE_SHELLS}{k}" for k in ("coal_seller", "scale_farm", "sewage_station")
        ]
        # The shell, the offline data, the missing page and the warm-up mark are not counted.
        assert len(expected) == KEEP_PAGES + 4
        context.close()
