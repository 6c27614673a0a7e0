"""The roll-up's indicator results are dumped by a short cut (app/views/api/flat_nested.py):
it must give exactly what marshmallow's own Nested gives, value for value and type for type."""

import pytest
from marshmallow import Schema, fields

from app.rollups.core import IndicatorResult
from app.views.api.flat_nested import FlatNested
from app.views.api.schemas_rollup import IndicatorResultSchema

RESULTS = {
    "clean_heating": IndicatorResult(
        numerator=1130,  # an int sum from SQLite: dumped as 1130.0 by both
        denominator=1450.0,
        rate=1130 / 1450,
        target=0.875862068966,
        meets=False,
        status="near",
        villages_reported=8,
        path_expected=0.8,
        path_status="behind_path",
        units=10,
        coverage=0.8,
    ),
    "manure_utilisation": IndicatorResult(0.0, 0.0, None, None, None, "no_data", 0),
}


class Marshmallow(Schema):
    indicators = fields.Dict(keys=fields.String(), values=fields.Nested(IndicatorResultSchema))


class ShortCut(Schema):
    indicators = fields.Dict(keys=fields.String(), values=FlatNested(IndicatorResultSchema))


def test_the_short_cut_dumps_what_marshmallow_dumps():
    slow = Marshmallow().dump({"indicators": RESULTS})
    fast = ShortCut().dump({"indicators": RESULTS})
    assert fast == slow
    for key, dumped in fast["indicators"].items():
        for name, value in dumped.items():
            assert type(value) is type(slow["indicators"][key][name]), (key, name)
    assert fast["indicators"]["clean_heating"]["numerator"] == 1130.0
    assert fast["indicators"]["manure_utilisation"]["rate"] is None


def test_a_schema_that_is_not_flat_is_refused():
    class Nesting(Schema):
        inner = fields.Nested(IndicatorResultSchema)

    with pytest.raises(TypeError, match="not a scalar field"):
        FlatNested(Nesting)


def test_units_and_trend_points_dump_as_marshmallow_dumps_them():
    """The counties' table's units (a Dict of FlatNested inside a FlatNested) and a trend's
    points (dicts, not objects) take the short cut too."""
    from app.rollups.core import UnitResult
    from app.views.api.schemas_rollup import TrendPointSchema, UnitSchema

    class SlowUnits(Schema):
        units = fields.List(fields.Nested(UnitSchema))
        series = fields.List(fields.Nested(TrendPointSchema))

    class FastUnits(Schema):
        units = fields.List(FlatNested(UnitSchema))
        series = fields.List(FlatNested(TrendPointSchema))

    unit = UnitResult("140101", "县1", "county", 12, 8, RESULTS)
    point = {"period": "2026Q3", **{k: getattr(RESULTS["clean_heating"], k) for k in (
        "numerator", "denominator", "rate", "target", "meets", "status", "villages_reported",
        "units", "coverage", "path_expected", "path_status",
    )}}  # fmt: skip
    document = {"units": [unit], "series": [point]}
    slow, fast = SlowUnits().dump(document), FastUnits().dump(document)
    assert fast == slow
    assert fast["units"][0]["indicators"]["clean_heating"]["numerator"] == 1130.0
    assert fast["series"][0]["period"] == "2026Q3" and fast["series"][0]["units"] == 10
    assert type(fast["units"][0]["villages_total"]) is int
