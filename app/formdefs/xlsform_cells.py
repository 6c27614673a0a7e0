"""A workbook's `constraint` and `calculation` cells back into a form definition's keys.

Pure: text in, definition keys or (zh, en) refusals out. The inverse of
app/formdefs/xlsform_sheets.py: a constraint cell is a conjunction of clauses, each of them
`. >= NUMBER` (the minimum), `. <= NUMBER` (the maximum), a sum of answers `<=` an answer (the
Σ ≤ limit rule, `. + ${b} <= profile('households')`), or anything else of the XPath subset,
which stays the field's own constraint. A calculation is `coalesce(…)` of alternatives, each a
sum of products of at most one number, answers and `coef('key')`s.
"""

import json

from app.formdefs.xpath import XPathError, conjuncts, parse, unparse


class CellError(ValueError):
    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


def _parsed(text: str):
    try:
        return parse(text)
    except XPathError as exc:
        at = exc.at + 1
        raise CellError(f"第 {at} 个字符处：{exc.zh}", f"at character {at}: {exc.en}") from None


def _ref_name(tree, field: str) -> str | None:
    """`.` → the field, `${x}` → x, `profile('x')` → profile.x; None for anything else."""
    if tree[0] == "self":
        return field
    if tree[0] == "field":
        return tree[1]
    if tree[0] == "profile":
        return f"profile.{tree[1]}"
    return None


def _summands(tree) -> list | None:
    if tree[0] == "+":
        left = _summands(tree[1])
        return None if left is None else [*left, tree[2]]
    return [tree]


def split_constraint(text: str, field: str) -> dict:
    """{"min", "max", "sum_rule": {"sum", "lte"}, "constraint"} from one constraint cell."""
    found: dict = {}
    own = []
    for clause in conjuncts(_parsed(text)):
        op, left, right = (clause + [None, None])[:3]
        if op in (">=", "<=") and left == ["self"] and right[0] == "num":
            key = "min" if op == ">=" else "max"
            if key not in found:
                value = right[1]
                found[key] = int(value) if value.is_integer() and abs(value) < 1e15 else value
                continue
        if op == "<=" and "sum_rule" not in found:
            terms = [_ref_name(t, field) for t in _summands(left) or [["num"]]]
            limit = _ref_name(right, field) if right[0] != "self" else None
            local = None not in terms and not any(t.startswith("profile.") for t in terms)
            if terms and local and limit:
                found["sum_rule"] = {"sum": terms, "lte": limit}
                continue
        own.append(clause)
    if own:
        tree = own[0]
        for clause in own[1:]:
            tree = ["and", tree, clause]
        found["constraint"] = unparse(tree)
    if "min" in found and "max" in found and found["min"] > found["max"]:
        raise CellError("下限大于上限", "the minimum is above the maximum")
    return found


def _product(tree, out: dict) -> None:
    op = tree[0]
    if op == "*":
        _product(tree[1], out)
        _product(tree[2], out)
    elif op == "num":
        if "factor" in out:
            raise CellError("每一项只能有一个常数", "one constant per product")
        out["factor"] = tree[1]
    elif op in ("field", "profile"):
        out["fields"].append(tree[1] if op == "field" else f"profile.{tree[1]}")
    elif op == "coef":
        out["coefficients"].append(tree[1])
    else:
        raise CellError(
            "估算须为“数 × 字段 × coef('…')”之和",
            "an estimate is a sum of number × field × coef('…')",
        )


def _alternative(tree) -> dict:
    terms = []
    for summand in _summands(tree) or []:
        term: dict = {"fields": [], "coefficients": []}
        _product(summand, term)
        if not term["fields"]:
            raise CellError("每一项至少要有一个字段", "each product needs a field")
        factor = term.pop("factor", None)
        term = {k: v for k, v in term.items() if v}
        if factor is not None:
            term["factor"] = int(factor) if factor.is_integer() else factor
        terms.append(term)
    return {"terms": terms}


def split_calculation(text: str) -> list[dict]:
    """The `calculate` list of a form definition from one calculation cell."""
    tree = _parsed(text)
    alternatives = tree[1:] if tree[0] == "coalesce" else [tree]
    return [_alternative(a) for a in alternatives]


def unless_text(alternatives: list[dict]) -> str:
    """The `cunjian_unless` cell: for each alternative, each term's `unless` fields (a term
    counted only while those answers are blank: an area times a default yield, issue 20), as
    JSON; empty where no term has one. XPath's subset has no `if`, so it rides beside it."""
    lists = [[term.get("unless", []) for term in alt["terms"]] for alt in alternatives]
    return json.dumps(lists, ensure_ascii=False) if any(any(x) for x in lists) else ""


def apply_unless(alternatives: list[dict], cell: str) -> None:
    """Put the `cunjian_unless` cell's fields back on the calculation's terms."""
    try:
        lists = json.loads(cell)
    except ValueError:
        lists = None
    shape = [len(alt["terms"]) for alt in alternatives]
    if not (
        isinstance(lists, list)
        and [len(x) if isinstance(x, list) else -1 for x in lists] == shape
        and all(
            isinstance(names, list) and all(isinstance(n, str) and n for n in names)
            for alt in lists
            for names in alt
        )
    ):
        raise CellError(
            "须为与估算各项对应的字段名列表（JSON）",
            "must be JSON lists of field names, one per term of the calculation",
        )
    for alt, names_per_term in zip(alternatives, lists, strict=True):
        for term, names in zip(alt["terms"], names_per_term, strict=True):
            if names:
                term["unless"] = names
