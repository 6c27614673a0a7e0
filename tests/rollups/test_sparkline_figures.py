"""The SVG sparkline and the display rounding (both pure)."""

import xml.etree.ElementTree as ET

from app.rollups import figures
from app.views.dashboard.sparkline import sparkline

SVG = "{http://www.w3.org/2000/svg}"


def test_sparkline_breaks_at_missing_quarters_and_draws_target():
    # width 100, height 40, pad 3: x = 3 + i*94/3 for 4 points; y = 3 + (1-r)*34.
    svg = sparkline(
        [("Q1", 0.5), ("Q2", 1.0), ("Q3", None), ("Q4", 0.0)],
        target=0.75,
        title="粪污 <b>",
        width=100,
        height=40,
    )
    root = ET.fromstring(svg)
    line = root.find(f"{SVG}line")
    assert line.get("y1") == "11.5"  # 3 + 0.25*34
    polyline = root.find(f"{SVG}polyline")
    assert polyline.get("points") == "3.0,20.0 34.3,3.0"  # (3, 3+17) and (3+31.33, 3)
    dots = root.findall(f"{SVG}circle")
    # the lone Q4 point is a dot, plus the "last value" marker at the same place
    assert [(d.get("cx"), d.get("cy")) for d in dots] == [("97.0", "37.0"), ("97.0", "37.0")]
    assert root.find(f"{SVG}title").text == "粪污 <b>"  # escaped in markup, text when parsed
    assert "<b>" not in svg


def test_sparkline_without_data_or_target_is_empty_but_valid():
    root = ET.fromstring(sparkline([("Q1", None), ("Q2", None)]))
    assert root.find(f"{SVG}polyline") is None and root.find(f"{SVG}line") is None


def test_figures_round_like_the_page():
    assert figures.percent(150 / 200) == 75.0
    assert figures.percent_text(2 / 3) == "66.7%"
    assert figures.percent_text(None) == "—"
    assert figures.amount(1234.56) == 1234.6
    assert figures.amount(1500.0) == 1500 and isinstance(figures.amount(1500.0), int)
    assert figures.amount_text(12345.0) == "12,345"
    # (0.6667 − 0.75) × 100 = −8.33 → −8.3
    assert figures.gap_points(2 / 3, 0.75) == -8.3
    # 79.97 % against 80 % is short of it, and says so
    assert figures.gap_text(0.7997, 0.8) == "-0.0"
    assert figures.gap_text(0.9, 0.9) == "+0.0"
    assert figures.gap_text(None, 0.9) == "—"
