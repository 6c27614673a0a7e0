"""The county's own date and time. "Today" is Hunyuan's today, not the server's UTC date:
an inspection made at 07:30 in Hunyuan is 23:30 of the previous day in UTC."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utc_now() -> datetime:
    return datetime.now(UTC)


def county_now() -> datetime:
    """Tests may set config CLOCK to a function returning an aware UTC datetime."""
    now = current_app.config.get("CLOCK", utc_now)()
    return now.astimezone(ZoneInfo(current_app.config["COUNTY_TIMEZONE"]))


def county_today() -> date:
    return county_now().date()


def county_time(moment) -> str:
    """A stored UTC time as the county's clock shows it (SQLite hands back naive UTC)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    zone = ZoneInfo(current_app.config["COUNTY_TIMEZONE"])
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
