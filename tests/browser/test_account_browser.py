"""A person at 360 px guessing the current password on /account/password is stopped after five
wrong guesses, like a sign-in, and told so in Chinese (issue 16, finding 7)."""

import pytest

from app.extensions import db
from app.models import AuditEvent, Township, User

pytestmark = pytest.mark.browser

USER = ("zhao", "a quiet morning in Hunyuan")


def test_guessing_the_current_password_is_throttled(live_server, phone):
    with live_server.app.app_context():
        township = db.session.execute(
            db.select(Township).where(Township.code == "140225102")
        ).scalar_one()
        user = User(username=USER[0], role="inspector", township=township)
        user.set_password(USER[1])
        db.session.add(user)
        db.session.commit()
    page = phone().page
    page.goto(f"{live_server.url}/login")
    page.get_by_label("用户名").fill(USER[0])
    page.get_by_label("密码").fill(USER[1])
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login" not in url)
    statuses = []
    for guess in range(6):
        page.goto(f"{live_server.url}/account/password")
        page.locator("#current").fill(f"guess number {guess}")
        page.locator("#new").fill("a brand new passphrase")
        page.locator("#confirm").fill("a brand new passphrase")
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.get_by_role("button", name="修改密码").click()
        statuses.append(answer.value.status)
    assert statuses == [422] * 5 + [429]
    alert = page.get_by_role("alert")
    assert "登录失败次数过多" in alert.inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # the message fits the phone's screen
    with live_server.app.app_context():
        failed = db.session.scalar(
            db.select(db.func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == "auth.password_check_failed", AuditEvent.actor_name == "zhao"
            )
        )
    assert failed == 5
