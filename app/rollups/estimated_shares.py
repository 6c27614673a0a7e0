"""How much of each calculated figure is estimated: "manure produced: 62 % estimated" is the
estimated tonnes over all tonnes of that field, summed over the villages in scope (each village's
latest inspection holding the section, as every roll-up counts).

Built on the roll-up's own SQL (app/rollups/tallies.py): one share is an indicator whose numerator
sums the field's answers stored with basis "estimated" and whose denominator sums all of them, so
the same villages, inspections, period and approved-only rule apply as to the figures beside it.
Answers stored before estimates existed have no basis and count as measured (they were sent as
tonnages). Always read live: the quarter summary holds indicators only.
"""

from dataclasses import dataclass

from app.extensions import db
from app.formdefs.registry import current_forms
from app.models import Village
from app.periods import parse_period
from app.rollups.figures import percent_text
from app.rollups.share_indicators import share_indicators
from app.rollups.sources import answer_figures
from app.rollups.summary.quarter import reads_summary
from app.rollups.summary.state import is_on


@dataclass(frozen=True)
class Share:
    path: str  # "manure.produced_t"
    label: dict[str, str]
    unit: dict[str, str]
    estimated: float
    total: float

    @property
    def share(self) -> float | None:
        """Estimated ÷ total, None when nothing was reported (0 ÷ 0 is not 0 %)."""
        return self.estimated / self.total if self.total else None


def village_shares(period: str, place, approved_only: bool):
    """(the calculated fields, {village_id: [(estimated, total) or None per field]})."""
    forms = current_forms()
    indicators = share_indicators(forms.form_set)
    if not indicators:
        return (), {}
    # the roll-up's own rows when it read the answers of this period and scope in this
    # transaction (a county page): the shares ride in its statement, no second pass
    rows = answer_figures(forms.indicators.indicators, parse_period(period), place, approved_only)
    fields = tuple(forms.form_set.field_at(i.numerator.fields[0]) for i in indicators)
    first = len(forms.indicators.indicators)
    return fields, {row.village_id: row.figures[first:] for row in rows}


def estimated_shares(period: str, place, approved_only: bool) -> list[Share] | None:
    """One Share per calculated field over the villages of `place` (("county" | "township" |
    "village", id), or None for every village). None (not worked out) for the whole deployment
    while the roll-up summary is on: that is a province, whose figures come from the summary in
    ~0.1 s, and reading every village's answers here would take seconds."""
    if place is None and reads_summary() and is_on(db.session.connection()):
        return None
    fields, by_village = village_shares(period, place, approved_only)
    out = []
    for k, field in enumerate(fields):
        figures = [f[k] for f in by_village.values() if f[k] is not None]
        out.append(
            Share(
                field.path,
                field.label,
                field.unit or {"zh": "", "en": ""},
                sum(e for e, _t in figures),
                sum(t for _e, t in figures),
            )
        )
    return out


def partly_estimated(period: str, place, approved_only: bool) -> dict[str, float]:
    """{indicator key: the estimated share of the calculated figure it sums} for each indicator
    whose numerator or denominator sums a calculated field that is partly estimated in `place`
    (manure utilisation's denominator, the manure produced). For a bulletin or a page that says
    a rate rests partly on estimates; {} where none does (or while a province reads the
    summary: estimated_shares answers None)."""
    shares = estimated_shares(period, place, approved_only) or []
    estimated = {s.path: s.share for s in shares if s.share}
    out = {}
    for indicator in current_forms().indicators:
        paths = (*indicator.numerator.fields, *indicator.denominator.fields)
        found = [estimated[p] for p in paths if p in estimated]
        if found:
            out[indicator.key] = max(found)
    return out


def village_estimate_notes(period: str, place, approved_only: bool, lang: str) -> dict[str, str]:
    """{village code: "粪污产生量 估算 100.0%；…"} for the villages whose calculated figures are
    partly estimated: the villages export's column. Not worked out ({}) for the whole
    deployment while the summary is on (a province: see estimated_shares)."""
    if place is None and reads_summary() and is_on(db.session.connection()):
        return {}
    fields, by_village = village_shares(period, place, approved_only)
    if not by_village:
        return {}
    codes = dict(
        db.session.execute(
            db.select(Village.id, Village.code).where(Village.id.in_(list(by_village)))
        ).all()
    )
    word = ESTIMATED_WORD[lang]
    notes = {}
    for village_id, figures in by_village.items():
        parts = [
            f"{field.label[lang]} {word} {percent_text(e / t)}"
            for field, figure in zip(fields, figures, strict=True)
            if figure is not None
            for e, t in [figure]
            if e and t
        ]
        if parts:
            notes[codes[village_id]] = "；".join(parts)
    return notes


ESTIMATED_WORD = {"zh": "估算", "en": "estimated"}
