"""Every role's menu, derived from the one policy table (app/accounts/policy.py).

Each entry names only a page (its endpoint) and its label; whether a person sees it is the
action that page's view declares with `@allow(...)`, checked with `permitted` — the very rule
the route enforces. So a page a role may not use is never linked, and a page added to the
menu needs no second list of who may see it. The header's menu (base.html) and the home page
show the same entries.
"""

from typing import NamedTuple

from flask import current_app, g, url_for
from flask_babel import lazy_gettext as _l

from app.accounts.policy import permitted


class MenuEntry(NamedTuple):
    endpoint: str
    label: object  # a lazy string: translated when shown


# In the order a person meets them: their work first, then the county's figures, then the
# county admin's settings, then their own account.
MENU = (
    MenuEntry("inspect.choose_village", _l("New inspection")),
    MenuEntry("inspect.mine", _l("My inspections")),
    MenuEntry("problems_web.todo", _l("To do")),
    MenuEntry("admin.review_queue", _l("Review")),
    MenuEntry("problems_web.new_problem", _l("Record a problem")),
    MenuEntry("problems_web.ledger_page", _l("Rectification ledger")),
    MenuEntry("sites.kinds_page", _l("Registers")),
    MenuEntry("offline.flags", _l("Flags")),
    MenuEntry("admin.data_quality", _l("Data quality")),
    MenuEntry("dashboard.county", _l("Dashboard")),
    MenuEntry("dashboard.bulletin_page", _l("Quarterly bulletin")),
    MenuEntry("maps.village_map", _l("Village map")),
    MenuEntry("people.list_people", _l("People")),
    MenuEntry("targets_admin.manage_targets", _l("Targets")),
    MenuEntry("coefficients_admin.manage_coefficients", _l("Coefficients")),
    MenuEntry("admin.audit_log", _l("Audit log")),
    MenuEntry("admin.settings_page", _l("Settings")),
    MenuEntry("forms_admin.list_forms", _l("Forms")),
    MenuEntry("offline.rescue_upload", _l("Import a rescue file")),
    MenuEntry("maps.upload_boundaries", _l("Township boundaries")),
    MenuEntry("web.change_password", _l("Change password")),
)


def action_of(endpoint: str) -> str:
    """The policy action the page's view declares (app/accounts/policy.py `allow`)."""
    return current_app.view_functions[endpoint].policy_action


def menu_for(user) -> list[tuple[str, str, str]]:
    """(endpoint, url, label) of every menu page `user` may open; none for nobody."""
    if user is None:
        return []
    return [
        (entry.endpoint, url_for(entry.endpoint), str(entry.label))
        for entry in MENU
        if permitted(user, action_of(entry.endpoint))
    ]


def init_app(app) -> None:
    """`menu()` in templates: the signed-in person's menu."""
    app.jinja_env.globals["menu"] = lambda: menu_for(g.get("actor"))
