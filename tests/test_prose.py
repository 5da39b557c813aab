"""The prose layer on hand-made findings: comparisons among the named set, sign-aware and robust
trends, balances with their ratio, a materiality floor, and the claims each sentence carries.

The cases are the sentences an independent reading of the sample edition found wrong: each test
checks that the wrong sentence is gone and the right one is there.
"""

from __future__ import annotations

import math
import re

from analysis import claims, escape, findings, prose
from analysis.prose import Change, Lens, Outside, Pair, Point, Position

NAN = math.nan
FORBIDDEN = re.compile(r"\bn/a\b|\bnan\b|_|\bNone\b")


def text_of(sentences: list[claims.Sentence]) -> str:
    out = claims.plain(sentences)
    assert not FORBIDDEN.search(out), out
    for s in sentences:
        assert s.text[0].isupper() and s.text.endswith("."), s.text
    return out


def pos(name: str, iso: str, points: list[tuple[int, float, float]], **kw) -> Position:
    return Position(name, [Point(y, t, r) for y, t, r in points], iso=iso, group="materials", coverage="c", **kw)


MATERIALS = [pos("the ROK", "KOR", [(2019, -0.26, 0.42), (2022, -0.36, 0.19)]),
             pos("China", "CHN", [(2019, -0.11, -0.05), (2022, 0.07, 0.14)]),
             pos("Japan", "JPN", [(2019, 0.42, 0.63), (2022, 0.40, 0.61)])]


def test_leads_is_a_comparison_not_a_sign():
    out = prose.competitiveness(MATERIALS, "semiconductor materials and parts")
    text = text_of(out)
    assert "China leads" not in text
    assert text.startswith("In 2022, Japan had the strongest position of the three in semiconductor materials and parts")
    ranks = [c for s in out for c in s.claims if c.kind == "rank"]
    assert {c.indicator for c in ranks} == {"RSCA", "TSI"} and all(c.reporter == "JPN" for c in ranks)
    assert all(set(c.economies) == {"KOR", "CHN", "JPN"} for c in ranks)


def test_the_highest_of_negative_values_is_the_weakest_disadvantage_not_an_advantage():
    """Both at a comparative disadvantage and both net importers: the leader is named as such."""
    both_below = [pos("the ROK", "KOR", [(2024, -0.83, -0.40)]), pos("Japan", "JPN", [(2024, -0.71, -0.49)])]
    text = text_of(prose.standing(both_below, "critical minerals"))
    assert "comparative advantage" not in text and "net-export" not in text
    assert "the ROK had the weakest comparative disadvantage of the two in critical minerals (RSCA −0.40" in text
    assert "Japan had the smallest net-import position (TSI −0.71, against −0.83 for the ROK)" in text


def test_close_values_are_not_ranked():
    close = [pos("the ROK", "KOR", [(2022, 0.44, 0.77)]), pos("Japan", "JPN", [(2022, 0.47, -0.08)])]
    text = text_of(prose.standing(close, "memory"))
    assert "the ROK had the strongest comparative advantage of the two" in text
    assert "Japan and the ROK had the highest and similar TSI (0.47 and 0.44)" in text


def test_who_is_outside_the_comparison_is_said():
    out = prose.outside(Outside(2022, {"USA": "the United States"}, {"TWN": "Chinese Taipei"}, 5, "c", "system"), 3)
    text = text_of(out)
    assert "among the three focus economies only" in text
    assert "the United States, also among the five largest exporters" in text
    assert "Chinese Taipei is not among the source's reporters, so it is not placed in this comparison" in text
    assert {c.kind for c in out[0].claims} == {"rank", "missing"}


def test_a_net_importer_narrows_its_deficit_rather_than_grows_its_surplus():
    china = pos("China", "CHN", [(2019, -0.20, 0.22), (2022, -0.10, 0.21)])
    text = text_of(prose.movements([china]))
    assert "larger net-export position" not in text
    assert "China's net-import position narrowed (TSI −0.20 to −0.10)" in text


def test_a_smaller_disadvantage_is_not_a_stronger_advantage():
    japan = pos("Japan", "JPN", [(2019, 0.48, -0.14), (2022, 0.47, -0.08)])
    text = text_of(prose.movements([japan]))
    assert "stronger comparative advantage" not in text
    assert "Japan's comparative disadvantage narrowed (RSCA −0.14 to −0.08)" in text


def test_turning_quadrants_is_said_with_both_changes():
    text = text_of(prose.movements([MATERIALS[1]]))
    assert "China moved from quadrant III (at its edge: RSCA −0.05) to quadrant I: it gained a comparative advantage (RSCA −0.05 to 0.14)" in text


