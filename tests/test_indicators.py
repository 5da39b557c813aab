"""The indicator engine: hand-computed examples, properties, an independent RCA, real data."""

from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.indicators import FORMULAS, compute, tsi_band
from analysis.products import Group

from .conftest import flows_frame, totals_frame

K1, K2 = "854232", "854231"
GROUP = [Group("g", "g", "g", (K1, K2))]


def hand_panel() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [
        (2020, "AAA", "BBB", "X", K1, 60), (2020, "AAA", "BBB", "M", K1, 20),
        (2020, "AAA", "WLD", "X", K1, 100), (2020, "AAA", "WLD", "M", K1, 50),
        (2020, "BBB", "WLD", "X", K1, 40), (2020, "BBB", "WLD", "M", K1, 80),
        (2020, "WLD", "WLD", "X", K1, 400), (2020, "WLD", "WLD", "M", K1, 420),
        (2020, "AAA", "BBB", "X", K2, 10), (2020, "AAA", "BBB", "M", K2, 30),
    ]
    totals = [(2020, "AAA", "X", 1000), (2020, "BBB", "X", 2000), (2020, "WLD", "X", 10000)]
    return flows_frame(rows), totals_frame(totals)


def pick(table: pd.DataFrame, indicator: str, reporter: str, partner: str, group: str,
         variant: str = "standard") -> pd.Series:
    row = table[(table["indicator"] == indicator) & (table["reporter"] == reporter) & (table["partner"] == partner)
                & (table["group"] == group) & (table["variant"] == variant)]
    assert len(row) == 1, f"expected one {indicator} row, got {len(row)}"
    return row.iloc[0]


@pytest.fixture
def code_table() -> pd.DataFrame:
    flows, totals = hand_panel()
    return compute(flows, totals, level="code")


def test_tsi_against_world(code_table):
    assert pick(code_table, "TSI", "AAA", "WLD", K1)["value"] == pytest.approx((100 - 50) / 150)


def test_rca_rsca_and_share(code_table):
    rca = (100 / 1000) / (400 / 10000)
    assert pick(code_table, "RCA", "AAA", "WLD", K1)["value"] == pytest.approx(2.5)
    assert pick(code_table, "RSCA", "AAA", "WLD", K1)["value"] == pytest.approx((rca - 1) / (rca + 1))
    assert pick(code_table, "share", "AAA", "WLD", K1)["value"] == pytest.approx(0.25)


def test_gl_bilateral(code_table):
    assert pick(code_table, "GL", "AAA", "BBB", K1, "sum")["value"] == pytest.approx(1 - 40 / 80)


def test_export_and_import_intensity_both_variants(code_table):
    assert pick(code_table, "EI", "AAA", "BBB", K1)["value"] == pytest.approx((60 / 100) / (80 / 420))
    assert pick(code_table, "EI", "AAA", "BBB", K1, "excl-reporter")["value"] == pytest.approx(
        (60 / 100) / (80 / (420 - 50)))
    assert pick(code_table, "II", "AAA", "BBB", K1)["value"] == pytest.approx((20 / 50) / (40 / 400))
    assert pick(code_table, "II", "AAA", "BBB", K1, "excl-reporter")["value"] == pytest.approx(
        (20 / 50) / (40 / (400 - 100)))


def test_gl_group_sum_and_line_weighted_aggregate():
    flows, totals = hand_panel()
    table = compute(flows, totals, products=GROUP)
    # Summed flows: X = 70, M = 50.  Lines: (80 - 40) + (40 - 20) over 120.
    assert pick(table, "GL", "AAA", "BBB", "g", "sum")["value"] == pytest.approx(1 - 20 / 120)
    assert pick(table, "GL", "AAA", "BBB", "g", "lines")["value"] == pytest.approx(60 / 120)


def test_undefined_values_are_missing_with_a_reason():
    flows = flows_frame([
        (2020, "AAA", "BBB", "X", K1, 0), (2020, "AAA", "BBB", "M", K1, 0),
        (2020, "AAA", "CCC", "X", K1, 5),
    ])
    table = compute(flows, None, level="code")
    zero = pick(table, "TSI", "AAA", "BBB", K1)
    assert math.isnan(zero["value"]) and zero["reason"] == "0/0: no trade"
    one_way = pick(table, "GL", "AAA", "CCC", K1, "sum")
    assert math.isnan(one_way["value"]) and one_way["reason"] == "imports missing"
    ei = pick(table, "EI", "AAA", "CCC", K1)
    assert math.isnan(ei["value"]) and "missing" in ei["reason"]
    assert not (table["value"] == 0).any()


