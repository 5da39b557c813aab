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
    assert f.change(0.50, 0.54) == "was broadly unchanged" and f.change(0.50, 0.56) == "rose"
    assert f.arrows(0.1, -0.1) == "RSCA ↑, TSI ↓" and f.arrows(0.0, 0.01) == "RSCA →, TSI →"


def test_number_formats():
    assert (f.fmt(0.456), f.fmt(-0.456), f.fmt(-0.001), f.fmt(math.nan)) == ("0.46", "−0.46", "0.00", "no data")
    assert f.usd(11.16e9) == "USD 11.2 billion" and f.usd(-1.79e8) == "USD −179 million"


def test_balance_is_read_from_the_value_balance_with_stated_thresholds():
    cut = f.threshold("dependence")
    words = [f.balance_word(t) for t in (-cut, -cut + 0.01, -0.05, 0.05, 0.22, cut, math.nan)]
    assert words == ["large deficit", "deficit", "balanced", "balanced", "surplus", "large surplus", "unknown"]
    assert (f.intensity_band(1.11), f.intensity_band(0.95), f.intensity_band(0.89)) == ("high", "near 1", "low")
    assert f.ratio_text(31.7, 20.2) == "1.6 times" and f.ratio_text(99.6, 10) == "10 times"
    for name, (_, text) in f.THRESHOLDS.items():
        assert text and f.threshold(name) > 0


def test_span_of_years_in_words():
    assert (f.span([2019]), f.span([2016, 2017, 2018]), f.span([2019, 2022])) == ("2019", "2016–2018", "2019 and 2022")
    assert f.span([2016, 2017, 2018, 2019, 2022]) == "2016–2019 and 2022" and f.span([]) == ""


def test_economies_and_partners_in_running_text():
    from analysis.chapter import economies_text, partners_text

    assert economies_text(("KOR", "CHN", "JPN")) == "the Republic of Korea (ROK), China and Japan"
    assert economies_text(("USA",)) == "the United States"
    assert partners_text(("CHN", "USA", "WLD")) == "China, the United States and the World"
