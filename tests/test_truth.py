"""The sample edition tells the truth: one world per indicator, breaks, fallbacks, words and reasons.

Values are checked against independent arithmetic on the raw files (a few lines of pandas).
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from analysis import coverage, pipeline
from analysis.indicators import compute

from .conftest import flows_frame, totals_frame

TOTALS = "unctadstat_merchandise_totals_1948_2024.csv"
PANEL = "comtrade_bilateral_semis_2019_2022.csv"


# --- the world definition ---------------------------------------------------------------------

def world_panel() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two reporters and explicit world rows that include a third, unreported economy."""
    rows = [(2020, "AAA", "WLD", "X", "854232", 100), (2020, "BBB", "WLD", "X", "854232", 50),
            (2020, "AAA", "WLD", "M", "854232", 20), (2020, "BBB", "WLD", "M", "854232", 90),
            (2020, "WLD", "WLD", "X", "854232", 400), (2020, "WLD", "WLD", "M", "854232", 400)]
    totals = [(2020, "AAA", "X", 1000), (2020, "BBB", "X", 4000), (2020, "CCC", "X", 9000), (2020, "WLD", "X", 20000)]
    return flows_frame(rows), totals_frame(totals)


def pick(table: pd.DataFrame, indicator: str, reporter: str) -> float:
    row = table[(table["indicator"] == indicator) & (table["reporter"] == reporter) & (table["variant"] == "standard")]
    return float(row["value"].iloc[0])


def test_world_reported_uses_the_sources_world_rows():
    flows, totals = world_panel()
    table = compute(flows, totals, level="code", world="reported")
    assert pick(table, "share", "AAA") == pytest.approx(100 / 400)
    assert pick(table, "RCA", "AAA") == pytest.approx((100 / 1000) / (400 / 20000))


def test_world_reporters_sums_the_same_economies_in_numerator_and_denominator():
    flows, totals = world_panel()
    table = compute(flows, totals, level="code", world="reporters")
    assert pick(table, "share", "AAA") == pytest.approx(100 / 150)
    # CCC has a total of all goods but no exports of the product: it is not in this world.
    assert pick(table, "RCA", "AAA") == pytest.approx((100 / 1000) / (150 / 5000))


def test_world_reporters_leaves_out_reporters_without_totals():
    flows, totals = world_panel()
    totals = totals[totals["reporter"] != "BBB"]
    table = compute(flows, totals, level="code", world="reporters")
    assert pick(table, "RCA", "AAA") == pytest.approx(1.0)          # AAA alone is its own world
    rca_b = table[(table["indicator"] == "RCA") & (table["reporter"] == "BBB")].iloc[0]
    assert math.isnan(rca_b["value"]) and rca_b["reason"] == "X_c (all goods) missing"


def test_unknown_world_is_refused():
    with pytest.raises(ValueError, match="world must be one of"):
        compute(*world_panel(), level="code", world="everything")


# --- coverage and breaks ----------------------------------------------------------------------

def table_of(rows: list[tuple]) -> pd.DataFrame:
    """(coverage, year, value) rows of TSI for KOR-WLD in 'equipment'."""
    df = pd.DataFrame(rows, columns=["coverage", "year", "value"])
    return df.assign(indicator="TSI", variant="standard", group="equipment", reporter="KOR", partner="WLD",
                     reason="")


def test_one_coverage_per_year_the_most_complete_over_its_span():
    meta = {"panel": {"codes": ["848610", "848620", "848640", "848690"]}, "bulk": {"codes": ["848620"]}}
    table = table_of([("bulk", y, -0.8) for y in range(2016, 2021)] + [("panel", 2019, -0.3), ("panel", 2022, -0.5)])
    out = coverage.resolve(table, meta)
    chosen = out.dropna(subset=["value"]).set_index("year")["coverage"].to_dict()
    assert chosen == {2016: "bulk", 2017: "bulk", 2018: "bulk", 2019: "panel", 2022: "panel"}
    gap = out[out["year"] == 2020].iloc[0]
    assert math.isnan(gap["value"]) and gap["reason"] == coverage.OUTSIDE      # not mixed in from the bulk file
    breaks = coverage.breaks(out.dropna(subset=["value"])[["year", "coverage"]])
    assert breaks == [coverage.Break(2019, 2018, "bulk", "panel")]


