"""The form and indicator loaders, in pyxform's test style: each case writes a small form inline
(as JSON into tmp_path) and states what the loader must make of it. Then the shipped forms, whose
keys are the API contract of issue 2.
"""

import json
import re

import pytest

from app.formdefs import load_forms
from app.formdefs.indicators import load_indicators
from tests.paths import FORMS

LABEL = {"zh": "户数", "en": "Households"}


def profile_form(**changes):
    form = {
        "settings": {
            "form_id": "profile",
            "version": "1",
            "position": 0,
            "form_title": {"zh": "村庄概况", "en": "Village profile"},
        },
        "survey": [
            {
                "type": "integer",
                "name": "households",
                "label": LABEL,
                "required": True,
                "min": 0,
                "max": 100000,
            }
        ],
        "choices": {},
    }
    form.update(changes)
    return form


def section_form(form_id="straw", survey=None, choices=None, constraints=None, **settings):
    return {
        "settings": {
            "form_id": form_id,
            "version": "1",
            "position": 1,
            "form_title": {"zh": "秸秆", "en": "Straw"},
            **settings,
        },
        "survey": survey
        if survey is not None
        else [
            {
                "type": "decimal",
                "name": "produced_t",
                "label": {"zh": "可收集量", "en": "Collectable"},
                "required": True,
                "min": 0,
            },
            {
                "type": "decimal",
                "name": "feed_t",
                "label": {"zh": "饲料化", "en": "Feed"},
                "min": 0,
            },
            {"type": "select_one modes", "name": "mode", "label": {"zh": "方式", "en": "Mode"}},
        ],
        "choices": choices
        if choices is not None
        else {"modes": [{"name": "bale", "label": {"zh": "打捆", "en": "Baled"}}]},
        "constraints": constraints or [],
    }


def constraint(**changes):
    c = {
        "name": "feed_within_produced",
        "sum": ["feed_t"],
        "lte": "produced_t",
        "path": "feed_t",
        "message": {
            "zh": "不能超过可收集量（{limit} 吨）",
            "en": "At most the collectable ({limit} t)",
        },
    }
    c.update(changes)
    return c


def write_forms(directory, *forms, file_names=None):
    for i, form in enumerate(forms):
        name = (file_names or {}).get(i, form["settings"]["form_id"])
        (directory / f"{name}.json").write_text(json.dumps(form, ensure_ascii=False))
    return directory


def field_row(**row):
    return {"label": {"zh": "字段", "en": "Field"}, **row}


# --- a good form ---------------------------------------------------------------------------


def test_a_small_form_loads_with_everything_it_declares(tmp_path):
    form_set = load_forms(
        write_forms(tmp_path, profile_form(), section_form(constraints=[constraint()]))
    )
    assert [f.form_id for f in form_set.forms] == ["profile", "straw"]
    straw = form_set.by_id["straw"]
    assert [(f.key, f.type.name, f.required, f.min, f.max) for f in straw.fields] == [
        ("produced_t", "decimal", True, 0, None),
        ("feed_t", "decimal", False, 0, None),
        ("mode", "select_one", False, None, None),
    ]
    assert [c.name for c in straw.field("mode").choices] == ["bale"]
    (c,) = straw.constraints
    assert (c.terms, c.limit, c.path) == (("feed_t",), "produced_t", "feed_t")
    assert form_set.versions == {"profile": "1", "straw": "1"}
    assert len(straw.sha256) == 64


# --- what the loader refuses -----------------------------------------------------------------


