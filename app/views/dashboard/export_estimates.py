"""Download how much of each calculated figure is estimated, village by village (CSV or XLSX):
per calculated field its total, the estimated part and the share, so a county can see which
villages' tonnages rest on coefficients rather than on measurement."""

from flask import abort, request
from flask_babel import gettext as _

from app.accounts.access import county_or_abort, scope_unit, township_or_abort
from app.accounts.policy import allow
from app.geography.listings import village_names
from app.i18n import current_lang
from app.models import County, Township
from app.rollups.estimated_shares import village_shares
from app.rollups.figures import amount, percent
from app.settings import reports_scope_approved_only
from app.views.dashboard.blueprint import bp
from app.views.dashboard.context import chosen_period
from app.views.dashboard.export_routes import MEDIA_TYPES, _send


@bp.get("/export/estimates.<fmt>")
@allow("dashboard.export")
def export_estimates(fmt: str):
    """The villages of one township (`?township=`) or county (`?county=`) inside the actor's
    scope; without either, the actor's scope (township roles: their township)."""
    if fmt not in MEDIA_TYPES:
        abort(404)
    period = chosen_period()
    if request.args.get("township"):
        unit = township_or_abort(request.args["township"])
    elif request.args.get("county"):
        unit = county_or_abort(request.args["county"], whole=True)
    else:
        unit = scope_unit()
    place = None
    if isinstance(unit, Township):
        place = ("township", unit.id)
    elif isinstance(unit, County):
        place = ("county", unit.id)
    lang = current_lang()
    fields, by_village = village_shares(period, place, reports_scope_approved_only())
    header = [_("Code"), _("Name"), _("Township")]
    for field in fields:
        label, unit_text = field.label[lang], (field.unit or {}).get(lang, "")
        header += [
            f"{label} ({unit_text})",
            f"{label} · {_('estimated')} ({unit_text})",
            f"{label} · {_('estimated')} (%)",
        ]
    suffix = f"-{unit.code}" if unit is not None else ""
    return _send(
        header,
        _rows(fields, by_village),
        fmt,
        f"cunjian-estimates{suffix}-{period}",
        f"{_('estimated')} {period}",
    )


def _rows(fields, by_village):
    for village_id, code, name, township in village_names(by_village):
        row = [code, name, township]
        for figure in by_village[village_id]:
            if figure is None:
                row += [None, None, None]
                continue
            estimated, total = figure
            row += [amount(total), amount(estimated), percent(estimated / total if total else None)]
        yield row
