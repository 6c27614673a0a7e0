"""The made-up character of one demo village and its submission for one quarter.

Pure (no Flask, no database): given a village's code, zone and households, a seeded
random generator decides its rates' start and end over the eight quarters, when it gets a
running sewage facility, and its quantities; `submission` returns the same JSON an inspector's
phone would send. Parts are rounded down to 0.1 so they never add up to more than their whole
(the forms' cross-field rules).

The sections this knows (RANGES) get a hand-made character, so the dashboard tells a plausible
story; every section of the forms, these and any other a county adds, is then filled from its
definition (app/demo/answers.py), each from its own seed, so a new section changes no other.
"""

import math
import random
import uuid
from datetime import date, timedelta

from app.demo.answers import fill_form
from app.formdefs.loader import FormSet
from app.periods import parse_period

SEED = 20260101
UUID_NAMESPACE = uuid.UUID("6c1d2f5e-3b8a-4c4e-9a51-0d3e6f7a8b90")
# (start low, start high, end low, end high) of each rate over the eight quarters.
RANGES = {
    "sewage": (0.05, 0.30, 0.35, 0.85),
    "manure": (0.55, 0.75, 0.72, 0.93),
    "straw": (0.74, 0.88, 0.84, 0.98),
    "film": (0.18, 0.34, 0.30, 0.55),
    "heating": (0.30, 0.60, 0.70, 1.00),
}
OTHER_RANGE = (0.20, 0.50, 0.50, 0.90)  # a section this plan has no character for


def _floor1(value: float) -> float:
    """Down to 0.1, so parts never add up to more than their whole after rounding."""
    return math.floor(value * 10) / 10


class VillagePlan:
    """One village's made-up character: its size, its rates' start and end, its gaps."""

    def __init__(self, village_code: str, zone: str, households: int):
        self.rng = random.Random(f"{SEED}-{village_code}")
        self.code, self.zone, self.households = village_code, zone, households
        laggard = self.rng.random() < 0.25  # a quarter of villages end well short
        self.rates = {}
        for section, (s_lo, s_hi, e_lo, e_hi) in RANGES.items():
            start, end = self.rng.uniform(s_lo, s_hi), self.rng.uniform(e_lo, e_hi)
            if section == "heating" and zone == "mountain":
                end -= 0.15
            if laggard:
                end -= 0.15
            self.rates[section] = (start, max(end, start))
        # When the village gets a running sewage facility: from the start, during these two
        # years, or not yet (the plan's 2020 baseline was 7.6 % of villages).
        roll = self.rng.random()
        self.facility_from = (
            0.0 if roll < 0.2 else self.rng.uniform(0.1, 1.0) if roll < 0.65 else 2.0
        )
        self.manure_t = self.rng.uniform(150, 3000)
        self.straw_t = self.rng.uniform(300, 4000)
        self.film_t = self.rng.uniform(2, 30)

    def rate(self, section: str, step: float, rng: random.Random | None = None) -> float:
        start, end = self.rates.get(section) or self._other_rates(section)
        noise = (rng or self.rng).gauss(0, 0.03)
        return min(max(start + (end - start) * step + noise, 0.0), 1.0)

    def _other_rates(self, section: str) -> tuple[float, float]:
        rng = random.Random(f"{SEED}-{self.code}-{section}")
        s_lo, s_hi, e_lo, e_hi = OTHER_RANGE
        start, end = rng.uniform(s_lo, s_hi), rng.uniform(e_lo, e_hi)
        self.rates[section] = (start, max(end, start))
        return self.rates[section]

    def submission(self, quarter: str, step: float, today: date, form_set: FormSet) -> dict:
        """The JSON a phone would send: every section of `form_set` filled."""
        body = self._hand_made(quarter, step, today)
        hand_made = body.pop("sections")
        profile = fill_form(form_set.profile, self._rng(quarter, "profile"), 1.0, {}, body)
        sections = {}
        for form in form_set.sections:
            rng = self._rng(quarter, form.form_id)
            rate = self.rate(form.form_id, step, rng)
            given = hand_made.get(form.form_id)
            sections[form.form_id] = fill_form(form, rng, rate, profile, given)
        return {**body, **profile, "sections": sections}

    def _rng(self, quarter: str, form_id: str) -> random.Random:
        return random.Random(f"{SEED}-{self.code}-{quarter}-{form_id}")

    def _hand_made(self, quarter: str, step: float, today: date) -> dict:
        rng, hh = self.rng, self.households
        period = parse_period(quarter)
        last_day = min(period.end, today)
        inspected_on = period.start + timedelta(days=rng.randint(0, (last_day - period.start).days))
        has_facility = step >= self.facility_from or self.zone == "county_town"
        treated = round(hh * self.rate("sewage", step)) if has_facility else 0
        mode = (
            "none"
            if treated == 0
            else "pipe_network"
            if self.zone == "county_town"
            else rng.choice(["village_station", "septic_tank", "septic_tank"])
        )
        manure_used = _floor1(self.manure_t * self.rate("manure", step))
        straw_routes = self.straw_t * self.rate("straw", step)
        shares = [rng.uniform(0.2, 1.0) for _ in range(5)]
        routes = [_floor1(straw_routes * s / sum(shares)) for s in shares]
        clean = round(hh * self.rate("heating", step))
        weights = [(3 if self.zone == "county_town" else 0.2), 2, 1, 1.5, 0.3]
        split = [math.floor(clean * w / sum(weights)) for w in weights]
        split[1] += clean - sum(split)  # the remainder goes to electric heating
        return {
            "client_uuid": str(uuid.uuid5(UUID_NAMESPACE, f"{self.code}-{quarter}")),
            "village_code": self.code,
            "inspected_on": inspected_on.isoformat(),
            "households": hh,
            "notes": "演示数据 demo",
            "sections": {
                "sewage": {
                    "households_treated": treated,
                    "treatment_mode": mode,
                    "facility_running": mode != "none" and rng.random() < 0.75 + 0.2 * step,
                },
                "manure": {"produced_t": round(self.manure_t, 1), "utilised_t": manure_used},
                "straw": {
                    "produced_t": round(self.straw_t, 1),
                    "fertiliser_t": routes[0],
                    "feed_t": routes[1],
                    "fuel_t": routes[2],
                    "base_material_t": routes[3],
                    "raw_material_t": routes[4],
                },
                "film": {
                    "used_t": round(self.film_t, 1),
                    "recovered_t": _floor1(self.film_t * self.rate("film", step)),
                },
                "heating": dict(
                    zip(
                        ["central", "electric", "gas", "biomass", "other_clean"], split, strict=True
                    ),
                    coal=hh - clean,
                ),
            },
        }
