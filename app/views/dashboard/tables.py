"""Ordering and picking rows for the dashboard tables. Pure: it reads the roll-up's results
(rates already computed) and never computes a rate.

Sorting happens on the server (`?sort=` and `?dir=`) so the tables sort without JavaScript and
a sorted view can be bookmarked or printed.
"""

from collections.abc import Sequence

from app.periods import parse_period, previous_quarters

FIXED_SORTS = ("code", "name", "reported")
STATUS_ORDER = ("meets", "near", "behind", "insufficient_data", "no_data", "no_target")


def township_code_of(village_code: str) -> str:
    """NBS codes nest: a village's first nine digits are its township's code."""
    return village_code[:9]


def sort_units(units: Sequence, sort: str, descending: bool, indicator_keys: Sequence[str]):
    """Units ordered by code, name, villages reported or an indicator's rate. Units without a
    rate go last whichever way the rate is sorted, so "no data" never poses as the best or the
    worst."""
    if sort not in FIXED_SORTS and sort not in indicator_keys:
        sort = "code"
    if sort == "code":
        return sorted(units, key=lambda u: u.code, reverse=descending)
    if sort == "name":
        return sorted(units, key=lambda u: (u.name, u.code), reverse=descending)
    if sort == "reported":
        return sorted(units, key=lambda u: (u.villages_reported, u.code), reverse=descending)
    with_rate = [u for u in units if _rate(u, sort) is not None]
    without = [u for u in units if _rate(u, sort) is None]
    with_rate.sort(key=lambda u: (_rate(u, sort), u.code), reverse=descending)
    return with_rate + sorted(without, key=lambda u: u.code)


def _rate(unit, key: str):
    result = unit.indicators.get(key)
    return None if result is None else result.rate


def lagging(villages: Sequence, limit: int = 25) -> list[tuple[object, list[str]]]:
    """Villages behind target on at least one indicator, worst first: most indicators behind,
    then the largest shortfall. Returns (village, [indicator keys behind])."""
    rows = []
    for village in villages:
        behind = [key for key, r in village.indicators.items() if r.status == "behind"]
        if not behind:
            continue
        worst = max(village.indicators[k].target - village.indicators[k].rate for k in behind)
        rows.append((len(behind), worst, village, behind))
    rows.sort(key=lambda row: (-row[0], -row[1], row[2].code))
    return [(village, behind) for _n, _w, village, behind in rows[:limit]]


def period_options(current_quarter: str, quarters: int = 8, years: int = 3) -> list[str]:
    """The picker's choices: recent quarters (newest first), then recent whole years."""
    recent = list(reversed(previous_quarters(current_quarter, quarters)))
    this_year = parse_period(current_quarter).start.year
    return recent + [str(this_year - i) for i in range(years)]


def trend_quarters(period_code: str, current_quarter: str, count: int = 8) -> list[str]:
    """The quarters a trend line shows: the `count` ending with the chosen quarter, or for a
    year its last quarter (or the current one, for the year under way)."""
    period = parse_period(period_code)
    if period.is_quarter:
        last = period.code
    else:
        last = f"{period.start.year}Q4"
        if parse_period(current_quarter).start.year == period.start.year:
            last = current_quarter
    return previous_quarters(last, count)
