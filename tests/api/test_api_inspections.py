"""POST /api/v1/inspections stores an inspection exactly once, as submitted; GET reads it back.

Covers the stored document and its rows (DHIS2-shaped answers, revision 1), the idempotent retry
(same UUID and content → 200, nothing new), the conflict (same UUID, other content → 409), copies
arriving at the same moment from threads and from processes, the county's own date, and the
listing by village and period.
"""

import multiprocessing
import threading
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from app.clock import county_today
from app.extensions import db
from app.formdefs import load_forms
from app.formdefs.registry import current_forms
from app.inspections.document import inspection_document, stored_document
from app.inspections.store import store_inspection
from app.models import Answer, AuditEvent, Inspection, InspectionRevision, User
from app.periods import quarter_of
from app.views.api.schemas import inspection_schema
from tests.api_payloads import (
    DATABASES,
    INSPECTOR_TOWNSHIP,
    NOON_28_NOV,
    OWN_VILLAGE,
    add_user,
    bearer,
    changed,
    clear_activity,
    fixed_clock,
    row_counts,
    seeded_module_app,
    valid_payload,
)
from tests.paths import FORMS

URL = "/api/v1/inspections"
# every form in forms/ at its shipped version (pinned only in tests/formdefs/test_formdefs.py)
ALL_FORMS_2026_1 = {f.form_id: f.version for f in load_forms(FORMS).forms}


@pytest.fixture(scope="module", params=DATABASES)
def seeded(request, tmp_path_factory):
    """The seeded county, once per module and database (see tests/api_payloads.py); each test
    starts with no users or inspections and the clock at noon on 28 Nov in Hunyuan."""
    yield from seeded_module_app(request, tmp_path_factory)


@pytest.fixture(autouse=True)
def fresh(seeded):
    clear_activity(seeded)


@pytest.fixture
def client(seeded):
    return seeded.test_client()


@pytest.fixture
def inspector(seeded):
    """(user id, headers) of an inspector of 西坊城镇."""
    user_id = add_user(seeded, "inspector", INSPECTOR_TOWNSHIP)
    return user_id, {**bearer(seeded, user_id), "Accept-Language": "en"}


def stored_answers(app, inspection_id):
    with app.app_context():
        return db.session.execute(
            db.select(Answer.section, Answer.field, Answer.value_num, Answer.value_text)
            .where(Answer.inspection_id == inspection_id)
            .order_by(Answer.section, Answer.field)
        ).all()


