"""How the dashboard and the exports show a figure: one place, so an export can never hold a
number the page does not show.

Pure. Rates arrive already computed by the roll-up (Σ numerators ÷ Σ denominators); this module
only rounds them for display: a rate as a percentage with one decimal, an amount with at most
one decimal, the gap to the target in percentage points.
"""

from numbers import Real


def percent(rate: float | None) -> float | None:
    """0.72345 → 72.3 (a percentage, one decimal)."""
    return None if rate is None else round(rate * 100, 1)


def percent_text(rate: float | None) -> str:
    value = percent(rate)
    return "—" if value is None else f"{value:.1f}%"


def amount(value: Real | None) -> int | float | None:
    """A numerator or denominator as shown: whole numbers stay whole, others get one decimal."""
    if value is None:
        return None
    rounded = round(float(value), 1)
    return int(rounded) if rounded == int(rounded) else rounded


def amount_text(value: Real | None) -> str:
    shown = amount(value)
    if shown is None:
        return "—"
    return f"{shown:,}" if isinstance(shown, int) else f"{shown:,.1f}"


def gap_points(rate: float | None, target: float | None) -> float | None:
    """Rate minus target in percentage points, one decimal: the shown rate minus the shown
    target (both rounded first), so the three numbers on a card always add up. When that is 0
    but the exact rate falls short (79.97 % against 80 %), it is -0.0: short, as its status
    says, not "+0.0"."""
    if rate is None or target is None:
        return None
    shown = round(percent(rate) - percent(target), 1)
    if shown == 0 and rate < target - 1e-9:
        return -0.0
    return shown + 0.0  # never a -0.0 but for the case above


def gap_text(rate: float | None, target: float | None) -> str:
    gap = gap_points(rate, target)
    return "—" if gap is None else f"{gap:+.1f}"
