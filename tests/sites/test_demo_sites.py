"""The demo registers (issue 23): the plan's farms and 17 stations and 40 coal sellers, a year
of their inspections following the stored sampling plan, and all of it removed again."""

from datetime import date

from app.demo.sites import clear_demo_sites, load_demo_sites
from app.extensions import db
from app.models import County, SamplingDraw, Site, SiteInspection, User
from app.periods import parse_month
from app.sites.tally import county_site_figures


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_the_demo_fills_every_register_and_clears_again(seeded):
    with seeded.app_context():
        user = User(username="demo", role="viewer", active=False, password_hash="x")
        db.session.add(user)
        db.session.flush()
        visits = load_demo_sites(user, date(2026, 11, 28))
        db.session.commit()
        kinds = db.session.execute(db.select(Site.kind, db.func.count()).group_by(Site.kind)).all()
        assert dict(kinds) == {"coal_seller": 40, "scale_farm": 7, "sewage_station": 17}
        assert visits == count(SiteInspection) > 40
        county = db.session.execute(db.select(County)).scalar_one()
        figures = county_site_figures(parse_month("2026-11"), county)[county.code]
        month = figures["coal_sampling_month"]
        assert month.denominator == 40 and month.rate >= 0.2 * 0.9 - 1e-9
        assert figures["coal_sampling_year"].numerator >= 36
        assert figures["station_running"].denominator <= 12  # only the built ones
        assert figures["farm_facilities"].units == 6  # the beef farm is below its threshold
        assert clear_demo_sites() == 64
        db.session.commit()
        assert count(Site) == count(SiteInspection) == count(SamplingDraw) == 0
