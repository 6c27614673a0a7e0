"""A statement budget for every main read (issue 21): how many SQL statements each issues once
its caches are warm, counted on the engine (SQLAlchemy's before_cursor_execute). A change that
adds a statement to a read fails here, deterministically, instead of slowing a timed bench.

The scenario is tests/province_scenario.py (2 counties, 4 townships, 10 villages): small, but
the roll-ups take the same statements at 120 counties and 25,000 villages (one per table shape,
whatever its rows), and so does the review page (its evidence is 3 statements a page, not 3 a
row). The budget is written beside each read, with what its statements are; BEGIN and SET LOCAL
are not counted (not reads).

If a budget must grow, say why in the same line; if a read takes fewer, lower its budget.
"""

from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from app.extensions import db
from app.rollups.summary import quarter as quarter_summary
from tests import province_scenario as ps
from tests.dashboard_scenario import PASSWORD, quick_user

Q1 = "2026Q1"
TREND = f"indicator=clean_heating&level=province&code={ps.PROVINCE}&periods=8"
# name, role, path, budget {source: statements}. Source "live": roll-ups from the answers (a
# county's own deployment, summary off); "summary": the roll-up summary on (province scale).
# Every read starts with the actor's session (1) and the reference token (1), under which the
# county's published forms are cached (issue 22, app/formdefs/registry.py; publishing changes
# the token). Each read had one more statement before: the county forms' own check.
READS = [
    # + county by code; per figure, the summary tried then (live) the answers: the county, its
    # townships and the villages (1 + 1 + 1 tried, 1 read of the answers they share, with the
    # estimated shares in it; summary: + 1 for the shares), the 8 indicators' sparklines (8, and
    # live 8 answers reads); counties count (2), demo count, whether anything is recorded (the
    # newcomer's hint), problems at the quarter's end, crumbs, freshness; + 2 for the site
    # figures and the combined manure rate (issue 23: the county's sites, their visits of the
    # year, whatever its townships: app/sites/pages.py county_sites)
    ("county dashboard", "county_admin", f"/dashboard/county/{ps.A}?period={Q1}", 32, 24),
    # + township by code; its figures (2 tried, 1 shared answers read with the shares;
    # summary: + 1 for the shares), latest inspections, county, counties count, sparklines
    # (8, live + 8), demo count, whether anything is recorded, crumbs, freshness; + 2 for the
    # site figures and the combined manure rate (its county's sites and their visits, issue 23)
    ("township page", "county_admin", f"/dashboard/township/{ps.A1}?period={Q1}", 31, 23),
    # live: the summary tried (1), the answers with the estimated shares (1), the summary state
    # for the shares (1); summary: its sums (1), its state for the shares (1: none at province
    # scale while it is on)
    ("province roll-up", "county_admin", f"/api/v1/rollup?level=province&period={Q1}", 5, 4),
    # + the counties by code, their sites and the sites' visits (issue 23: two statements for
    # every county together, app/sites/tally.py)
    ("the counties' table", "county_admin", f"/api/v1/rollup?level=county&period={Q1}", 8, 7),
    ("a trend", "county_admin", f"/api/v1/rollup/trend?{TREND}", 4, 3),
    # + county by code; the figures (summary tried, answers), the villages, the townships, the
    # counties for the menu
    ("the ranking", "county_admin", f"/dashboard/ranking?county={ps.A}&period={Q1}", 8, 7),
    # a site figure (issue 23): the townships' roll-up as above, + 2 for the county's sites and
    # their visits, whatever the number of townships (app/sites/pages.py township_ranking)
    (
        "the ranking of a site figure",
        "county_admin",
        f"/dashboard/ranking?county={ps.A}&period={Q1}&indicator=coal_sampling_month",
        10,
        9,
    ),
    # the queue (2 + its revisions and flags), then the page's evidence in 3 whatever its rows
    # (each one's previous id and same-day count, those previous inspections, the villages'
    # figures by day: app/rollups/review_evidence.queue_evidence); it was 3 a row, 37 here
    ("the review page", "county_admin", "/review", 10, 10),
    # returned inspections, the township's villages, this quarter's statuses, the township (for
    # the day's tasks and the list), the coefficients in force (the form data file's name);
    # + the villages' open sites with their month's draw, and the month's visits of those sites
    # (issue 23: each village's sites and what is due, two statements for every village together,
    # app/sites/phone.py)
    ("the phone's village list", "inspector", "/inspect/", 10, 10),
]
SOURCES = ("live", "summary")
# Not reads: SQLite's BEGIN (app/db.py issues it itself), PostgreSQL's SET LOCAL jit = off
# before a statement over the answers (app/rollups/tallies.py)
SETTINGS = ("BEGIN", "SET LOCAL")


@pytest.fixture(params=SOURCES)
def province(request, app):
    ps.build(app)
    app.config["CLOCK"] = lambda: datetime(2026, 5, 15, 4, 0, tzinfo=UTC)
    if request.param == "summary":
        with app.app_context():
            quarter_summary.rebuild(db.session.connection())
            db.session.commit()
    app.config["BUDGET_SOURCE"] = request.param
    return app


