"""The reproduction appendix: comparability, causes with their numbers, the published chapter's own slips.

The sample-edition tests pin each case the issue quotes (the wrong verdict or reason is gone, the
right one is present); the others check the pure parts on hand-made rows.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import reproduction

from .test_truth import sample_edition  # noqa: F401  (the fixture: the sample edition, skipped when absent)


def statement(**kw) -> pd.Series:
    """A published statement as a row of published_values.csv."""
    base = {"id": "X1", "sector": "equipment", "segment": "equipment", "indicator": "IT", "reporter": "KOR",
            "partner": "JPN", "direction": "import", "year_from": 2018, "year_to": 2023, "value_from": math.nan,
            "value_to": math.nan, "low": math.nan, "high": math.nan, "holds": "end year", "kind": "point",
            "note": "", "conflict": ""}
    return pd.Series({**base, **kw})


# --- pure parts ---------------------------------------------------------------------------------

def test_a_point_outside_the_chapters_own_range_is_flagged():
    row = statement(value_to=1.4, low=1.5, high=1.8, holds="every year")
    assert reproduction.slip(row) == "it gives 1.4 for 2023 in one place and 1.5 to 1.8 over 2018–2023 in another"
    assert reproduction.slip(statement(value_to=1.8, low=1.8, high=2.6)) == ""
    assert reproduction.slip(statement(conflict="caption says 2018-2023")) == "caption says 2018–2023"


def test_every_slip_the_content_brief_lists_is_in_the_reference_copy():
    flagged = {r["id"] for _, r in reproduction.published().iterrows() if reproduction.slip(r)}
    assert {"E9", "M1", "M4", "T8"} <= flagged


def test_year_segment_and_codes_make_a_statement_not_comparable():
    meta = {"codes": ["848610", "848620", "848640", "848690"]}
    end = statement(value_to=0.39, holds="end year")
    assert reproduction._mismatches(end, "equipment", 2023, False, meta) == []
    assert reproduction._mismatches(end, "equipment", 2022, False, meta) == [("year", "no 2023 data; 2022 used")]
    span = statement(low=0.2, high=0.5, holds="every year")
    assert reproduction._mismatches(span, "equipment", 2022, False, meta) == []
    assert [k for k, _ in reproduction._mismatches(span, "equipment", 2016, False, meta)] == ["year"]
    part = reproduction._mismatches(end, "equipment", 2023, False, {"codes": ["848620"]})
    assert part == [("codes", "1 of the group's 4 codes in the source (HS 848620)")]
    proxy = statement(segment="DRAM", sector="memory", holds="end year")
    assert [k for k, _ in reproduction._mismatches(proxy, "memory", 2023, True, {"codes": ["854232"]})] == ["segment"]
    trend = statement(holds="period", year_from=2008)
    assert [k for k, _ in reproduction._mismatches(trend, "equipment", 2022, False, meta, 2019)] == ["period"]


def test_the_range_scores_a_year_inside_the_span_and_the_point_only_its_own_year():
    row = statement(value_to=1.8, low=1.8, high=2.6, holds="every year")
    assert reproduction._verdict(row, 1.58, 2022, "index") == ("below the range by 0.22", False)
    assert reproduction._verdict(row, 1.82, 2023, "index") == ("within ±0.05", True)


def test_quadrant_iii_is_not_read_as_quadrant_i():
    assert reproduction.stated_quadrant("quadrant III throughout") == "III"
    assert reproduction.stated_quadrant("quadrant I throughout") == "I"
    assert reproduction.stated_quadrant("turned to quadrant IV recently") == "IV"
    assert reproduction.stated_quadrant("RSCA and TSI rising") is None


def test_summary_counts_comparable_and_not_comparable_apart():
    df = pd.DataFrame([
        {"ID": "A", "_recomputed": True, "_comparable": True, "_within": True, "_mismatch": (), "_slip": False},
        {"ID": "B", "_recomputed": True, "_comparable": True, "_within": False, "_mismatch": (), "_slip": True},
        {"ID": "C", "_recomputed": True, "_comparable": False, "_within": False, "_mismatch": ("segment", "year"),
         "_slip": False},
        {"ID": "D", "_recomputed": False, "_comparable": False, "_within": False, "_mismatch": (), "_slip": False}])
    line = reproduction.summary(df)
    assert line.startswith("Of 4 published values, 3 are recomputed from this edition and 1 cannot be.")
    assert "2 are comparable" in line and "1 falls within tolerance" in line and "range, 1 not." in line
    assert "1 is not comparable (1 other segment, 1 other year;" in line
    assert "1 published statement (B) contradicts another part" in line


# --- the cases the issue quotes, on the sample edition ---------------------------------------------

@pytest.fixture
def repro(sample_edition):  # noqa: F811
    return reproduction.table().set_index("ID")


def test_one_all_memory_value_is_not_scored_against_dram_and_mcp_flash(repro):
    for key in ("M3", "M4"):
        verdict = repro.loc[key, "Verdict"]
        assert "within" not in verdict and verdict.startswith("not comparable: other segment")
        assert not repro.loc[key, "_within"] and not repro.loc[key, "_comparable"]
    assert repro.loc["M5", "Verdict"].startswith("not comparable: other segment")   # near zero, but all memory


def test_the_forty_fold_gap_names_classification_not_the_missing_year(repro):
    reasons = repro.loc["S7", "Reasons for a gap, from the data"]
    assert repro.loc["S7", "Verdict"] == "not comparable: other year"
    assert "classification: Japan's record puts USD 3.2 billion of this trade in 2022 under HS 854239" in reasons
    assert "the change of year does not explain a 41-fold gap" in reasons


def test_small_flows_not_fob_cif_explain_the_amplifier_gl(repro):
    reasons = repro.loc["S9", "Reasons for a gap, from the data"]
    assert reasons.startswith("small flows: exports USD 1 million, imports USD 4 million in 2022")
    assert "FOB" not in reasons and "CIF" not in reasons
    assert repro.loc["S9", "_comparable"]          # same year, segment and codes: a genuine, noisy, gap


def test_hong_kong_partner_outside_the_world_and_codes_are_named(repro):
    reasons = repro["Reasons for a gap, from the data"]
    assert "Hong Kong: imports from Hong Kong, China (USD 505 million in 2022, 26% of China" in reasons["S5"]
    assert ("Taiwan customs record USD 11.4 billion of imports from China and USD 47.8 billion of exports to China "
            "in 2022; with them China's TSI would be −0.54, not −0.52") in reasons["S2"]
    assert "with them the ROK's TSI would be −0.49, not −0.54" in reasons["E2"]    # part of E2's gap
    assert repro.loc["T4", "Verdict"] == "not comparable: other codes, other year"


def test_the_published_import_intensity_slip_is_flagged(repro):
    reasons = repro.loc["E9", "Reasons for a gap, from the data"]
    assert reasons.startswith("published chapter inconsistent: it gives 1.4 for 2023 in one place and 1.5 to 1.8")
    assert repro.loc["E9", "Verdict"] == "below the range by 0.52"


def test_summary_is_honest_about_comparability(repro):
    line = reproduction.summary(repro.reset_index())
    comparable = int(repro["_comparable"].sum())
    other = int((repro["_recomputed"] & ~repro["_comparable"]).sum())
    assert comparable + other + int((~repro["_recomputed"]).sum()) == len(repro)
    assert f"{comparable} are comparable" in line and f"{other} are not comparable" in line
    assert comparable == 13 and other == 29
    assert "carry a reason read from the data, or need none" not in line
    assert "(M1, M4, E9, T8)" in line