def test_missing_totals_make_rca_missing_not_an_error():
    flows, _ = hand_panel()
    table = compute(flows, None, level="code")
    rca = pick(table, "RCA", "AAA", "WLD", K1)
    assert math.isnan(rca["value"]) and rca["reason"] == "X_c (all goods) missing"


def test_world_total_falls_back_to_the_sum_over_reporters():
    flows, totals = hand_panel()
    flows = flows[flows["reporter"] != "WLD"]
    table = compute(flows, totals, level="code")
    # World exports of K1 = 100 + 40 from the two reporters.
    assert pick(table, "share", "AAA", "WLD", K1)["value"] == pytest.approx(100 / 140)


def test_filters_restrict_output_only(code_table):
    flows, totals = hand_panel()
    table = compute(flows, totals, level="code", reporters=["AAA"], partners=["BBB"])
    assert set(table["reporter"].astype(str)) == {"AAA"}
    ei = pick(table, "EI", "AAA", "BBB", K1)["value"]
    assert ei == pytest.approx(pick(code_table, "EI", "AAA", "BBB", K1)["value"])


def test_tsi_bands():
    assert [tsi_band(v) for v in (0.7, 0.2, 0.0, -0.2, -0.8, float("nan"))] == [
        "very strong", "strong", "neutral", "weak", "very weak", "not available"]


def test_every_indicator_is_documented():
    table = compute(*hand_panel(), level="code")
    assert set(table["indicator"].astype(str)) <= set(FORMULAS)
    for f in FORMULAS.values():
        assert f.latex and f.meaning


# --- properties ------------------------------------------------------------------------------

positive = st.floats(min_value=1.0, max_value=1e11, allow_nan=False, allow_infinity=False)