def test_no_movement_is_said_once_for_all():
    still = [pos("Japan", "JPN", [(2019, 0.42, 0.63), (2022, 0.40, 0.61)]),
             pos("China", "CHN", [(2019, 0.10, 0.10), (2022, 0.11, 0.12)])]
    out = prose.movements(still)
    text = text_of(out)
    assert len(out) == 1 and "Japan and China show no clear movement" in text
    assert "(Japan: RSCA 0.63 to 0.61, TSI 0.42 to 0.40; China: RSCA 0.10 to 0.12, TSI 0.10 to 0.11)" in text


def heading_positions() -> list[Position]:
    years = list(range(2013, 2024))
    china = [0.19] + [-0.02, -0.03, -0.01, -0.02, -0.02, -0.03, -0.02, -0.01, -0.02, -0.02]
    korea = [0.51, 0.55, 0.58, 0.60, 0.63, 0.66, 0.60, 0.56, 0.55, 0.54, 0.53]
    def mk(name, iso, vals):
        return Position(name, [Point(y, NAN, v) for y, v in zip(years, vals)], iso=iso, group="8542", coverage="c")
    return [mk("the ROK", "KOR", korea), mk("China", "CHN", china)]


def test_one_odd_year_does_not_make_a_trend():
    text = text_of(prose.heading(heading_positions(), "the reporters", [], "integrated circuits", "8542", "UNCTADstat"))
    assert "China's RSCA fell" not in text
    assert "China's RSCA has stayed between −0.03 and −0.01 since 2014 (−0.02 in 2023), after 0.19 in 2013, a year that stands apart" in text


def test_a_flat_end_to_end_change_does_not_hide_the_peak():
    text = text_of(prose.heading(heading_positions(), "the reporters", [], "integrated circuits", "8542", "UNCTADstat"))
    assert "broadly unchanged" not in text
    assert "the ROK's RSCA" in text and "to 0.66 (2018)" in text


def test_fit_and_end_years_disagreeing_claim_no_direction():
    years, values = list(range(2017, 2024)), [1.2, 1.0, 1.9, 1.8, 1.7, 1.6, 1.5]
    assert findings.trend_of(years, values) == "mixed"
    assert findings.trend_of([2019, 2022], [3.33, 2.99]) == "down"


def pair(partner, iso, x, m, **kw) -> Pair:
    tsi = (x - m) / (x + m)
    gl = 1 - abs(x - m) / (x + m)
    return Pair(partner, iso, kw.pop("segment", "all memory"), kw.pop("group", "memory"), 2022, x, m, tsi, gl,
                coverage="c", **kw)


def test_a_surplus_of_one_and_a_half_times_is_not_balanced_trade():
    lens = Lens("the ROK", "KOR", "memory", [pair("China", "CHN", 31.7e9, 20.2e9)])
    out = prose.balance(lens, ["China"])
    text = text_of(out)
    assert "broadly balanced" not in text
    assert "ran a surplus with China (exports USD 31.7 billion, imports USD 20.2 billion; exports 1.6 times imports; TSI 0.22)" in text
    assert [c.expect for c in out[0].claims if c.kind == "balance"] == ["surplus"]


def test_flows_at_the_reporting_floor_support_no_judgement():
    lens = Lens("the ROK", "KOR", "system semiconductors",
                [pair("Japan", "JPN", 1e6, 4e6, segment="amplifiers", group="system/amp", ei=0.4, ii=0.99),
                 pair("China", "CHN", 2e9, 1e9, segment="processors", group="system/proc", ei=1.3, ii=0.5)])
    gl = text_of(prose.two_way(lens))
    it = text_of(prose.links(lens, ["Japan", "China"]))
    assert "relies on imports from Japan" not in it and "relied on imports from Japan" not in it
    assert "Trade with Japan in amplifiers (USD 1 million of exports and USD 4 million of imports) in 2022 was under USD 10 million a year, too small to judge." in gl
    assert "(0.40)" not in it and "(0.99)" not in it                # its intensities are not judged either


def test_a_repeated_pattern_is_said_once_with_its_list():
    lens = Lens("the ROK", "KOR", "materials", [pair("Japan", "JPN", 2e8, 9e8, ei=2.06, ii=1.83),
                                                 pair("China", "CHN", 6e8, 9e8, ei=1.97, ii=1.20),
                                                 pair("the United States", "USA", 3e8, 2e8, ei=1.91, ii=0.36)])
    text = text_of(prose.intensities(lens))
    assert text.count("above 1.1") == 2 and "tighter than world trade" not in text
    assert "export intensity was above 1.1 with Japan (2.06), China (1.97) and the United States (1.91)" in text


def test_long_lists_name_the_largest_and_count_the_rest():
    assert prose.listing([f"p{i}" for i in range(7)]) == "p0, p1, p2, p3 and 3 smaller pairs"
    assert prose.listing(["a", "b", "c", "d", "e"]) == "a, b, c, d and e"


