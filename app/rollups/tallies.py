"""The SQL that turns answers into one tally per village, period and indicator.

One statement per call, built from the indicator definitions (forms/indicators.json), the same on
SQLite and PostgreSQL, with no Python loop over inspections or answers:

1. `held`: which inspections in the period hold which indicator sections (they have answers in
   them: an EXISTS probe per inspection and section);
2. `latest`: per period, village and section, the latest such inspection — latest
   `inspected_on`, then the latest stored id (ROW_NUMBER);
3. the final GROUP BY reads every field an indicator needs from that one inspection of its
   section, profile fields (households) included, so numerator and denominator always describe
   the same visit. A missing optional answer counts as 0 (numbers) or "" (text).

A period is a quarter or a year; `by_quarter=True` instead splits a range of quarters into one
tally per quarter (trend lines), still in one statement, and `by_quarter="day"` a range of days
into one per day (the review queue: each inspection's village as of its day, for a page of
inspections at once, with the scope ("villages", ids)).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from app.formdefs.indicators import Condition, Indicator, Term
from app.models import Answer, Inspection, Township, Village
from app.models.geography import VILLAGE_KINDS

answers = Answer.__table__
inspections = Inspection.__table__
villages = Village.__table__
townships = Township.__table__


@dataclass(frozen=True, slots=True)
class VillageFigures:
    """One village in one period: (numerator, denominator) per indicator, None where the village
    has no inspection holding that indicator's section."""

    period: str
    village_id: int
    township_id: int
    zone: str
    figures: tuple[tuple[float, float] | None, ...]  # in the order of the indicators given


# all villages, a county's, a township's, one, several (a tuple of ids)
SCOPES = (None, "county", "township", "village", "villages")
FINITE_LIMIT = 1e300  # beyond any real count or tonnage; excludes ±inf (see _term)


def tally_statement(
    indicators: Sequence[Indicator],
    start: date,
    end: date,
    period_code: str,
    by_quarter: bool | str = False,  # True: by quarter; "day": by day
    scope: tuple[str, int] | None = None,
    approved_only: bool = False,
):
    """The statement with its values bound; its columns are period, village_id, township_id,
    zone, then for each indicator `r_<key>` (1 when reported), `n_<key>`, `d_<key>`.
    `scope` is ("county", county id), ("township", township id) or ("village", village id)."""
    statement, params = _prepared(
        indicators, start, end, period_code, by_quarter, scope, approved_only
    )
    return statement.params(params)


def _prepared(indicators, start, end, period_code, by_quarter, scope, approved_only):
    """The statement (built once per shape and cached; values are bind parameters, so
    SQLAlchemy's compiled cache is hit too) and the values to run it with."""
    kind = scope[0] if scope else None
    if kind not in SCOPES:
        raise ValueError(f"unknown scope {kind!r}")
    params = {
        "start": start,
        "end": end,
        "period_code": period_code,
        "scope_id": scope[1] if scope and kind != "villages" else None,
    }
    if kind == "villages":
        params["scope_ids"] = list(scope[1])
    shape = (
        tuple((i.key, i.section, i.numerator, i.denominator, i.unit_kinds) for i in indicators),
        by_quarter,
        kind,
        bool(approved_only),
    )
    statement = _CACHE.get(shape)
    if statement is None:
        statement = _CACHE[shape] = _build(tuple(indicators), by_quarter, kind, approved_only)
    return statement, params


_CACHE: dict = {}


