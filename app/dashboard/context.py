"""What every dashboard page and export needs to know about the request: the period asked for,
the indicators and their words, and the actor's scope. Kept apart from the routes so the pages
and the exports read the request the same way."""

from dataclasses import dataclass

from flask import abort, g, request
from flask_babel import gettext as _

from app.clock import county_today
from app.dashboard.tables import period_options
from app.extensions import db
from app.forms_registry import current_forms
from app.i18n import current_lang
from app.models import Township
from app.periods import parse_period, quarter_of
from app.policy import township_scope


@dataclass(frozen=True)
class IndicatorInfo:
    key: str
    label: str
    numerator_unit: str
    denominator_unit: str


def status_labels() -> dict[str, str]:
    return {
        "meets": _("Meets target"),
        "near": _("Within 10 points"),
        "behind": _("Behind"),
        "no_data": _("No data"),
        "no_target": _("No target"),
    }


def indicator_infos() -> list[IndicatorInfo]:
    forms = current_forms()
    lang = current_lang()
    return [
        IndicatorInfo(
            i.key,
            i.label[lang],
            _term_unit(i.numerator, forms.form_set, lang),
            _term_unit(i.denominator, forms.form_set, lang),
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


def chosen_period() -> str:
    """`?period=` when it is a valid quarter or year, else the county's current quarter."""
    code = request.args.get("period") or current_quarter()
    try:
        return parse_period(code).code
    except ValueError:
        abort(400)


def periods() -> list[str]:
    return period_options(current_quarter())


def scope_township() -> Township | None:
    """The township a township role is limited to; None for county-wide roles."""
    township_id = township_scope(g.actor)
    return None if township_id is None else db.session.get(Township, township_id)


def township_or_403(code: str) -> Township:
    township = db.session.execute(
        db.select(Township).where(Township.code == code)
    ).scalar_one_or_none()
    if township is None:
        abort(404)
    scope = township_scope(g.actor)
    if scope is not None and scope != township.id:
        abort(403)
    return township
