"""Calculated fields: the server's evaluator on the shared cases (the phone's runs the same cases
in tests/browser/test_calculate_browser.py), and the loader refusing what is not a sum of
products of numeric answers, coefficients and constants."""

import json
import shutil

import pytest

from app.formdefs import load_forms
from app.formdefs.calculations import evaluate, parse_calculation
from app.formdefs.coefficients import SEED_FILE
from tests.paths import ROOT

CASES = json.loads((ROOT / "tests" / "fixtures" / "calculate_cases.json").read_text())["cases"]
SEEDED = {c["key"]: c["value"] for c in json.loads(SEED_FILE.read_text())["coefficients"]}


def case_inputs(case, form_set):
    """(calculation, answers, coefficients) of a shared case."""
    if "field" in case:
        calc = form_set.field_at(case["field"]).calculation
    else:
        calc = parse_calculation(case["calculate"], case["name"])
    coefficients = SEEDED if case["coefficients"] == "seeded" else case["coefficients"]
    return calc, case["answers"], coefficients


@pytest.fixture(scope="module")
def shipped():
    return load_forms(ROOT / "forms")


@pytest.mark.parametrize("case", CASES, ids=[c["name"][:50] for c in CASES])
def test_shared_case_on_the_server(case, shipped):
    calc, answers, coefficients = case_inputs(case, shipped)
    result = evaluate(calc, answers, coefficients)
    if case["expected"] is None:
        assert result is None or result.value is None
        assert (result.missing if result else ()) == tuple(case.get("missing", ()))
        return
    assert result.value == pytest.approx(case["expected"], abs=1e-9)
    if "used" in case:
        assert list(result.coefficients) == case["used"]


def test_the_seeded_coefficients_cover_every_shipped_calculation(shipped):
    for form in shipped.sections:
        for field in form.fields:
            if field.calculation:
                assert set(field.calculation.coefficient_keys) <= set(SEEDED), field.path


def test_shipped_calculated_fields(shipped):
    calculated = {f.path for form in shipped.forms for f in form.fields if f.calculation}
    assert calculated == {"manure.produced_t", "straw.produced_t", "film.used_t"}
    # the pig terms are exactly head × rate × days ÷ 1000, faeces and urine
    pig = [t for t in shipped.field_at("manure.produced_t").calculation.alternatives[0]]
    assert [(t.fields, t.coefficients, t.factor) for t in pig[:2]] == [
        (("pigs_turnoff",), ("manure.pig.faeces_kg_d", "manure.pig.days"), 0.001),
        (("pigs_turnoff",), ("manure.pig.urine_kg_d", "manure.pig.days"), 0.001),
    ]


def forms_with(tmp_path, row_changes: dict):
    target = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", target)
    manure = json.loads((target / "manure.json").read_text())
    produced = next(r for r in manure["survey"] if r["name"] == "produced_t")
    produced.update(row_changes)
    (target / "manure.json").write_text(json.dumps(manure, ensure_ascii=False))
    return target


@pytest.mark.parametrize(
    "calculate, problem",
    [
        ("produced_t * 2", "list of alternatives"),
        ([{"terms": []}], "at least one term"),
        ([{"terms": [{"fields": ["pigs_turnoff"], "power": 2}]}], "a term is"),
        ([{"terms": [{"fields": ["pigs_turnoff"], "factor": "0.001"}]}], "factor must be"),
        ([{"terms": [{"fields": ["pig_count"]}]}], "unknown 'pig_count'"),
        ([{"terms": [{"fields": ["sheep_basis"]}]}], "non-numeric 'sheep_basis'"),
        ([{"terms": [{"fields": ["utilised_t", "produced_t"]}]}], "calculated field"),
        ([{"terms": [{"fields": ["straw.maize_mu"]}]}], "not in this form or the profile"),
    ],
)
def test_the_loader_refuses_what_is_not_a_sum_of_products(tmp_path, calculate, problem):
    with pytest.raises(ValueError, match=problem):
        load_forms(forms_with(tmp_path, {"calculate": calculate}))


def test_only_a_decimal_can_be_calculated(tmp_path):
    with pytest.raises(ValueError, match="only a decimal"):
        load_forms(
            forms_with(
                tmp_path,
                {"type": "integer", "calculate": [{"terms": [{"fields": ["pigs_turnoff"]}]}]},
            )
        )
