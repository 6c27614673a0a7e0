"""Who may call the API: tokens (401), roles (403), township scope (403, or 404 where existence
itself must not leak), the JSON shape of routing errors, and CSRF on session-authenticated writes.
Every refused write is shown to store nothing.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app import create_app
from app.extensions import db
from app.models import ApiToken, User
from tests.api_payloads import (
    DATABASES,
    INSPECTOR_TOWNSHIP,
    NO_ROWS,
    NOON_28_NOV,
    OTHER_TOWNSHIP,
    OTHER_VILLAGE,
    OWN_VILLAGE,
    add_user,
    bearer,
    clear_activity,
    fixed_clock,
    row_counts,
    seeded_module_app,
    valid_payload,
)

URL = "/api/v1/inspections"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module", params=DATABASES)
def county(request, tmp_path_factory):
    """The seeded county, once per module and database (see tests/api_payloads.py)."""
    yield from seeded_module_app(request, tmp_path_factory)


@pytest.fixture(autouse=True)
def fresh(county):
    clear_activity(county)


@pytest.fixture
def client(county):
    return county.test_client()


def headers_for(app, role, township=None):
    township = township or (INSPECTOR_TOWNSHIP if role in ("inspector", "township_lead") else None)
    return {**bearer(app, add_user(app, role, township)), "Accept-Language": "en"}


def stored_inspection(app, client, village=OWN_VILLAGE):
    """An inspection made by a county admin (who may write anywhere); its id."""
    response = client.post(
        URL, json=valid_payload(village_code=village), headers=headers_for(app, "county_admin")
    )
    assert response.status_code == 201
    return response.get_json()["id"]


# --- 401: no usable token ------------------------------------------------------------------


def _spoil(app, user_id, how):
    """Make the user's newest token unusable in one of the ways a token can be."""
    with app.app_context():
        token = (
            db.session.execute(db.select(ApiToken).where(ApiToken.user_id == user_id))
            .scalars()
            .one()
        )
        if how == "expired":
            token.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        elif how == "revoked":
            token.revoked_at = datetime.now(UTC)
        elif how == "inactive user":
            db.session.get(User, user_id).active = False
        db.session.commit()


@pytest.mark.parametrize(
    "case",
    [
        "no header",
        "empty token",
        "not bearer",
        "wrong token",
        "expired",
        "revoked",
        "inactive user",
    ],
)
def test_without_a_usable_token_every_call_is_401(county, client, case):
    user_id = add_user(county, "inspector", INSPECTOR_TOWNSHIP)
    good = bearer(county, user_id)
    headers = {
        "no header": {},
        "empty token": {"Authorization": "Bearer "},
        "not bearer": {"Authorization": "Basic aW5zcGVjdG9yOnNlY3JldA=="},
        "wrong token": {"Authorization": good["Authorization"][:-2] + "xx"},
    }.get(case, good)
    if case in ("expired", "revoked", "inactive user"):
        _spoil(county, user_id, case)
    calls = [
        ("post", URL, {"json": valid_payload()}),
        ("get", "/api/v1/villages", {}),
        ("get", "/api/v1/townships", {}),
        ("get", f"{URL}?village={OWN_VILLAGE}", {}),
        ("get", f"{URL}/1", {}),
    ]
    for method, url, kwargs in calls:
        response = getattr(client, method)(
            url, headers={**headers, "Accept-Language": "zh"}, **kwargs
        )
        assert response.status_code == 401, (method, url)
        assert response.get_json() == {
            "error": {"code": "unauthorized", "message": "请先登录或提供有效的令牌"}
        }
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert row_counts(county) == NO_ROWS


def test_a_token_just_before_expiry_still_works(county, client):
    user_id = add_user(county, "inspector", INSPECTOR_TOWNSHIP)
    headers = bearer(county, user_id)
    with county.app_context():
        token = db.session.execute(db.select(ApiToken)).scalars().one()
        token.expires_at = datetime.now(UTC) + timedelta(minutes=1)
        db.session.commit()
    assert client.get("/api/v1/townships", headers=headers).status_code == 200


