"""Every role's menu (app/views/menu.py) comes from the policy table: it links every page the
role may use and none the policy refuses it, and each link answers 200 (issue 20, finding 3).

The menus, worked out from POLICY by hand (make_world's county admin has no county: the whole
deployment, so the deployment-wide pages are theirs too):
- inspector: 新建检查 我的检查 待办 记录问题 整改台账 数据看板 季度通报 村庄地图 修改密码
- township lead: 待办 审核 记录问题 整改台账 定位异常 数据看板 季度通报 村庄地图 修改密码
- viewer: 数据看板 季度通报 村庄地图 修改密码
- county admin: all eighteen.
"""

import re

import pytest

from app.accounts.policy import permitted
from app.extensions import db
from app.models import User
from app.views.menu import MENU
from tests.review_world import make_world, sign_in

EXPECTED = {
    "insp": ["新建检查", "我的检查", "待办", "记录问题", "整改台账", "场所名录", "数据看板",
             "季度通报", "村庄地图", "修改密码"],
    "lead": ["待办", "审核", "记录问题", "整改台账", "场所名录", "异常标记", "数据质量",
             "数据看板", "季度通报", "村庄地图", "修改密码"],
    "viewer": ["数据看板", "季度通报", "村庄地图", "修改密码"],
    "admin": ["新建检查", "我的检查", "待办", "审核", "记录问题", "整改台账", "场所名录",
              "异常标记", "数据质量", "数据看板", "季度通报", "村庄地图", "人员管理", "目标",
              "估算系数", "审计日志", "设置", "表单", "导入备份文件", "乡镇边界", "修改密码"],
}  # fmt: skip
# Pages with no address arguments that are not in the menu, and the page that links them.
REACHED_FROM = {
    "web.home": "web.change_password",  # the brand link in every page's bar
    "people.add_person": "people.list_people",
    "dashboard.completeness": "dashboard.county",
    "dashboard.ranking_page": "dashboard.county",
    "dashboard.trends_page": "dashboard.county",
    "dashboard.bulletin_pdf": "dashboard.bulletin_page",
}
NOT_PAGES = {  # answers that are not pages a person navigates to
    "web.health",
    "web.login",
    "web.favicon",
    "offline.manifest",
    "offline.service_worker",
    "problems_web.export_ledger",
    "inspect.offline_data",  # the phone's offline data (JSON, app/views/inspect/offline_views.py)
    "inspect.offline_missing",  # what the service worker shows for a page never kept
}

MENU_LINK = re.compile(r'<a href="([^"]+)" data-endpoint="([^"]+)">([^<]+)</a>')


def menu_of(page: str) -> list[tuple[str, str, str]]:
    """(href, endpoint, label) of the header's menu."""
    block = page[page.index('<details class="site-menu"') : page.index("</details>")]
    return MENU_LINK.findall(block)


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_roles_menu_is_what_the_policy_allows_and_every_link_answers(seeded, username):
    make_world(seeded)
    client = sign_in(seeded, username)
    home = client.get("/", follow_redirects=True)  # an inspector's home is /inspect/
    links = menu_of(home.get_data(as_text=True))
    assert [label for _href, _endpoint, label in links] == EXPECTED[username]
    with seeded.app_context():
        user = db.session.execute(db.select(User).where(User.username == username)).scalar_one()
        for entry in MENU:
            action = seeded.view_functions[entry.endpoint].policy_action
            shown = any(endpoint == entry.endpoint for _h, endpoint, _l in links)
            assert shown == permitted(user, action), (username, entry.endpoint)
    for href, endpoint, _label in links:
        response = client.get(href)
        assert response.status_code == 200, (username, endpoint, response.status_code)
        page = response.get_data(as_text=True)
        if endpoint == "dashboard.bulletin_page":  # a document to print: it links home
            assert 'id="bulletin-home"' in page
            continue
        assert menu_of(page) == links  # the same menu on every page it opens


def test_every_page_without_arguments_is_in_the_menu_or_linked_from_a_menu_page(app):
    in_menu = {entry.endpoint for entry in MENU}
    for rule in app.url_map.iter_rules():
        endpoint = rule.endpoint
        if rule.arguments or "GET" not in rule.methods or rule.rule.startswith("/api/"):
            continue
        if endpoint == "static" or endpoint in NOT_PAGES:
            continue
        assert endpoint in in_menu or endpoint in REACHED_FROM, endpoint


@pytest.mark.parametrize("child", sorted(REACHED_FROM))
def test_the_pages_outside_the_menu_are_linked_from_one_in_it(seeded, child):
    make_world(seeded)
    client = sign_in(seeded, "admin")
    with seeded.test_request_context():
        from flask import url_for

        parent_url, child_url = url_for(REACHED_FROM[child]), url_for(child)
    page = client.get(parent_url).get_data(as_text=True)
    assert f'href="{child_url}' in page, (child, parent_url)


def test_a_menu_never_links_a_refused_page_even_for_a_county_scoped_admin(seeded, make_user):
    """A county admin of one county may not use the deployment-wide pages (targets, settings,
    audit, rescue import, boundaries, coefficient editions): their menu does not show them."""
    from app.models import County

    with seeded.app_context():
        county = db.session.execute(db.select(County)).scalars().first()
        user = User(username="county1", role="county_admin", county=county)
        user.set_password("correct horse battery")
        db.session.add(user)
        db.session.commit()
    client = sign_in(seeded, "county1")
    links = menu_of(client.get("/").get_data(as_text=True))
    assert [label for _h, _e, label in links] == [
        "新建检查", "我的检查", "待办", "审核", "记录问题", "整改台账", "场所名录", "异常标记",
        "数据质量", "数据看板", "季度通报", "村庄地图", "人员管理", "修改密码",
    ]  # fmt: skip
    for refused in ("/admin/targets", "/admin/settings", "/admin/audit", "/admin/rescue"):
        assert client.get(refused).status_code == 403
    for href, _endpoint, _label in links:
        assert client.get(href).status_code == 200, href
