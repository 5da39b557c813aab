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
    assert f.direction(0.1, -0.1) == "stronger comparative advantage and a weaker net-export position"


def test_number_formats():
    assert (f.fmt(0.456), f.fmt(-0.456), f.fmt(-0.001), f.fmt(math.nan)) == ("0.46", "−0.46", "0.00", "no data")
    assert f.usd(11.16e9) == "USD 11.2 billion" and f.usd(-1.79e8) == "USD −179 million"


def test_dependence_is_read_from_the_value_balance_with_stated_thresholds():
    cut = f.threshold("dependence")
    assert f.dependence(-cut) == "relies on imports from" and f.dependence(-cut + 0.01) == "has broadly balanced trade with"
    assert f.dependence(cut) == "is a net exporter to" and f.dependence(math.nan) == "cannot be judged from this edition"
    assert (f.balance(-0.8), f.balance(0.0), f.balance(0.9)) == ("net importer", "balanced", "net exporter")
    assert f.intensity_word(1.11) == "tighter than world trade would suggest"
    assert f.intensity_word(0.95) == "about as world trade would suggest"
    assert (f.two_way(0.5), f.two_way(0.49)) == ("mainly two-way", "mainly one-way")
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
