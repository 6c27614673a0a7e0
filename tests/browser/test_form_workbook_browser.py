"""Issue 22 in a real Chromium at 360 px, CSRF on: a county admin uploads an edited workbook,
reads the changes beside the phone preview, publishes; an inspector's phone, which had the old
form cached for offline use, shows the new question after its next online visit, then offline."""

import pytest

from app.extensions import db
from app.models import Township, User
from tests.browser.conftest import PHONE
from tests.browser.offline_server import wait_until_offline_ready
from tests.browser_support import seeded_sqlite_app, serving
from tests.xlsform_helpers import exported, relabel_and_add

pytestmark = pytest.mark.browser

ADMIN = ("boss", "the admin's own long phrase")
INSPECTOR = ("li", "the inspector's long phrase")
TOWNSHIP = "140225101"
VILLAGE = "140225101205"


@pytest.fixture(scope="module")
def forms_server(tmp_path_factory):
    app = seeded_sqlite_app(tmp_path_factory.mktemp("forms"), "forms")
    with app.app_context():
        township = db.session.execute(
            db.select(Township).where(Township.code == TOWNSHIP)
        ).scalar_one()
        for (name, password), role in ((ADMIN, "county_admin"), (INSPECTOR, "inspector")):
            user = User(
                username=name, role=role, township=township if role == "inspector" else None
            )
            user.set_password(password)
            db.session.add(user)
        db.session.commit()
    with serving(app) as url:
        yield url, app


def sign_in(page, url, username, password, then="/"):
    page.goto(f"{url}/login?next={then}")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_upload_preview_publish_and_the_phone_gets_it(forms_server, chromium, screenshot):
    url, _app = forms_server
    phone_context = chromium.new_context(**PHONE)
    admin_context = chromium.new_context(**PHONE)
    try:
        phone, admin = phone_context.new_page(), admin_context.new_page()
        phone.set_default_timeout(10_000)
        sign_in(phone, url, *INSPECTOR, then=f"/inspect/{VILLAGE}")
        phone.goto(f"{url}/inspect/{VILLAGE}")
        phone.wait_for_selector("[data-queue=ready]")
        wait_until_offline_ready(phone)
        assert "回收袋数" not in phone.content()

        sign_in(admin, url, *ADMIN, then="/admin/forms")
        admin.goto(f"{url}/admin/forms")
        admin.set_input_files(
            "#file-film",
            {
                "name": "film.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": relabel_and_add(exported("film")),
            },
        )
        with admin.expect_navigation():
            admin.click("#form-film button[type=submit]")
        changes = admin.locator("#changes li").all_inner_texts()
        assert changes == [
            "recovered_t 的标题改为“农膜回收总量”",
            "新增字段 bags_collected“回收袋数”",
        ]
        preview = admin.locator("#phone-preview")
        assert preview.get_by_label("回收袋数").is_visible()
        assert preview.get_by_label("农膜回收总量（吨）").is_visible()
        assert fits(admin)
        screenshot(admin, "form-workbook-preview-360px")
        with admin.expect_navigation():
            admin.click("#publish")
        assert "已发布 film 版本 2026.4" in admin.locator("main").inner_text()
        assert admin.locator("#form-film .current-version").inner_text() == "2026.4"

        # the phone's next online visit picks the new version up …
        phone.goto(f"{url}/inspect/{VILLAGE}")
        phone.wait_for_selector("[data-queue=ready]")
        assert phone.locator('[id="sections.film.bags_collected"]').count() == 1
        wait_until_offline_ready(phone)
        # … and keeps it offline
        phone_context.set_offline(True)
        phone.reload()
        phone.wait_for_selector("[data-queue=ready]")
        assert phone.locator('[id="sections.film.bags_collected"]').count() == 1
        assert "农膜回收总量" in phone.content()
    finally:
        phone_context.close()
        admin_context.close()
