"""A phone's rescue file carries its unsent site inspection (issue 23), in Chromium at 360 px: a
seller's sample saved offline is in the file as a `kind: "site"` entry; `flask import-rescue`
stores it once; the phone, back online, sends its copy and the server has it once still."""

import json
from pathlib import Path

import pytest

from tests.browser.offline_server import CHROMIUM, serving, wait_until_offline_ready
from tests.browser.test_offline_browser import phone, ready, send_until_done, sign_in
from tests.browser.test_sites_browser import TOWNSHIP, add_sellers
from tests.browser.test_sites_offline_browser import record_offline, visits_of, wait_for_site_shell

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]


def test_an_unsent_site_sample_travels_in_the_rescue_file(chromium, tmp_path):
    with serving(tmp_path, users=(("wang", "inspector", TOWNSHIP),)) as (app, base):
        add_sellers(app, 2)
        context = phone(chromium, accept_downloads=True)
        page = context.new_page()
        sign_in(page, base, "/inspect/")
        ready(page)
        wait_until_offline_ready(page)
        wait_for_site_shell(page)
        context.set_offline(True)
        record_offline(page, base, "CS-1", passed=True)
        with page.expect_download() as download:
            page.click("#rescue")
        rescue = json.loads(Path(download.value.path()).read_text())
        (entry,) = rescue["entries"]
        assert entry["kind"] == "site" and entry["payload"]["site_code"] == "CS-1"
        assert entry["payload"]["answers"] == {"sample_taken": True, "sample_passed": True}
        path = tmp_path / "rescue.json"
        path.write_text(json.dumps(rescue))
        result = app.test_cli_runner().invoke(args=["import-rescue", str(path)])
        assert "site inspections: 1 stored, 0 already there" in result.output, result.output
        (row,) = visits_of(app, "CS-1")
        assert str(row.client_uuid) == entry["client_uuid"]
        # The phone still sends its copy later: the server has it already and answers 200.
        context.set_offline(False)
        assert send_until_done(page, 1) == ["sent"]
        assert len(visits_of(app, "CS-1")) == 1
        context.close()
