"""The prose layer on hand-made findings: full sentences, numbers inline, gaps and breaks said in words."""

from __future__ import annotations

import math
import re

import pytest

from analysis import prose
from analysis.prose import Change, Link, Point, Position, TwoWay

NAN = math.nan
FORBIDDEN = re.compile(r"\bn/a\b|\bnan\b|_|\bX_c\b|\bEI\b|(?<!quadrant )\bII\b|None")


def clean(text: str) -> str:
    """A sentence fit for running text: no variable names, no n/a, capitalised, ends with a full stop."""
    assert not FORBIDDEN.search(text), text
    assert text[0].isupper() and text.endswith("."), text
    return text


def test_quadrant_position_with_movement_and_stability():
    pos = Position("the ROK", [Point(2019, 0.62, 0.41), Point(2022, 0.70, 0.52)])
    text = clean(prose.quadrant(pos))
    assert text.startswith("In 2022, the ROK was in quadrant I (comparative advantage and trade surplus), "
                           "with an RSCA of 0.52 and a TSI of 0.70")
    assert "since 2019, when it was in quadrant I (RSCA 0.41, TSI 0.62)" in text
    assert "moved toward stronger comparative advantage and a larger net-export position" in text
    assert "in quadrant I in both years" in text


def test_quadrant_counts_years_outside_the_latest_quadrant():
    pos = Position("China", [Point(2016, -0.20, -0.30), Point(2017, 0.10, -0.02), Point(2018, 0.15, -0.01)])
    text = clean(prose.quadrant(pos))
    assert "In 2018, China was in quadrant II" in text and "in quadrant II in 2 of the 3 years" in text
    assert "barely moved" not in text


def test_quadrant_small_moves_are_not_called_movements():
    pos = Position("Japan", [Point(2019, -0.40, 0.30), Point(2022, -0.38, 0.32)])
    assert "barely moved" in clean(prose.quadrant(pos))


def test_quadrant_after_a_break_reads_no_trend_across_it():
    pos = Position("Japan", [Point(2019, 0.80, 0.60), Point(2022, 0.75, 0.58)], break_year=2019)
    text = clean(prose.quadrant(pos))
    assert "since 2019" in text and "changes source in 2019" in text and "not compared" in text
    single = clean(prose.quadrant(Position("Japan", [Point(2022, 0.75, 0.58)], break_year=2022)))
    assert "no movement can be judged" in single and "changes source in 2022" in single


def test_quadrant_without_rsca_says_why_and_reads_tsi():
    pos = Position("China", [Point(2019, -0.55), Point(2022, -0.31)])
    text = clean(prose.quadrant(pos))
    assert "RSCA cannot be computed (exports of all goods for the same economies are not in this edition's files)" in text
    assert "its TSI was −0.31 in 2022, a weak specialization, and it rose from −0.55 in 2019" in text


def test_quadrant_with_nothing_at_all():
    assert clean(prose.quadrant(Position("China", []))) == "This edition's data give neither RSCA nor TSI for China."
    assert clean(prose.quadrant(Position("China", [Point(2020, NAN)]))).startswith("This edition's data give neither")


def test_summary_places_every_economy_and_says_what_is_missing():
    positions = [Position("the ROK", [Point(2022, 0.7, 0.5)]), Position("China", [Point(2022, -0.4, -0.2)]),
                 Position("Japan", [Point(2022, 0.3)])]
    text = clean(prose.summary(positions, where="memory semiconductors"))
    assert text.startswith("In memory semiconductors in 2022, the ROK was in quadrant I (comparative advantage and "
                           "trade surplus) and China in quadrant III")
    assert "Japan had a TSI of 0.30 in 2022, a strong specialization, and no RSCA from this edition." in text
    assert prose.summary([Position("Japan", [])]) == "This edition gives no values for Japan."


def test_roles_name_leads_and_lags():
    text = clean(prose.roles({"Japan": {"equipment": "I", "materials": "I", "memory": "III"},
                              "China": {"equipment": "III"}, "the ROK": {"memory": "IV"}}))
    assert "Japan leads in equipment and materials and lags in memory" in text
    assert "China lags in equipment" in text
    assert "the ROK is in neither quadrant I nor quadrant III in any sector" in text


def test_two_way_latest_changes_gaps_and_breaks():
    gl = TwoWay("the ROK", "DRAM", 2022, {"China": 0.71, "Japan": 0.18},
                {"China": Change(2019, 0.60, 2022, 0.71), "Japan": Change(2019, 0.20, 2022, 0.18)},
                missing=["the United States"], break_year=2019)
    text = clean(prose.two_way(gl))
    assert text.startswith("In 2022, the ROK's Grubel–Lloyd index in DRAM was 0.71 with China (mainly two-way); "
                           "0.18 with Japan (mainly one-way).")
    assert "Within one source, it rose with China (0.60 in 2019 to 0.71) and was broadly unchanged with Japan." in text
    assert "The source changes in 2019; no change is read across it." in text
    assert text.endswith("The data do not give the index with the United States.")


def test_two_way_when_no_partner_has_both_directions():
    text = clean(prose.two_way(TwoWay("the ROK", "flash", None, {})))
    assert "cannot be computed" in text and "both directions" in text


