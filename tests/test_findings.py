"""The words the prose uses for numbers."""

from __future__ import annotations

import math

from analysis import findings as f


def test_quadrants():
    assert [f.quadrant(*p) for p in ((0.3, 0.2), (-0.3, 0.2), (-0.3, -0.2), (0.3, -0.2))] == ["I", "II", "III", "IV"]
    assert f.quadrant(0.0, 0.5) is None and f.quadrant(math.nan, 0.5) is None


def test_comparisons_and_directions():
    assert (f.change(0.1, 0.5), f.change(0.5, 0.1), f.change(0.5, 0.51)) == ("rose", "fell", "was broadly unchanged")
    assert f.change(math.nan, 1) == "cannot be compared"
    assert (f.asymmetry(1.5, 1.0), f.asymmetry(1.0, 1.05), f.asymmetry(0.5, 2)) == (
        "export-led", "roughly balanced", "import-led")
    assert f.arrows(0.1, -0.1) == "RSCA ↑, TSI ↓" and f.arrows(0.0, 0.01) == "RSCA →, TSI →"
    assert f.direction(0.1, -0.1) == "stronger comparative advantage and a weaker net-export position"


def test_number_formats():
    assert (f.fmt(0.456), f.fmt(-0.456), f.fmt(-0.001), f.fmt(math.nan)) == ("0.46", "−0.46", "0.00", "n/a")
    assert f.usd(11.16e9) == "USD 11.2 billion" and f.usd(-1.79e8) == "USD −179 million"
