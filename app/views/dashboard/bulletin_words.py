"""The bulletin's words, drawn from its figures: which indicators meet their target and which do
not (by how many percentage points), which cannot be judged yet, and per indicator which
townships lag and by how much. Every number is the one the tables show (app/rollups/figures.py),
so the words and the tables never disagree; nothing is written that the figures do not say.
"""

from flask_babel import gettext as _

from app.i18n import current_lang
from app.rollups import figures

LAGGING = ("near", "behind")
SEPARATORS = {"zh": ("、", "；"), "en": (", ", "; ")}


def _points(gap: float) -> str:
    return f"{abs(gap):.1f}"


def summary(bulletin) -> list[str]:
    """The opening paragraph's sentences, in a fixed order: met, not met, not judged, no data."""
    items, _clauses = SEPARATORS.get(current_lang(), SEPARATORS["en"])
    met, short, thin, empty = [], [], [], []
    for s in bulletin.sections:
        r = s.headline
        if r.rate is None:
            empty.append(s.label)
        elif r.status == "meets":
            met.append(s.label)
        elif r.status in LAGGING:
            gap = figures.gap_points(r.rate, r.target)
            short.append(
                _("%(indicator)s (%(points)s points short)", indicator=s.label, points=_points(gap))
            )
        elif r.status == "insufficient_data":
            thin.append(
                _(
                    "%(indicator)s (%(reported)s of %(units)s villages reported)",
                    indicator=s.label,
                    reported=r.villages_reported,
                    units=r.units,
                )
            )
    sentences = []
    if met:
        sentences.append(_("Meeting the target: %(list)s.", list=items.join(met)))
    if short:
        sentences.append(_("Not meeting the target: %(list)s.", list=items.join(short)))
    if thin:
        sentences.append(_("Too few villages reported to judge: %(list)s.", list=items.join(thin)))
    if empty:
        sentences.append(_("No data this period: %(list)s.", list=items.join(empty)))
    return sentences


def lagging_townships(section) -> str | None:
    """One sentence naming the townships below the target on this indicator, furthest first,
    each with its rate and its shortfall in points; None when none lags (or no ranking)."""
    _items, clauses = SEPARATORS.get(current_lang(), SEPARATORS["en"])
    behind = [r for r in section.townships if r.status in LAGGING]
    if not behind:
        return None
    parts = [
        _(
            "%(township)s %(rate)s, %(points)s points below its target",
            township=r.name,
            rate=figures.percent_text(r.rate),
            points=_points(r.gap),
        )
        for r in behind
    ]
    return _("Townships behind: %(list)s.", list=clauses.join(parts))


def change_text(section) -> str:
    """The change on the period before, signed, in points; "—" without both figures."""
    if section.change is None:
        return "—"
    return f"{section.change:+.1f}"


def site_sentences(bulletin) -> list[str]:
    """The site figures in words (issue 23): per figure its count, rate and judgement, then the
    manure rate of the villages and scale farms together beside the villages' own."""
    out = []
    for s in bulletin.site_sections:
        r = s.headline
        if r.rate is None:
            continue
        figures_text = _(
            "%(indicator)s: %(numerator)s of %(denominator)s, %(rate)s",
            indicator=s.label,
            numerator=figures.amount_text(r.numerator),
            denominator=figures.amount_text(r.denominator),
            rate=figures.percent_text(r.rate),
        )
        if r.target is None:
            out.append(_("%(figures)s (no target set).", figures=figures_text))
        elif r.status == "meets":
            out.append(
                _(
                    "%(figures)s, meeting the target of %(target)s.",
                    figures=figures_text,
                    target=figures.percent_text(r.target),
                )
            )
        else:
            out.append(
                _(
                    "%(figures)s, %(points)s points short of the target of %(target)s.",
                    figures=figures_text,
                    points=_points(figures.gap_points(r.rate, r.target)),
                    target=figures.percent_text(r.target),
                )
            )
    m = bulletin.manure
    if m is not None and m.rate is not None and m.farms.farms:
        village_rate = (
            m.village_numerator / m.village_denominator if m.village_denominator else None
        )
        out.append(
            _(
                "Manure utilisation of the villages and %(farms)s scale farms together: %(rate)s "
                "(%(used)s t of %(produced)s t); the villages alone: %(village)s.",
                farms=m.farms.farms,
                rate=figures.percent_text(m.rate),
                used=figures.amount_text(m.numerator),
                produced=figures.amount_text(m.denominator),
                village=figures.percent_text(village_rate),
            )
        )
    return out