def test_created_inspection_is_returned_and_stored_as_submitted(seeded, client, inspector):
    user_id, headers = inspector
    payload = valid_payload()
    response = client.post(URL, json=payload, headers=headers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    created_at = datetime.fromisoformat(body.pop("created_at"))
    assert body.pop("updated_at") == created_at.isoformat()
    assert created_at.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - created_at) < timedelta(minutes=1)
    with seeded.app_context():
        username = db.session.get(User, user_id).username
        (inspection_id,) = db.session.execute(db.select(Inspection.id)).scalars().all()
    assert body == {
        "id": inspection_id,
        "client_uuid": payload["client_uuid"],
        "village_code": "140225101200",
        "village_name": "西坊城村委会",
        "township_code": "140225101",
        "inspector": username,
        "inspected_on": "2026-11-20",
        "quarter": "2026Q4",
        "households": 120,
        "location": {"lat": 39.6123, "lon": 113.4901, "accuracy_m": 8.5},
        "notes": "东头污水管破损 / broken sewer at the east end",
        "sections": payload["sections"],
        # Tonnages sent directly (the API contract from before estimates) are measured.
        "basis": {
            section: {field: {"basis": "measured", "coefficients": [], "unverified": False}}
            for section, field in (("manure", "produced_t"), ("straw", "produced_t"))
        }
        | {"film": {"used_t": {"basis": "measured", "coefficients": [], "unverified": False}}},
        "form_versions": ALL_FORMS_2026_1,
        "revision": 1,
        "status": "submitted",
        "review_comment": None,
        "reviewed_by": None,
        "reviewed_at": None,
        "deleted": False,
        "delete_reason": None,
    }
    # integers come back as integers, decimals as floats
    assert isinstance(body["sections"]["heating"]["coal"], int)
    assert isinstance(body["sections"]["straw"]["feed_t"], float)

    # One row per answered field (DHIS2 data values): 1 profile + 3 sewage + 2 manure
    # + 6 straw + 2 film + 6 heating = 20; the boolean as 1, the choice as text.
    assert stored_answers(seeded, inspection_id) == [
        ("film", "recovered_t", 4.5, None),
        ("film", "used_t", 10.0, None),
        ("heating", "biomass", 5.0, None),
        ("heating", "central", 0.0, None),
        ("heating", "coal", 60.0, None),
        ("heating", "electric", 40.0, None),
        ("heating", "gas", 10.0, None),
        ("heating", "other_clean", 5.0, None),
        ("manure", "produced_t", 500.0, None),
        ("manure", "utilised_t", 400.0, None),
        ("profile", "households", 120.0, None),
        ("sewage", "facility_running", 1.0, None),
        ("sewage", "households_treated", 30.0, None),
        ("sewage", "treatment_mode", None, "septic_tank"),
        ("straw", "base_material_t", 50.0, None),
        ("straw", "feed_t", 200.0, None),
        ("straw", "fertiliser_t", 500.0, None),
        ("straw", "fuel_t", 100.0, None),
        ("straw", "produced_t", 1000.0, None),
        ("straw", "raw_material_t", 50.0, None),
    ]
    with seeded.app_context():
        inspection = db.session.get(Inspection, inspection_id)
        assert (inspection.quarter, inspection.year, inspection.inspector_id) == (
            "2026Q4",
            2026,
            user_id,
        )
        assert (inspection.lat, inspection.lon, inspection.accuracy_m) == (39.6123, 113.4901, 8.5)
        assert len(inspection.content_hash) == 64
        assert (inspection.status, inspection.is_demo, inspection.deleted_at) == (
            "submitted",
            False,
            None,
        )
        # The audit event went in with the rows (one statement on PostgreSQL), naming the new id.
        event = db.session.execute(
            db.select(AuditEvent).where(AuditEvent.action == "inspection.create")
        ).scalar_one()
        assert (event.object_type, event.object_id, event.actor_id, event.actor_name) == (
            "inspections",
            str(inspection_id),
            user_id,
            username,
        )
        assert event.details == {"client_uuid": payload["client_uuid"], "village": OWN_VILLAGE}
        revisions = db.session.execute(db.select(InspectionRevision)).scalars().all()
        assert [(r.inspection_id, r.number, r.author_id) for r in revisions] == [
            (inspection_id, 1, user_id)
        ]
        kept = revisions[0].payload
        assert kept["client_uuid"] == payload["client_uuid"]
        assert kept["inspected_on"] == "2026-11-20"
        assert kept["sections"] == payload["sections"]
        assert kept["households"] == 120


def test_false_is_stored_as_zero_and_unanswered_fields_have_no_row(seeded, client, inspector):
    _user_id, headers = inspector
    payload = valid_payload(
        sections={
            "sewage": {
                "households_treated": 0,
                "treatment_mode": "none",
                "facility_running": False,
            },
            "straw": {"produced_t": 80.5, "feed_t": 20.25, "fertiliser_t": ""},
        },
        location=None,
        notes="",
    )
    response = client.post(URL, json=payload, headers=headers)
    assert response.status_code == 201
    body = response.get_json()
    assert body["sections"] == {
        "sewage": {"households_treated": 0, "treatment_mode": "none", "facility_running": False},
        "straw": {"produced_t": 80.5, "feed_t": 20.25},
    }
    assert (body["location"], body["notes"]) == (None, "")
    assert stored_answers(seeded, body["id"]) == [
        ("profile", "households", 120.0, None),
        ("sewage", "facility_running", 0.0, None),
        ("sewage", "households_treated", 0.0, None),
        ("sewage", "treatment_mode", None, "none"),
        ("straw", "feed_t", 20.25, None),
        ("straw", "produced_t", 80.5, None),
    ]