def _build(indicators, by_quarter, scope_kind, approved_only):
    source, where = _period_inspections(scope_kind, approved_only)
    held = _held_sections(sorted({i.section for i in indicators}), source, where, by_quarter)
    latest = _latest(held, by_quarter)
    # Fields read from another section than the indicator's own (profile.households): the join
    # brings those answers of the same inspection along.
    foreign = sorted(
        {
            path.partition(".")[0]
            for i in indicators
            for path in _paths(i)
            if path.partition(".")[0] != i.section
        }
    )
    joined = latest.join(
        answers,
        and_(
            answers.c.inspection_id == latest.c.inspection_id,
            # an IN list, so both databases probe the (inspection_id, section) index
            answers.c.section.in_([latest.c.section, *(literal(f, String) for f in foreign)]),
        ),
    ).join(villages, villages.c.id == latest.c.village_id)
    keys = [latest.c.period] if by_quarter else []
    period = (
        latest.c.period
        if by_quarter
        else cast(bindparam("period_code", type_=String), String).label("period")
    )
    return (
        select(
            period,
            latest.c.village_id,
            villages.c.township_id,
            villages.c.zone,
            *_indicator_columns(indicators, latest),
        )
        .select_from(joined)
        .group_by(*keys, latest.c.village_id, villages.c.township_id, villages.c.zone)
    )


def _period_inspections(scope_kind, approved_only):
    """What to read inspections from (joined to villages when the scope needs them) and the
    conditions that pick the period's counted inspections in the scope."""
    where = [
        inspections.c.inspected_on >= bindparam("start", type_=Date),
        inspections.c.inspected_on <= bindparam("end", type_=Date),
    ]
    # A deleted inspection never counts; a county may also count approved ones only
    # (app/settings.py), and then a returned or unreviewed one is as if not there.
    where.append(inspections.c.deleted_at.is_(None))
    if approved_only:
        where.append(inspections.c.status == "approved")
    source = inspections
    if scope_kind == "county":
        source = source.join(villages, villages.c.id == inspections.c.village_id)
        in_county = select(townships.c.id).where(
            townships.c.county_id == bindparam("scope_id", type_=Integer)
        )
        where.append(villages.c.township_id.in_(in_county))
    elif scope_kind == "township":
        source = source.join(villages, villages.c.id == inspections.c.village_id)
        where.append(villages.c.township_id == bindparam("scope_id", type_=Integer))
    elif scope_kind == "village":
        where.append(inspections.c.village_id == bindparam("scope_id", type_=Integer))
    elif scope_kind == "villages":
        where.append(inspections.c.village_id.in_(bindparam("scope_ids", expanding=True)))
    return source, where


def _held_sections(sections, source, where, by_quarter):
    """Step 1, `held`: the period's inspections × the indicator sections each one holds."""
    # Grouping by a constant is an error on PostgreSQL, so the period joins the keys only when
    # the statement spans several quarters; otherwise it is a literal in the final SELECT.
    column = inspections.c.inspected_on if by_quarter == "day" else inspections.c.quarter
    split = [column.label("period")] if by_quarter else []
    # Which sections each inspection of the period holds: one index probe per inspection and
    # section on answers (inspection_id, section, …). A scalar subquery with LIMIT 1, because
    # PostgreSQL turns an EXISTS into a hash semi-join that reads every answer of all time.
    section_list = union_all(*(select(literal(s, String).label("section")) for s in sections))
    section_names = section_list.subquery("sections")
    holds = (
        select(literal(1))
        .where(
            answers.c.inspection_id == inspections.c.id,
            answers.c.section == section_names.c.section,
        )
        .limit(1)
        .scalar_subquery()
    )
    candidates = (
        select(
            *split,
            inspections.c.village_id,
            section_names.c.section,
            inspections.c.id.label("inspection_id"),
            inspections.c.inspected_on,
            holds.label("holds"),
        )
        .select_from(source.join(section_names, true()))
        .where(*where)
        .subquery("candidates")
    )
    return select(candidates).where(candidates.c.holds == 1).subquery("held")


def _latest(held, by_quarter):
    """Step 2, `latest`: per period, village and section, the latest inspection holding it."""
    held_split = [held.c.period] if by_quarter else []
    ranked = select(
        *held_split,
        held.c.village_id,
        held.c.section,
        held.c.inspection_id,
        func.row_number()
        .over(
            partition_by=(*held_split, held.c.village_id, held.c.section),
            order_by=(held.c.inspected_on.desc(), held.c.inspection_id.desc()),
        )
        .label("rank"),
    ).subquery("ranked")
    return select(ranked).where(ranked.c.rank == 1).subquery("latest")


