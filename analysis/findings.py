"""Pure helpers that turn indicator values into the words of the chapter's findings."""

from __future__ import annotations

import math

QUADRANT_MEANING = {
    "I": "comparative advantage and trade surplus",
    "II": "trade surplus without comparative advantage",
    "III": "trade deficit and comparative disadvantage",
    "IV": "comparative advantage with a trade deficit",
}


def available(*values: float) -> bool:
    """True when every value is a finite number."""
    return all(v is not None and math.isfinite(v) for v in values)


def fmt(value: float, digits: int = 2) -> str:
    """A number as the prose prints it (minus sign, fixed digits) or 'n/a'."""
    if not available(value):
        return "n/a"
    text = f"{value:.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "−")


def usd(value: float) -> str:
    """A USD amount in billions or millions."""
    if not available(value):
        return "n/a"
    amount = f"{abs(value) / 1e9:,.1f} billion" if abs(value) >= 1e9 else f"{abs(value) / 1e6:,.0f} million"
    return "USD " + ("−" if value < 0 else "") + amount


def quadrant(rsca: float, tsi: float) -> str | None:
    """The quadrant of an (RSCA, TSI) point; None when missing or on an axis."""
    if not available(rsca, tsi) or rsca == 0 or tsi == 0:
        return None
    if tsi > 0:
        return "I" if rsca > 0 else "II"
    return "IV" if rsca > 0 else "III"


def _compare(a: float, b: float, tolerance: float, higher: str, lower: str, same: str) -> str:
    """Word for a against b: `higher`, `lower`, or `same` within the tolerance."""
    if not available(a, b):
        return "cannot be compared"
    if abs(a - b) <= tolerance:
        return same
    return higher if a > b else lower


def change(first: float, last: float, *, tolerance: float = 0.02) -> str:
    """'rose', 'fell' or 'was broadly unchanged' between two values."""
    return _compare(last, first, tolerance, "rose", "fell", "was broadly unchanged")


def direction(d_rsca: float, d_tsi: float, *, tolerance: float = 0.02) -> str:
    """Where a quadrant path went: toward which corner of the chart."""
    if not available(d_rsca, d_tsi):
        return "not available"
    moves = []
    if abs(d_rsca) > tolerance:
        moves.append("stronger comparative advantage" if d_rsca > 0 else "weaker comparative advantage")
    if abs(d_tsi) > tolerance:
        moves.append("a larger net-export position" if d_tsi > 0 else "a weaker net-export position")
    return " and ".join(moves) if moves else "little net movement"


def asymmetry(export: float, imports: float, *, tolerance: float = 0.1) -> str:
    """Compare export and import intensity with a partner."""
    return _compare(export, imports, tolerance, "export-led", "import-led", "roughly balanced")


def arrows(d_rsca: float, d_tsi: float, *, tolerance: float = 0.02) -> str:
    """The direction of travel in compact form for tables: 'RSCA ↑, TSI ↓'."""
    if not available(d_rsca, d_tsi):
        return "n/a"

    def arrow(d: float) -> str:
        return _compare(d, 0.0, tolerance, "↑", "↓", "→")

    return f"RSCA {arrow(d_rsca)}, TSI {arrow(d_tsi)}"
