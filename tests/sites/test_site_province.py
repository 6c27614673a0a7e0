"""The province page's site figures (issue 23): Σ over the counties' sites, with coverage, read
from the same tally as the counties' table (app/sites/tally.py), worked by hand on the province of
tests/province_scenario.py, period 2026Q1 (its last month March):

- county A: a scale farm FA in a1p (600 pigs), visited 10 March: facilities match, 200 t
  produced, 100 t used; a coal seller CA in a2p, never visited.
- county B: a coal seller CB in b1m, sampled 5 March, passing.
- coal sellers sampled in March: A 0/1, B 1/1, province 1/2 = 50.0 % (coverage 1 of 2 visited);
  samples passing 1/1; 配套率 1/1.
- manure (the scenario's villages: A 90 of 100 t, B 210 of 300 t, province 300 of 400 t) with
  the farm's 100 of 200 t: A (90 + 100) ÷ (100 + 200) = 190/300 = 63.3 %, B 210/300 = 70.0 %,
  province (300 + 100) ÷ (400 + 200) = 400/600 = 66.7 % — the farm counted once, in county A.
"""

import uuid
from datetime import UTC, date, datetime

from app.extensions import db
from app.models import County, Site, SiteInspection, Village
from app.sites.pages import county_sites, province_sites
from tests import province_scenario as ps
from tests.dashboard.test_dashboard_province import Q1, province, sign_in  # noqa: F401
from tests.dashboard_scenario import quick_user
from tests.house import test_statement_budget as budget
from tests.sites.test_site_desktop import card, figure

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def add_site(code, kind, village, attributes, visits, inspector_id):
    village_row = db.session.execute(
        db.select(Village).where(Village.code == ps.code(village))
    ).scalar_one()
    site = Site(
        code=code,
        kind=kind,
        name=code,
        village_id=village_row.id,
        attributes=attributes,
        created_at=NOW,
        updated_at=NOW,
    )
    db.session.add(site)
    db.session.flush()
    for on, answers in visits:
        db.session.add(
            SiteInspection(
                client_uuid=str(uuid.uuid4()),
                site_id=site.id,
                inspector_id=inspector_id,
                inspected_on=on,
                answers=answers,
                form_version="1",
                content_hash="x" * 64,
                created_at=NOW,
                updated_at=NOW,
            )
        )


def with_sites(app):
    inspector = quick_user(app, "inspector", township=ps.A1, username="site-inspector")
    with app.app_context():
        farm = {"facilities_match": True, "manure_t_y": 200, "manure_used_t_y": 100}
        sample = {"sample_taken": True, "sample_passed": True}
        pigs = {"species": "pig", "head_count": 600}
        add_site("FA", "scale_farm", "a1p", pigs, [(date(2026, 3, 10), farm)], inspector)
        add_site("CA", "coal_seller", "a2p", {}, [], inspector)
        add_site("CB", "coal_seller", "b1m", {}, [(date(2026, 3, 5), sample)], inspector)
        db.session.commit()


def test_the_province_page_sums_the_counties_site_figures(province):  # noqa: F811
    with_sites(province)
    client = sign_in(province, "county_admin")
    html = client.get(f"/dashboard/?{Q1}").get_data(as_text=True)
    assert 'id="counties"' in html  # the province page
    month = card(html, "coal_sampling_month")
    assert figure(month, "rate") == "50.0%"
    assert figure(month, "fraction").startswith("1 / 2")
    assert figure(month, "reported") == "1 / 2"  # coverage: sellers visited / open
    assert figure(card(html, "coal_sample_pass"), "fraction").startswith("1 / 1")
    assert figure(card(html, "farm_facilities"), "rate") == "100.0%"
    manure = card(html, "manure-combined")
    assert figure(manure, "rate") == "66.7%"
    assert figure(manure, "fraction").startswith("400 / 600")
    assert figure(manure, "villages").startswith("300 / 400")
    assert figure(manure, "farms").startswith("100 / 200")
    # one row per county: A's month figure 0 of 1, B's 1 of 1; the combined rate per county
    start = html.index(f'id="site-row-{ps.A}"')
    row_a = html[start : html.index("</tr>", start)]
    start = html.index(f'id="site-row-{ps.B}"')
    row_b = html[start : html.index("</tr>", start)]
    assert "0/1" in row_a and "1/1" in row_b
    combined_a = row_a[row_a.index('data-indicator="manure_combined"') :]
    assert "63.3%" in combined_a and "190/300" in combined_a
    combined_b = row_b[row_b.index('data-indicator="manure_combined"') :]
    assert "70.0%" in combined_b and "210/300" in combined_b


def test_a_province_without_sites_says_so(province):  # noqa: F811
    html = sign_in(province, "county_admin").get(f"/dashboard/?{Q1}").get_data(as_text=True)
    assert "各县尚未登记任何场所。" in html
    # the combined manure card still shows the villages' own: 300 of 400 t
    assert figure(card(html, "manure-combined"), "fraction").startswith("300 / 400")


def test_the_province_statements_do_not_grow_with_its_counties(province):  # noqa: F811
    """Three statements for the site figures (the counties, their sites, the visits) whatever
    the number of counties: the figures of two counties cost what one county's would, plus one."""
    with_sites(province)
    with province.app_context():
        with budget.statements(province) as seen:
            sites = province_sites("2026Q1", ps.PROVINCE, False)
        assert len(seen) == 3
        year = sites.of(ps.PROVINCE)["coal_sampling_year"]
        assert (year.numerator, year.denominator, year.coverage) == (1.0, 2.0, 0.5)
        county_a = db.session.execute(db.select(County).where(County.code == ps.A)).scalar_one()
        with budget.statements(province) as seen:
            one = county_sites("2026Q1", county_a, False)
        assert len(seen) == 2
        assert one.of(ps.A)["coal_sampling_year"].numerator == 0.0
