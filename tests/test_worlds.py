"""The world is what the note says: RSCA of a closed panel over every economy of the file, Chinese Taipei
where the files give it, the alternative worlds of the methods appendix, materiality and the China +
Hong Kong variant. Values are checked against arithmetic on the raw files in a few lines of pandas.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import config, coverage, worlds
from analysis.indicators import compute

from .conftest import flows_frame, totals_frame

PANEL = "comtrade_bilateral_semis_2019_2022.csv"
TOTALS = "unctadstat_merchandise_totals_1948_2024.csv"
PORTAL = ("taiwan_customs_frontend_2022.csv", "taiwan_customs_backend_2022.csv")


# --- the engine's closed-panel world ----------------------------------------------------------------

def closed_panel() -> tuple[pd.DataFrame, pd.DataFrame]:
    """AAA and BBB export 854232 to each other; CCC exports only another code (its 854232 flows fell
    under the file's floor). World rows are the sums over partners, as the importer builds them."""
    rows = [(2020, "AAA", "BBB", "X", "854232", 100), (2020, "BBB", "AAA", "X", "854232", 50),
            (2020, "CCC", "AAA", "X", "854231", 30),
            (2020, "AAA", "WLD", "X", "854232", 100), (2020, "BBB", "WLD", "X", "854232", 50),
            (2020, "CCC", "WLD", "X", "854231", 30)]
    totals = [(2020, "AAA", "X", 1000), (2020, "BBB", "X", 4000), (2020, "CCC", "X", 5000)]
    return flows_frame(rows), totals_frame(totals)


def rca(table: pd.DataFrame, reporter: str, code: str = "854232") -> float:
    row = table[(table["indicator"] == "RCA") & (table["reporter"] == reporter) & (table["group"] == code)]
    return float(row["value"].iloc[0])


def test_panel_world_counts_every_economy_of_the_file():
    flows, totals = closed_panel()
    table = compute(flows, totals, level="code", world="panel", partners=["WLD"])
    # CCC has no 854232 flow (under the floor: none), but its exports of all goods are in the world.
    assert rca(table, "AAA") == pytest.approx((100 / 1000) / (150 / 10000))


def test_reporters_world_leaves_out_economies_without_a_flow_of_the_product():
    flows, totals = closed_panel()
    table = compute(flows, totals, level="code", world="reporters", partners=["WLD"])
    assert rca(table, "AAA") == pytest.approx((100 / 1000) / (150 / 5000))


def test_the_sample_panel_states_its_floor_and_partner_scope():
    ref = coverage.reference().loc["comtrade-tidy"]
    assert ref["world_mode"] == "panel"
    assert "USD 1 million" in ref["floor"] and float(ref["floor_usd"]) == 1e6
    assert "exports of all goods to the whole world" in ref["scope"]


# --- a partner from another coverage --------------------------------------------------------------

def pair_table() -> pd.DataFrame:
    rows = [("panel", "CHN", 0.5), ("panel", "JPN", 0.4), ("taiwan", "TWN", 0.7), ("taiwan", "CHN", 0.9)]
    df = pd.DataFrame(rows, columns=["coverage", "partner", "value"])
    return df.assign(indicator="GL", variant="sum", group="memory", reporter="KOR", year=2022, reason="")


def test_a_pair_the_chosen_coverage_lacks_comes_whole_from_another():
    meta = {"panel": {"codes": ["854232"]}, "taiwan": {"codes": ["854232"]}}
    out = coverage.resolve(pair_table(), meta)
    got = out.dropna(subset=["value"]).set_index("partner")[["coverage", "value"]]
    assert got.loc["TWN", "coverage"] == "taiwan" and got.loc["TWN", "value"] == 0.7
    # China is in the chosen coverage: the other source's value is not mixed in.
    assert got.loc["CHN", "coverage"] == "panel" and got.loc["CHN", "value"] == 0.5
    assert len(got) == 3


# --- alternative worlds ------------------------------------------------------------------------------

def test_quadrant_depends_only_when_the_sign_of_rsca_changes():
    assert worlds.depends(-0.11, {"stated": 0.005, "with-flow": -0.05})
    assert not worlds.depends(-0.11, {"stated": 0.2, "with-flow": 0.1, "with-twn": float("nan")})
    assert worlds.quadrants(-0.11, {"stated": 0.005, "with-flow": -0.05}) == {"stated": "IV", "with-flow": "III"}


def test_taiwan_exports_prefer_the_portal_and_apply_the_floor():
    panel = flows_frame([(2022, "KOR", "JPN", "X", "854232", 5e6), (2022, "JPN", "KOR", "X", "854232", 4e6)])
    panel["coverage"] = "comtrade-tidy"
    twn = flows_frame([(2022, "TWN", "KOR", "X", "854232", 3e6), (2022, "TWN", "JPN", "X", "854232", 0.5e6),
                       (2022, "TWN", "USA", "X", "854232", 9e6)])
    ccc = twn.assign(coverage="taiwan-ccc", value_usd=twn["value_usd"] * 2)
    flows = pd.concat([panel, twn.assign(coverage="taiwan-portal"), ccc], ignore_index=True)
    rows, used = worlds.taiwan_exports(flows, panel, floor=1e6)
    bil = rows[rows["partner"] != "WLD"]
    assert used[2022][0] == "taiwan-portal"
    assert list(bil["partner"]) == ["KOR"]                  # JPN under the floor; USA is not in the panel
    assert float(rows.loc[rows["partner"] == "WLD", "value_usd"].iloc[0]) == 3e6
    assert set(rows["coverage"]) == {"comtrade-tidy"}


def test_materiality_floor_is_read_from_the_configuration():
    assert config.load().materiality_usd == 10e6


# --- the real sample -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from analysis import pipeline
    from analysis.paths import SHARED_SAMPLE

    totals = SHARED_SAMPLE.parent / "real-totals"
    if not SHARED_SAMPLE.is_dir() or not (totals / TOTALS).exists():
        pytest.skip("../shared/data/real-sample or real-totals is not present")
    folder = pipeline.prepare([SHARED_SAMPLE, totals], root=tmp_path_factory.mktemp("processed"))
    mp = pytest.MonkeyPatch()
    mp.setenv("TRADE_REPORT_EDITION", str(folder))
    yield SHARED_SAMPLE
    mp.undo()


def unctad_exports(folder, year: int) -> pd.Series:
    """Exports of all goods by ISO3 (USD) from the UNCTADstat file."""
    import pycountry

    df = pd.read_csv(folder.parent / "real-totals" / TOTALS, dtype={"Economy": str})
    df = df[(df["Year"] == year) & (df["Flow"] == 2) & (df["Economy"].astype(int) < 1000)]   # groups left out
    iso = {int(c.numeric): c.alpha_3 for c in pycountry.countries}
    out = df.set_index(df["Economy"].astype(int).map(iso))["US$ at current prices in millions"] * 1e6
    return out[out.index.notna()]


def hand_rsca(raw: pd.DataFrame, tot: pd.Series, codes: set[str], year: int, economy: str,
              extra: pd.Series | None = None) -> float:
    """RSCA with the world = every economy of the file (plus `extra` exports by economy, if given)."""
    x = raw[(raw["year"] == year) & raw["hs_code"].isin(codes)].groupby("reporter_code")["trade_value_usd"].sum()
    economies = sorted(raw["reporter_code"].unique())
    if extra is not None:
        x = x.add(extra, fill_value=0)
        economies += list(extra.index)
    r = (x.get(economy, 0) / tot[economy]) / (x.sum() / tot[economies].sum())
    return (r - 1) / (r + 1)


@pytest.mark.parametrize("sector", ["memory", "system", "equipment", "materials"])
def test_rsca_equals_arithmetic_under_the_world_the_note_states(sample, sector):
    from analysis.edition import current
    from analysis.products import codes_of

    raw = pd.read_csv(sample / PANEL, dtype={"hs_code": str})
    assert raw["reporter_code"].nunique() == 29
    for year in (2019, 2022):
        tot = unctad_exports(sample, year)
        for economy in ("KOR", "CHN", "JPN"):
            expected = hand_rsca(raw, tot, set(codes_of(sector)), year, economy)
            got = current().value("RSCA", sector, economy, "WLD", year, "standard")
            assert got == pytest.approx(expected, rel=1e-9), (sector, year, economy)


def test_china_materials_2019_is_quadrant_iv_and_says_it_depends_on_the_world(sample):
    from analysis.chapter import Sector

    s = Sector("materials")
    row = s.quadrant_data.set_index(["economy", "year"]).loc[("CHN", 2019)]
    assert row["RSCA"] > 0 > row["TSI"]                      # quadrant IV, not III
    assert s.world_dependent("CHN", 2019) and not s.world_dependent("JPN", 2019)
    alt = s.world_sensitivity().set_index(["economy", "year"]).loc[("CHN", 2019)]
    assert alt[worlds.WITH_FLOW] < 0                          # the old world (floor applied silently): III
    note = s.note("quadrant")
    assert "the 29 economies of the bilateral file" in note and "under USD 1 million" in note
    assert "exports of all goods to the whole world" in note
    assert "The quadrant of China in 2019 depends on the choice of world" in note


def test_rsca_with_chinese_taipei_equals_arithmetic_from_taiwan_customs(sample):
    from analysis.chapter import Sector
    from analysis.countries import iso3_from_name
    from analysis.products import codes_of

    raw = pd.read_csv(sample / PANEL, dtype={"hs_code": str})
    codes = set(codes_of("system"))
    portal = pd.concat([pd.read_csv(sample / f, dtype={"Commodity Code": str}) for f in PORTAL])
    portal = portal[(portal["Imports/Exports"] == "Exports") & portal["Commodity Code"].str.strip().isin(codes)]
    portal = portal.assign(partner=portal["Country(Area)"].map(iso3_from_name),
                           usd=portal["Value(USD$ 1000)"] * 1000)
    portal = portal[portal["partner"].isin(set(raw["reporter_code"])) & (portal["usd"] >= 1e6)]
    extra = pd.Series({"TWN": portal["usd"].sum()})
    expected = hand_rsca(raw, unctad_exports(sample, 2022), codes, 2022, "KOR", extra)
    alt = Sector("system").world_sensitivity().set_index(["economy", "year"])
    assert alt.loc[("KOR", 2022), worlds.WITH_TWN] == pytest.approx(expected, rel=1e-9)
    assert alt.loc[("KOR", 2022), "taiwan_source"] == "taiwan-portal"


def test_chinese_taipei_is_a_gl_partner_from_taiwan_customs(sample):
    from analysis.chapter import Sector
    from analysis.products import codes_of

    portal = pd.concat([pd.read_csv(sample / f, dtype={"Commodity Code": str}) for f in PORTAL])
    kor = portal[(portal["Country(Area)"] == "Korea Republic of")
                 & portal["Commodity Code"].str.strip().isin(set(codes_of("memory")))]
    x = kor.loc[kor["Imports/Exports"] == "Imports", "Value(USD$ 1000)"].sum() * 1000   # the ROK's exports
    m = kor.loc[kor["Imports/Exports"] == "Exports", "Value(USD$ 1000)"].sum() * 1000
    s = Sector("memory")
    gl = s.gl_data().set_index(["partner", "year"])
    assert gl.loc[("TWN", 2022), "value"] == pytest.approx(1 - abs(x - m) / (x + m), rel=1e-9)
    assert gl.loc[("TWN", 2022), "exports_usd"] == pytest.approx(x) and gl.loc[("TWN", 2022), "coverage"] == "taiwan-portal"
    assert "Chinese Taipei" not in s.lens("gl").missing
    assert "Chinese Taipei in 2022: Taiwan customs portal" in s.note("gl")
    it_note = s.note("it")
    assert "Trade intensity with Chinese Taipei is not available" in it_note and "whole world" in it_note


def test_flows_behind_every_bilateral_value_and_their_materiality(sample):
    from analysis.chapter import Sector

    s = Sector("system")
    it = s.it_data()
    assert {"exports_usd", "imports_usd", "material"} <= set(it.columns)
    amp = it[(it["group"] == "system/amplifiers") & (it["partner"] == "JPN") & (it["year"] == 2022)].iloc[0]
    raw = pd.read_csv(sample / PANEL, dtype={"hs_code": str})
    pick = raw[(raw["year"] == 2022) & (raw["hs_code"] == "854233")]
    x = pick[(pick["reporter_code"] == "KOR") & (pick["partner_code"] == "JPN")]["trade_value_usd"].sum()
    m = pick[(pick["reporter_code"] == "JPN") & (pick["partner_code"] == "KOR")]["trade_value_usd"].sum()
    assert amp["exports_usd"] == pytest.approx(x) and amp["imports_usd"] == pytest.approx(m)
    assert x + m < 10e6 and not amp["material"]


def test_china_plus_hong_kong_where_hong_kongs_share_passes_the_threshold(sample):
    from analysis.chapter import Sector

    raw = pd.read_csv(sample / PANEL, dtype={"hs_code": str})
    mem = raw[(raw["year"] == 2022) & (raw["hs_code"] == "854232")]

    def flow(a: str, b: str) -> float:
        return float(mem[(mem["reporter_code"] == a) & (mem["partner_code"] == b)]["trade_value_usd"].sum())

    row = Sector("memory").china_hong_kong("memory").set_index("year").loc[2022]
    x, m = flow("KOR", "CHN") + flow("KOR", "HKG"), flow("CHN", "KOR") + flow("HKG", "KOR")
    assert row["exports_usd"] == pytest.approx(x) and row["imports_usd"] == pytest.approx(m)
    assert row["GL"] == pytest.approx(1 - abs(x - m) / (x + m))
    assert row["hk_share_exports"] == pytest.approx(flow("KOR", "HKG") / mem[mem["reporter_code"] == "KOR"]["trade_value_usd"].sum())
    assert row["hk_share_exports"] > 0.10


def test_introduction_promises_only_what_the_edition_holds(sample):
    from analysis.chapter import held_partners, held_years, taiwan_text

    assert held_years("quadrant") == [2016, 2017, 2018, 2019, 2022]
    assert held_years("bilateral") == [2019, 2022]
    assert "TWN" in held_partners()
    assert "Taiwan customs portal" in taiwan_text() and "2022" in taiwan_text()


def test_methods_appendix_table_says_which_quadrant_depends_on_the_world(sample):
    text = re.sub(r"\\(.)", r"\1", worlds.sensitivity_markdown().data)     # the cells as read, escapes undone
    assert "1 changes quadrant with the choice of world" in text
    assert "China in semiconductor materials and parts, 2019 (RSCA 0.01 in the stated world, −0.05" in text
    assert "| materials | China | 2019 | −0.11 | 0.01 | −0.05 | not in the files | — | yes |" in text


def test_a_partner_from_another_source_is_no_break():
    rows = pd.DataFrame({"year": [2022, 2019, 2022, 2022], "coverage": ["taiwan", "panel", "panel", "panel"]})
    assert coverage.breaks(rows) == []


def test_a_source_with_world_rows_is_shown_for_the_codes_it_holds(sample):
    from analysis.chapter import Sector

    alt = Sector("equipment").world_sensitivity().set_index(["economy", "year"])
    row = alt.loc[("KOR", 2019)]
    assert row["world_rows_source"] == "comtrade-legacy" and row["world_rows_codes"] == ("848620",)
    assert not row["depends"]             # other codes than the stated world's: shown, not judged
    assert "0.20 (HS 848620)" in re.sub(r"\\(.)", r"\1", worlds.sensitivity_markdown().data)


def test_the_notes_give_china_and_hong_kong_together_where_hong_kong_passes_the_threshold(sample):
    from analysis.chapter import Sector

    s = Sector("memory")
    row = s.china_hong_kong("memory").iloc[-1]
    note = s.note("gl")
    assert "With China and Hong Kong, China taken together as one partner" in note
    assert f"{row['GL']:.2f} in {int(row['year'])}" in note and "22% of the ROK's exports" in note
    assert Sector("equipment").china_hong_kong_notes("gl") == []       # Hong Kong under 10 % there


def test_the_combined_index_says_when_it_moves_against_the_index_with_china_alone(sample):
    """SoC and other ICs: with Hong Kong, China taken in, the ROK's index with China rose from 2019 to 2022
    while with China alone it fell; the note says so rather than showing the latest year only."""
    from analysis.chapter import Sector

    note = Sector("system").note("gl")
    assert ("GL 0.70 in 2019 and 0.84 in 2022, so the index rose with the two together while with China alone "
            "it fell (0.85 to 0.74)") in note
