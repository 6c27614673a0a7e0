"""The form's photo list shows each photo taken as a thumbnail, and a photo taken by mistake can
be removed before the inspection is saved (issue 20, finding 13)."""

from pathlib import Path

import pytest

from tests.browser.offline_server import CHROMIUM, serving
from tests.browser.test_offline_browser import HAICUN, jpeg, phone, ready, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]
DRAFT_PHOTOS = """() => new Promise(done => {
  const open = indexedDB.open("cunjian");
  open.onsuccess = () => {
    const all = open.result.transaction("photos").objectStore("photos").getAll();
    all.onsuccess = () => done(all.result.length);
  };
})"""


def test_a_photo_shows_as_a_thumbnail_and_can_be_removed(chromium, tmp_path):
    with serving(tmp_path) as (_app, base):
        context = phone(chromium)
        page = context.new_page()
        sign_in(page, base, f"/inspect/{HAICUN}")
        ready(page)
        page.click("[data-go='1']")  # → sewage
        page.set_input_files(
            "#photo-sewage",
            files=[
                {"name": f"IMG_{i}.jpg", "mimeType": "image/jpeg", "buffer": jpeg(i)}
                for i in (1, 2)
            ],
        )
        page.wait_for_function(
            "() => document.querySelectorAll('#step-sewage .photo-item img').length === 2"
        )
        page.wait_for_function(
            "() => [...document.querySelectorAll('#step-sewage .photo-item img')]"
            ".every(i => i.complete && i.naturalWidth > 0)"
        )
        assert page.evaluate(DRAFT_PHOTOS) == 2
        page.locator("#step-sewage .photo-remove").first.click()
        page.wait_for_function(
            "() => document.querySelectorAll('#step-sewage .photo-item').length === 1"
        )
        assert page.evaluate(DRAFT_PHOTOS) == 1
        assert page.text_content("#step-sewage .photo-remove") == "删除这张照片"
        context.close()
