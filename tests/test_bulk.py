"""Streaming BACI ingest, derived totals and the sparse whole-panel indicators."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import bulk, indicators, panel, synthetic
from analysis.importers import DataImportError

ECON, CODES = 5, 8


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> list[Path]:
    """Two years in which every exporter ships every code to every other economy."""
    folder = tmp_path_factory.mktemp("baci")
    return synthetic.baci_files(folder, [2021, 2022], rows=ECON * (ECON - 1) * CODES, economies=ECON, codes=CODES)


@pytest.fixture(scope="module")
def store(raw, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bulk") / "store"
    bulk.ingest(raw, out, min_codes=CODES)
    return out


def by_hand(raw: list[Path]) -> pd.DataFrame:
    """The raw rows with ISO codes, read with plain pandas."""
    iso = pd.read_csv(raw[0]).set_index("country_code")["country_iso3"]
    df = pd.concat(pd.read_csv(p, dtype={"k": str}) for p in raw[1:])
    return df.assign(exporter=df["i"].map(iso), importer=df["j"].map(iso), value_usd=df["v"] * 1000)


def test_store_holds_every_row_by_year_with_provenance(raw, store):
    manifest = bulk.read_manifest(store)
    assert manifest["years"] == {"2021": {"rows": 160, "codes": CODES}, "2022": {"rows": 160, "codes": CODES}}
    assert manifest["vintage"] == ["V000000"] and manifest["totals_years"] == [2021, 2022]
    assert sorted(p.name for p in (store / "flows").iterdir()) == ["year=2021", "year=2022"]
    stored = pd.read_parquet(store / "flows")
    assert len(stored) == 320
    assert stored["value_usd"].sum() == pytest.approx(by_hand(raw)["value_usd"].sum(), rel=1e-12)


def test_derived_totals_are_the_sum_of_hs6_rows(raw, store):
    hand = by_hand(raw)
    totals = pd.read_parquet(store / "totals.parquet")
    kor_x = hand[(hand["t"] == 2022) & (hand["exporter"] == "KOR")]["value_usd"].sum()
    kor_m = hand[(hand["t"] == 2022) & (hand["importer"] == "KOR")]["value_usd"].sum()
    row = totals[(totals["year"] == 2022) & (totals["reporter"] == "KOR")].set_index("flow")["value_usd"]
    assert row["X"] == pytest.approx(kor_x, rel=1e-12) and row["M"] == pytest.approx(kor_m, rel=1e-12)


def test_no_totals_from_a_file_cut_to_a_few_codes(raw, tmp_path):
    manifest = bulk.ingest(raw, tmp_path / "cut", min_codes=CODES + 1)
    assert manifest["totals_years"] == []
    assert pd.read_parquet(tmp_path / "cut" / "totals.parquet").empty


def test_zip_release_gives_the_same_store(raw, store, tmp_path):
    release = tmp_path / "BACI_HS17_V000000.zip"
    with zipfile.ZipFile(release, "w") as z:
        for p in raw:
            z.write(p, p.name)
    bulk.ingest([release], tmp_path / "from-zip", min_codes=CODES)
    cols = ["year", "exporter", "importer", "code"]
    a = pd.read_parquet(tmp_path / "from-zip" / "flows").astype({"year": int}).sort_values(cols, ignore_index=True)
    b = pd.read_parquet(store / "flows").astype({"year": int}).sort_values(cols, ignore_index=True)
    pd.testing.assert_frame_equal(a, b)


def test_sparse_rsca_and_tsi_equal_the_dense_engine(store):
    codes = sorted(pd.read_parquet(store / "flows")["code"].unique())
    flows, totals = bulk.canonical(store, codes)
    dense = indicators.compute(flows, totals, level="code", world="reporters", partners=["WLD"])
    dense = dense[dense["indicator"].isin(["RSCA", "TSI"])].pivot_table(
        index=["year", "reporter", "group"], columns="indicator", values="value", observed=True).reset_index()
    sparse = panel.duckdb_run(store, "rsca_tsi")
    both = dense.merge(sparse, left_on=["year", "reporter", "group"], right_on=["year", "reporter", "code"])
    assert len(both) == len(dense) == len(sparse) == 2 * ECON * CODES
    assert np.allclose(both["RSCA"], both["rsca"], rtol=0, atol=1e-12)
    assert np.allclose(both["TSI"], both["tsi"], rtol=0, atol=1e-12)


def test_sparse_pairs_equal_the_dense_engine(store):
    codes = sorted(pd.read_parquet(store / "flows")["code"].unique())
    flows, totals = bulk.canonical(store, codes)
    pairs = [("KOR", "CHN"), ("KOR", "JPN"), ("CHN", "JPN")]
    dense = indicators.compute(flows, totals, level="code", world="reporters")
    dense = dense[dense["indicator"].isin(["GL", "EI", "II"]) & dense["variant"].isin(["sum", "standard"])]
    dense = dense.pivot_table(index=["year", "reporter", "partner", "group"], columns="indicator", values="value",
                              observed=True).reset_index()
    sparse = panel.duckdb_run(store, "pairs", pairs=pairs)
    both = dense.merge(sparse, left_on=["year", "reporter", "partner", "group"],
                       right_on=["year", "reporter", "partner", "code"])
    assert len(both) == len(sparse) == len(pairs) * 2 * CODES
    for a, b in (("GL", "gl"), ("EI", "ei"), ("II", "ii")):
        assert np.allclose(both[a], both[b], rtol=0, atol=1e-12), a


def test_aggregate_grubel_lloyd_over_all_codes_equals_hand_arithmetic(raw, store):
    """The all-goods index of a pair: sum_k (X_k + M_k - |X_k - M_k|) / sum_k (X_k + M_k), from the raw rows."""
    hand = by_hand(raw)
    out = panel.duckdb_run(store, "pairs_aggregate", pairs=[("KOR", "JPN"), ("CHN", "KOR")])
    assert len(out) == 2 * 2 and set(out["codes"]) == {CODES}
    for (rep, par, year), row in out.set_index(["reporter", "partner", "year"]).iterrows():
        y = hand[hand["t"] == year]
        x = y[(y["exporter"] == rep) & (y["importer"] == par)].groupby("k")["value_usd"].sum()
        m = y[(y["exporter"] == par) & (y["importer"] == rep)].groupby("k")["value_usd"].sum()
        x, m = x.align(m, fill_value=0.0)
        gl = (x + m - (x - m).abs()).sum() / (x + m).sum()
        assert row["gl"] == pytest.approx(gl, rel=1e-12) and 0 < gl < 1
        assert row["exports"] == pytest.approx(x.sum(), rel=1e-12) and row["imports"] == pytest.approx(m.sum(), rel=1e-12)
    per_code = panel.duckdb_run(store, "pairs", pairs=[("KOR", "JPN")])
    weights = per_code["exports"] + per_code["imports"]
    weighted = (per_code["gl"] * weights).groupby(per_code["year"]).sum() / weights.groupby(per_code["year"]).sum()
    kor_jpn = out[out["partner"] == "JPN"].set_index("year")["gl"]
    assert np.allclose(kor_jpn.sort_index(), weighted.sort_index(), rtol=0, atol=1e-12)   # = the trade-weighted mean


def test_panel_command_aggregate_needs_pairs(store, tmp_path):
    from typer.testing import CliRunner

    from analysis.__main__ import app

    runner = CliRunner()
    done = runner.invoke(app, ["panel", str(store), "--out", str(tmp_path / "agg"), "--query", "pairs", "--aggregate",
                               "--pair", "KOR:JPN"])
    assert done.exit_code == 0, done.output
    got = pd.read_parquet(tmp_path / "agg")             # the marker file is skipped: one parquet dataset
    assert set(got.columns) >= {"reporter", "partner", "gl", "codes"} and len(got) == 2
    refused = runner.invoke(app, ["panel", str(store), "--out", str(tmp_path / "x"), "--aggregate"])
    assert refused.exit_code != 0 and "--aggregate goes with --query pairs" in refused.output


def test_filters_restrict_years_and_codes(store):
    code = sorted(pd.read_parquet(store / "flows")["code"].unique())[0]
    out = panel.duckdb_run(store, "rsca_tsi", years=[2022], codes=[code])
    assert set(out["year"]) == {2022} and set(out["code"]) == {code} and len(out) == ECON


def test_report_slice_keeps_the_product_table_codes(tmp_path):
    (tmp_path / "country_codes_V202401.csv").write_text("country_code,country_name,country_iso2,country_iso3\n"
                                                        "410,Korea,KR,KOR\n156,China,CN,CHN\n")
    (tmp_path / "BACI_HS17_Y2020_V202401.csv").write_text("t,i,j,k,v,q\n2020,410,156,854232,1500.5,10\n"
                                                          "2020,410,156,010121,9,1\n")
    from analysis import importers

    item = importers.read(tmp_path / "BACI_HS17_Y2020_V202401.csv")
    assert set(item.flows["code"]) == {"854232"}
    f = item.flows.set_index(["reporter", "partner", "flow"])
    assert f.loc[("KOR", "CHN", "X"), "value_usd"] == pytest.approx(1_500_500)
    assert f.loc[("KOR", "WLD", "X"), "value_usd"] == pytest.approx(1_500_500)        # world row of the same file
    assert f.loc[("CHN", "KOR", "M"), "value_usd"] == pytest.approx(1_500_500) and bool(f.loc[("CHN", "KOR", "M"), "mirror"])
    assert set(item.flows["hs_revision"]) == {"H5"} and set(item.flows["coverage"]) == {"baci"}
    assert any("outside the product table" in n for n in item.notes)
    assert item.totals.empty  # two codes are not the whole nomenclature


@pytest.mark.parametrize("row, message", [
    ("2020,410,156,854232,-5,1", "negative"),
    ("2020,410,999,854232,5,1", "country code not in the country_codes"),
    ("1900,410,156,854232,5,1", "year outside"),
    ("2020,410,156,85423A,5,1", "not 6 digits"),
    ("2020,410,156,854232,abc,1", "could not be read"),
])
def test_hostile_rows_are_refused_with_an_example(tmp_path, row, message):
    (tmp_path / "country_codes_V1.csv").write_text("country_code,country_iso3\n410,KOR\n156,CHN\n")
    (tmp_path / "BACI_HS17_Y2020_V1.csv").write_text(f"t,i,j,k,v,q\n2020,156,410,854232,3,1\n{row}\n")
    with pytest.raises(DataImportError, match=message):
        bulk.ingest([tmp_path], tmp_path / "store")
    assert not (tmp_path / "store").exists()


def test_conflicting_duplicates_are_refused(tmp_path):
    (tmp_path / "country_codes_V1.csv").write_text("country_code,country_iso3\n410,KOR\n156,CHN\n")
    (tmp_path / "BACI_HS17_Y2020_V1.csv").write_text("t,i,j,k,v,q\n2020,410,156,854232,3,1\n2020,410,156,854232,4,1\n")
    with pytest.raises(DataImportError, match="conflicting duplicate"):
        bulk.ingest([tmp_path], tmp_path / "store")




@pytest.mark.spark
def test_spark_local_mode_gives_the_same_answers(store):
    pytest.importorskip("pyspark")
    spark = panel.spark_session("local[1]")
    try:
        s = panel.spark_run(spark, str(store), "rsca_tsi").sort_values(["year", "reporter", "code"], ignore_index=True)
        pairs = [("KOR", "CHN"), ("KOR", "JPN")]
        sp = panel.spark_run(spark, str(store), "pairs", pairs=pairs)
    finally:
        spark.stop()
    d = panel.duckdb_run(store, "rsca_tsi").sort_values(["year", "reporter", "code"], ignore_index=True)
    assert np.allclose(s["rsca"], d["rsca"], atol=1e-12) and np.allclose(s["tsi"], d["tsi"], atol=1e-12)
    dp = panel.duckdb_run(store, "pairs", pairs=pairs)
    keys = ["year", "reporter", "partner", "code"]
    both = sp.merge(dp, on=keys)
    assert len(both) == len(dp) and np.allclose(both["gl_x"], both["gl_y"], atol=1e-12)


def test_exact_duplicate_rows_count_once(tmp_path):
    (tmp_path / "country_codes_V1.csv").write_text("country_code,country_iso3\n410,KOR\n156,CHN\n")
    (tmp_path / "BACI_HS17_Y2020_V1.csv").write_text("t,i,j,k,v,q\n2020,410,156,854232,3,1\n2020,410,156,854232,3,1\n"
                                                     "2020,156,410,854232,2,1\n")
    manifest = bulk.ingest([tmp_path], tmp_path / "store", min_codes=1)
    assert manifest["years"]["2020"]["rows"] == 2
    totals = pd.read_parquet(tmp_path / "store" / "totals.parquet").set_index(["reporter", "flow"])["value_usd"]
    assert totals[("KOR", "X")] == 3000 and totals[("KOR", "M")] == 2000


@pytest.mark.spark
def test_spark_ingest_writes_the_same_store(raw, store, tmp_path):
    pytest.importorskip("pyspark")
    spark = panel.spark_session("local[1]")
    try:
        manifest = panel.spark_ingest(spark, str(raw[0].parent / "BACI_*.csv"), str(raw[0]), str(tmp_path / "s"),
                                      min_codes=CODES)
        bad = tmp_path / "bad"
        bad.mkdir()
        (bad / "c.csv").write_text("country_code,country_iso3\n410,KOR\n")
        (bad / "BACI_HS17_Y2020_V1.csv").write_text("t,i,j,k,v,q\n2020,410,999,854232,5,1\n")
        with pytest.raises(DataImportError, match="country code not in the country_codes"):
            panel.spark_ingest(spark, str(bad / "BACI_*.csv"), str(bad / "c.csv"), str(tmp_path / "s2"))
    finally:
        spark.stop()
    assert manifest["totals_years"] == [2021, 2022]
    written = bulk.read_manifest(tmp_path / "s")
    assert written["years"] == bulk.read_manifest(store)["years"] and written["vintage"] == ["V000000"]
    cols = ["year", "exporter", "importer", "code"]
    a = pd.read_parquet(tmp_path / "s" / "flows").astype({"year": int}).sort_values(cols, ignore_index=True)
    b = pd.read_parquet(store / "flows").astype({"year": int}).sort_values(cols, ignore_index=True)
    pd.testing.assert_frame_equal(a[cols + ["value_usd", "classification"]], b[cols + ["value_usd", "classification"]])
    d = panel.duckdb_run(tmp_path / "s", "rsca_tsi").sort_values(["year", "reporter", "code"], ignore_index=True)
    e = panel.duckdb_run(store, "rsca_tsi").sort_values(["year", "reporter", "code"], ignore_index=True)
    assert np.allclose(d["rsca"], e["rsca"], atol=1e-12)


def test_a_pair_with_an_economy_the_store_lacks_is_refused(store):
    with pytest.raises(ValueError, match="--pair KOR:XYZ: XYZ is not an economy of the store"):
        panel.duckdb_run(store, "pairs", pairs=[("KOR", "XYZ")])