# --- POST /auth/token ----------------------------------------------------------------------


def test_token_for_a_username_and_password(county, client):
    add_user(county, "inspector", INSPECTOR_TOWNSHIP, username="wang", password=PASSWORD)
    before = datetime.now(UTC)
    response = client.post("/api/v1/auth/token", json={"username": "wang", "password": PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "expires_at"}
    # API_TOKEN_HOURS defaults to 30 days
    lifetime = datetime.fromisoformat(body["expires_at"]) - before
    assert timedelta(days=30) - timedelta(minutes=1) < lifetime <= timedelta(days=30, minutes=1)
    villages = client.get("/api/v1/villages", headers={"Authorization": f"Bearer {body['token']}"})
    assert villages.status_code == 200
    with county.app_context():  # only the hash is kept
        kept = db.session.execute(db.select(ApiToken.token_hash)).scalars().one()
    assert kept == ApiToken.hash(body["token"]) and body["token"] not in kept


@pytest.mark.parametrize(
    ("credentials", "lang", "message"),
    [
        ({"username": "wang", "password": "wrong password"}, "en", "Wrong username or password"),
        ({"username": "nobody", "password": PASSWORD}, "zh", "用户名或密码错误"),
        ({"username": "retired", "password": PASSWORD}, "en", "Wrong username or password"),
    ],
)
def test_token_refused_for_bad_credentials(county, client, credentials, lang, message):
    add_user(county, "inspector", INSPECTOR_TOWNSHIP, username="wang", password=PASSWORD)
    retired = add_user(county, "viewer", username="retired", password=PASSWORD)
    with county.app_context():
        db.session.get(User, retired).active = False
        db.session.commit()
    response = client.post(
        "/api/v1/auth/token", json=credentials, headers={"Accept-Language": lang}
    )
    assert response.status_code == 401
    assert response.get_json() == {"error": {"code": "invalid_credentials", "message": message}}
    with county.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 0


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"username": "wang"}, {"password": ["Missing data for required field."]}),
        (
            {"username": "", "password": PASSWORD},
            {"username": ["Length must be between 1 and 64."]},
        ),
        (
            {"username": "wang", "password": PASSWORD, "role": "county_admin"},
            {"role": ["Unknown field."]},
        ),
        ({"username": 7, "password": PASSWORD}, {"username": ["Not a valid string."]}),
        # a NUL would reach PostgreSQL in the user lookup and fail there
        (
            {"username": "wang\x00", "password": PASSWORD},
            {
                "username": [
                    "Contains a character that cannot be stored (NUL or an unpaired surrogate)"
                ]
            },
        ),
    ],
)
def test_token_request_must_be_well_formed(county, client, body, errors):
    response = client.post("/api/v1/auth/token", json=body, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.get_json() == {"errors": errors}


# --- roles and township scope ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "village", "status"),
    [
        ("inspector", OWN_VILLAGE, 201),
        ("inspector", OTHER_VILLAGE, 403),
        ("county_admin", OWN_VILLAGE, 201),
        ("county_admin", OTHER_VILLAGE, 201),
        ("township_lead", OWN_VILLAGE, 403),
        ("viewer", OWN_VILLAGE, 403),
    ],
)
def test_who_may_create_where(county, client, role, village, status):
    response = client.post(
        URL, json=valid_payload(village_code=village), headers=headers_for(county, role)
    )
    assert response.status_code == status, response.get_json()
    if status == 403:
        assert response.get_json() == {
            "error": {"code": "forbidden", "message": "You may not do this"}
        }
        assert row_counts(county) == NO_ROWS
    else:
        assert response.get_json()["village_code"] == village