SURVEY_REFUSALS = [
    ("unknown type", [field_row(type="geopoint", name="where")], "unknown field type 'geopoint'"),
    (
        "select_one without list name",
        [field_row(type="select_one", name="mode")],
        "select_one needs a list name",
    ),
    (
        "list name on an integer",
        [field_row(type="integer modes", name="n")],
        "select_one needs a list name, others take none",
    ),
    (
        "select_one with a missing list",
        [field_row(type="select_one colours", name="colour")],
        "no choice list 'colours'",
    ),
    (
        "missing English label",
        [{"type": "integer", "name": "n", "label": {"zh": "数量"}}],
        "text needs both zh and en",
    ),
    (
        "missing Chinese label",
        [{"type": "integer", "name": "n", "label": {"en": "Number"}}],
        "text needs both zh and en",
    ),
    (
        "empty Chinese label",
        [{"type": "integer", "name": "n", "label": {"zh": "", "en": "N"}}],
        "text needs both zh and en",
    ),
    (
        "label as a plain string",
        [{"type": "integer", "name": "n", "label": "Number"}],
        "text needs both zh and en",
    ),
    (
        "hint in one language",
        [field_row(type="integer", name="n", hint={"en": "How many"})],
        "text needs both zh and en",
    ),
    (
        "duplicate name",
        [field_row(type="integer", name="n"), field_row(type="decimal", name="n")],
        "field 'n': duplicate name",
    ),
    (
        "name with a dot",
        [field_row(type="integer", name="a.b")],
        "name must be lower-case letters, digits and _",
    ),
    (
        "misspelt column",
        [field_row(type="integer", name="n", requried=True)],
        "unknown column(s) requried",
    ),
    (
        "required as text",
        [field_row(type="integer", name="n", required="yes")],
        "required must be true or false",
    ),
    ("min above max", [field_row(type="integer", name="n", min=10, max=1)], "min is above max"),
    (
        "bound as text",
        [field_row(type="decimal", name="n", max="100")],
        "min and max must be numbers",
    ),
    (
        "bounds on text",
        [field_row(type="text", name="t", max=5)],
        "min and max apply to numbers only",
    ),
]


@pytest.mark.parametrize(
    ("survey", "message"), [pytest.param(*row[1:], id=row[0]) for row in SURVEY_REFUSALS]
)
def test_survey_refusals(tmp_path, survey, message):
    write_forms(tmp_path, profile_form(), section_form(survey=survey, choices={}))
    with pytest.raises(ValueError, match=rf"^straw\.json.*{_re(message)}"):
        load_forms(tmp_path)


def _re(text):
    return re.escape(text)


CONSTRAINT_REFUSALS = [
    ("term missing", constraint(sum=["fuel_t"]), "'fuel_t' is not a field of this form"),
    ("limit missing", constraint(lte="harvest_t"), "'harvest_t' is not a field of this form"),
    ("path missing", constraint(path="fuel_t"), "'fuel_t' is not a field of this form"),
    (
        "limit in another section",
        constraint(lte="manure.produced_t"),
        "limit 'manure.produced_t' must be in this form or the profile",
    ),
    (
        "limit a missing profile field",
        constraint(lte="profile.people"),
        "constraint feed_within_produced uses unknown 'profile.people'",
    ),
    (
        "term not numeric",
        constraint(sum=["mode"]),
        "constraint feed_within_produced uses non-numeric mode",
    ),
    (
        "limit not numeric",
        constraint(lte="mode"),
        "constraint feed_within_produced uses non-numeric mode",
    ),
    ("message in one language", constraint(message={"zh": "超过了"}), "text needs both zh and en"),
    (
        "message with another placeholder",
        constraint(message={"zh": "{total} 超过", "en": "over"}),
        "a message may use only {limit}",
    ),
    ("misspelt key", {**constraint(), "lte": None, "less_than": "produced_t"}, "needs exactly"),
]


@pytest.mark.parametrize(
    ("spec", "message"), [pytest.param(*row[1:], id=row[0]) for row in CONSTRAINT_REFUSALS]
)
def test_constraint_refusals(tmp_path, spec, message):
    spec = {k: v for k, v in spec.items() if v is not None}
    write_forms(tmp_path, profile_form(), section_form(constraints=[spec]))
    with pytest.raises(ValueError, match=_re(message)):
        load_forms(tmp_path)


def test_form_id_must_match_the_file_name(tmp_path):
    write_forms(tmp_path, profile_form(), section_form(), file_names={1: "stalks"})
    with pytest.raises(ValueError, match=r"stalks\.json: form_id 'straw' does not match"):
        load_forms(tmp_path)


def test_a_form_set_needs_a_profile(tmp_path):
    write_forms(tmp_path, section_form())
    with pytest.raises(ValueError, match="no profile form"):
        load_forms(tmp_path)


def test_a_file_that_is_not_a_form_is_named(tmp_path):
    write_forms(tmp_path, profile_form())
    (tmp_path / "film.json").write_text('{"survey": []}')
    with pytest.raises(ValueError, match=r"film\.json: not a form definition"):
        load_forms(tmp_path)


def test_choice_lists_need_distinct_names(tmp_path):
    choices = {
        "modes": [
            {"name": "bale", "label": {"zh": "打捆", "en": "Baled"}},
            {"name": "bale", "label": {"zh": "打包", "en": "Packed"}},
        ]
    }
    write_forms(tmp_path, profile_form(), section_form(choices=choices))
    with pytest.raises(ValueError, match="choices 'modes': empty or duplicate names"):
        load_forms(tmp_path)


