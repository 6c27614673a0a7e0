"""A trend you can read: one indicator over quarters, with the value of each quarter written on
the chart, the target and the path to it drawn, as server-side SVG (no JavaScript; prints).

"How did clean heating change over eight quarters?" took eight period switches: a sparkline
carries no numbers. This chart writes each quarter's rate above its point (the same rounding as
everywhere, app/rollups/figures.py), draws the target of each quarter as a grey step line and the
value expected on the target's path (app/rollups/target_path.py) as a dashed line; the page shows
the same numbers as a table beside it: the table is what a screen reader reads and what survives a
black-and-white print, and the SVG's <desc> points to it.

Pure: it takes the roll-up's results and returns markup; it never computes a rate. The y axis is
always 0–100 %, as for the sparklines.
"""

from html import escape

from app.rollups import figures

WIDTH, HEIGHT = 380, 220  # drawn at ~330 px on a phone: text stays about its size
LEFT, RIGHT, TOP, BOTTOM = 36, 24, 22, 30
RATE, TARGET, PATH, GRID = "#0b5cad", "#59636e", "#b35806", "#d0d7de"


def _x(index: int, count: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    return round(LEFT + (inner / 2 if count <= 1 else index * inner / (count - 1)), 1)


def _y(value: float) -> float:
    clamped = min(max(value, 0.0), 1.0)
    return round(TOP + (1.0 - clamped) * (HEIGHT - TOP - BOTTOM), 1)


def _polyline(points: list[tuple[float, float]], colour: str, cls: str, dash: str = "") -> str:
    if not points:
        return ""
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    coords = " ".join(f"{x},{y}" for x, y in points)
    return (
        f'<polyline class="{cls}" points="{coords}" fill="none" stroke="{colour}" '
        f'stroke-width="2"{dashed}/>'
    )


def _axes(labels: list[str]) -> list[str]:
    parts = []
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = _y(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 4}" y="{y + 4}" text-anchor="end" font-size="10">'
            f"{int(tick * 100)}%</text>"
        )
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{_x(i, len(labels))}" y="{HEIGHT - 12}" text-anchor="middle" '
            f'font-size="10">{escape(label)}</text>'
        )
    return parts


def trend_chart(series: list, title: str, table_id: str = "") -> str:
    """An <svg> of `series`, [(quarter, IndicatorResult)] oldest first."""
    count = len(series)
    labels = [period for period, _r in series]
    parts = [
        f'<svg class="trend-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} '
        f'{HEIGHT}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    if table_id:
        parts.append(f"<desc>{escape(title)}: see table {escape(table_id)}</desc>")
    parts += _axes(labels)
    targets = [
        (_x(i, count), _y(r.target)) for i, (_p, r) in enumerate(series) if r.target is not None
    ]
    paths = [
        (_x(i, count), _y(r.path_expected))
        for i, (_p, r) in enumerate(series)
        if r.path_expected is not None
    ]
    parts.append(_polyline(targets, TARGET, "chart-target"))
    if paths != targets:
        parts.append(_polyline(paths, PATH, "chart-path", dash="5 4"))
    rates = [(i, r.rate) for i, (_p, r) in enumerate(series) if r.rate is not None]
    parts.append(_polyline([(_x(i, count), _y(v)) for i, v in rates], RATE, "chart-rate"))
    for i, value in rates:
        x, y = _x(i, count), _y(value)
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="3.5" fill="{RATE}"/>'
            f'<text class="chart-value" x="{x}" y="{y - 7}" text-anchor="middle" font-size="12" '
            f'font-weight="700" fill="{RATE}">{figures.percent_text(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(p for p in parts if p)
