"""The head of the quarterly bulletin as a county sends it: the issuing office, the document
number and the date line, from the county's settings (app/settings.py `bulletin.*`, edited on
/admin/settings by a county admin).

The number is a pattern with {year} and {quarter} (1–4; a year's bulletin has none, so the
placeholder reads as empty), so "浑农发〔{year}〕{quarter}号" gives 浑农发〔2026〕3号 for 2026Q3.
An empty date line prints the county's today as 2026年12月6日.
"""

from dataclasses import dataclass
from datetime import date

from app.periods import parse_period
from app.settings import get_setting

KEYS = ("bulletin.issuer", "bulletin.number", "bulletin.date_line")
TEXT_MAX = 120  # characters a head setting may hold


@dataclass(frozen=True)
class Head:
    issuer: str
    number: str
    date_line: str


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def document_number(pattern: str, period_code: str) -> str:
    """The pattern with {year} and {quarter} filled in; other braces are kept as typed."""
    period = parse_period(period_code)
    quarter = str((period.start.month - 1) // 3 + 1) if period.is_quarter else ""
    return pattern.replace("{year}", str(period.start.year)).replace("{quarter}", quarter)


def bulletin_head(period_code: str, county_name: str, today: date) -> Head:
    issuer = get_setting("bulletin.issuer") or county_name
    number = document_number(get_setting("bulletin.number"), period_code)
    return Head(issuer, number, get_setting("bulletin.date_line") or chinese_date(today))


def clean(text: str) -> str:
    """A head setting as stored: one line, trimmed, at most TEXT_MAX characters."""
    return " ".join((text or "").split())[:TEXT_MAX]
