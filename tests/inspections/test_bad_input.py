"""Bad input everywhere: each a clear 4xx naming the field, nothing stored, never a 500; and a
hostile string in every text field renders as text on every page that shows it."""

import json

from app.extensions import db
from app.models import AuditEvent, Inspection
from tests.review_world import HOSTILE, make_world, payload, sign_in


def with_(village, **changes):
    body = payload(village)
    for path, value in changes.items():
        target = body
        *parents, last = path.split("__")
        for key in parents:
            target = target[key]
        target[last] = value
    return body


def bad_bodies(v: str) -> list:
    """Hostile bodies for village `v`: (body, status, the one error path it names). Also run
    through the browser's rules by tests/formdefs/test_form_rules.py."""
    return [  # (body, status, the error path it names)
        (with_(v, notes="x" * 2001), 422, "notes"),
        (with_(v, notes=5), 422, "notes"),
        (with_(v, households="many"), 422, "households"),
        (with_(v, households=1.5), 422, "households"),  # not silently 1
        (with_(v, households=-3), 422, "households"),
        (with_(v, households=10**30), 422, "households"),
        (with_(v, inspected_on="2026-11-29"), 422, "inspected_on"),  # the county's tomorrow
        (with_(v, inspected_on="2026-02-30"), 422, "inspected_on"),
        (with_(v, extra=1), 422, "extra"),
        (with_(v, sections__sewage__colour="red"), 422, "sections.sewage.colour"),
        (with_(v, sections__manure__produced_t="NaN"), 422, "sections.manure.produced_t"),
        (with_(v, sections__manure__produced_t="Infinity"), 422, "sections.manure.produced_t"),
        (with_(v, sections__manure__utilised_t=-0.5), 422, "sections.manure.utilised_t"),
        (
            with_(v, sections__sewage__facility_running="maybe"),
            422,
            "sections.sewage.facility_running",
        ),
        (with_(v, location={"lat": "NaN", "lon": 113.5}), 422, "location.lat"),
        (with_(v, client_uuid="not-a-uuid"), 422, "client_uuid"),
        (with_(v, village_code=140225101200), 422, "village_code"),
        ([1, 2], 422, "_schema"),
    ]


def test_bad_bodies_get_a_clear_4xx_and_store_nothing(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    headers = auth_headers(world.users["inspector"], lang="en")
    client, v = seeded.test_client(), world.village
    cases = bad_bodies(v)
    for body, status, path in cases:
        response = client.post("/api/v1/inspections", json=body, headers=headers)
        assert (response.status_code, list(response.get_json()["errors"])) == (status, [path]), body
    raw_cases = [  # not JSON at all, or JSON no text can be
        (b'{"households": NaN}', 400, "malformed_json"),
        (b'{"households": Infinity}', 400, "malformed_json"),
        (b'{"client_uuid": ', 400, "malformed_json"),
        (b"[" * 100_000 + b"]" * 100_000, 400, "malformed_json"),  # nesting past recursion
        (b"x" * (2 * 1024 * 1024 + 1), 413, "too_large"),  # over MAX_CONTENT_LENGTH
    ]
    unstorable = [  # valid JSON holding text no database keeps: 422 naming the field
        b'{"notes": "\\ud800"}',  # a lone surrogate
        b'{"notes": "a\\u0000b"}',  # NUL: PostgreSQL refuses it
        # Not escaped (the body is searched only when it may hold one; see app/views/api/body.py):
        b'{"notes": "a\xed\xa0\x80"}',  # UTF-8-shaped surrogate bytes, which Python's json takes
        '{"notes": "a\\u0000b"}'.encode("utf-16"),  # an escape in a UTF-16 body
    ]
    for raw in unstorable:
        response = client.post(
            "/api/v1/inspections", data=raw, headers=headers, content_type="application/json"
        )
        assert (response.status_code, list(response.get_json()["errors"])) == (422, ["notes"])
    for raw, status, code in raw_cases:
        response = client.post(
            "/api/v1/inspections", data=raw, headers=headers, content_type="application/json"
        )
        assert (response.status_code, response.get_json()["error"]["code"]) == (status, code)
    form = client.post(
        "/api/v1/inspections",
        data=json.dumps(payload(v)),
        headers=headers,
        content_type="text/plain",
    )
    assert form.status_code == 415
    # Queries and URLs: a year 0000, a NUL, an id past any integer column.
    assert (
        client.get(f"/api/v1/inspections?village={v}&period=0000", headers=headers).status_code
        == 422
    )
    assert client.get("/api/v1/villages?township=1%00", headers=headers).status_code == 400
    assert client.get("/api/v1/inspections/99999999999999999999", headers=headers).status_code in (
        404,
        405,
    )
    with seeded.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Inspection)) == 0
        created = db.session.scalar(
            db.select(db.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "inspection.create")
        )
        assert created == 0


def escaped(html: str) -> bool:
    return (
        "<script>alert(1)" not in html
        and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        and "=cmd|&#39; /C calc&#39;!A0" in html
    )


def test_a_hostile_string_renders_as_text_on_every_page(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    client = seeded.test_client()
    inspector_api = auth_headers(world.users["inspector"])
    doc = client.post(
        "/api/v1/inspections", json=payload(world.village, notes=HOSTILE), headers=inspector_api
    ).get_json()
    lead = sign_in(seeded, "lead")
    assert escaped(lead.get("/review").get_data(as_text=True))
    assert lead.post(f"/review/{doc['id']}/return", data={"comment": HOSTILE}).status_code == 303
    inspector = sign_in(seeded, "insp")
    assert escaped(inspector.get("/inspect/").get_data(as_text=True))
    assert escaped(inspector.get(f"/inspect/saved/{doc['id']}").get_data(as_text=True))
    # The form, shown again with an error, keeps the typed text as text.
    again = inspector.post(f"/inspect/{world.village}", data={"notes": HOSTILE})
    assert again.status_code == 422 and escaped(again.get_data(as_text=True))
    # The audit log shows the comment inside its JSON details, still as text.
    audit = sign_in(seeded, "admin").get("/admin/audit?action=inspection.return")
    assert "<script>alert(1)" not in audit.get_data(as_text=True)
    assert "\\u003cscript\\u003ealert(1)" in audit.get_data(as_text=True)
    # The API gives the string back exactly (JSON is not HTML; clients escape).
    got = client.get(f"/api/v1/inspections/{doc['id']}", headers=inspector_api).get_json()
    assert (got["notes"], got["review_comment"]) == (HOSTILE, HOSTILE)
