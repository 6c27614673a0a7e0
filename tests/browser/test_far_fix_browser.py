"""The phone warns of a fix far from the village before saving, in the same words and from the
same threshold as the server's saved page (issue 20, finding 9), and saves it all the same.

The phone is at 39.8900 N, 113.6650 E; 海村 is at 39.735722 N, 113.664907 E: haversine on
R = 6,371,008.8 m gives 17,155.0 m → "17.2 公里", over the 2 km limit.
"""

from pathlib import Path

import pytest

from tests.browser.offline_server import CHROMIUM, serving
from tests.browser.test_corrections_browser import sewage, to_last_step
from tests.browser.test_offline_browser import HAICUN, phone, ready, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]
WARNING = "⚠ 定位距村庄 17.2 公里，超过 2.0 公里：可以保存，审核人将核实此位置"


def test_the_phone_and_the_server_warn_of_a_far_fix_alike(chromium, tmp_path):
    with serving(tmp_path) as (app, base):
        context = phone(chromium)
        context.set_geolocation({"latitude": 39.8900, "longitude": 113.6650, "accuracy": 10})
        page = context.new_page()
        sign_in(page, base, f"/inspect/{HAICUN}")
        ready(page)
        page.wait_for_function("document.querySelector('#lat').value !== ''")
        page.fill("#households", "150")
        page.click("[data-go='1']")
        sewage(page, 9)
        to_last_step(page)
        assert page.is_visible("#far-fix")
        assert page.text_content("#far-fix") == WARNING
        # typed back near the village: the warning goes
        page.fill("#lat", "39.7360")
        assert not page.is_visible("#far-fix")
        page.fill("#lat", "39.8900")
        assert page.text_content("#far-fix") == WARNING
        page.click("#submit")  # warned, never refused
        page.wait_for_url("**/inspect/saved/*")
        assert page.text_content("#far-fix").strip() == WARNING
        context.close()