# --- indicators.json -------------------------------------------------------------------------


def indicator(**changes):
    spec = {
        "key": "feed_share",
        "section": "straw",
        "label": {"zh": "饲料化率", "en": "Feed"},
        "numerator": {"sum": ["straw.feed_t"]},
        "denominator": {"sum": ["straw.produced_t"]},
        "targets": [{"zone": "*", "value": 0.5, "from": "2026"}],
    }
    spec.update(changes)
    return spec


def load_with(tmp_path, *indicators):
    write_forms(tmp_path, profile_form(), section_form())
    (tmp_path / "indicators.json").write_text(json.dumps({"indicators": list(indicators)}))
    return load_indicators(tmp_path, load_forms(tmp_path))


def test_an_indicator_loads(tmp_path):
    (loaded,) = load_with(tmp_path, indicator())
    assert (loaded.numerator.kind, loaded.numerator.fields) == ("sum", ("straw.feed_t",))
    assert [(t.zone, t.value, t.applies_from) for t in loaded.targets] == [("*", 0.5, "2026")]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        pytest.param(
            indicator(numerator={"sum": ["straw.fodder_t"]}),
            "unknown field 'straw.fodder_t'",
            id="unknown field",
        ),
        pytest.param(
            indicator(denominator={"sum": ["profile.people"]}),
            "unknown field 'profile.people'",
            id="unknown profile field",
        ),
        pytest.param(
            indicator(numerator={"mean": ["straw.feed_t"]}), "unknown term", id="unknown term"
        ),
        pytest.param(
            indicator(numerator={"sum": ["straw.mode"]}),
            "straw.mode is not numeric",
            id="text field summed",
        ),
        pytest.param(
            indicator(section="lighting"), "unknown section 'lighting'", id="unknown section"
        ),
        pytest.param(
            indicator(numerator={"count_where": [{"field": "straw.mode", "is": "bale"}]}),
            "a condition is {field, eq | ne}",
            id="unknown condition",
        ),
        pytest.param(
            indicator(numerator={"count_where": [{"field": "straw.colour", "eq": "red"}]}),
            "unknown field 'straw.colour'",
            id="condition on unknown field",
        ),
        pytest.param(
            indicator(targets=[{"zone": "hills", "value": 0.5, "from": "2026"}]),
            "target zone 'hills'",
            id="unknown zone",
        ),
        pytest.param(
            indicator(targets=[{"zone": "*", "value": 90, "from": "2026"}]),
            "target 90.0 is not a fraction",
            id="percent not fraction",
        ),
        pytest.param(
            indicator(targets=[{"zone": "*", "value": 0.9, "from": "2026-01"}]),
            "not a period",
            id="bad period",
        ),
    ],
)
def test_indicator_refusals(tmp_path, spec, message):
    with pytest.raises(ValueError, match=_re(message)):
        load_with(tmp_path, spec)


def test_indicator_keys_are_unique(tmp_path):
    with pytest.raises(ValueError, match="duplicate indicator key"):
        load_with(tmp_path, indicator(), indicator())


# --- the shipped forms: issue 2's contract -------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    forms_dir = FORMS
    form_set = load_forms(forms_dir)
    return form_set, load_indicators(forms_dir, form_set)


def test_shipped_forms_have_the_minimum_fields(shipped):
    form_set, _indicators = shipped
    types = {f.path: f.type.name for form in form_set.forms for f in form.fields}
    # Issue 2's forms come first, in this order; later forms (waste) may follow.
    assert [f.form_id for f in form_set.forms][:6] == [
        "profile",
        "sewage",
        "manure",
        "straw",
        "film",
        "heating",
    ]
    tonnes = [
        "manure.produced_t",
        "manure.utilised_t",
        "straw.produced_t",
        "straw.fertiliser_t",
        "straw.feed_t",
        "straw.fuel_t",
        "straw.base_material_t",
        "straw.raw_material_t",
        "film.used_t",
        "film.recovered_t",
    ]
    households = [
        "profile.households",
        "sewage.households_treated",
        "heating.central",
        "heating.electric",
        "heating.gas",
        "heating.biomass",
        "heating.other_clean",
        "heating.coal",
    ]
    expected = {
        **dict.fromkeys(tonnes, "decimal"),
        **dict.fromkeys(households, "integer"),
        "sewage.treatment_mode": "select_one",
        "sewage.facility_running": "boolean",
    }
    # The contract keys keep their types; fields added since (counts, areas) may sit beside them.
    assert {path: types.get(path) for path in expected} == expected
    for path in tonnes + households:
        assert form_set.field_at(path).min == 0, path
    assert [c.name for c in form_set.field_at("sewage.treatment_mode").choices] == [
        "pipe_network",
        "village_station",
        "septic_tank",
        "none",
    ]
    for form in form_set.forms:
        for field in form.fields:
            assert field.label["zh"] and field.label["en"], field.path


