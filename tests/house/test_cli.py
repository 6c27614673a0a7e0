"""The command-line tasks: import-villages (all rows or none), create-user and ensure-admin."""

import re

import pytest

from app.extensions import db
from app.models import AuditEvent, Township, User, Village

GOOD_CSV = (
    "code,zone,households,lat,lon\n"
    "140225101200,plain,412,39.6123,113.4901\n"
    "140225102200,mountain,88,,\n"
    "140225101201,,,,\n"
)


def village_facts(app, code):
    with app.app_context():
        v = db.session.execute(db.select(Village).where(Village.code == code)).scalar_one()
        return v.zone, v.households, v.lat, v.lon, v.location_source


def all_village_facts(app):
    with app.app_context():
        return db.session.execute(
            db.select(
                Village.code, Village.zone, Village.households, Village.lat, Village.lon
            ).order_by(Village.code)
        ).all()


def write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "villages.csv"
    path.write_text(text, encoding=encoding)
    return str(path)


# --- import-villages --------------------------------------------------------------------------


def test_import_sets_zone_households_and_location(seeded, runner, tmp_path):
    result = runner.invoke(args=["import-villages", write(tmp_path, GOOD_CSV)])
    assert result.exit_code == 0, result.output
    assert "updated 3 villages" in result.output
    assert village_facts(seeded, "140225101200") == (
        "plain",
        412,
        39.6123,
        113.4901,
        "import-villages (WGS-84)",
    )
    # blank cells leave what was there: no location for 蔡村 before, none after
    assert village_facts(seeded, "140225102200") == ("mountain", 88, None, None, None)
    assert village_facts(seeded, "140225101201") == ("unknown", None, None, None, None)


def test_import_reads_a_file_saved_by_excel_with_a_bom(seeded, runner, tmp_path):
    result = runner.invoke(args=["import-villages", write(tmp_path, GOOD_CSV, "utf-8-sig")])
    assert result.exit_code == 0, result.output
    assert village_facts(seeded, "140225101200")[:2] == ("plain", 412)


def test_a_file_with_bad_rows_reports_each_and_changes_nothing(seeded, runner, tmp_path):
    before = all_village_facts(seeded)
    text = (
        "code,zone,households,lat,lon\n"  # line 1
        "140225101200,plain,412,39.6123,113.4901\n"  # line 2: good
        "140225999999,plain,10,,\n"  # line 3: no such village
        "140225102200,mountain,88,,\n"  # line 4: good
        "140225102201,hills,5,,\n"  # line 5: not a zone
        "140225102202,plain,-3,,\n"  # line 6: negative households
        "140225102207,plain,12.5,,\n"  # line 7: a fraction
        "140225102204,plain,10,39.7,\n"  # line 8: lat without lon
        "140225102208,plain,10,north,113.6\n"  # line 9: not a number
        "140225102210,plain,10,39.7,113.6\n"  # line 10: good
    )
    result = runner.invoke(args=["import-villages", write(tmp_path, text)])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("line ")]
    assert lines == [
        "line 3: unknown village code '140225999999'",
        "line 5: zone 'hills' is not one of plain, mountain, county_town, unknown",
        "line 6: households '-3' is not a whole number ≥ 0",
        "line 7: households '12.5' is not a whole number ≥ 0",
        "line 8: lat and lon go together",
        "line 9: lat 'north' is not a number",
    ]
    assert "6 bad row(s); nothing was imported" in result.stderr
    assert all_village_facts(seeded) == before


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("140225101200,plain,10,40.5,113.6", "lat 40.5 is outside the county (39.2–40.0)"),
        ("140225101200,plain,10,39.6,114.5", "lon 114.5 is outside the county (113.2–114.2)"),
        # swapped columns land far outside
        ("140225101200,plain,10,113.49,39.61", "lat 113.49 is outside the county (39.2–40.0)"),
    ],
)
def test_coordinates_outside_the_county_are_refused(seeded, runner, tmp_path, row, message):
    before = all_village_facts(seeded)
    text = "code,zone,households,lat,lon\n" + row + "\n"
    result = runner.invoke(args=["import-villages", write(tmp_path, text)])
    assert result.exit_code == 1
    assert f"line 2: {message}" in result.stderr
    assert all_village_facts(seeded) == before


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("code,zone,colour", "line 1: unknown column(s): colour"),
        ("village,zone", "line 1: the header needs a 'code' column"),
    ],
)
def test_a_bad_header_is_refused(seeded, runner, tmp_path, header, message):
    before = all_village_facts(seeded)
    result = runner.invoke(
        args=["import-villages", write(tmp_path, f"{header}\n140225101200,plain,x\n")]
    )
    assert result.exit_code == 1
    assert message in result.stderr
    assert all_village_facts(seeded) == before


# --- create-user ---------------------------------------------------------------------------


def user_row(app, username):
    with app.app_context():
        user = db.session.execute(
            db.select(User).where(User.username == username)
        ).scalar_one_or_none()
        if user is None:
            return None
        township = db.session.get(Township, user.township_id) if user.township_id else None
        return user.role, township.code if township else None, user.password_hash


def test_create_user_reads_the_password_from_a_prompt(seeded, runner):
    result = runner.invoke(
        args=["create-user", "wang", "--role", "inspector", "--township", "140225101"],
        input="long enough pw\nlong enough pw\n",
    )
    assert result.exit_code == 0, result.output
    assert "created inspector wang" in result.output
    assert "long enough pw" not in result.output  # hidden input is not echoed
    role, township, password_hash = user_row(seeded, "wang")
    assert (role, township) == ("inspector", "140225101")
    assert "long enough pw" not in password_hash
    with seeded.app_context():
        user = db.session.execute(db.select(User).where(User.username == "wang")).scalar_one()
        assert user.check_password("long enough pw")
        assert not user.check_password("long enough")


