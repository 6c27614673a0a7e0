"""The map's problem layer: each village mark learns whether the village has a problem not
closed ("open") or one past its deadline ("overdue"), and `?problems=1` keeps only those. The
marks stay plain records (app/maps/data.py draws them; app/maps/build.py stays pure)."""

from dataclasses import replace

from flask import g

from app.clock import county_today
from app.problems.queries import villages_with_problems


def with_problems(located: list, unlocated: list, only: bool):
    """(located marks with their `problem`, unlocated rows, {village code: "open"|"overdue"})."""
    shown = {v.code for v in located} | {v.code for v in unlocated}
    found = villages_with_problems(g.actor, county_today()).items()
    problems = {code: kind for code, kind in found if code in shown}
    located = [replace(v, problem=problems[v.code]) if v.code in problems else v for v in located]
    if only:
        located = [v for v in located if v.problem]
        unlocated = [v for v in unlocated if v.code in problems]
    return located, unlocated, problems
