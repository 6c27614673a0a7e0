"""The constraint language (app/formdefs/xpath.py): the shared corpus on the server, the
refusals with their column, and the parse never runs Python."""

import json

import pytest

from app.formdefs.xpath import XPathError, divisors, evaluate, holds, parse, references, unparse
from tests.paths import ROOT

CORPUS = json.loads((ROOT / "tests" / "fixtures" / "xpath_cases.json").read_text())
CASES = CORPUS["cases"]


def run(case):
    tree = parse(case["expr"])
    args = (
        case.get("here"),
        case.get("answers", {}),
        case.get("profile", {}),
        case.get("coefficients", {}),
    )
    return tree, evaluate(tree, *args), holds(tree, *args)


@pytest.mark.parametrize("case", CASES, ids=[c["expr"] for c in CASES])
def test_corpus_on_the_server(case):
    _tree, value, verdict = run(case)
    assert verdict is case["holds"]
    if "value" in case:
        assert value == case["value"]


@pytest.mark.parametrize("case", CORPUS["refused"], ids=[c["expr"] for c in CORPUS["refused"]])
def test_refused_with_the_column(case):
    with pytest.raises(XPathError) as caught:
        parse(case["expr"])
    assert caught.value.at == case["at"]
    assert caught.value.zh and caught.value.en


def test_the_tree_and_its_spelling():
    tree = parse(".>=0 and .<=10000000 and . + ${a}<=profile('households')")
    assert tree == [
        "and",
        ["and", [">=", ["self"], ["num", 0.0]], ["<=", ["self"], ["num", 10000000.0]]],
        ["<=", ["+", ["self"], ["field", "a"]], ["profile", "households"]],
    ]
    assert unparse(tree) == ". >= 0 and . <= 10000000 and . + ${a} <= profile('households')"
    assert references(tree) == [
        ("self", ""),
        ("self", ""),
        ("self", ""),
        ("field", "a"),
        ("profile", "households"),
    ]
    assert unparse(parse("(1 + 2) * 3 - (4 - 5)")) == "(1 + 2) * 3 - (4 - 5)"
    assert unparse(parse("1 - (2 - 3)")) == "1 - (2 - 3)"
    assert divisors(parse("${a} div (${b} + 1) > 2")) == [["+", ["field", "b"], ["num", 1.0]]]


def test_every_corpus_expression_survives_its_own_spelling():
    for case in CASES:
        tree = parse(case["expr"])
        assert parse(unparse(tree)) == tree, case["expr"]