def test_values_at_the_limits_are_accepted(seeded, client, inspector):
    _user_id, headers = inspector
    payload = valid_payload(
        inspected_on="2020-01-01",
        households="120",  # the HTML form sends text; 120 it is
        notes="注" * 2000,
        sections={
            # each sum equals its limit exactly: 120 treated of 120 households; 500 of 500 t;
            # 600 + 200 + 100 + 50 + 50 = 1000 of 1000 t; 10 of 10 t; heating 120 of 120.
            "sewage": {
                "households_treated": 120,
                "treatment_mode": "pipe_network",
                "facility_running": "yes",
            },
            "manure": {"produced_t": 500, "utilised_t": 500},
            "straw": {
                "produced_t": 1000,
                "fertiliser_t": 600,
                "feed_t": 200,
                "fuel_t": 100,
                "base_material_t": 50,
                "raw_material_t": 50,
            },
            "film": {"used_t": 10, "recovered_t": 10.0},
            "heating": {
                "central": 120.0,
                "electric": 0,
                "gas": 0,
                "biomass": 0,
                "other_clean": 0,
                "coal": 0,
            },
        },
    )
    response = client.post(URL, json=payload, headers=headers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["households"], body["inspected_on"], len(body["notes"])) == (
        120,
        "2020-01-01",
        2000,
    )
    assert body["quarter"] == "2020Q1"
    assert body["sections"]["heating"]["central"] == 120
    assert body["sections"]["sewage"]["facility_running"] is True


def test_float_sums_are_not_refused_for_rounding(client, inspector):
    # 0.1 + 0.2 is 0.30000000000000004 in binary floating point; it must still fit in 0.3.
    _user_id, headers = inspector
    payload = valid_payload(
        sections={"straw": {"produced_t": 0.3, "fertiliser_t": 0.1, "feed_t": 0.2}}
    )
    assert client.post(URL, json=payload, headers=headers).status_code == 201


def test_same_uuid_same_content_returns_the_stored_inspection(seeded, client, inspector):
    _user_id, headers = inspector
    payload = valid_payload()
    first = client.post(URL, json=payload, headers=headers)
    assert first.status_code == 201
    before = row_counts(seeded)
    assert before == {"inspections": 1, "answers": 20, "inspection_revisions": 1}

    again = client.post(URL, json=payload, headers=headers)
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    # The same content written differently: upper-case UUID, 500 for 500.0, "120" for 120.
    respelled = changed(
        changed(payload, "client_uuid", payload["client_uuid"].upper()),
        "sections.manure.produced_t",
        500,
    )
    respelled["households"] = "120"
    third = client.post(URL, json=respelled, headers={**headers, "Accept-Language": "zh"})
    assert third.status_code == 200
    assert third.get_json()["id"] == first.get_json()["id"]
    assert row_counts(seeded) == before


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("households", 121),
        ("notes", "另一条备注"),
        ("inspected_on", "2026-11-21"),
        ("sections.film", None),
    ],
)
def test_same_uuid_other_content_is_a_conflict(seeded, client, inspector, path, value):
    _user_id, headers = inspector
    payload = valid_payload()
    first = client.post(URL, json=payload, headers=headers)
    assert first.status_code == 201
    inspection_id = first.get_json()["id"]
    answers_before = stored_answers(seeded, inspection_id)
    other = (
        changed(payload, "sections.film", {"used_t": 10.0, "recovered_t": 4.0})
        if (value is None)
        else changed(payload, path, value)
    )
    for lang, text in (
        ("en", "This submission ID was already used for different content"),
        ("zh", "此提交编号已用于不同的内容"),
    ):
        response = client.post(URL, json=other, headers={**headers, "Accept-Language": lang})
        assert response.status_code == 409
        assert response.get_json() == {"error": {"code": "conflict", "message": text}}
    assert row_counts(seeded) == {"inspections": 1, "answers": 20, "inspection_revisions": 1}
    assert stored_answers(seeded, inspection_id) == answers_before
    assert client.get(f"{URL}/{inspection_id}", headers=headers).get_json() == first.get_json()