def test_a_single_coverage_has_no_break():
    table = table_of([("panel", 2019, -0.3), ("panel", 2022, -0.5)])
    assert coverage.breaks(coverage.resolve(table, {})[["year", "coverage"]]) == []


# --- the real sample ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_edition(tmp_path_factory):
    from analysis.paths import SHARED_SAMPLE

    totals = SHARED_SAMPLE.parent / "real-totals"
    if not SHARED_SAMPLE.is_dir() or not (totals / TOTALS).exists():
        pytest.skip("../shared/data/real-sample or real-totals is not present")
    root = tmp_path_factory.mktemp("processed")
    folder = pipeline.prepare([SHARED_SAMPLE, totals], root=root)
    mp = pytest.MonkeyPatch()
    mp.setenv("TRADE_REPORT_EDITION", str(folder))
    yield folder
    mp.undo()


def raw_panel() -> pd.DataFrame:
    from analysis.paths import SHARED_SAMPLE

    df = pd.read_csv(SHARED_SAMPLE / PANEL, dtype={"hs_code": str})
    return df


def test_unctad_totals_spot_checks(sample_edition):
    totals = pd.read_parquet(sample_edition / "totals.parquet")
    x2019 = totals[(totals["year"] == 2019) & (totals["flow"] == "X")].set_index("reporter")["value_usd"] / 1e9
    for iso, bn in {"KOR": 542.2, "CHN": 2499.5, "JPN": 705.6, "TWN": 330.6, "USA": 1643.2, "WLD": 19008.1}.items():
        assert x2019[iso] == pytest.approx(bn, abs=0.06)
    assert not totals["reporter"].str.fullmatch(r"M49:\d{4}").any()          # no economy groups


def test_export_intensity_equals_hand_arithmetic_under_the_panel_world(sample_edition):
    """EI of KOR with CHN in equipment, 2022: every term summed over the 29 reporters of the file."""
    from analysis.edition import current
    from analysis.products import codes_of

    raw = raw_panel()
    codes = set(codes_of("equipment"))
    x = raw[(raw["year"] == 2022) & raw["hs_code"].isin(codes)]
    x_kor_chn = x[(x["reporter_code"] == "KOR") & (x["partner_code"] == "CHN")]["trade_value_usd"].sum()
    x_kor = x[x["reporter_code"] == "KOR"]["trade_value_usd"].sum()
    m_chn = x[x["partner_code"] == "CHN"]["trade_value_usd"].sum()       # China's imports = partners' exports
    m_world = x["trade_value_usd"].sum()
    expected = (x_kor_chn / x_kor) / (m_chn / m_world)
    got = current().value("EI", "equipment", "KOR", "CHN", 2022, "standard")
    assert got == pytest.approx(expected, rel=1e-9)
    ii_expected = (x[(x["reporter_code"] == "JPN") & (x["partner_code"] == "KOR")]["trade_value_usd"].sum()
                   / x[x["partner_code"] == "KOR"]["trade_value_usd"].sum()) / (
        x[x["reporter_code"] == "JPN"]["trade_value_usd"].sum() / m_world)
    assert current().value("II", "equipment", "KOR", "JPN", 2022, "standard") == pytest.approx(ii_expected, rel=1e-9)


def test_rsca_of_the_panel_uses_the_panels_totals(sample_edition):
    from analysis.edition import current
    from analysis.paths import SHARED_SAMPLE

    raw = raw_panel()
    totals = pd.read_csv(SHARED_SAMPLE.parent / "real-totals" / TOTALS, dtype={"Economy": str})
    mem = raw[(raw["year"] == 2019) & (raw["hs_code"] == "854232")]
    by_reporter = mem.groupby("reporter_code")["trade_value_usd"].sum()
    import pycountry

    def total(iso: str) -> float:
        code = pycountry.countries.get(alpha_3=iso).numeric
        row = totals[(totals["Year"] == 2019) & (totals["Flow"] == 2) & (totals["Economy"] == code)]
        return float(row["US$ at current prices in millions"].iloc[0]) * 1e6

    tot = {iso: total(iso) for iso in by_reporter.index}
    rca = (by_reporter["KOR"] / tot["KOR"]) / (by_reporter.sum() / sum(tot.values()))
    assert current().value("RCA", "memory", "KOR", "WLD", 2019, "standard") == pytest.approx(rca, rel=1e-9)
    assert current().value("RSCA", "memory", "KOR", "WLD", 2019, "standard") == pytest.approx((rca - 1) / (rca + 1))


