"""The sampling draw (issue 23): a year of months in which, per township, every seller is drawn
before any is drawn twice, at least ⌈20 %⌉ are drawn each month, every seller has been drawn by
December, and the draw is reproducible. The pure rule first, then the stored plan through the
API on both databases."""

import math

import pytest

from app.sites.draw import Candidate, draw, required
from tests.api_payloads import DATABASES, clear_activity, seeded_module_app
from tests.sites.world import (
    INSPECTOR_TOWNSHIP,
    OTHER_TOWNSHIP,
    OTHER_VILLAGE,
    OWN_VILLAGE,
    add_sites,
    headers,
    visit,
)

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


def run_year(codes: list[str], township: str, sampled_when_drawn: bool) -> list[list[str]]:
    drawn_count = dict.fromkeys(codes, 0)
    sampled = set()
    months = []
    for month in MONTHS:
        candidates = [Candidate(c, c in sampled, drawn_count[c]) for c in codes]
        chosen = draw("coal_seller", month, township, 0.2, candidates)
        for code in chosen:
            drawn_count[code] += 1
            if sampled_when_drawn:
                sampled.add(code)
        months.append(chosen)
    return months


def first_repeat_after_all(months: list[list[str]], codes: list[str]) -> bool:
    """Whether no code is drawn a second time before every code has been drawn once (within a
    month the draws have no order: a month may finish one round and begin the next)."""
    seen: set[str] = set()
    for chosen in months:
        repeats = [c for c in chosen if c in seen]
        seen.update(chosen)
        if repeats and seen != set(codes):
            return False
    return seen == set(codes)


@pytest.mark.parametrize("size", [1, 4, 5, 7, 12, 23])
@pytest.mark.parametrize("sampled_when_drawn", [True, False])
def test_a_year_draws_everyone_before_anyone_twice(size, sampled_when_drawn):
    codes = [f"CS-{i:02d}" for i in range(size)]
    months = run_year(codes, "140225101", sampled_when_drawn)
    assert all(len(chosen) >= math.ceil(0.2 * size) for chosen in months)
    assert all(len(set(chosen)) == len(chosen) for chosen in months)
    assert first_repeat_after_all(months, codes)
    # reproducible: the same inputs give the same draw
    assert run_year(codes, "140225101", sampled_when_drawn) == months


def test_seven_sellers_worked_by_hand():
    """⌈0.2 × 7⌉ = 2 a month: months 1–3 draw 6 new sellers, month 4 the seventh and one again."""
    codes = [f"CS-{i}" for i in range(7)]
    months = run_year(codes, "140225101", True)
    assert [len(m) for m in months] == [2] * 12
    assert len(set(months[0] + months[1] + months[2])) == 6
    assert set(codes) - set(months[0] + months[1] + months[2]) <= set(months[3])


def test_the_months_left_raise_the_count_for_sellers_not_yet_sampled():
    # December: all 9 of 10 not yet sampled are required, not ⌈20 %⌉ = 2
    assert required(0.2, 10, 9, 12) == 9
    # October: 3 months left, 9 not sampled → 3
    assert required(0.2, 10, 9, 10) == 3
    assert required(0.2, 10, 0, 1) == 2
    assert required(0.2, 0, 0, 1) == 0


@pytest.fixture(scope="module", params=DATABASES)
def county(request, tmp_path_factory):
    yield from seeded_module_app(request, tmp_path_factory)


@pytest.fixture(autouse=True)
def fresh(county):
    clear_activity(county)


