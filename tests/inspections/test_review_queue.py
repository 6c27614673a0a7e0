"""The review queue newest first, page by page, with filters and search (issue 20, finding 4).

Six inspections, each sent (updated) an hour after the one before on 1 Nov 2026:
  a 西坊城村 140225101200  inspected 2026-10-05  submitted    08:00
  b 大辛庄村 140225101204  inspected 2026-10-20  resubmitted  09:00
  c 南阳庄村 140225101205  inspected 2026-11-02  submitted    10:00
  d 小辛庄村 140225101203  inspected 2026-11-10  submitted    11:00
  e 蔡村村   140225102200  inspected 2026-11-05  submitted    12:00  (蔡村镇: not the lead's)
  f 涧村     140225101201  inspected 2026-11-12  approved     13:00  (not waiting)
The 西坊城镇 lead's queue, newest first: d c b a (e is another township's, f is decided).
With 3 a page: page 1 d c b, page 2 a. The county admin's: e d c b a.
"""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event

from app.extensions import db
from app.models import Answer, Inspection
from app.rollups.review_evidence import evidence, queue_evidence
from app.views.admin import review_views
from tests.review_world import make_world, sign_in
from tests.rollup_helpers import add_inspection

ROWS = {  # key → (village, inspected on, status, hour sent)
    "a": ("140225101200", date(2026, 10, 5), "submitted", 8),
    "b": ("140225101204", date(2026, 10, 20), "resubmitted", 9),
    "c": ("140225101205", date(2026, 11, 2), "submitted", 10),
    "d": ("140225101203", date(2026, 11, 10), "submitted", 11),
    "e": ("140225102200", date(2026, 11, 5), "submitted", 12),
    "f": ("140225101201", date(2026, 11, 12), "approved", 13),
}


@pytest.fixture
def queue(seeded, monkeypatch):
    world = make_world(seeded)
    ids = {}
    with seeded.app_context():
        for key, (village, day, status, hour) in ROWS.items():
            inspector = world.users["inspector_other" if key == "e" else "inspector"]
            ids[key] = add_inspection(inspector, village, day, 100)
            inspection = db.session.get(Inspection, ids[key])
            inspection.status = status
            inspection.updated_at = datetime(2026, 11, 1, hour, tzinfo=UTC)
        db.session.commit()
    monkeypatch.setattr(review_views, "QUEUE_PAGE_SIZE", 3)
    names = {value: key for key, value in ids.items()}
    return seeded, names


def shown(client, query: str = "") -> list[str]:
    """The keys of the inspections the queue page shows, top to bottom."""
    response = client.get("/review" + query)
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    assert "另有" not in page and "more inspections wait" not in page
    return [
        int(found) for found in re.findall(r'<section class="review" id="inspection-(\d+)"', page)
    ]


def keys(names, ids):
    return [names[i] for i in ids]


def test_the_leads_queue_is_newest_first_a_page_at_a_time(queue):
    app, names = queue
    lead = sign_in(app, "lead")
    assert keys(names, shown(lead)) == ["d", "c", "b"]
    first = lead.get("/review").get_data(as_text=True)
    assert "共 4 份待审核，最新的在前 · 第 1 / 2 页" in first
    assert 'href="/review?page=2"' in first and 'rel="prev"' not in first
    assert keys(names, shown(lead, "?page=2")) == ["a"]
    assert keys(names, shown(lead, "?page=9")) == ["a"]  # past the last: the last
    second = lead.get("/review?page=2").get_data(as_text=True)
    assert 'href="/review?page=1"' in second and 'rel="next"' not in second
    # A township role has no township to choose; its own villages are listed to choose from.
    assert 'name="township"' not in first
    assert first.count('<option value="14022510') == 11


def test_filters_and_search_narrow_the_queue(queue):
    app, names = queue
    lead = sign_in(app, "lead")
    assert keys(names, shown(lead, "?status=resubmitted")) == ["b"]
    assert keys(names, shown(lead, "?since=2026-10-15&until=2026-11-05")) == ["c", "b"]
    assert keys(names, shown(lead, "?q=辛庄")) == ["d", "b"]
    assert keys(names, shown(lead, "?village=140225101200")) == ["a"]
    assert keys(names, shown(lead, "?q=辛庄&since=2026-11-01")) == ["d"]
    assert shown(lead, "?q=%25") == []  # a typed % is a character, not a wildcard
    # The filters ride along on the pager's links.
    page = lead.get("/review?q=村&status=submitted").get_data(as_text=True)
    assert "共 3 份待审核" in page
    assert keys(names, shown(lead, "?q=村&status=submitted")) == ["d", "c", "a"]


