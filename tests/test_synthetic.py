"""The demo panel: deterministic, complete and mirror-consistent."""

from __future__ import annotations

import pandas as pd

from analysis import synthetic
from analysis.products import load_products


def test_deterministic():
    a, _ = synthetic.generate()
    b, _ = synthetic.generate()
    pd.testing.assert_frame_equal(a, b)
    c, _ = synthetic.generate(seed=1)
    assert not a["value_usd"].equals(c["value_usd"])


def test_complete_panel():
    flows, totals = synthetic.generate()
    assert set(flows["year"]) == set(range(2007, 2025))
    assert {"KOR", "CHN", "JPN", "USA", "TWN", "WLD"} <= set(flows["reporter"])
    hs6 = set(load_products().query("code_system == 'HS6'")["code"])
    assert hs6 <= set(flows["code"])
    assert set(flows.loc[flows["code_system"] == "HSK", "year"]) == set(range(2017, 2025))
    assert {"X", "M"} == set(totals["flow"]) and "WLD" in set(totals["reporter"])
    assert (flows["value_usd"] > 0).all()


def test_mirror_consistent_with_a_cif_gap():
    flows, _ = synthetic.generate()
    x = flows[(flows["flow"] == "X") & (flows["partner"] != "WLD") & (flows["code_system"] == "HS6")]
    m = flows[(flows["flow"] == "M") & (flows["partner"] != "WLD") & (flows["code_system"] == "HS6")]
    merged = x.merge(m, left_on=["year", "reporter", "partner", "code"], right_on=["year", "partner", "reporter", "code"])
    ratio = merged["value_usd_y"] / merged["value_usd_x"]
    assert len(merged) == len(x)
    assert 1.0 < ratio.median() < 1.1           # imports recorded CIF, a few per cent above exports
    assert ratio.between(0.8, 1.3).all()


def test_national_lines_add_up_to_their_hs6_line():
    flows, _ = synthetic.generate()
    key = ["year", "reporter", "partner", "flow"]
    lines = flows[flows["code_system"] == "HSK"].groupby(key)["value_usd"].sum()
    parent = flows[(flows["code"] == "854232") & (flows["year"] >= 2017)].set_index(key)["value_usd"]
    assert (lines / parent.reindex(lines.index)).between(0.999999, 1.000001).all()
