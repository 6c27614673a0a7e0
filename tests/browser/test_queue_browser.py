"""The queue speaks the inspector's language on a 360 px phone (issue 12, seen items 4 and 5):
an entry the server refused lists its messages under the fields' labels with their units, never
a key such as `sections.film.recovered_t`, and fits the screen; 修改 reopens the form at the
step of the first error with the messages beside the fields, the entry staying in the queue as
"needs fixing" until it is saved again; once sent it leaves the waiting list for "sent today".

The refused entry is one an older page queued before the phone checked the form (the phone now
refuses it before saving): it is put into the phone's store as that page would have."""

import uuid

import pytest

from tests.browser.test_form_check_browser import by_id, error_of, open_form
from tests.browser.test_inspect_browser import stored

pytestmark = pytest.mark.browser

VILLAGE = "140225101208"

PUT_ENTRY = """(entry) => new Promise((ok, no) => { const r = indexedDB.open('cunjian');
  r.onsuccess = () => { const t = r.result.transaction('outbox', 'readwrite');
    t.objectStore('outbox').put(entry); t.oncomplete = () => ok(true); t.onerror = no; }; })"""
ENTRY = """(uuid) => new Promise(ok => { const r = indexedDB.open('cunjian');
  r.onsuccess = () => { const q = r.result.transaction('outbox').objectStore('outbox').get(uuid);
    q.onsuccess = () => ok(q.result || null); }; })"""


def queue_as_an_older_page(page, username, village, village_name, values) -> str:
    """Put into the phone's queue what a page that did not check the form queued for these form
    values (the body built as the server builds it from a form); its client_uuid."""
    client_uuid = str(uuid.uuid4())
    values = {**values, "client_uuid": client_uuid, "village_code": village}
    payload = page.evaluate(
        "(v) => CunjianRules.fromForm(CunjianRules.load(), v)",
        values,
    )
    entry = {
        "client_uuid": client_uuid,
        "village_code": village,
        "village_name": village_name,
        "payload": payload,
        "values": values,
        "status": "waiting",
        "errors": None,
        "photo_ids": [],
        "saved_at": 1,
        "username": username,
        "lang": "zh",
    }
    page.evaluate(PUT_ENTRY, entry)
    return client_uuid


def test_a_refused_entry_reads_as_labels_fits_360_px_and_reopens_at_its_error(live_server, phone):
    page = open_form(phone, live_server, village=VILLAGE)
    values = {
        "inspected_on": "2026-11-20",
        "households": "120",
        "sections.manure.produced_t": "50",
        "sections.film.used_t": "8",
        "sections.film.recovered_t": "3500",
    }
    entry = {
        "client_uuid": queue_as_an_older_page(
            page, live_server.inspector[0], VILLAGE, "大峪口村委会", values
        )
    }
    page.click("#send-now")
    page.wait_for_selector(f"li[data-uuid='{entry['client_uuid']}'][data-status=needs_fix]")

    item = page.locator(f"li[data-uuid='{entry['client_uuid']}']")
    errors = item.locator("ul.field-error li").all_inner_texts()
    assert errors == [
        "粪污资源化利用量（吨）：“粪污资源化利用量”为必填项",
        "农膜回收量（吨）：回收量不能超过使用量（8 吨）",
    ]
    assert "sections." not in page.locator("#queue-status").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.evaluate("document.getElementById('queue-status').scrollWidth") <= 360

    # 修改: the form, at the manure step, with both messages beside their fields.
    item.get_by_role("button", name="修改").click()
    page.wait_for_url(f"**/inspect/{VILLAGE}")
    page.wait_for_selector("#error-summary")
    assert page.get_by_role("heading", name="畜禽粪污").is_visible()
    assert error_of(page, "sections.manure.utilised_t").inner_text() == "“粪污资源化利用量”为必填项"
    assert (
        error_of(page, "sections.film.recovered_t").inner_text() == "回收量不能超过使用量（8 吨）"
    )
    assert by_id(page, "sections.film.recovered_t").input_value() == "3500"
    assert page.input_value("[name=client_uuid]") == entry["client_uuid"]
    # Still in the queue, still needing a fix: not silently turned into a plain draft.
    assert page.evaluate(ENTRY, entry["client_uuid"])["status"] == "needs_fix"

    by_id(page, "sections.manure.utilised_t").fill("20")
    page.locator("#error-summary a").nth(1).click()
    by_id(page, "sections.film.recovered_t").fill("5")
    while page.get_by_role("button", name="下一步").is_visible():
        page.get_by_role("button", name="下一步").click()
    page.get_by_role("button", name="保存检查").click()
    page.wait_for_url("**/inspect/saved/*")
    page.wait_for_selector(f"ul.sent-today li[data-uuid='{entry['client_uuid']}']")
    # Sent: gone from the waiting list, listed under "sent today".
    assert page.locator("ul.queue:not(.sent-today) li[data-uuid]").count() == 0
    assert page.locator("#queue-status h3").inner_text() == "今天已发送 (1)"
    assert stored(live_server, VILLAGE) == [
        {
            ("profile", "households"): 120,
            ("manure", "produced_t"): 50,
            ("manure", "utilised_t"): 20,
            ("film", "used_t"): 8,
            ("film", "recovered_t"): 5,
        }
    ]