def test_gl_changes_grouped_by_direction():
    lens = Lens("the ROK", "KOR", "memory", [
        pair("China", "CHN", 31.7e9, 20.2e9, gl_change=Change(2019, 0.71, 2022, 0.78)),
        pair("Japan", "JPN", 3.9e8, 2.1e7, gl_change=Change(2019, 0.09, 2022, 0.10)),
        pair("the United States", "USA", 5e9, 2e8, gl_change=Change(2019, 0.19, 2022, 0.08))])
    text = text_of(prose.two_way(lens))
    assert "From 2019 to 2022 the index rose with China (0.71 to 0.78); it fell with the United States (0.19 to 0.08); it showed no clear change with Japan (0.09 to 0.10)." in text


def test_missing_partner_named_once_with_its_reason():
    lens = Lens("the ROK", "KOR", "memory", [pair("China", "CHN", 3e9, 2e9)],
                missing={"Chinese Taipei": "no file of this edition gives its trade with the ROK"})
    assert "No index is given with Chinese Taipei, because no file" in text_of(prose.two_way(lens))
    assert "Chinese Taipei" not in text_of(prose.links(lens, ["China"]))


def test_without_rsca_the_reason_once_and_tsi_compared():
    ps = [pos("China", "CHN", [(2019, -0.55, NAN), (2022, -0.31, NAN)]), pos("Japan", "JPN", [(2022, 0.2, NAN)])]
    text = text_of(prose.competitiveness(ps, "memory"))
    assert text.count("RSCA cannot be computed") == 1
    assert "in 2022 their TSI was Japan 0.20 (strong) and China −0.31 (weak)" in text
    assert "China's its" not in text and "China's net-import position narrowed (TSI −0.55 to −0.31)" in text


def test_every_judgement_carries_claims():
    out = (prose.competitiveness(MATERIALS, "materials")
           + prose.links(Lens("the ROK", "KOR", "memory", [pair("China", "CHN", 3e9, 2e9, ei=1.5, ii=2.9)]), ["China"]))
    for s in out:
        assert s.claims, s.text
        assert all(c.kind in claims.KINDS for c in s.claims)


def test_rendered_sentences_are_escaped_spans_with_their_numbers():
    s = claims.sentence("A <b>$1$</b> @fig-x [link](javascript:x) sentence.", claims.claim("missing", indicator="GL"))
    md = claims.render([s])
    assert md.startswith("[A \\<b\\>\\$1\\$\\<\\/b\\> \\@fig\\-x \\[link\\]\\(javascript\\:x\\) sentence\\.]{#claim-")
    assert 'class' not in md and '.claim tabindex="0" title="GL: missing"' in md
    ref = claims.sentence("It rose.", refs=("sec-memory-gl",))
    assert claims.render(ref).startswith("[It rose (@sec-memory-gl).]")
    assert isinstance(md, escape.Markup)


def test_a_rising_index_that_hides_a_reversal_of_the_balance_says_so():
    lens = Lens("the ROK", "KOR", "materials", [
        pair("China", "CHN", 5.89e8, 8.95e8, gl_change=Change(2019, 0.74, 2022, 0.79),
             tsi_change=Change(2019, 0.26, 2022, -0.21))])
    text = text_of(prose.two_way(lens))
    assert "rose with China (0.74 to 0.79, as the surplus turned into a deficit: TSI 0.26 to −0.21)" in text


def test_a_large_deficit_is_stated_with_the_partners_share_of_imports():
    lens = Lens("the ROK", "KOR", "equipment", [pair("Japan", "JPN", 4.69e8, 4.68e9, share=0.23)])
    out = prose.balance(lens, ["Japan"])
    text = text_of(out)
    assert "relied on" not in text and "ran a large deficit with Japan" in text and "23% of its imports" in text
    assert any(c.kind == "share" for c in out[0].claims)


def test_a_move_into_or_out_of_balance_is_said_as_such_not_as_a_turn():
    """TSI within 0.1 of zero (as printed) is broadly balanced: 0.07 is no net-export position, and 0.00
    no net-import position to deepen."""
    assert findings.tsi_move(-0.11, 0.07, "up") == "it moved from a net-import position to broadly balanced trade"
    assert findings.tsi_move(0.0008, -0.68, "down") == "it moved from broadly balanced trade to a net-import position"
    assert findings.tsi_move(-0.0009, -0.21, "down") == "it moved from broadly balanced trade to a net-import position"
    assert findings.tsi_move(-0.20, -0.0957, "up") == "its net-import position narrowed"      # prints as −0.10
    assert findings.tsi_move(-0.11, 0.27, "up") == "it turned from net importer to net exporter"