def test_shipped_constraints(shipped):
    form_set, _indicators = shipped
    found = {
        (form.form_id, c.terms, c.limit, c.path)
        for form in form_set.forms
        for c in form.constraints
    }
    assert found == {
        (
            "straw",
            (
                "fertiliser_t",
                "feed_t",
                "fuel_t",
                "base_material_t",
                "raw_material_t",
                "direct_return_t",
            ),
            "produced_t",
            "fertiliser_t",
        ),
        ("heating", ("back_to_coal",), "coal", "back_to_coal"),
        (
            "heating",
            ("central", "electric", "gas", "biomass", "other_clean", "coal"),
            "profile.households",
            "central",
        ),
        ("sewage", ("households_treated",), "profile.households", "households_treated"),
        ("manure", ("utilised_t",), "produced_t", "utilised_t"),
        ("film", ("recovered_t",), "used_t", "recovered_t"),
    }


def test_shipped_indicators_and_targets(shipped):
    _form_set, indicators = shipped
    assert indicators.keys == (
        "sewage_treatment",
        "sewage_villages",
        "manure_utilisation",
        "straw_utilisation",
        "film_recovery",
        "clean_heating",
        "waste_sorting",
        "waste_collection",
    )
    first_targets = {
        i.key: {(t.zone, t.value) for t in i.targets if t.applies_from == "2021"}
        for i in indicators
    }
    assert first_targets == {
        "sewage_treatment": set(),
        "sewage_villages": set(),
        "manure_utilisation": {("*", 0.75)},
        "straw_utilisation": {("*", 0.90)},
        "film_recovery": {("*", 0.40)},
        "clean_heating": {("plain", 1.0), ("county_town", 1.0), ("mountain", 0.70), ("*", 1.0)},
        "waste_sorting": set(),
        "waste_collection": set(),
    }
    sorting, collection = indicators.get("waste_sorting"), indicators.get("waste_collection")
    assert [(t.zone, t.value, t.applies_from) for t in sorting.targets] == [("*", 0.12, "2025")]
    assert (sorting.unit, collection.unit) == ("villages", "villages")
    assert collection.baseline.value == 0.9577 and collection.baseline.period == "2020"
    assert collection.denominator.kind == "count" and collection.targets == ()
    clean = indicators.get("clean_heating")
    assert clean.numerator.fields == (
        "heating.central",
        "heating.electric",
        "heating.gas",
        "heating.biomass",
        "heating.other_clean",
    )
    assert clean.denominator.fields == ("profile.households",)
    villages = indicators.get("sewage_villages")
    assert (villages.numerator.kind, villages.denominator.kind) == ("count_where", "count")


def test_unit_kinds_and_a_targets_path_load(tmp_path):
    path = {"baseline": {"value": 0.339, "date": "2020-12-31"}, "deadline": "2023-12-31"}
    spec = indicator(
        unit_kinds=["village", "community"],
        targets=[{"zone": "*", "value": 1.0, "from": "2021", **path}],
    )
    (loaded,) = load_with(tmp_path, spec)
    assert loaded.unit_kinds == ("community", "village")
    (target,) = loaded.targets
    assert (target.baseline_value, str(target.baseline_date), str(target.deadline)) == (
        0.339,
        "2020-12-31",
        "2023-12-31",
    )
    (default,) = load_with(tmp_path, indicator())
    assert default.unit_kinds == ("village",)  # rural indicators count administrative villages


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"unit_kinds": ["hamlet"]}, "unit_kinds"),
        ({"unit_kinds": []}, "unit_kinds"),
        (
            {
                "targets": [
                    {
                        "zone": "*",
                        "value": 0.9,
                        "from": "2021",
                        "baseline": {"value": 0.5, "date": "2025-12-31"},
                        "deadline": "2025-01-01",
                    }
                ]
            },
            "deadline must come after",
        ),
    ],
)
def test_bad_unit_kinds_or_paths_are_refused(tmp_path, changes, message):
    with pytest.raises(ValueError, match=message):
        load_with(tmp_path, indicator(**changes))