def test_an_unknown_village_is_404_and_stores_nothing(county, client):
    for role in ("inspector", "county_admin"):
        response = client.post(
            URL, json=valid_payload(village_code="140225101299"), headers=headers_for(county, role)
        )
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    assert row_counts(county) == NO_ROWS


@pytest.mark.parametrize(
    ("role", "township", "own", "other"),
    [
        # status of GET /inspections/<id> for an inspection in 西坊城镇 and one in 蔡村镇;
        # another township's inspection is 404 (not 403): its existence is not theirs to know.
        ("inspector", INSPECTOR_TOWNSHIP, 200, 404),
        ("inspector", OTHER_TOWNSHIP, 404, 200),
        ("township_lead", INSPECTOR_TOWNSHIP, 200, 404),
        ("county_admin", None, 200, 200),
        ("viewer", None, 403, 403),
    ],
)
def test_who_may_read_one_inspection(county, client, role, township, own, other):
    own_id = stored_inspection(county, client, OWN_VILLAGE)
    other_id = stored_inspection(county, client, OTHER_VILLAGE)
    headers = headers_for(county, role, township)
    for inspection_id, status in ((own_id, own), (other_id, other)):
        response = client.get(f"{URL}/{inspection_id}", headers=headers)
        assert response.status_code == status, (inspection_id, response.get_json())
        if status == 200:
            assert response.get_json()["id"] == inspection_id


@pytest.mark.parametrize(
    ("role", "own", "other"),
    [
        ("inspector", 200, 403),
        ("township_lead", 200, 403),
        ("county_admin", 200, 200),
        ("viewer", 403, 403),
    ],
)
def test_who_may_list_a_village_s_inspections(county, client, role, own, other):
    stored_inspection(county, client, OWN_VILLAGE)
    stored_inspection(county, client, OTHER_VILLAGE)
    headers = headers_for(county, role)
    for village, status in ((OWN_VILLAGE, own), (OTHER_VILLAGE, other)):
        response = client.get(f"{URL}?village={village}", headers=headers)
        assert response.status_code == status
        if status == 200:
            assert [i["village_code"] for i in response.get_json()["inspections"]] == [village]


# --- geography ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "query", "status", "count"),
    [
        # 西坊城镇 has 11 villages, 蔡村镇 8; the county 213 villages + 11 communities = 224.
        ("inspector", "", 200, 11),
        ("inspector", f"?township={INSPECTOR_TOWNSHIP}", 200, 11),
        ("inspector", f"?township={OTHER_TOWNSHIP}", 403, None),
        ("township_lead", "", 200, 11),
        ("township_lead", f"?township={OTHER_TOWNSHIP}", 403, None),
        ("county_admin", "", 200, 224),
        ("county_admin", f"?township={OTHER_TOWNSHIP}", 200, 8),
        ("viewer", "", 200, 224),
        ("viewer", f"?township={OTHER_TOWNSHIP}&lang=zh", 200, 8),
        ("county_admin", "?township=140225199", 404, None),
        ("county_admin", "?township=西坊城镇", 422, None),
    ],
)
def test_villages_by_role(county, client, role, query, status, count):
    response = client.get(f"/api/v1/villages{query}", headers=headers_for(county, role))
    assert response.status_code == status, response.get_json()
    if count is not None:
        villages = response.get_json()["villages"]
        assert len(villages) == count
        if count == 11:
            assert {v["township_code"] for v in villages} == {INSPECTOR_TOWNSHIP}
            assert villages[0] == {
                "code": "140225101200",
                "name": "西坊城村委会",
                "kind": "village",
                "township_code": INSPECTOR_TOWNSHIP,
                "zone": "unknown",
                "households": None,
                "lat": None,
                "lon": None,
            }


