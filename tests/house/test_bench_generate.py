"""The benchmark's data generator: deterministic, and its roll-up agrees with a plain-Python
recount of the same rows (an independent check of the tally SQL on random data)."""

from collections import defaultdict

import pytest

from app.extensions import db
from app.models import Answer, Inspection, Village
from app.rollups.reports import rollup
from bench.generate import Spec, generate

SPEC = Spec(townships=3, villages=20, quarters=2, last_quarter="2026Q2", seed=7)


def fingerprint():
    return db.session.execute(
        db.select(
            Inspection.village_id,
            Inspection.inspected_on,
            Answer.section,
            Answer.field,
            Answer.value_num,
            Answer.value_text,
        )
        .join(Answer)
        .order_by(Inspection.id, Answer.section, Answer.field)
    ).all()


def recount(period_start, period_end, indicators, village_filter=None):
    """Latest inspection per village and section by (inspected_on, id), all in Python; with
    `village_filter`, only the villages (ids) it keeps."""
    inspections = (
        db.session.execute(
            db.select(Inspection).where(Inspection.inspected_on.between(period_start, period_end))
        )
        .scalars()
        .all()
    )
    latest = {}
    for inspection in inspections:
        if village_filter is not None and not village_filter(inspection.village_id):
            continue
        values = {
            f"{a.section}.{a.field}": a.value_num if a.value_text is None else a.value_text
            for a in inspection.answers
        }
        for section in {a.section for a in inspection.answers} - {"profile"}:
            key = (inspection.village_id, section)
            rank = (inspection.inspected_on, inspection.id)
            if key not in latest or rank > latest[key][0]:
                latest[key] = (rank, values)
    totals = defaultdict(lambda: [0.0, 0.0])
    for (_village, section), (_rank, values) in latest.items():
        for ind in indicators:
            if ind.section == section:
                totals[ind.key][0] += term(ind.numerator, values)
                totals[ind.key][1] += term(ind.denominator, values)
    return totals


def term(spec, values):
    if spec.kind == "sum":
        return sum(values.get(path, 0.0) for path in spec.fields)
    if spec.kind == "count":
        return 1.0
    ok = all(
        (
            values.get(c.field, 0.0 if not isinstance(c.value, str) else "")
            == (float(c.value) if not isinstance(c.value, str) else c.value)
        )
        == (c.op == "eq")
        for c in spec.conditions
    )
    return 1.0 if ok else 0.0


def test_generator_is_deterministic_and_rolls_up_like_a_plain_recount(app):
    from app.formdefs.registry import current_forms
    from app.periods import parse_period

    with app.app_context():
        with db.engine.connect() as connection:
            made = generate(connection, SPEC)
        assert made.quarters == ("2026Q1", "2026Q2")
        assert db.session.scalar(db.select(db.func.count()).select_from(Village)) == 20
        assert made.answers == db.session.scalar(db.select(db.func.count()).select_from(Answer))
        first = fingerprint()
        indicators = current_forms().indicators.indicators
        for period in ("2026Q1", "2026Q2", "2026"):
            span = parse_period(period)
            expected = recount(span.start, span.end, indicators)
            county = rollup(period, "county")[0]
            for ind in indicators:
                got = county.indicators[ind.key]
                assert (got.numerator, got.denominator) == pytest.approx(
                    tuple(expected[ind.key])
                ), (period, ind.key)
        db.session.remove()
        db.drop_all()
        db.create_all()
        with db.engine.connect() as connection:
            generate(connection, SPEC)
        assert fingerprint() == first  # same seed, same rows


def test_generator_deals_townships_to_counties_under_their_code_prefix(app):
    from app.models import County, Township

    with app.app_context():
        with db.engine.connect() as connection:
            generate(connection, Spec(townships=5, villages=10, quarters=1, counties=2))
        counties = db.session.execute(db.select(County).order_by(County.id)).scalars().all()
        assert [(c.code, len(c.townships)) for c in counties] == [("140101", 3), ("140102", 2)]
        for township in db.session.execute(db.select(Township)).scalars():
            assert township.code[:6] == township.county.code
            assert all(v.code[:9] == township.code for v in township.villages)


def test_random_data_recounts_at_province_and_county_level(app):
    """Two counties of random data: the province equals a plain recount of every village, each
    county a recount of its own villages, from the answers and from the summary alike."""
    from app.formdefs.registry import current_forms
    from app.models import County, Township
    from app.periods import parse_period
    from app.rollups.summary.quarter import rebuild

    spec = Spec(townships=5, villages=30, quarters=2, last_quarter="2026Q2", seed=11, counties=2)
    with app.app_context():
        with db.engine.connect() as connection:
            generate(connection, spec)
        rebuild(db.session.connection())  # the generator bypasses the app's summary upkeep
        db.session.commit()
        indicators = current_forms().indicators.indicators
        county_of_village = dict(
            db.session.execute(
                db.select(Village.id, County.code)
                .join(Township, Township.id == Village.township_id)
                .join(County, County.id == Township.county_id)
            ).all()
        )
        for source in ("live", "auto"):  # auto: the summary, switched on by the rebuild
            app.config["ROLLUP_SOURCE"] = source
            for period in ("2026Q1", "2026Q2", "2026"):
                span = parse_period(period)
                (province,) = rollup(period, "province")
                counties = rollup(period, "county")
                assert [c.code for c in counties] == ["140101", "140102"]
                assert sum(c.villages_total for c in counties) == province.villages_total == 30
                expected = recount(span.start, span.end, indicators)
                for ind in indicators:
                    got = province.indicators[ind.key]
                    assert (got.numerator, got.denominator) == pytest.approx(
                        tuple(expected[ind.key])
                    ), (source, period, ind.key)
                for county in counties:
                    own = recount(
                        span.start,
                        span.end,
                        indicators,
                        lambda v, code=county.code: county_of_village[v] == code,
                    )
                    for ind in indicators:
                        got = county.indicators[ind.key]
                        assert (got.numerator, got.denominator) == pytest.approx(
                            tuple(own[ind.key])
                        ), (source, period, county.code, ind.key)
        app.config["ROLLUP_SOURCE"] = "live"
