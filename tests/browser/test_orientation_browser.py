"""Orientation on a 360 px phone (issue 12, seen items 5 and 8): after an offline save the
phone shows the village list with the confirmation at its top (not a blank form for the same
village), the village marked 待发送 until it is sent and 已提交 after; 我的检查 fits the screen."""

import pytest

from tests.browser.offline_server import wait_until_offline_ready
from tests.browser.test_form_check_browser import by_id, open_form
from tests.browser.test_inspect_browser import stored

pytestmark = pytest.mark.browser

VILLAGE = "140225101209"


def state(page, village):
    return page.locator(f'li[data-village="{village}"] .state')


def test_after_an_offline_save_the_village_list_with_the_confirmation_on_top(live_server, phone):
    page = open_form(phone, live_server, village=VILLAGE)
    wait_until_offline_ready(page)
    page.context.set_offline(True)
    by_id(page, "households").fill("60")
    page.get_by_role("button", name="下一步").click()
    by_id(page, "sections.sewage.households_treated").fill("30")
    by_id(page, "sections.sewage.treatment_mode").select_option("septic_tank")
    by_id(page, "sections.sewage.facility_running-true").check()
    while page.get_by_role("button", name="下一步").is_visible():
        page.get_by_role("button", name="下一步").click()
    page.get_by_role("button", name="保存检查").click()

    page.wait_for_url(f"{live_server.url}/inspect/")
    page.wait_for_selector("[data-queue=ready]")
    confirmation = page.locator("#queue-saved")
    assert confirmation.inner_text() == "已保存在手机上，联网后自动发送。"
    box = confirmation.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 740  # on the first screen, no scrolling
    assert page.locator("#inspection-form").count() == 0  # not a blank form for the village
    assert state(page, VILLAGE).inner_text() == "待发送"
    assert state(page, "140225101210").inner_text() == "未检查"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert stored(live_server, VILLAGE) == []

    page.context.set_offline(False)
    page.click("#send-now")
    page.wait_for_selector("ul.sent-today li[data-status=sent]")
    assert len(stored(live_server, VILLAGE)) == 1
    page.reload()
    page.wait_for_selector("[data-queue=ready]")
    assert state(page, VILLAGE).inner_text() == "已提交"
    assert page.locator("ul.queue:not(.sent-today) li[data-uuid]").count() == 0

    page.get_by_role("link", name="我的检查").click()
    page.wait_for_url(f"{live_server.url}/inspect/mine")
    assert page.locator("ul.mine li").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_after_an_online_save_the_confirmation_then_the_village_list(live_server, phone):
    village = "140225101206"
    before = len(stored(live_server, village))  # the live server is shared with other modules
    page = open_form(phone, live_server, village=village)
    by_id(page, "households").fill("80")
    page.get_by_role("button", name="下一步").click()
    by_id(page, "sections.sewage.households_treated").fill("10")
    by_id(page, "sections.sewage.treatment_mode").select_option("septic_tank")
    by_id(page, "sections.sewage.facility_running-false").check()
    while page.get_by_role("button", name="下一步").is_visible():
        page.get_by_role("button", name="下一步").click()
    page.get_by_role("button", name="保存检查").click()
    page.wait_for_url("**/inspect/saved/*")
    page.wait_for_selector("[data-queue=ready]")
    confirmation = page.locator("#saved-confirmation")
    assert confirmation.inner_text() == "检查已保存"
    assert confirmation.bounding_box()["y"] < 100  # at the top
    next_village = page.locator("#next-village")
    assert next_village.bounding_box()["y"] < 740  # the village list starts on the first screen
    assert state(page, village).inner_text() == "已提交"
    assert page.locator("#next-village li[data-village]").count() == 11
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert len(stored(live_server, village)) == before + 1
