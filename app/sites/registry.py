"""The registers: finding, adding, editing and closing sites, inside the actor's scope.

Scope is the villages' (app/accounts/policy.py): a township role sees its township's sites, a
county admin its county's. `find_site` answers None for a site the actor must not know of, so
the views answer 404 for missing and out-of-scope alike. Closing (停业/拆除) stamps the date and
reason; the row, its inspections and its problems stay. Callers commit.
"""

import math
import re
from datetime import date

from app.accounts.audit import record
from app.accounts.policy import in_scope, scope_of
from app.clock import utc_now
from app.extensions import db
from app.models import Site, Township, User, Village
from app.sites.kinds import SiteKind

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
MESSAGES = {
    "required": {"zh": "“{label}”为必填项", "en": "{label} is required"},
    "integer": {"zh": "“{label}”须为整数", "en": "{label} must be a whole number"},
    "number": {"zh": "“{label}”须为数字", "en": "{label} must be a number"},
    "range": {
        "zh": "“{label}”须在 {lo} 到 {hi} 之间",
        "en": "{label} must be between {lo} and {hi}",
    },
    "boolean": {"zh": "“{label}”须为“是”或“否”", "en": "{label} must be yes or no"},
    "choice": {"zh": "“{label}”须为以下之一：{choices}", "en": "{label} must be one of {choices}"},
    "text": {"zh": "“{label}”最多 200 个字", "en": "{label} can have at most 200 characters"},
}
TRUE_WORDS = {"1", "true", "yes", "是", "y"}
FALSE_WORDS = {"0", "false", "no", "否", "n"}


class SiteRefused(Exception):
    """A site change refused for a reason the caller is told (message key and values)."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values


def sites_query(actor: User, kind: str | None = None, township_id: int | None = None):
    """The sites the actor may see, optionally of one kind and township, by code."""
    statement = db.select(Site).join(Village, Site.village_id == Village.id)
    scope = scope_of(actor)
    if scope.level == "township":
        statement = statement.where(Village.township_id == scope.id)
    elif scope.level == "county":
        in_county = db.select(Township.id).where(Township.county_id == scope.id)
        statement = statement.where(Village.township_id.in_(in_county))
    if kind:
        statement = statement.where(Site.kind == kind)
    if township_id is not None:
        statement = statement.where(Village.township_id == township_id)
    return statement.order_by(Site.code)


def find_site(actor: User, code: str) -> Site | None:
    site = db.session.execute(db.select(Site).where(Site.code == code)).scalar_one_or_none()
    if site is None or not in_scope(actor, site.village.township):
        return None
    return site


def clean_attributes(kind: SiteKind, raw: dict, lang: str) -> tuple[dict, list[str]]:
    """The register columns of `kind` from text or JSON values; (attributes, messages)."""
    out, errors = {}, []
    for column in kind.register:
        value = raw.get(column.name)
        label = column.label[lang]
        if value is None or (isinstance(value, str) and not value.strip()):
            if column.required:
                errors.append(MESSAGES["required"][lang].format(label=label))
            continue
        try:
            out[column.name] = _typed(column, value, lang)
        except ValueError as error:
            errors.append(str(error).format(label=label))
    return out, errors


def _typed(column, value, lang):
    text = str(value).strip()
    if column.type == "text":
        if len(text) > 200:
            raise ValueError(MESSAGES["text"][lang])
        return text
    if column.type == "select":
        if text not in column.choices:
            raise ValueError(
                MESSAGES["choice"][lang].replace("{choices}", ", ".join(column.choices))
            )
        return text
    if column.type == "boolean":
        if isinstance(value, bool) or text.lower() in TRUE_WORDS | FALSE_WORDS:
            return value if isinstance(value, bool) else text.lower() in TRUE_WORDS
        raise ValueError(MESSAGES["boolean"][lang])
    try:
        number = float(text) if not isinstance(value, bool) else math.nan
    except ValueError:
        raise ValueError(MESSAGES["number"][lang]) from None
    if not math.isfinite(number):
        raise ValueError(MESSAGES["number"][lang])
    if column.type == "integer":
        if not number.is_integer():
            raise ValueError(MESSAGES["integer"][lang])
        number = int(number)
    lo = column.min if column.min is not None else -math.inf
    hi = column.max if column.max is not None else math.inf
    if not lo <= number <= hi:
        raise ValueError(MESSAGES["range"][lang].replace("{lo}", str(lo)).replace("{hi}", str(hi)))
    return number


def add_site(kind: SiteKind, data: dict, village: Village, actor: User) -> Site:
    """`data`: code, name, lat, lon and the cleaned attributes. The code must be new."""
    if db.session.execute(db.select(Site.id).where(Site.code == data["code"])).first():
        raise SiteRefused("duplicate", code=data["code"])
    now = utc_now()
    site = Site(
        code=data["code"],
        kind=kind.key,
        name=data["name"],
        village_id=village.id,
        lat=data.get("lat"),
        lon=data.get("lon"),
        attributes=data.get("attributes") or {},
        status="open",
        is_demo=bool(data.get("is_demo", False)),
        created_at=now,
        updated_at=now,
    )
    db.session.add(site)
    db.session.flush()
    record("site.add", site, actor=actor, code=site.code, kind=kind.key, village=village.code)
    return site


def edit_site(site: Site, data: dict, village: Village, actor: User) -> bool:
    """Replace name, village, location and attributes; False when nothing changed."""
    before = _values(site)
    site.name, site.village_id = data["name"], village.id
    site.lat, site.lon = data.get("lat"), data.get("lon")
    site.attributes = data.get("attributes") or {}
    after = _values(site)
    if before == after:
        return False
    site.updated_at = utc_now()
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    record("site.edit", site, actor=actor, code=site.code, changed=changed)
    return True


def close_site(site: Site, on: date, reason: str, actor: User) -> None:
    if site.status == "closed":
        raise SiteRefused("closed", code=site.code)
    site.status, site.closed_on, site.closed_reason = "closed", on, reason
    site.updated_at = utc_now()
    record("site.close", site, actor=actor, code=site.code, on=on.isoformat(), reason=reason)


def reopen_site(site: Site, actor: User) -> None:
    if site.status == "open":
        return
    record("site.reopen", site, actor=actor, code=site.code, was=site.closed_reason)
    site.status, site.closed_on, site.closed_reason = "open", None, None
    site.updated_at = utc_now()


def _values(site: Site) -> dict:
    return {
        "name": site.name,
        "village_id": site.village_id,
        "lat": site.lat,
        "lon": site.lon,
        "attributes": dict(site.attributes or {}),
    }