def test_store_inspection_answers_from_what_it_wrote_and_loads_the_row_when_asked(
    seeded, inspector
):
    """A new inspection's answer is made from the values written (nothing read back); it equals
    the one read from the database, and `Stored.inspection` loads the stored row when asked."""
    user_id, _headers = inspector
    with seeded.app_context():
        forms = current_forms()
        actor = db.session.get(User, user_id)
        data = forms.inspection_schema("en", county_today()).load(valid_payload())
        stored = store_inspection(data, actor, forms.form_set)
        assert stored.created and stored.row.id == stored.inspection_id
        inspection = stored.inspection  # loaded now
        assert isinstance(inspection, Inspection) and inspection.id == stored.inspection_id
        assert (len(inspection.answers), [r.number for r in inspection.revisions]) == (20, [1])
        again = store_inspection(data, actor, forms.form_set)
        assert (again.created, again.inspection is inspection) == (False, True)
        assert inspection_schema.dump(stored_document(stored, forms.form_set)) == (
            inspection_schema.dump(inspection_document(inspection, forms.form_set))
        )
    assert row_counts(seeded) == {"inspections": 1, "answers": 20, "inspection_revisions": 1}


def test_concurrent_copies_store_one_inspection(seeded, inspector):
    """Eight copies of one submission at the same moment (threads, each its own client):
    one 201, seven 200, one row, no 500 — on SQLite (BEGIN IMMEDIATE) and PostgreSQL
    (the unique constraint)."""
    _user_id, headers = inspector
    payload = valid_payload()
    copies = 8
    barrier = threading.Barrier(copies)
    results: list[tuple[int, int | None]] = []
    lock = threading.Lock()

    def send():
        client = seeded.test_client()
        barrier.wait(timeout=10)
        response = client.post(URL, json=payload, headers=headers)
        with lock:
            results.append((response.status_code, (response.get_json() or {}).get("id")))

    threads = [threading.Thread(target=send) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(status for status, _id in results)
    assert statuses == [200] * 7 + [201], results
    with seeded.app_context():
        stored_ids = db.session.execute(db.select(Inspection.id)).scalars().all()
    assert len(stored_ids) == 1
    assert {inspection_id for _status, inspection_id in results} == set(stored_ids)
    assert row_counts(seeded) == {"inspections": 1, "answers": 20, "inspection_revisions": 1}


def _post_from_process(database_url, instance, headers, payloads, barrier, out):
    """In a child process: a new app and engine on the same SQLite file, then the posts."""
    from app import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "x" * 48,
            "WTF_CSRF_ENABLED": False,
            "CLOCK": fixed_clock(NOON_28_NOV),
        }
    )
    app.instance_path = instance
    client = app.test_client()
    barrier.wait(timeout=30)
    statuses = []
    for payload in payloads:
        response = client.post(URL, json=payload, headers=headers)
        statuses.append(response.status_code)
        if response.status_code >= 500:
            out.put(("error", response.get_data(as_text=True)[:500]))
    out.put(("statuses", statuses))