def signed_in(app, role):
    township = ps.A1 if role == "inspector" else None
    quick_user(app, role, township=township, username=f"budget-{role}")
    client = app.test_client()
    response = client.post("/login", data={"username": f"budget-{role}", "password": PASSWORD})
    assert response.status_code == 302
    return client


@contextmanager
def statements(app):
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(SETTINGS):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


@pytest.mark.parametrize(
    ("name", "role", "path", "live", "summary"), READS, ids=[r[0] for r in READS]
)
def test_each_main_read_keeps_its_statement_budget(province, name, role, path, live, summary):
    budget = {"live": live, "summary": summary}[province.config["BUDGET_SOURCE"]]
    client = signed_in(province, role)
    with province.app_context():  # without its row nothing is cached (tests/pg_reset.py)
        marker_rows = db.session.scalar(db.text("SELECT count(*) FROM reference_marker"))
    assert marker_rows == 1, "the reference marker's row is missing: a test's reset removed it"
    assert client.get(path).status_code == 200  # fills the caches: the budget is a warm read's
    with statements(province) as seen:
        assert client.get(path).status_code == 200
    listing = "\n".join(" ".join(s.split())[:120] for s in seen)
    assert len(seen) <= budget, f"{name}: {len(seen)} statements, budget {budget}:\n{listing}"
    assert len(seen) == budget, f"{name} takes fewer statements now: lower its budget"


def add_coal_sellers(app, villages: dict[str, int]) -> None:
    """villages: code → how many coal sellers to register there (sites with a sampling rule)."""
    from app.models import Site, Village

    now = datetime(2026, 5, 1, tzinfo=UTC)
    with app.app_context():
        for code, count in villages.items():
            village = db.session.scalar(db.select(Village).where(Village.code == ps.code(code)))
            for n in range(count):
                db.session.add(
                    Site(
                        code=f"CS-{code}-{n}",
                        kind="coal_seller",
                        name=f"{code} 煤店 {n}",
                        village_id=village.id,
                        created_at=now,
                        updated_at=now,
                    )
                )
        db.session.commit()


def warm_count(client, path) -> list[str]:
    assert client.get(path).status_code == 200  # draws the month's plan and fills the caches
    with statements(client.application) as seen:
        assert client.get(path).status_code == 200
    return seen


# The offline data of a county admin (issue 23): the session, the reference token, the villages
# in scope with their townships (app/inspections/offline_pack.py, 1), the returned inspections,
# the townships in scope, then the month's sampling plan of every township together (stored
# draws with their sites, open sites, sampled before the month, sampled in it: app/sites/plan.py
# month_plans), the villages' open sites with their due dates and their visits: 11 whatever the
# number of townships and sites. Before, the plan was read township by township (about 4 each
# and 1 per drawn site's lazy load), and a commit mid-view expired the villages and the actor
# (1 per village read again: 23 for one township's 2 sites, 24 for two townships' 8, measured
# with the plan already read together).
OFFLINE_DATA_BUDGET = 11


def test_the_offline_data_takes_the_same_statements_for_one_township_or_all(app):
    ps.build(app)
    app.config["CLOCK"] = lambda: datetime(2026, 5, 15, 4, 0, tzinfo=UTC)
    client = signed_in(app, "county_admin")
    add_coal_sellers(app, {"a1p": 2})
    one = warm_count(client, "/inspect/offline-data")
    add_coal_sellers(app, {"a1q": 1, "a2p": 3, "a2u": 2})
    both = warm_count(client, "/inspect/offline-data")
    listing = "\n".join(" ".join(s.split())[:120] for s in both)
    assert (len(one), len(both)) == (OFFLINE_DATA_BUDGET,) * 2, listing


# The map of a county admin's county with the site layers (issue 23), live: the session, the
# reference token, the county by code (2: the filter's check, then the county), the villages'
# figures (summary tried, answers), the villages, the GPS positions, the problems, the townships'
# figures (summary tried; their answers are the villages' read, shared), the townships, the
# latest boundary upload, the sites with their villages, the sites' visits, the counties and the
# townships to choose from: 16 with no site, one township's 2 or two townships' 8.
MAP_BUDGET = 16


def test_the_map_takes_the_same_statements_whatever_its_sites(app):
    ps.build(app)
    app.config["CLOCK"] = lambda: datetime(2026, 5, 15, 4, 0, tzinfo=UTC)
    client = signed_in(app, "county_admin")
    path = f"/map?county={ps.A}"
    counts = [len(warm_count(client, path))]
    add_coal_sellers(app, {"a1p": 2})
    counts.append(len(warm_count(client, path)))
    add_coal_sellers(app, {"a1q": 1, "a2p": 3, "a2u": 2})
    seen = warm_count(client, path)
    listing = "\n".join(" ".join(s.split())[:120] for s in seen)
    assert counts + [len(seen)] == [MAP_BUDGET] * 3, listing