def _indicator_columns(indicators, latest) -> list:
    """Step 3's columns: per indicator, reported (1 or 0), numerator and denominator, each
    read from the latest inspection of the indicator's own section."""
    columns = []
    for indicator in indicators:
        own = latest.c.section == indicator.section
        if set(indicator.unit_kinds) != set(VILLAGE_KINDS):
            # a unit of a kind the indicator does not count (a 社区 in a rural indicator) has
            # not reported it: it adds nothing to the sums (forms/indicators.json unit_kinds)
            own = and_(own, villages.c.kind.in_(indicator.unit_kinds))
        reported = func.max(case((own, 1), else_=0))
        columns += [
            reported.label(f"r_{indicator.key}"),
            _term(indicator.numerator, own, reported).label(f"n_{indicator.key}"),
            _term(indicator.denominator, own, reported).label(f"d_{indicator.key}"),
        ]
    return columns


def village_figures(
    connection, indicators: Sequence[Indicator], start: date, end: date, period_code: str, **options
) -> list[VillageFigures]:
    """Run the statement and shape its rows (one per reporting village and period)."""
    statement, params = _prepared(
        indicators,
        start,
        end,
        period_code,
        options.get("by_quarter", False),
        options.get("scope"),
        options.get("approved_only", False),
    )
    count = len(indicators)
    out = []
    if connection.dialect.name == "postgresql" and (options.get("scope") or (None,))[0] not in (
        "village",
        "villages",
    ):
        # This statement's cost estimate triggers PostgreSQL's JIT, which spends longer
        # compiling (0.3–1.6 s measured at province scale) than the query runs. This
        # transaction only. (One village's estimate stays far below JIT's threshold: a write's
        # recount saves the statement.)
        connection.exec_driver_sql("SET LOCAL jit = off")
    for row in connection.execute(statement, params):
        figures = tuple(
            (float(row[5 + 3 * k]), float(row[6 + 3 * k])) if row[4 + 3 * k] else None
            for k in range(count)
        )
        out.append(VillageFigures(row[0], row[1], row[2], row[3], figures))
    return out


def _paths(indicator: Indicator) -> list[str]:
    terms = (indicator.numerator, indicator.denominator)
    return [p for t in terms for p in (*t.fields, *(c.field for c in t.conditions))]


def _field_is(path: str) -> ColumnElement:
    section, _, field = path.partition(".")
    return and_(answers.c.section == section, answers.c.field == field)


def _term(term: Term, own: ColumnElement, reported) -> ColumnElement:
    if term.kind == "sum":
        # Each (section, field) is one answer of the one latest inspection, so the SUM is the
        # value itself; absent answers add nothing (count as 0).
        wanted = or_(*(_field_is(p) for p in term.fields)) if term.fields else false()
        if term.basis is not None:
            wanted = and_(wanted, answers.c.basis == term.basis)
        # Only finite values add up: one inf stored before the door refused it (see
        # app/data/coefficients.json bounds) would make every figure above it inf and every
        # page that shows one fail. NaN and ±inf fall outside this range on both databases.
        finite = answers.c.value_num.between(-FINITE_LIMIT, FINITE_LIMIT)
        return func.sum(case((and_(own, wanted, finite), answers.c.value_num), else_=0.0))
    if term.kind == "count":
        return reported
    if term.kind == "count_where":
        return case(
            (and_(reported == 1, *(_condition(c, own) for c in term.conditions)), 1), else_=0
        )
    raise ValueError(f"unknown term kind {term.kind!r}")


def _condition(condition: Condition, own: ColumnElement) -> ColumnElement:
    """Compare the village's answer (0 or "" when absent) with the condition's value."""
    at = and_(own, _field_is(condition.field))
    if isinstance(condition.value, bool | int | float):
        value = func.coalesce(func.max(case((at, answers.c.value_num))), 0.0)
        expected = float(condition.value)
    else:
        value = func.coalesce(func.max(case((at, answers.c.value_text))), "")
        expected = str(condition.value)
    return value == expected if condition.op == "eq" else value != expected
