"""Tiny server-side SVG sparklines for the dashboard's trend lines.

The dashboard must work without JavaScript and print on paper, so trends are drawn as inline
SVG on the server. Pure: it takes the rates a roll-up already computed and returns markup; it
never computes a rate. The y axis is always 0–100 % so two cards can be compared at a glance
(a line scaled to its own min and max makes a 2-point wobble look like a collapse).
"""

from html import escape

WIDTH = 160
HEIGHT = 40
PAD = 3


def _x(index: int, count: int, width: int) -> float:
    if count <= 1:
        return width / 2
    return PAD + index * (width - 2 * PAD) / (count - 1)


def _y(rate: float, height: int) -> float:
    clamped = min(max(rate, 0.0), 1.0)
    return PAD + (1.0 - clamped) * (height - 2 * PAD)


def sparkline(
    points: list[tuple[str, float | None]],
    target: float | None = None,
    title: str = "",
    width: int = WIDTH,
    height: int = HEIGHT,
) -> str:
    """An <svg> of `points` (period label, rate 0..1 or None for no data).

    A period without data breaks the line instead of being drawn as 0 %; a lone point between
    gaps is drawn as a dot. The target, when there is one, is a dashed line.
    """
    parts = [
        f'<svg class="spark" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    if target is not None:
        ty = round(_y(target, height), 1)
        parts.append(
            f'<line class="spark-target" x1="{PAD}" y1="{ty}" x2="{width - PAD}" '
            f'y2="{ty}" stroke="#59636e" stroke-width="1" stroke-dasharray="3 3"/>'
        )
    for run in _runs(points):
        coords = [
            (round(_x(i, len(points), width), 1), round(_y(rate, height), 1)) for i, rate in run
        ]
        if len(coords) == 1:
            ((cx, cy),) = coords
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="2" fill="#0b5cad"/>')
        else:
            path = " ".join(f"{x},{y}" for x, y in coords)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="#0b5cad" '
                f'stroke-width="2" stroke-linejoin="round"/>'
            )
    last = next(((i, r) for i, (_, r) in reversed(list(enumerate(points))) if r is not None), None)
    if last is not None:
        cx, cy = round(_x(last[0], len(points), width), 1), round(_y(last[1], height), 1)
        parts.append(f'<circle class="spark-last" cx="{cx}" cy="{cy}" r="3" fill="#0b5cad"/>')
    parts.append("</svg>")
    return "".join(parts)


def _runs(points: list[tuple[str, float | None]]) -> list[list[tuple[int, float]]]:
    """Consecutive stretches of points that have data."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for index, (_label, rate) in enumerate(points):
        if rate is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((index, rate))
    if current:
        runs.append(current)
    return runs