def test_processes_writing_one_sqlite_file_never_see_database_locked(seeded, inspector, tmp_path):
    """Four processes, as four gunicorn workers: each sends the shared UUID then five of its own,
    all at once. BEGIN IMMEDIATE makes writers queue on the lock (busy_timeout) instead of
    failing with "database is locked" on the read-to-write upgrade."""
    if seeded.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("the SQLite locking test; PostgreSQL is covered by the thread test")
    _user_id, headers = inspector
    context = multiprocessing.get_context("fork")
    workers, own = 4, 5
    shared = valid_payload()
    barrier, out = context.Barrier(workers), context.Queue()
    processes = [
        context.Process(
            target=_post_from_process,
            args=(
                seeded.config["SQLALCHEMY_DATABASE_URI"],
                str(tmp_path / f"instance{n}"),
                headers,
                [shared] + [valid_payload() for _ in range(own)],
                barrier,
                out,
            ),
        )
        for n in range(workers)
    ]
    for process in processes:
        process.start()
    reports = [out.get(timeout=60) for _ in range(workers)]
    for process in processes:
        process.join(timeout=30)
    assert [kind for kind, _ in reports] == ["statuses"] * workers, reports
    firsts = sorted(statuses[0] for _kind, statuses in reports)
    assert firsts == [200, 200, 200, 201]  # the shared UUID: stored once
    assert all(statuses[1:] == [201] * own for _kind, statuses in reports)
    # 1 shared + 4 × 5 own = 21 inspections, each with 20 answers and 1 revision
    assert row_counts(seeded) == {"inspections": 21, "answers": 420, "inspection_revisions": 21}


@pytest.mark.parametrize(
    ("utc_now", "inspected_on", "status"),
    [
        # 23:30 UTC on the 28th is 07:30 on the 29th in Hunyuan: the 29th is today there.
        ("2026-11-28T23:30:00", "2026-11-29", 201),
        # 16:00 UTC is midnight in Hunyuan: the 29th has just begun.
        ("2026-11-28T16:00:00", "2026-11-29", 201),
        # 15:00 UTC is 23:00 on the 28th in Hunyuan: the 29th is still tomorrow.
        ("2026-11-28T15:00:00", "2026-11-29", 422),
        ("2026-11-28T15:00:00", "2026-11-28", 201),
    ],
)
def test_future_means_after_the_county_today(
    seeded, client, inspector, utc_now, inspected_on, status
):
    _user_id, headers = inspector
    seeded.config["CLOCK"] = fixed_clock(utc_now)
    response = client.post(URL, json=valid_payload(inspected_on=inspected_on), headers=headers)
    assert response.status_code == status, response.get_json()
    if status == 422:
        assert response.get_json() == {
            "errors": {"inspected_on": ["Date inspected cannot be after today (2026-11-28)"]}
        }
        assert row_counts(seeded)["inspections"] == 0
    else:
        assert response.get_json()["quarter"] == "2026Q4"


def test_a_different_county_time_zone_moves_today(seeded, client, inspector):
    # The zone is configuration: at 15:00 UTC it is already the 29th in Tokyo (UTC+9).
    _user_id, headers = inspector
    seeded.config.update(CLOCK=fixed_clock("2026-11-28T15:00:00"), COUNTY_TIMEZONE="Asia/Tokyo")
    response = client.post(URL, json=valid_payload(inspected_on="2026-11-29"), headers=headers)
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (date(2026, 1, 1), "2026Q1"),
        (date(2026, 3, 31), "2026Q1"),
        (date(2026, 4, 1), "2026Q2"),
        (date(2026, 6, 30), "2026Q2"),
        (date(2026, 7, 1), "2026Q3"),
        (date(2026, 9, 30), "2026Q3"),
        (date(2026, 10, 1), "2026Q4"),
        (date(2026, 12, 31), "2026Q4"),
    ],
)
def test_quarter_of_a_day(day, quarter):
    assert quarter_of(day) == quarter