@pytest.mark.parametrize("tsi, words", [(-0.82, "relies on imports from Japan"), (0.5, "is a net exporter to Japan"),
                                        (0.1, "has broadly balanced trade with Japan")])
def test_link_reads_dependence_from_the_value_balance(tsi, words):
    ln = Link("the ROK", "Japan", "equipment", 2022, exports=1.2e9, imports=12.1e9, tsi=tsi, ei=0.4, ii=2.3,
              ii_change=Change(2019, 2.0, 2022, 2.3))
    text = clean(prose.link(ln))
    assert text.startswith("In 2022, the ROK exported USD 1.2 billion of equipment to Japan and imported USD 12.1 "
                           f"billion from it (bilateral TSI {prose.fmt(tsi)}): it {words}.")
    assert "export intensity with Japan was 0.40 (looser than world trade would suggest)" in text
    assert "import intensity 2.30 (tighter than world trade would suggest)" in text
    assert text.endswith("Import intensity rose from 2.00 in 2019.")


def test_link_with_missing_intensities_and_a_break():
    ln = Link("the ROK", "China", "memory", 2022, exports=3e8, imports=2e8, tsi=0.2, ii_change=Change(2019, 1.0, 2022, 0.5),
              break_year=2019)
    text = clean(prose.link(ln))
    assert "trade intensities with China cannot be computed from this edition's files for 2022" in text
    assert text.endswith("Import intensity fell from 1.00 in 2019, within one source that starts in 2019.")


def test_link_when_the_partner_does_not_report():
    ln = Link("the ROK", "Japan", "materials", None, missing="Japan reports in none of this edition's bilateral sources")
    assert clean(prose.link(ln)) == ("The trade of the ROK with Japan in materials cannot be assessed: Japan reports in "
                                     "none of this edition's bilateral sources.")


def test_extremes_and_heading():
    assert prose.extremes("DRAM", "export", 2022, {"China": 1.9, "Japan": 0.3, "the US": NAN}) == (
        "In 2022, export intensity in DRAM was highest with China (1.90) and lowest with Japan (0.30).")
    assert prose.extremes("DRAM", "export", 2022, {"China": 1.9, "Japan": NAN}) == ""
    text = clean(prose.heading({"the ROK": Change(2013, 0.55, 2023, 0.62)}, "sum over the reporters", ["2024 is left out."]))
    assert "the ROK's RSCA rose from 0.55 in 2013 to 0.62 in 2023 (world = sum over the reporters" in text
    assert text.endswith("2024 is left out.") and prose.heading({}, "", []) == ""


def test_figure_reading_follows_what_is_drawn():
    assert prose.quadrant_axes(True, "2008–2024").endswith("(TSI, vertical axis) in every year of 2008–2024")
    assert prose.quadrant_axes(False, "2019 and 2022").startswith("by its trade specialization index (TSI) in 2019 "
                                                                  "and 2022; RSCA")
    assert "arrows" in prose.quadrant_reading(True) and "arrows" not in prose.quadrant_reading(False)


def test_without_rsca_the_reason_is_given_once_for_all_economies():
    text = clean(prose.tsi_paragraph([Position("the ROK", [Point(2019, 0.53), Point(2022, 0.44)]),
                                      Position("China", [Point(2019, -0.20), Point(2022, -0.10)]),
                                      Position("Japan", [Point(2019, 0.48), Point(2022, 0.47)], break_year=2019),
                                      Position("Chinese Taipei", [])]))
    assert text.count("RSCA cannot be computed") == 1
    assert "the ROK's TSI was 0.44 in 2022, a strong specialization, down from 0.53 in 2019" in text
    assert "China's TSI was −0.10 in 2022, a weak specialization, up from −0.20 in 2019" in text
    assert "Japan's TSI was 0.47 in 2022, a strong specialization, broadly unchanged from 0.48 in 2019" in text
    assert "changes source in 2019" in text and "this edition gives no TSI for Chinese Taipei" in text


def test_summary_names_each_quadrant_once_and_says_where_an_economy_came_from():
    positions = [Position("the ROK", [Point(2019, -0.1, 0.3), Point(2022, 0.2, 0.3)]),
                 Position("Japan", [Point(2019, 0.4, 0.4), Point(2022, 0.5, 0.4)])]
    text = clean(prose.summary(positions))
    assert text == ("In 2022, the ROK was in quadrant I (comparative advantage and trade surplus; quadrant IV in "
                    "2019) and Japan in quadrant I.")


def test_changes_are_grouped_by_direction():
    changes = {"China": Change(2007, 0.26, 2024, 0.58), "Japan": Change(2007, 0.86, 2024, 0.43),
               "Chinese Taipei": Change(2007, 0.10, 2024, 0.30), "the world": Change(2007, 0.5, 2024, 0.52)}
    text = clean(prose.two_way(TwoWay("the ROK", "SoC", 2024, {"China": 0.58}, changes)))
    assert text.endswith("Within one source, it rose with China (0.26 in 2007 to 0.58) and Chinese Taipei (0.10 in "
                         "2007 to 0.30), fell with Japan (0.86 in 2007 to 0.43) and was broadly unchanged with the world.")
