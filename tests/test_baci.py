"""The BACI reader: columns by name, a real release's country table (S19, groups), zip members by
full path, product codes checked, and the chapter and the bulk store giving the same flows."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from analysis import bulk, importers, pipeline, store
from analysis.errors import DataImportError
from analysis.products import load_products

# Rows as a real release writes them (V202401 layout): Chinese Taipei as 490/S19, groups without ISO3.
COUNTRIES = ('country_code,country_name,country_iso2,country_iso3\n'
             '156,China,CN,CHN\n392,Japan,JP,JPN\n410,"Rep. of Korea",KR,KOR\n842,USA,US,USA\n'
             '490,"Other Asia, nes",,S19\n697,"Europe EFTA, nes",,R20\n711,"Southern African Customs Union (...1999)",,ZA1\n'
             '899,"Areas, nes",,\n530,"Netherlands Antilles",AN,ANT\n')
HEADER = "t,i,j,k,v,q\n"


def folder(tmp_path: Path, rows: str, header: str = HEADER, countries: str = COUNTRIES, name: str = "BACI_HS17_Y2020_V202401.csv",
           products: str | None = None) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "country_codes_V202401.csv").write_text(countries)
    if products is not None:
        (tmp_path / "product_codes_HS17_V202401.csv").write_text(products)
    (tmp_path / name).write_text(header + rows)
    return tmp_path / name


def flows_of(store_path: Path) -> pd.DataFrame:
    cols = ["year", "exporter", "importer", "code", "value_usd"]
    df = pd.read_parquet(store_path / "flows").astype({"year": int})
    return df[cols].sort_values(cols[:4], ignore_index=True)


def test_columns_are_matched_by_name_not_position(tmp_path):
    path = folder(tmp_path, "2020,156,410,854232,2,1\n", header="t,j,i,k,v,q\n")   # i = 410 exports to j = 156
    flows = importers.read(path).flows.set_index(["reporter", "partner", "flow"])
    assert flows.loc[("KOR", "CHN", "X"), "value_usd"] == pytest.approx(2000)
    assert ("CHN", "KOR", "X") not in flows.index
    bulk.ingest([tmp_path], tmp_path / "store", min_codes=1)
    assert flows_of(tmp_path / "store")[["exporter", "importer"]].values.tolist() == [["KOR", "CHN"]]


@pytest.mark.parametrize("header, message", [
    ("t,i,j,k,v,x\n", "unexpected column(s) 'x'"),
    ("t,i,j,k,q\n", "missing v"),
    ("t,i,i,k,v,q\n", "appears twice"),
])
def test_an_unexpected_header_is_refused(tmp_path, header, message):
    folder(tmp_path, "2020,410,156,854232,2,1\n", header=header)
    with pytest.raises(DataImportError, match=message.replace("(", r"\(").replace(")", r"\)")):
        bulk.ingest([tmp_path], tmp_path / "store")


def test_a_country_code_listed_twice_is_refused(tmp_path):
    path = folder(tmp_path, "2020,410,156,854232,2,1\n", countries=COUNTRIES + "410,Korea again,KR,PRK\n")
    for attempt in (lambda: importers.read(path), lambda: bulk.ingest([tmp_path], tmp_path / "s")):
        with pytest.raises(DataImportError, match="country code 410 is listed twice") as err:
            attempt()
        assert "country_codes_V202401.csv: lines 4 and 11" in str(err.value)


def test_a_real_country_table_is_handled_row_by_row(tmp_path):
    rows = ("2020,410,490,854232,5,1\n2020,490,410,854232,7,1\n2020,410,697,854232,1,1\n"
            "2020,899,156,854232,1,1\n2020,530,156,854232,1,1\n")
    path = folder(tmp_path, rows)
    item = importers.read(path)
    f = item.flows.set_index(["reporter", "partner", "flow"])["value_usd"]
    assert f[("KOR", "TWN", "X")] == pytest.approx(5000) and f[("TWN", "KOR", "X")] == pytest.approx(7000)
    assert f[("KOR", "M49:697", "X")] == pytest.approx(1000) and f[("M49:899", "CHN", "X")] == pytest.approx(1000)
    assert f[("ANT", "CHN", "X")] == pytest.approx(1000)
    notes = " ".join(item.notes)
    assert "490 (S19" in notes and "read as TWN" in notes
    assert "697 Europe EFTA, nes (R20)" in notes and "899 Areas, nes (no ISO3)" in notes and "ZA1" in notes
    manifest = bulk.ingest([tmp_path], tmp_path / "store", min_codes=1)
    assert any("R20" in n for n in manifest["notes"])
    # import and ingest give the same flows for the same release
    x = item.flows[(item.flows["flow"] == "X") & (item.flows["partner"] != "WLD")]
    mine = x.rename(columns={"reporter": "exporter", "partner": "importer"})[["year", "exporter", "importer", "code", "value_usd"]]
    mine = mine.astype({"year": int}).sort_values(["year", "exporter", "importer", "code"], ignore_index=True)
    pd.testing.assert_frame_equal(mine, flows_of(tmp_path / "store"), check_dtype=False)


def test_two_zip_members_with_one_base_name_both_count(tmp_path):
    (tmp_path / "src").mkdir()
    release = tmp_path / "BACI_HS17_V202401.zip"
    with zipfile.ZipFile(release, "w") as z:
        z.writestr("country_codes_V202401.csv", COUNTRIES)
        z.writestr("a/BACI_HS17_V202401.csv", HEADER + "2020,410,156,854232,2,1\n")
        z.writestr("b/BACI_HS17_V202401.csv", HEADER + "2021,410,156,854232,3,1\n")
    manifest = bulk.ingest([release], tmp_path / "store", min_codes=1)
    assert sorted(manifest["years"]) == ["2020", "2021"]
    assert {f["name"] for f in manifest["files"]} == {f"{release}!a/BACI_HS17_V202401.csv",
                                                      f"{release}!b/BACI_HS17_V202401.csv"}


@pytest.mark.parametrize("code, message", [("1", "not 6 digits"), ("85423A", "not 6 digits"), ("８５４２３２", "not 6 digits")])
def test_malformed_product_codes_are_refused(tmp_path, code, message):
    folder(tmp_path, f"2020,410,156,{code},2,1\n")
    with pytest.raises(DataImportError, match=message):
        bulk.ingest([tmp_path], tmp_path / "store")


def test_a_dropped_leading_zero_is_restored_and_codes_follow_the_product_table(tmp_path):
    folder(tmp_path, "2020,410,156,10121,2,1\n2020,410,156,9999AA,1,1\n",
           products='code,description\n010121,"Horses: live, pure-bred"\n9999AA,Not specified\n')
    bulk.ingest([tmp_path], tmp_path / "store", min_codes=1)
    assert sorted(flows_of(tmp_path / "store")["code"]) == ["010121", "9999AA"]
    (tmp_path / "BACI_HS17_Y2020_V202401.csv").write_text(HEADER + "2020,410,156,854232,2,1\n")
    with pytest.raises(DataImportError, match="product code not in the release's product table"):
        bulk.ingest([tmp_path], tmp_path / "store2", min_codes=1)


def test_self_trade_is_refused(tmp_path):
    folder(tmp_path, "2020,410,410,854232,2,1\n")
    with pytest.raises(DataImportError, match="the exporter as its own importer"):
        bulk.ingest([tmp_path], tmp_path / "store")


def test_an_injection_in_a_zip_member_name_is_only_a_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    payload = "BACI_HS17_Y2020_V1.csv'], header=true); COPY (SELECT 42 AS x) TO 'pwned.csv'; --.csv"
    release = tmp_path / "release.zip"
    with zipfile.ZipFile(release, "w") as z:
        z.writestr("country_codes_V1.csv", COUNTRIES)
        z.writestr(payload, HEADER + "2020,410,156,854232,2,1\n")
    out = tmp_path / "o'ut; DROP TABLE x"
    manifest = bulk.ingest([release], out, min_codes=1)
    assert manifest["years"]["2020"]["rows"] == 1
    assert not list(tmp_path.rglob("pwned*")) and not list(Path("/tmp").glob("pwned*"))


def test_ingest_refuses_to_replace_a_folder_it_did_not_write(tmp_path):
    folder(tmp_path / "raw", "2020,410,156,854232,2,1\n")
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "thesis.docx").write_text("years of work")
    with pytest.raises(ValueError, match="not empty and is not a BACI store"):
        bulk.ingest([tmp_path / "raw"], mine)
    assert (mine / "thesis.docx").read_text() == "years of work"
    bulk.ingest([tmp_path / "raw"], tmp_path / "store", min_codes=1)
    bulk.ingest([tmp_path / "raw"], tmp_path / "store", min_codes=1)      # its own store: replaced


def chapter_release(tmp_path: Path) -> Path:
    """A BACI folder in a real release's layout whose economies include 490/S19 and a group, with every
    HS6 code of the product table, for 2020–2022."""
    codes = sorted(c for c in load_products()["code"] if len(c) == 6)
    econ = [156, 392, 410, 842, 490, 697]
    rows = []
    for year in (2020, 2021, 2022):
        for n, code in enumerate(codes):
            for a in econ:
                for b in econ:
                    if a != b:
                        rows.append(f"{year},{a},{b},{code},{(a * 7 + b * 3 + n + year) % 97 + 1}.5,1\n")
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "country_codes_V202401.csv").write_text(COUNTRIES)
    (tmp_path / "BACI_HS17_Y2020-2022_V202401.csv").write_text("k,v,t,i,j,q\n" + "".join(
        f"{r.split(',')[3]},{r.split(',')[4]},{r.split(',')[0]},{r.split(',')[1]},{r.split(',')[2]},1\n" for r in rows))
    return tmp_path


def test_a_baci_folder_naming_s19_gives_taipei_as_a_partner_of_the_chapter(tmp_path):
    raw = chapter_release(tmp_path / "baci")
    folder_ = pipeline.prepare([raw], root=tmp_path / "processed")
    stored = store.load(folder_)
    table = stored.indicators
    kor_twn = table[(table["reporter"] == "KOR") & (table["partner"] == "TWN") & (table["indicator"] == "GL")]
    assert len(kor_twn) and kor_twn["value"].notna().any()
    assert "M49:697" in set(stored.flows["partner"])
    notes = " ".join(n for i in stored.manifest["inputs"] for n in i["notes"])
    assert "read as TWN" in notes and "R20" in notes


@pytest.mark.spark
def test_spark_ingest_reads_by_name_and_maps_the_country_table_as_duckdb(tmp_path):
    pytest.importorskip("pyspark")
    from analysis import panel

    raw = tmp_path / "raw"
    folder(raw, "2020,156,410,854232,2,1\n2020,410,490,854232,5,1\n2020,697,156,854232,1,1\n", header="t,j,i,k,v,q\n")
    bulk.ingest([raw], tmp_path / "duck", min_codes=1)
    mixed = tmp_path / "mixed"
    folder(mixed, "2020,410,156,854232,2,1\n", name="BACI_HS17_Y2020_V1.csv")
    (mixed / "BACI_HS17_Y2021_V1.csv").write_text("t,j,i,k,v,q\n2021,410,156,854232,2,1\n")
    spark = panel.spark_session("local[1]")
    try:
        panel.spark_ingest(spark, str(raw / "BACI_*.csv"), str(raw / "country_codes_V202401.csv"),
                           str(tmp_path / "spark"), min_codes=1)
        with pytest.raises(DataImportError, match="come in another order than the first file"):
            panel.spark_ingest(spark, str(mixed / "BACI_*.csv"), str(mixed / "country_codes_V202401.csv"),
                               str(tmp_path / "spark2"), min_codes=1)
        filtered = panel.spark_run(spark, str(tmp_path / "spark"), "rsca_tsi", codes=["854232"], years=[2020])
    finally:
        spark.stop()
    pd.testing.assert_frame_equal(flows_of(tmp_path / "spark"), flows_of(tmp_path / "duck"), check_dtype=False)
    assert {"TWN", "M49:697"} <= set(flows_of(tmp_path / "spark")[["exporter", "importer"]].values.ravel())
    assert set(filtered["code"]) == {"854232"}


def test_an_older_release_country_table_layout(tmp_path):
    old = ("country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,iso_3digit_alpha\n"
           '410,"Rep. of Korea","Republic of Korea",KR,KOR\n156,China,China,CN,CHN\n'
           '490,"Other Asia, nes","Other Asia, not elsewhere specified",N/A,N/A\n'
           '697,"Europe EFTA, nes","Europe EFTA, not elsewhere specified",N/A,N/A\n')
    path = folder(tmp_path, "2020,410,490,854232,5,1\n2020,697,156,854232,1,1\n", countries=old)
    flows = importers.read(path).flows
    x = flows[(flows["flow"] == "X") & (flows["partner"] != "WLD")]
    assert sorted(map(tuple, x[["reporter", "partner"]].values.tolist())) == [("KOR", "TWN"), ("M49:697", "CHN")]


def test_two_zip_members_that_disagree_are_both_named(tmp_path):
    release = tmp_path / "BACI_HS17_V202401.zip"
    with zipfile.ZipFile(release, "w") as z:
        z.writestr("country_codes_V202401.csv", COUNTRIES)
        z.writestr("a/BACI_HS17_V202401.csv", HEADER + "2020,410,156,854232,2,1\n")
        z.writestr("b/BACI_HS17_V202401.csv", HEADER + "2020,410,156,854232,3,1\n")
    with pytest.raises(DataImportError, match=r"KOR→CHN 854232 2020 in .*!a/BACI_HS17_V202401.csv and "
                                              r".*!b/BACI_HS17_V202401.csv: 2 different values"):
        bulk.ingest([release], tmp_path / "store", min_codes=1)
