"""Reporting periods: a quarter (`2026Q4`) or a calendar year (`2026`), and for the site figures
(issue 23) a month (`2026-12`, read by `parse_month` and `parse_any_period` only, so everything
that takes a quarter or a year still refuses a month). Pure, no Flask."""

import re
from dataclasses import dataclass
from datetime import date

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:Q(?P<quarter>[1-4]))?$")
_MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])$")


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive
    code: str

    @property
    def is_quarter(self) -> bool:
        return "Q" in self.code

    @property
    def is_month(self) -> bool:
        return "-" in self.code


def parse_period(code: str) -> Period:
    """`2026Q4` → 1 Oct–31 Dec 2026; `2026` → the whole year. ValueError otherwise."""
    match = _PERIOD.match(code or "")
    if not match:
        raise ValueError(f"not a period: {code!r} (expected e.g. 2026Q4 or 2026)")
    year = int(match["year"])
    if match["quarter"]:
        q = int(match["quarter"])
        start = date(year, 3 * q - 2, 1)
        end = (
            date(year, 12, 31)
            if q == 4
            else date.fromordinal(date(year, 3 * q + 1, 1).toordinal() - 1)
        )
        return Period(start, end, f"{year}Q{q}")
    return Period(date(year, 1, 1), date(year, 12, 31), str(year))


def parse_month(code: str) -> Period:
    """`2026-12` → 1–31 Dec 2026. ValueError otherwise (`2026-13`, `2026-1`, `0000-01`)."""
    match = _MONTH.match(code or "")
    if not match or int(match["year"]) < 1:
        raise ValueError(f"not a month: {code!r} (expected e.g. 2026-12)")
    year, month = int(match["year"]), int(match["month"])
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return Period(date(year, month, 1), date.fromordinal(following.toordinal() - 1), code)


def parse_any_period(code: str) -> Period:
    """A month, a quarter or a year."""
    if _MONTH.match(code or ""):
        return parse_month(code)
    return parse_period(code)


def month_of(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def previous_quarters(code: str, count: int) -> list[str]:
    """The `count` quarters ending with quarter `code`, oldest first."""
    period = parse_period(code)
    if not period.is_quarter:
        raise ValueError("previous_quarters needs a quarter")
    year, q = period.start.year, (period.start.month - 1) // 3 + 1
    index = year * 4 + q - 1
    return [f"{i // 4}Q{i % 4 + 1}" for i in range(index - count + 1, index + 1)]


def last_complete_quarter(day: date) -> str:
    """The latest quarter that has ended by `day`: what the dashboard and the bulletin open on,
    since the quarter under way has too few inspections to judge anything (数据不足)."""
    return previous_quarters(quarter_of(day), 2)[0]


QUARTER_NUMERALS = "一二三四"


def period_name(code: str, lang: str = "zh") -> str:
    """A period as a reader names it: `2026Q3` → 2026年第三季度 (2026 Q3 in English), `2026` →
    2026年 (2026), a month `2026-12` → 2026年12月 (2026-12). Codes stay in URLs and file names;
    people read names."""
    if _MONTH.match(code or ""):
        month = parse_month(code).start
        return f"{month.year}年{month.month}月" if lang == "zh" else code
    period = parse_period(code)
    year = period.start.year
    if not period.is_quarter:
        return f"{year}年" if lang == "zh" else str(year)
    quarter = (period.start.month - 1) // 3 + 1
    if lang == "zh":
        return f"{year}年第{QUARTER_NUMERALS[quarter - 1]}季度"
    return f"{year} Q{quarter}"


def previous_period(code: str) -> str:
    """The period before: the quarter before a quarter, the year before a year."""
    period = parse_period(code)
    if period.is_quarter:
        return previous_quarters(period.code, 2)[0]
    return str(period.start.year - 1)
