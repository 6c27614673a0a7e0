"""What every dashboard page and export needs to know about the request: the period asked for,
the indicators and their words, the actor's own township and the breadcrumbs. Kept apart from
the routes so the pages and the exports read the request the same way."""

from dataclasses import dataclass

from flask import abort, current_app, g, request, url_for
from flask_babel import gettext as _

from app.accounts.access import county_count, scope_unit
from app.accounts.policy import in_scope, scope_of, sees_county
from app.clock import county_today
from app.formdefs.registry import current_forms
from app.i18n import current_lang
from app.models import County, Township
from app.periods import last_complete_quarter, parse_period, quarter_of
from app.views.dashboard.tables import period_options


@dataclass(frozen=True)
class IndicatorInfo:
    key: str
    label: str
    numerator_unit: str
    denominator_unit: str
    baseline: object = (
        None  # app.formdefs.indicators.Baseline: a figure reported before the targets
    )


def indicator_infos() -> list[IndicatorInfo]:
    forms = current_forms()
    lang = current_lang()
    return [
        IndicatorInfo(
            i.key,
            i.label[lang],
            _term_unit(i.numerator, forms.form_set, lang),
            _term_unit(i.denominator, forms.form_set, lang),
            i.baseline,
        )
        for i in forms.indicators
    ]


def _term_unit(term, form_set, lang: str) -> str:
    if term.kind != "sum":
        return _("villages")
    unit = form_set.field_at(term.fields[0]).unit
    return unit.get(lang, "") if unit else ""


def current_quarter() -> str:
    return quarter_of(county_today())


def default_period() -> str:
    """The last complete quarter in the county; the picker still offers the current one."""
    return last_complete_quarter(county_today())


def chosen_period() -> str:
    """`?period=` when it is a valid quarter or year, else the last complete quarter."""
    code = request.args.get("period") or default_period()
    try:
        return parse_period(code).code
    except ValueError:
        abort(400)


def periods() -> list[str]:
    return period_options(current_quarter())


def own_township() -> Township | None:
    """The township a township role is limited to; None for county and deployment roles."""
    unit = scope_unit()
    return unit if isinstance(unit, Township) else None


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str | None  # None: the page itself, or a unit the actor may not open


def breadcrumbs(period: str, county: County | None = None, township=None, village=None):
    """Province → county → township → village, each linked when the actor may open it. The
    province shows only when the deployment has several counties (a county deployment's top
    page is its county, as before)."""
    crumbs = []
    several = county_count() > 1
    if several:
        province_page = scope_of(g.actor).level == "province"
        url = url_for("dashboard.county", period=period) if province_page else None
        crumbs.append(Crumb(current_app.config["PROVINCE_NAME"], url))
    if county is not None:
        url = None
        if sees_county(g.actor, county.id):
            code = county.code if several else None
            url = url_for("dashboard.county", code=code, period=period)
        crumbs.append(Crumb(county.name, url))
    if township is not None:
        url = None
        if in_scope(g.actor, township):
            url = url_for("dashboard.township", code=township.code, period=period)
        crumbs.append(Crumb(township.name, url))
    if village is not None:
        crumbs.append(Crumb(village.name, None))
    if crumbs:
        crumbs[-1] = Crumb(crumbs[-1].label, None)  # the page itself
    return crumbs