def test_list_by_village_and_period_newest_first(seeded, client, inspector):
    _user_id, headers = inspector
    made = {}
    for day in ("2026-10-01", "2026-09-30", "2026-11-20"):
        response = client.post(URL, json=valid_payload(inspected_on=day), headers=headers)
        assert response.status_code == 201
        made[day] = response.get_json()
    neighbour = client.post(URL, json=valid_payload(village_code="140225101201"), headers=headers)
    assert neighbour.status_code == 201
    assert made["2026-09-30"]["quarter"] == "2026Q3"
    assert made["2026-10-01"]["quarter"] == "2026Q4"

    def listed(query):
        response = client.get(f"{URL}?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return [(i["inspected_on"], i["quarter"]) for i in response.get_json()["inspections"]]

    assert listed(f"village={OWN_VILLAGE}&period=2026Q4") == [
        ("2026-11-20", "2026Q4"),
        ("2026-10-01", "2026Q4"),
    ]
    assert listed(f"village={OWN_VILLAGE}&period=2026Q3") == [("2026-09-30", "2026Q3")]
    assert listed(f"village={OWN_VILLAGE}&period=2025Q4") == []
    assert listed(f"village={OWN_VILLAGE}&period=2026") == [
        ("2026-11-20", "2026Q4"),
        ("2026-10-01", "2026Q4"),
        ("2026-09-30", "2026Q3"),
    ]
    assert listed(f"village={OWN_VILLAGE}") == listed(f"village={OWN_VILLAGE}&period=2026")
    assert listed(f"village={OWN_VILLAGE}&period=2026Q4&lang=zh") == listed(
        f"village={OWN_VILLAGE}&period=2026Q4"
    )
    documents = client.get(f"{URL}?village={OWN_VILLAGE}&period=2026Q3", headers=headers)
    assert documents.get_json() == {"inspections": [made["2026-09-30"]]}


def test_list_with_a_second_inspection_on_the_same_day_puts_the_later_first(client, inspector):
    _user_id, headers = inspector
    ids = [
        client.post(URL, json=valid_payload(), headers=headers).get_json()["id"] for _ in range(2)
    ]
    response = client.get(f"{URL}?village={OWN_VILLAGE}", headers=headers)
    assert [i["id"] for i in response.get_json()["inspections"]] == ids[::-1]


@pytest.mark.parametrize(
    ("query", "status", "errors"),
    [
        ("period=2026Q4", 422, {"village": ["Missing data for required field."]}),
        (
            f"village={OWN_VILLAGE}&period=2026Q5",
            422,
            {"period": ["String does not match expected pattern."]},
        ),
        ("village=1402", 422, {"village": ["String does not match expected pattern."]}),
        (f"village={OWN_VILLAGE}&sort=asc", 422, {"sort": ["Unknown field."]}),
        ("village=140225999999", 404, None),
    ],
)
def test_list_refuses_bad_queries(client, inspector, query, status, errors):
    _user_id, headers = inspector
    response = client.get(f"{URL}?{query}", headers=headers)
    assert response.status_code == status
    if errors:
        assert response.get_json() == {"errors": errors}
    else:
        assert response.get_json()["error"]["code"] == "not_found"


def test_get_one_inspection(client, inspector):
    _user_id, headers = inspector
    created = client.post(URL, json=valid_payload(), headers=headers).get_json()
    response = client.get(f"{URL}/{created['id']}", headers=headers)
    assert response.status_code == 200
    assert response.get_json() == created
    missing = client.get(f"{URL}/{created['id'] + 1}", headers=headers)
    assert missing.status_code == 404
    assert missing.get_json() == {"error": {"code": "not_found", "message": "Not found"}}
    # ids beyond what an integer column holds match no route (not a driver error, a 500).
    # werkzeug answers 405 for them because PUT and DELETE share the path: still no leak.
    for too_big in (2**31, 10**20):
        refused = client.get(f"{URL}/{too_big}", headers=headers)
        assert refused.status_code in (404, 405), too_big
        assert refused.get_json()["error"]["code"] in ("not_found", "method_not_allowed")


def test_each_inspection_keeps_the_uuid_it_was_sent_with(seeded, client, inspector):
    _user_id, headers = inspector
    sent = [str(uuid.uuid4()) for _ in range(3)]
    for client_uuid in sent:
        assert (
            client.post(
                URL, json=valid_payload(client_uuid=client_uuid), headers=headers
            ).status_code
            == 201
        )
    with seeded.app_context():
        kept = (
            db.session.execute(db.select(Inspection.client_uuid).order_by(Inspection.id))
            .scalars()
            .all()
        )
    assert [str(uuid.UUID(k)) for k in kept] == sent