def test_rsca_of_heading_8542_over_the_comtrade_plus_reporters(sample_edition):
    from analysis.edition import current
    from analysis.products import headings

    IC_HEADING = next(k for k, v in headings().items() if v == "8542")

    value = current().value("RSCA", IC_HEADING, "KOR", "WLD", 2019, "standard")
    assert 0.5 < value < 0.7
    row = current().series("RSCA", IC_HEADING, reporter="KOR")
    assert set(row["coverage"]) == {"comtrade-plus"} and len(row.dropna(subset=["value"])) == 11
    # 2024 has 86 reporters against about 144 in other years: another world, so no value.
    last = row[row["year"] == 2024].iloc[0]
    assert math.isnan(last["value"]) and last["reason"].startswith("incomplete year")


def test_equipment_series_breaks_where_the_source_changes(sample_edition):
    from analysis.chapter import Sector

    s = Sector("equipment")
    assert [b.year for b in s.breaks("quadrant")] == [2019]
    note = s.note("quadrant")
    assert "Break in 2019" in note and "HS 848620;" in note and "world = the 29 economies" in note
    kor = s.findings("quadrant")
    assert "since 2016" not in kor                                       # no trend across the break


def test_memory_falls_back_to_hs6_with_a_note(sample_edition):
    from analysis.chapter import Sector

    s = Sector("memory")
    assert s.fallback and s.segments("gl") == ["memory"]
    gl = s.gl_data()
    kor_chn = gl[(gl["partner"] == "CHN")].set_index("year")["value"]
    assert kor_chn[2019] == pytest.approx(0.71, abs=0.005) and kor_chn[2022] == pytest.approx(0.78, abs=0.005)
    assert "are not in this edition's files" in s.note("gl") and "HS 854232" in s.note("gl")


def test_korea_relies_on_imports_of_japanese_equipment(sample_edition):
    from analysis.chapter import Sector

    from analysis import claims

    text = claims.plain(Sector("equipment").sentences("it"))
    assert "ran a large deficit with Japan" in text and "export-led" not in text and "relied on" not in text
    assert "TSI −0.82" in text


def test_latest_year_is_the_latest_with_full_coverage(sample_edition):
    from analysis import tables

    df = tables.synthesis()
    assert not df.apply(lambda c: c.astype(str).str.contains("n/a")).any().any()
    assert df["Quadrant (RSCA, TSI)"].str.contains("in 2022").sum() >= 10


def test_prose_has_no_variable_names(sample_edition):
    from analysis.chapter import Sector

    for key in ("memory", "system", "equipment", "materials"):
        s = Sector(key)
        text = " ".join(s.findings(k) for k in ("quadrant", "gl", "it")) + " ".join(s.note(k) for k in ("quadrant", "gl", "it"))
        for bad in ("n/a", "X_c", "_cp", r"\bnan\b", r"\bNone\b"):
            assert not re.search(bad, text), (key, bad)


def test_reproduction_reasons_are_specific(sample_edition):
    from analysis import reproduction

    df = reproduction.table().set_index("ID")
    reasons = df["Reasons for a gap, from the data"]
    assert "no DRAM national lines for the ROK; HS 854232 (all memory semiconductors) used" in reasons["M3"]
    assert "no 2023 data; 2022 used" in reasons["E4"]
    assert "3 of the group's 5 codes in the source" in reasons["T4"]
    assert "mirrored from partners' exports" in reasons["E5"]
    assert "world = the 29 economies" in reasons["E9"]
    assert "trade in all goods between economies is not in this edition" in reasons["A1"]
    assert df.loc["M10", "Verdict"] == "in range; in range" and df.loc["E2", "Verdict"].startswith("below the range")
    assert df.loc["E1", "Verdict"] == "same quadrant"
    line = reproduction.summary(reproduction.table())
    assert line.startswith("Of 44 published values, 42 are recomputed from this edition and 2 cannot be.")


