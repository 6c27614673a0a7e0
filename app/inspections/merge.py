"""A three-way merge of a stale correction: the base revision it was made from, the stored one
(theirs: someone else changed it meanwhile) and the correction (mine).

Answer by answer (flattened paths, "sections.straw.area_mu", "households", "location.lat"):
- changed by neither: the base's value;
- changed only by them: theirs is kept (a stale correction never reverts it silently);
- changed only by me: mine;
- changed by both to the same value: that value;
- changed by both to different values: a conflict, the only thing the person is asked about.
  `choices` ({path: "theirs" | "mine"}) settles conflicts; an unsettled one stays listed in
  `conflicts` and holds my value in `merged` (the form shows it, with both to choose from).

Pure: plain dicts in, plain dicts out (no Flask, no database).
"""

from collections.abc import Mapping
from dataclasses import dataclass

UNCOMPARED = frozenset({"client_uuid"})  # one inspection's revisions all carry the same one
CHOICES = ("theirs", "mine")


@dataclass(frozen=True)
class Merge:
    merged: dict  # the payload to store (or to show), nested like a revision's payload
    theirs_kept: tuple[str, ...]  # paths only they changed: their value is in `merged`
    mine_kept: tuple[str, ...]  # paths only I changed
    conflicts: tuple[str, ...]  # paths both changed differently and not settled by `choices`
    settled: tuple[str, ...] = ()  # conflicts settled by `choices`


def flatten(payload: Mapping, prefix: str = "") -> dict:
    """{"sections": {"straw": {"area_mu": 120}}} → {"sections.straw.area_mu": 120}."""
    out = {}
    for key, value in (payload or {}).items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, path + "."))
        else:
            out[path] = value
    return out


def unflatten(flat: Mapping) -> dict:
    """The inverse of flatten; None values (an answer nobody gave) are left out."""
    out: dict = {}
    for path, value in flat.items():
        if value is None:
            continue
        *parents, last = path.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return out


def three_way(
    base: Mapping, theirs: Mapping, mine: Mapping, choices: Mapping[str, str] | None = None
) -> Merge:
    choices = choices or {}
    b, t, m = flatten(base), flatten(theirs), flatten(mine)
    merged, theirs_kept, mine_kept, conflicts, settled = {}, [], [], [], []
    for path in sorted(set(b) | set(t) | set(m)):
        old, their, my = b.get(path), t.get(path), m.get(path)
        if path in UNCOMPARED:
            merged[path] = my if my is not None else their
        elif their in (my, old):
            merged[path] = my
            if my != old:
                mine_kept.append(path)
        elif my == old:
            merged[path] = their
            theirs_kept.append(path)
        elif choices.get(path) in CHOICES:
            merged[path] = their if choices[path] == "theirs" else my
            settled.append(path)
        else:
            merged[path] = my
            conflicts.append(path)
    return Merge(
        unflatten(merged), tuple(theirs_kept), tuple(mine_kept), tuple(conflicts), tuple(settled)
    )