@pytest.mark.parametrize("name", ["a", "x" * 70, "admin\u202e", "wang li", "王"])
def test_create_user_refuses_a_name_the_web_refuses(seeded, runner, name):
    """The re-test's 1- and 70-character names and U+202E (on PostgreSQL the 70 characters
    reached VARCHAR(64), and the traceback printed the new password's hash)."""
    result = runner.invoke(
        args=["create-user", name, "--role", "viewer", "--password", "another good one"]
    )
    assert result.exit_code != 0
    assert "A username is 2–64 letters, digits or _ . -" in result.output
    assert "scrypt" not in result.output
    assert user_row(seeded, name) is None


@pytest.mark.parametrize("display_name", ["王" * 65, "王\u202e五", "line\nbreak"])
def test_create_user_refuses_a_display_name_the_web_refuses(seeded, runner, display_name):
    """65 characters reached PostgreSQL's VARCHAR(64) as the username once did (its traceback
    printing the password's hash); a bidi override or a line break is refused as well."""
    result = runner.invoke(
        args=[
            "create-user",
            "wangwu",
            "--role",
            "viewer",
            "--password",
            "another good one",
            "--name",
            display_name,
        ]
    )
    assert result.exit_code != 0
    assert "A name is at most 64 characters, without control characters" in result.output
    assert "scrypt" not in result.output
    assert user_row(seeded, "wangwu") is None


def test_create_user_takes_password_option(seeded, runner):
    result = runner.invoke(
        args=[
            "create-user",
            "zhang",
            "--role",
            "county_admin",
            "--password",
            "another good one",
            "--name",
            "张主任",
        ]
    )
    assert result.exit_code == 0, result.output
    assert user_row(seeded, "zhang")[:2] == ("county_admin", None)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["create-user", "li", "--role", "inspector", "--password", "long enough pw"],
            "role inspector needs --township",
        ),
        (
            ["create-user", "li", "--role", "township_lead", "--password", "long enough pw"],
            "role township_lead needs --township",
        ),
        (
            [
                "create-user",
                "li",
                "--role",
                "inspector",
                "--township",
                "140225199",
                "--password",
                "long enough pw",
            ],
            "no township 140225199",
        ),
        (
            ["create-user", "li", "--role", "viewer", "--password", "short"],
            "At least 12 characters",
        ),
        (
            ["create-user", "li", "--role", "viewer", "--county", "140226"]
            + ["--password", "long enough pw"],
            "no county 140226",
        ),
        (
            ["create-user", "li", "--role", "inspector", "--township", "140225101"]
            + ["--county", "140225", "--password", "long enough pw"],
            "role inspector takes no --county",
        ),
    ],
)
def test_create_user_refusals(seeded, runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert message in result.output
    assert user_row(seeded, "li") is None


def test_create_user_with_a_county_limits_them_to_it(seeded, runner):
    result = runner.invoke(
        args=["create-user", "sun", "--role", "viewer", "--county", "140225"]
        + ["--password", "long enough pw"]
    )
    assert result.exit_code == 0, result.output
    with seeded.app_context():
        user = db.session.execute(db.select(User).where(User.username == "sun")).scalar_one()
        assert (user.role, user.county.code, user.township_id) == ("viewer", "140225", None)
        event = db.session.execute(
            db.select(AuditEvent).where(AuditEvent.action == "user.create")
        ).scalar_one()
        assert event.details["county"] == "140225"


def test_create_user_refuses_a_duplicate(seeded, runner):
    first = runner.invoke(
        args=["create-user", "zhao", "--role", "viewer", "--password", "long enough pw"]
    )
    assert first.exit_code == 0
    kept = user_row(seeded, "zhao")
    again = runner.invoke(
        args=["create-user", "zhao", "--role", "county_admin", "--password", "other password"]
    )
    assert again.exit_code == 1
    assert "user zhao exists" in again.output
    assert user_row(seeded, "zhao") == kept


def test_create_user_refuses_an_unknown_role(seeded, runner):
    result = runner.invoke(
        args=["create-user", "qian", "--role", "mayor", "--password", "long enough pw"]
    )
    assert result.exit_code == 2
    assert user_row(seeded, "qian") is None


# --- ensure-admin ----------------------------------------------------------------------------


def test_ensure_admin_creates_the_admin_once_and_prints_its_password(app, runner):
    first = runner.invoke(args=["ensure-admin"])
    assert first.exit_code == 0, first.output
    password = re.search(r"admin / (\S+)", first.output).group(1)
    assert len(password) >= 16  # token_urlsafe(12): 16 characters
    assert "create-user NAME --role inspector --township" in first.output
    with app.app_context():
        users = db.session.execute(db.select(User)).scalars().all()
        assert [(u.username, u.role) for u in users] == [("admin", "county_admin")]
        assert users[0].check_password(password)
        assert users[0].must_change_password is True
    assert "must be changed at the first" in first.output
    second = runner.invoke(args=["ensure-admin"])
    assert second.exit_code == 0
    assert second.output == ""
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_ensure_admin_does_nothing_when_someone_exists(seeded, runner):
    made = runner.invoke(
        args=["create-user", "sun", "--role", "viewer", "--password", "long enough pw"]
    )
    assert made.exit_code == 0
    result = runner.invoke(args=["ensure-admin"])
    assert (result.exit_code, result.output) == (0, "")
    assert user_row(seeded, "admin") is None