def test_dependency_screen_matches_hand_arithmetic(sample_edition):
    """The ROK's import concentration in memory, 2022: partners' exports to the ROK in HS 854232."""
    from analysis import conclusion

    raw = raw_panel()
    m = raw[(raw["year"] == 2022) & (raw["hs_code"] == "854232") & (raw["partner_code"] == "KOR")]
    shares = m.groupby("reporter_code")["trade_value_usd"].sum()
    shares = shares / shares.sum()
    screen = conclusion.dependency_screen().set_index(["Sector", "Economy"])
    row = screen.loc[("Memory", "ROK")]
    assert row["Import HHI"] == f"{(shares ** 2).sum():.2f}"
    assert row["Main supplier"] == f"China {shares.max():.0%}" and shares.idxmax() == "CHN"
    assert row["Flag"] in ("flagged", "–")


def test_recommendation_evidence_follows_the_numbers(sample_edition):
    from analysis import conclusion

    from analysis import claims

    first = claims.plain(conclusion.evidence_sentences("deficits"))
    assert "In its trade with Japan" in first and "imports at least twice what it exports" in first
    assert "semiconductor manufacturing equipment (TSI −" in first and "relies on" not in first
    rising = claims.plain(conclusion.evidence_sentences("rising"))
    assert ("The index also rose in semiconductor materials and parts with China (2019–2022: 0.74 to 0.79, as the "
            "surplus turned into a deficit: TSI 0.26 to −0.21), but as the balance reversed, not as deeper two-way "
            "trade.") in rising
    assert "Two-way trade rose, within one source, in memory semiconductors with China" in rising
    balance = claims.plain(conclusion.evidence_sentences("balance", "materials"))
    assert "(read from 3 of its 5 codes: HS 381800, 280461, 811292)" in balance
    for kind, sector in (("deficits", None), ("one-way", None), ("balance", "materials"), ("rising", None),
                         ("standing", "equipment")):
        text = claims.plain(conclusion.evidence_sentences(kind, sector))
        assert text and "n/a" not in text and "nan" not in text.split()


def test_the_screen_says_what_chinese_taipei_would_supply_from_its_own_customs(sample_edition):
    """Taiwan customs (portal, 2022) give Chinese Taipei's exports to the focus economies, which the
    screen's 29-economy source leaves out: counted in, it is the ROK's largest supplier of system chips.
    By hand: its exports to the ROK in the four system codes, and the ROK's imports in the panel file
    (its partners' exports to it), give the share."""
    import pandas as pd

    from analysis import claims, conclusion
    from analysis.paths import SHARED_SAMPLE

    system = ["854231", "854233", "854239", "854290"]
    portal = pd.concat(pd.read_csv(SHARED_SAMPLE / n, dtype=str) for n in
                       ("taiwan_customs_frontend_2022.csv", "taiwan_customs_backend_2022.csv"))
    to_kor = portal[(portal["Imports/Exports"] == "Exports") & portal["Commodity Code"].str.strip().isin(system)
                    & (portal["Country(Area)"] == "Korea Republic of")]["Value(USD$ 1000)"].astype(float).sum() * 1000
    raw = pd.read_csv(SHARED_SAMPLE / PANEL, dtype={"hs_code": str})
    kor_m = raw[(raw["year"] == 2022) & raw["hs_code"].isin(system) & (raw["partner_code"] == "KOR")]["trade_value_usd"].sum()
    share = to_kor / (to_kor + kor_m)
    text = claims.plain(conclusion.outside_supplier_sentences())
    assert "Chinese Taipei is outside the screen's source" in text
    assert (f"of the ROK in system semiconductors (USD {to_kor / 1e9:.1f} billion, {share:.0%} of its imports"
            in text) and round(share, 2) == 0.39