def test_the_county_admin_filters_by_township_and_bad_filters_are_refused(queue):
    app, names = queue
    admin = sign_in(app, "admin")
    assert keys(names, shown(admin)) == ["e", "d", "c"]
    assert keys(names, shown(admin, "?page=2")) == ["b", "a"]
    assert keys(names, shown(admin, "?township=140225102")) == ["e"]
    page = admin.get("/review").get_data(as_text=True)
    assert 'name="township"' in page and 'name="village"' not in page  # 224 villages: no list
    chosen = admin.get("/review?township=140225101").get_data(as_text=True)
    assert 'name="village"' in chosen
    lead = sign_in(app, "lead")
    assert lead.get("/review?township=140225102").status_code == 404  # not the lead's
    assert lead.get("/review?village=140225102200").status_code == 404
    assert lead.get("/review?status=approved").status_code == 400
    assert lead.get("/review?since=yesterday").status_code == 400
    assert lead.get("/review?page=0").status_code == 400


def test_a_pages_statement_count_is_bounded_by_the_page_not_the_queue(queue):
    """A page reads its rows in a fixed number of statements (count, rows, flags, revisions, the
    villages to choose from, the session) and each row's evidence in at most five (its previous
    inspection, the figures of its day and of the previous one, a later one that day, the
    targets of its day): at most 8 + 5 × 3 here, whether 4 or 34 wait."""
    app, _names = queue
    lead = sign_in(app, "lead")
    bound = 8 + 5 * 3

    def statements(query):
        seen = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert lead.get("/review" + query).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    assert statements("") <= bound
    with app.app_context():
        inspector = db.session.get(Inspection, 1).inspector_id
        for n in range(30):  # thirty more waiting, in the lead's township's villages
            add_inspection(inspector, f"1402251012{n % 11:02d}", date(2026, 9, 1 + n % 28), 100)
        db.session.commit()
    for query in ("", "?page=5", "?page=12", "?q=村&status=submitted&since=2026-01-01"):
        assert statements(query) <= bound, query


def test_a_pages_evidence_is_each_rows_own_in_three_statements(queue):
    """queue_evidence (issue 21: the queue's N + 1) gives each row what evidence() gives it
    alone: the same previous inspection, rates and jumps, and the same "stored later that
    day"; in three statements for 6 rows as for 2. Added here: a's village visited again on
    a's day (stored later: a's figures are that visit's, 0 of 100 households heated clean
    against a's 90) and b's village in July (b's previous, 10 of 100 against b's 80: a jump of
    70 points)."""
    app, names = queue
    heating = lambda clean: {"heating": {"central": clean, "coal": 100 - clean}}  # noqa: E731
    with app.app_context():
        inspector = db.session.get(Inspection, names_of(names)["a"]).inspector_id
        a, b = (db.session.get(Inspection, names_of(names)[k]) for k in "ab")
        a_again = add_inspection(inspector, "140225101200", date(2026, 10, 5), 100, **heating(0))
        b_before = add_inspection(inspector, "140225101204", date(2026, 7, 20), 100, **heating(10))
        for inspection, clean in ((a, 90), (b, 80)):
            for kind, value in (("central", clean), ("coal", 100 - clean)):
                db.session.add(
                    Answer(inspection_id=inspection.id, section="heating", field=kind,
                           value_num=float(value))
                )  # fmt: skip
        db.session.commit()
        rows = db.session.scalars(db.select(Inspection).order_by(Inspection.id)).all()
        batch = queue_evidence(rows)  # warm: the villages' zones, the targets, the forms
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            queue_evidence(rows)
            counts = [len(seen)]
            queue_evidence(rows[:2])
            counts.append(len(seen) - counts[0])
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert counts == [3, 3]
        for inspection, got in zip(rows, batch, strict=True):
            alone = evidence(inspection)
            assert (got.previous and got.previous.id) == (alone.previous and alone.previous.id)
            assert got.rates == alone.rates, inspection.id
            assert got.same_day_later == alone.same_day_later
        by_id = {e.inspection.id: e for e in batch}
        assert by_id[a.id].same_day_later and not by_id[a_again].same_day_later
        assert by_id[a_again].previous.id == a.id
        heated = {e.inspection.id: {r.key: r for r in e.rates}["clean_heating"] for e in batch}
        assert heated[a.id].rate == 0.0  # the later visit of the day's figures
        assert by_id[b.id].previous.id == b_before
        assert (heated[b.id].rate, heated[b.id].previous) == (0.8, 0.1)
        assert heated[b.id].delta_points == 70.0 and heated[b.id].large_jump


def names_of(names: dict) -> dict:
    return {key: inspection_id for inspection_id, key in names.items()}