def random_panel(values: list[float], scale: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three economies trading one code with each other, mirror-consistent, plus world rows."""
    econ = ["AAA", "BBB", "CCC"]
    it = iter(values)
    rows = []
    trade = {(a, b): next(it) for a in econ for b in econ if a != b}
    for (a, b), v in trade.items():
        rows.append((2020, a, b, "X", K1, v * scale))
        rows.append((2020, b, a, "M", K1, v * scale))
    for a in econ:
        rows.append((2020, a, "WLD", "X", K1, sum(v for (x, _), v in trade.items() if x == a) * scale))
        rows.append((2020, a, "WLD", "M", K1, sum(v for (_, y), v in trade.items() if y == a) * scale))
    totals = [(2020, a, "X", (10 * sum(values) + i) * scale) for i, a in enumerate(econ)]
    totals.append((2020, "WLD", "X", 40 * sum(values) * scale))
    return flows_frame(rows), totals_frame(totals)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(positive, min_size=6, max_size=6))
def test_bounds(values):
    table = compute(*random_panel(values), level="code")
    for name, low, high in (("TSI", -1, 1), ("GL", 0, 1), ("RSCA", -1, 1)):
        v = table.loc[table["indicator"] == name, "value"].dropna()
        assert len(v) and v.between(low - 1e-12, high + 1e-12).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(positive, min_size=6, max_size=6))
def test_gl_symmetric_on_mirror_data(values):
    table = compute(*random_panel(values), level="code")
    for a, b in (("AAA", "BBB"), ("AAA", "CCC"), ("BBB", "CCC")):
        assert pick(table, "GL", a, b, K1, "sum")["value"] == pytest.approx(pick(table, "GL", b, a, K1, "sum")["value"])


@settings(max_examples=40, deadline=None)
@given(st.lists(positive, min_size=6, max_size=6))
def test_rsca_increasing_in_rca(values):
    table = compute(*random_panel(values), level="code")
    rca = table[table["indicator"] == "RCA"].set_index("reporter")["value"]
    rsca = table[table["indicator"] == "RSCA"].set_index("reporter")["value"]
    order = rca.sort_values().index
    assert np.all(np.diff(rsca[order].to_numpy()) >= -1e-12)


@settings(max_examples=40, deadline=None)
@given(positive)
def test_tsi_zero_exactly_when_exports_equal_imports(value):
    flows = flows_frame([(2020, "AAA", "BBB", "X", K1, value), (2020, "AAA", "BBB", "M", K1, value),
                         (2020, "AAA", "CCC", "X", K1, value), (2020, "AAA", "CCC", "M", K1, value * 1.5)])
    table = compute(flows, None, level="code")
    assert pick(table, "TSI", "AAA", "BBB", K1)["value"] == 0.0
    assert pick(table, "TSI", "AAA", "CCC", K1)["value"] != 0.0


@settings(max_examples=25, deadline=None)
@given(st.lists(positive, min_size=6, max_size=6), st.integers(min_value=-20, max_value=20))
def test_scale_invariance_exact_for_powers_of_two(values, exponent):
    """Scaling by 2**k is exact in floating point, so every indicator must be bit-for-bit equal."""
    base = compute(*random_panel(values), level="code")
    scaled = compute(*random_panel(values, 2.0 ** exponent), level="code")
    np.testing.assert_array_equal(base["value"].to_numpy(), scaled["value"].to_numpy())


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(min_value=1.0, max_value=1e6), min_size=6, max_size=6),
       st.floats(min_value=1e-3, max_value=1e3))
def test_scale_invariance_any_constant(values, scale):
    base = compute(*random_panel(values), level="code")
    scaled = compute(*random_panel(values, scale), level="code")
    assert np.allclose(base["value"].to_numpy(), scaled["value"].to_numpy(), equal_nan=True, rtol=1e-9, atol=1e-12)


# --- an independent implementation -------------------------------------------------------------

def test_rca_matches_ecomplexity():
    ecomplexity = pytest.importorskip("ecomplexity").ecomplexity
    rng = np.random.default_rng(7)
    econ, codes = ["AAA", "BBB", "CCC", "DDD", "EEE"], ["100000", "200000", "300000", "400000"]
    panel = pd.DataFrame([(2020, e, c, float(rng.uniform(1, 100))) for e in econ for c in codes],
                         columns=["year", "reporter", "code", "value"])
    flows = flows_frame([(r.year, r.reporter, "WLD", "X", r.code, r.value) for r in panel.itertuples()])
    # ecomplexity's world is the panel itself: totals are sums over the panel's codes and reporters.
    totals = panel.groupby("reporter", as_index=False)["value"].sum()
    totals = totals_frame([(2020, r.reporter, "X", r.value) for r in totals.itertuples()]
                          + [(2020, "WLD", "X", panel["value"].sum())])
    ours = compute(flows, totals, level="code")
    ours = ours[ours["indicator"] == "RCA"][["reporter", "group", "value"]].astype({"reporter": str, "group": str})
    theirs = ecomplexity(panel, {"time": "year", "loc": "reporter", "prod": "code", "val": "value"})
    merged = ours.merge(theirs.astype({"reporter": str, "code": str}), left_on=["reporter", "group"],
                        right_on=["reporter", "code"])
    assert len(merged) == len(econ) * len(codes)
    assert np.allclose(merged["value_x"] if "value_x" in merged else merged["value"], merged["rca"])


# --- real data --------------------------------------------------------------------------------

def test_gl_korea_china_memory_from_mirror_flows(sample_dir):
    """GL of KOR-CHN trade in 854232 from the bilateral file: imports are China's reported exports."""
    from analysis import importers

    path = sample_dir / "comtrade_bilateral_semis_2019_2022.csv"
    raw = {}
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["hs_code"] == "854232" and (row["reporter_code"], row["partner_code"]) in (("KOR", "CHN"), ("CHN", "KOR")):
                raw[(row["reporter_code"], row["year"])] = float(row["trade_value_usd"])
    flows, totals, _ = importers.combine([importers.read(path)])
    table = compute(flows, totals, level="code", reporters=["KOR"], partners=["CHN"])
    for year in ("2019", "2022"):
        x, m = raw[("KOR", year)], raw[("CHN", year)]   # KOR exports to CHN; CHN exports to KOR = KOR imports
        expected = 1 - abs(x - m) / (x + m)
        got = table[(table["indicator"] == "GL") & (table["variant"] == "sum") & (table["group"] == "854232")
                    & (table["year"] == int(year))]["value"]
        assert got.iloc[0] == pytest.approx(expected, rel=1e-12)
        assert 0 < expected < 1


def test_no_world_total_is_summed_from_national_lines():
    flows = flows_frame([(2022, "TWN", "KOR", "X", "85423200234", 50), (2022, "TWN", "WLD", "X", "85423200234", 80),
                         (2022, "TWN", "KOR", "X", K1, 50), (2022, "TWN", "WLD", "X", K1, 80)])
    flows.loc[flows["code"] == "85423200234", "code_system"] = "CCC"
    table = compute(flows, None, level="code")
    national = pick(table, "share", "TWN", "WLD", "85423200234")
    assert math.isnan(national["value"]) and national["reason"] == "X_wp missing"
    assert pick(table, "share", "TWN", "WLD", K1)["value"] == pytest.approx(1.0)   # HS6: sum over reporters