@pytest.mark.parametrize("role", ["inspector", "township_lead", "county_admin", "viewer"])
def test_every_role_lists_the_16_townships(county, client, role):
    response = client.get("/api/v1/townships", headers=headers_for(county, role))
    assert response.status_code == 200
    townships = response.get_json()["townships"]
    assert len(townships) == 16
    xifangcheng = next(t for t in townships if t["code"] == INSPECTOR_TOWNSHIP)
    assert (xifangcheng["name"], xifangcheng["kind"], xifangcheng["village_count"]) == (
        "西坊城镇",
        "town",
        11,
    )


# --- routing errors are JSON too -------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/api/v1/nothing-here", 404, "not_found"),
        ("post", "/api/v1/inspections/1/photos", 404, "not_found"),
        ("delete", URL, 405, "method_not_allowed"),
        ("get", "/api/v1/auth/token", 405, "method_not_allowed"),
        ("patch", f"{URL}/1", 405, "method_not_allowed"),
    ],
)
def test_routing_errors_answer_json(county, client, method, path, status, code):
    for headers in ({}, headers_for(county, "county_admin")):
        response = getattr(client, method)(path, headers=headers)
        assert response.status_code == status
        assert response.is_json
        assert response.get_json()["error"]["code"] == code


# --- sessions and CSRF -----------------------------------------------------------------------


def _sign_in(client, username):
    page = client.get("/login")
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)
    )
    form = {"username": username, "password": PASSWORD}
    if token:
        form["csrf_token"] = token.group(1)
    assert client.post("/login", data=form).status_code == 302
    if not token:
        return None
    # Signing in starts a fresh session (no fixation), so the form's token is spent: take the
    # one a signed-in page carries.
    home = client.get("/inspect/").get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', home).group(1)


@pytest.fixture
def csrf_app(county):
    """The same database seen by an app with CSRF protection on, as in production."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": county.config["DATABASE_URL"],
            "SECRET_KEY": "test-secret-key-not-for-production-" + "x" * 16,
            "WTF_CSRF_ENABLED": True,
            "CLOCK": fixed_clock(NOON_28_NOV),
        }
    )
    app.instance_path = county.instance_path
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_session_write_without_csrf_token_is_refused(county, csrf_app):
    add_user(county, "inspector", INSPECTOR_TOWNSHIP, username="li", password=PASSWORD)
    client = csrf_app.test_client()
    csrf_token = _sign_in(client, "li")
    assert csrf_token
    refused = client.post(URL, json=valid_payload())
    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "csrf"
    forged = client.post(URL, json=valid_payload(), headers={"X-CSRFToken": "forged"})
    assert forged.status_code == 400
    assert row_counts(county) == NO_ROWS
    # reading needs no token, and the session does identify the inspector
    assert client.get("/api/v1/villages").status_code == 200

    accepted = client.post(URL, json=valid_payload(), headers={"X-CSRFToken": csrf_token})
    assert accepted.status_code == 201
    assert row_counts(county)["inspections"] == 1


def test_bearer_writes_need_no_csrf_token(county, csrf_app):
    headers = headers_for(county, "inspector")
    response = csrf_app.test_client().post(URL, json=valid_payload(), headers=headers)
    assert response.status_code == 201


def test_with_csrf_off_a_session_may_write(county, client):
    # The test apps turn CSRF off; the API's own session check must honour that switch too.
    add_user(county, "inspector", INSPECTOR_TOWNSHIP, username="zhao", password=PASSWORD)
    assert _sign_in(client, "zhao") is None
    assert client.post(URL, json=valid_payload()).status_code == 201


def test_a_session_of_a_deactivated_user_stops_working(county, client):
    user_id = add_user(county, "inspector", INSPECTOR_TOWNSHIP, username="sun", password=PASSWORD)
    _sign_in(client, "sun")
    assert client.get("/api/v1/villages").status_code == 200
    with county.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    assert client.get("/api/v1/villages").status_code == 401
    assert client.post(URL, json=valid_payload()).status_code == 401
    assert row_counts(county) == NO_ROWS
