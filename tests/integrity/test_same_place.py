"""same_place: one inspector's fixes of one county day within tens of metres, for villages
kilometres apart. The day is the county's: 23:50 and 00:10 (Asia/Shanghai) are two days though
both are 2026-11-20 in UTC; and another inspector at the same desk is not the same person."""

import pytest

from tests.integrity_world import PLACES, flagged_world, flags_of, submit

DESK = {"lat": 39.6001, "lon": 113.5001, "accuracy_m": 8}
NEAR_DESK = {"lat": 39.6002, "lon": 113.5002, "accuracy_m": 8}  # 13.9 m away


@pytest.fixture
def fw(seeded, auth_headers):
    return flagged_world(seeded, auth_headers)


def at(client, fw, village, when, location, who="inspector"):
    return submit(
        client,
        fw.headers[who],
        village,
        location=location,
        opened_at=f"2026-11-20T{when}+08:00" if len(when) == 8 else when,
        saved_at=f"2026-11-20T{when}+08:00" if len(when) == 8 else when,
    )


def test_two_villages_9_km_apart_fixed_at_one_desk_on_one_day_are_both_flagged(seeded, client, fw):
    first = at(client, fw, fw.villages[0], "09:00:00", DESK)
    second = at(client, fw, fw.villages[2], "15:00:00", NEAR_DESK)
    mine = flags_of(seeded, second["id"])["same_place"].evidence
    assert mine["day"] == "2026-11-20"
    (line,) = mine["others"]
    assert (line["inspection"], line["village"]) == (first["id"], fw.villages[0])
    assert line["fix_m"] == pytest.approx(13.9, abs=0.1)
    assert line["villages_m"] == pytest.approx(8580, abs=20)  # 0.1° of longitude at 39.6 N
    theirs = flags_of(seeded, first["id"])["same_place"].evidence
    assert [o["inspection"] for o in theirs["others"]] == [second["id"]]


def test_23_50_and_00_10_county_time_are_two_days_though_one_utc_date(seeded, client, fw):
    # 2026-11-20T23:50+08:00 is 15:50 UTC, 2026-11-21T00:10+08:00 is 16:10 UTC: both 20 Nov UTC.
    late = at(client, fw, fw.villages[0], "2026-11-20T23:50:00+08:00", DESK)
    early = at(client, fw, fw.villages[2], "2026-11-21T00:10:00+08:00", NEAR_DESK)
    assert "same_place" not in flags_of(seeded, late["id"])
    assert "same_place" not in flags_of(seeded, early["id"])
    # …while 00:10 and 23:50 of one county day are one day.
    same_day = at(client, fw, fw.villages[3], "2026-11-21T23:50:00+08:00", DESK)
    assert [
        o["inspection"] for o in flags_of(seeded, same_day["id"])["same_place"].evidence["others"]
    ] == [early["id"]]


def test_fixes_far_apart_or_of_another_inspector_are_not_flagged(seeded, client, fw):
    a = at(client, fw, fw.villages[0], "09:00:00", DESK)
    # Another inspector at the same desk that day.
    other = at(client, fw, fw.villages[2], "10:00:00", NEAR_DESK, who="inspector_colleague")
    # A fix at its own village, 4.3 km from the desk.
    lat, lon = PLACES[1]
    moved = at(client, fw, fw.villages[1], "11:00:00", {"lat": lat, "lon": lon, "accuracy_m": 5})
    for stored in (a, other, moved):
        assert "same_place" not in flags_of(seeded, stored["id"])
