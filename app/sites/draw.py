"""Which sites a sampling rule draws in one township and month: pure (no Flask, no database),
so that the draw can be proved over a whole year by hand and by test.

How many: at least ⌈share × open sites⌉, and at least ⌈not yet sampled ÷ months left⌉ so that by
December every site has been sampled (a seller registered in October is still reached). Which:
those not yet sampled this year first, then those drawn fewest times this year, then the rest;
ties are broken by a hash of (kind, month, township, code), so the same inputs always give the
same draw and nobody can predict next month's from the register's order.
"""

import hashlib
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    code: str
    sampled_this_year: bool
    drawn_this_year: int  # times drawn in earlier months of the year


def required(share: float, open_sites: int, not_sampled: int, month: int) -> int:
    """How many sites the month needs (month 1–12)."""
    months_left = 13 - month
    return min(open_sites, max(math.ceil(share * open_sites), math.ceil(not_sampled / months_left)))


def draw(kind: str, month: str, township: str, share: float, candidates: list[Candidate]):
    """The codes drawn for `month` ("2026-12"), in order of priority."""
    need = required(
        share, len(candidates), sum(not c.sampled_this_year for c in candidates), int(month[5:])
    )

    def priority(c: Candidate):
        tie = hashlib.sha256(f"{kind}|{month}|{township}|{c.code}".encode()).hexdigest()
        return (c.sampled_this_year, c.drawn_this_year, tie)

    return [c.code for c in sorted(candidates, key=priority)[:need]]