def test_the_stored_plan_over_a_year_per_township(county):
    client = county.test_client()
    admin = headers(county, "county_admin")
    own = [(f"A-{i}", OWN_VILLAGE, {}) for i in range(6)]
    other = [(f"B-{i}", OTHER_VILLAGE, {}) for i in range(11)]
    add_sites(client, admin, "coal_seller", own + other)
    per_township: dict[str, list[list[str]]] = {INSPECTOR_TOWNSHIP: [], OTHER_TOWNSHIP: []}
    # Nobody is sampled in this test, so the months left raise the count in the autumn:
    # 6 sellers: ⌈6/3⌉ = 2 in October, ⌈6/2⌉ = 3 in November, 6 in December; 11 sellers:
    # ⌈0.2 × 11⌉ = 3 until ⌈11/3⌉ = 4 in October, ⌈11/2⌉ = 6, then 11.
    required_by_hand = [5] * 9 + [6, 9, 17]
    for month, needed in zip(MONTHS, required_by_hand, strict=True):
        url = f"/api/v1/sampling-plan?kind=coal_seller&month={month}"
        plan = client.get(url, headers=admin).get_json()
        assert client.get(url, headers=admin).get_json() == plan  # kept, not drawn again
        assert plan["required"] == needed
        assert len(plan["sites"]) == needed
        for township in per_township:
            per_township[township].append(
                [s["code"] for s in plan["sites"] if s["township_code"] == township]
            )
    for township, months in per_township.items():
        codes = [c for c, *_ in (own if township == INSPECTOR_TOWNSHIP else other)]
        assert all(len(m) >= math.ceil(0.2 * len(codes)) for m in months)
        assert first_repeat_after_all(months, codes)


def test_the_inspector_sees_their_township_and_sampled_is_this_month(county):
    client = county.test_client()
    admin = headers(county, "county_admin")
    add_sites(client, admin, "coal_seller", [("A-1", OWN_VILLAGE, {}), ("B-1", OTHER_VILLAGE, {})])
    inspector = headers(county, "inspector")
    url = "/api/v1/sampling-plan?kind=coal_seller&month=2026-11"
    plan = client.get(url, headers=inspector).get_json()
    assert plan == {
        "kind": "coal_seller",
        "month": "2026-11",
        "required": 1,
        "sites": [
            {
                "code": "A-1",
                "name": "A-1 名称",
                "township_code": INSPECTOR_TOWNSHIP,
                "due_on": "2026-11-25",
                "source": "draw",
                "sampled": False,
            }
        ],
    }
    visit(client, inspector, "A-1", "2026-11-20", {"sample_taken": True, "sample_passed": True})
    assert client.get(url, headers=inspector).get_json()["sites"][0]["sampled"] is True
    assert client.get(url, headers=headers(county, "viewer")).status_code == 403
    bad = client.get("/api/v1/sampling-plan?kind=coal_seller&month=2026-13", headers=inspector)
    assert bad.status_code == 422


def test_a_county_admin_adjusts_the_draw_and_it_is_kept(county):
    client = county.test_client()
    admin = headers(county, "county_admin")
    add_sites(client, admin, "coal_seller", [(f"A-{i}", OWN_VILLAGE, {}) for i in range(3)])
    url = "/api/v1/sampling-plan?kind=coal_seller&month=2026-03"
    drawn = [s["code"] for s in client.get(url, headers=admin).get_json()["sites"]]
    assert len(drawn) == 1  # ⌈0.2 × 3⌉ (and ⌈3 ÷ 10 months left⌉)
    other = next(c for c in ["A-0", "A-1", "A-2"] if c not in drawn)
    adjust = "/api/v1/sampling-plan/adjust"
    body = {"kind": "coal_seller", "month": "2026-03"}
    out = client.post(adjust, json={**body, "site_code": drawn[0], "drawn": False}, headers=admin)
    assert out.get_json()["sites"] == []
    assert client.get(url, headers=admin).get_json()["sites"] == []  # not drawn again
    added = client.post(adjust, json={**body, "site_code": other, "drawn": True}, headers=admin)
    assert [(s["code"], s["source"]) for s in added.get_json()["sites"]] == [(other, "admin")]
    refused = client.post(
        adjust,
        json={**body, "site_code": other, "drawn": False},
        headers=headers(county, "inspector"),
    )
    assert refused.status_code == 403
