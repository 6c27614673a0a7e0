"""Template filters: the page shows figures through app.rollups.figures, the same rounding the
exports
use, so page and download can never disagree."""

from urllib.parse import urlencode

from app.i18n import current_lang
from app.periods import period_name
from app.rollups import figures
from app.views.dashboard.blueprint import bp


@bp.app_template_filter("pct")
def pct(rate):
    return figures.percent_text(rate)


@bp.app_template_filter("amt")
def amt(value):
    return figures.amount_text(value)


@bp.app_template_filter("gap")
def gap(rate, target):
    return figures.gap_text(rate, target)


@bp.app_template_filter("urlencode_merge")
def urlencode_merge(args, **changes):
    """The current query string with some parameters replaced (for sort links)."""
    merged = {k: v for k, v in args.items() if k not in changes}
    merged.update(changes)
    return urlencode(merged)


@bp.app_template_filter("period_name")
def period_name_filter(code):
    """`2026Q3` → 2026年第三季度 on a Chinese page (app/periods.period_name)."""
    return period_name(code, current_lang()) if code else ""
