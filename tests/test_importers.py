"""Importers on the real sample files, on small handwritten files and on broken variants."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from analysis import importers, pipeline, store
from analysis.importers import DataImportError


def test_comtrade_bilateral_tidy(sample_dir):
    item = importers.read(sample_dir / "comtrade_bilateral_semis_2019_2022.csv")
    assert item.format.startswith("UN Comtrade tidy")
    assert len(item.flows) == 10529
    assert set(item.flows["year"]) == {2019, 2022}
    assert item.flows["reporter"].nunique() == 29 and set(item.flows["flow"]) == {"X"}
    assert {"854232", "848620", "381800"} <= set(item.flows["code"])


def test_comtrade_plus_csv_latin1_crlf_trailing_commas(sample_dir):
    item = importers.read(sample_dir / "comtradeplus_8542_exports_to_world_2013_2024.csv")
    assert item.format == "UN Comtrade+ API"
    assert len(item.flows) == 1686
    assert set(item.flows["partner"]) == {"WLD"} and set(item.flows["code"]) == {"8542"}
    assert "TWN" in set(item.flows["reporter"])          # reporter 490 / S19
    assert item.flows["year"].min() == 2013 and item.flows["year"].max() == 2024
    with open(sample_dir / "comtradeplus_8542_exports_to_world_2013_2024.csv", encoding="latin-1") as fh:
        as_reported = {row["classificationCode"] for row in csv.DictReader(fh)}
    assert set(item.flows["hs_revision"]) == as_reported      # "as reported", in each reporter's revision


def test_comtrade_legacy_bulk_keeps_re_exports_apart(sample_dir):
    item = importers.read(sample_dir / "comtrade_bulk_848620_903082_903141_2016_2020.csv")
    assert item.format == "UN Comtrade legacy bulk CSV"
    with open(sample_dir / "comtrade_bulk_848620_903082_903141_2016_2020.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    flows = [row["Trade Flow"] for row in rows]
    assert len(item.flows) == sum(f in ("Export", "Import") for f in flows)
    assert len(item.re_flows) == sum(f in ("Re-Export", "Re-Import") for f in flows)
    assert set(item.flows["flow"]) == {"X", "M"} and set(item.re_flows["flow"]) <= {"RX", "RM"}
    assert set(item.flows["code"]) == {"848620", "903082", "903141"}
    assert set(item.flows["hs_revision"]) == {row["Classification"] for row in rows if row["Trade Flow"] in ("Export", "Import")}
    assert item.flows["year"].between(2016, 2020).all()


def test_taiwan_ccc_lines_and_the_one_percent_check(sample_dir):
    tw = importers.read(sample_dir / "taiwan_customs_ic_exports_by_destination_2013_2025.csv")
    ct = importers.read(sample_dir / "comtradeplus_8542_exports_to_world_2013_2024.csv")
    assert {"CCC", "HS6"} == set(tw.flows["code_system"])
    assert {"CHN", "JPN", "KOR", "USA", "HKG"} <= set(tw.flows["partner"])
    world = tw.flows[(tw.flows["partner"] == "WLD") & (tw.flows["code_system"] == "HS6") & (tw.flows["year"] == 2013)]
    comtrade = ct.flows[(ct.flows["reporter"] == "TWN") & (ct.flows["year"] == 2013) & (ct.flows["flow"] == "X")]
    assert len(comtrade) == 1
    assert world["value_usd"].sum() == pytest.approx(comtrade["value_usd"].iloc[0], rel=0.01)


def test_taiwan_portal_thousands(sample_dir):
    item = importers.read(sample_dir / "taiwan_customs_frontend_2022.csv")
    row = item.flows[(item.flows["code"] == "280461") & (item.flows["partner"] == "JPN") & (item.flows["flow"] == "M")]
    assert row["value_usd"].iloc[0] == 257866 * 1000
    assert set(item.flows["reporter"]) == {"TWN"} and "TWN" not in set(item.flows["partner"])


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_baci_handwritten(tmp_path):
    write(tmp_path / "country_codes_V202401.csv", "country_code,country_name,country_iso2,country_iso3\n"
          "410,Korea,KR,KOR\n156,China,CN,CHN\n392,Japan,JP,JPN\n")
    path = write(tmp_path / "BACI_HS17_Y2020_V202401.csv", "t,i,j,k,v,q\n2020,410,156,854232,1500.5,10\n"
                 "2020,156,410,854232,700,3\n2020,392,410,848620,90,1\n")
    item = importers.read(path)
    x = item.flows[(item.flows["reporter"] == "KOR") & (item.flows["partner"] == "CHN") & (item.flows["flow"] == "X")]
    assert x["value_usd"].iloc[0] == pytest.approx(1_500_500)
    m = item.flows[(item.flows["reporter"] == "KOR") & (item.flows["partner"] == "JPN") & (item.flows["flow"] == "M")]
    assert m["value_usd"].iloc[0] == pytest.approx(90_000) and bool(m["mirror"].iloc[0])
    assert set(item.flows["hs_revision"]) == {"H5"}


def test_baci_needs_its_country_file(tmp_path):
    path = write(tmp_path / "BACI_HS17_Y2020_V202401.csv", "t,i,j,k,v,q\n2020,410,156,854232,1500.5,10\n")
    with pytest.raises(DataImportError, match="country_codes"):
        importers.read(path)


def test_korea_customs_handwritten_with_bom_and_crlf(tmp_path):
    path = write(tmp_path / "kcs.csv", "\ufeffyear,hsk,country,export_usd,import_usd\r\n"
                 "2023,8542.32-1010,CHN,1000,400\r\n2023,8542321030,JPN,50,80\r\n")
    item = importers.read(path)
    assert item.format.startswith("Korea Customs")
    hsk = item.flows[item.flows["code_system"] == "HSK"]
    assert set(hsk["code"]) == {"8542321010", "8542321030"}
    hs6 = item.flows[(item.flows["code_system"] == "HS6") & (item.flows["partner"] == "WLD") & (item.flows["flow"] == "X")]
    assert hs6["value_usd"].sum() == 1050


def test_comtrade_plus_json(tmp_path):
    records = [{"refYear": 2022, "reporterCode": 410, "reporterISO": "KOR", "flowCode": "X", "partnerCode": 156,
                "partnerISO": "CHN", "partner2Code": 0, "customsCode": "C00", "motCode": 0, "cmdCode": "854232",
                "classificationCode": "H6", "primaryValue": 123.5},
               {"refYear": 2022, "reporterCode": 410, "reporterISO": "KOR", "flowCode": "X", "partnerCode": 156,
                "partnerISO": "CHN", "partner2Code": 0, "customsCode": "C01", "motCode": 0, "cmdCode": "854232",
                "classificationCode": "H6", "primaryValue": 99},
               {"refYear": 2022, "reporterCode": 410, "reporterISO": "KOR", "flowCode": "X", "partnerCode": 0,
                "partnerISO": "W00", "partner2Code": 0, "customsCode": "C00", "motCode": 0, "cmdCode": "TOTAL",
                "classificationCode": "H6", "primaryValue": 6.8e11}]
    path = write(tmp_path / "api.json", json.dumps({"data": records}))
    item = importers.read(path)
    assert len(item.flows) == 1 and item.flows["value_usd"].iloc[0] == 123.5   # customs C01 dropped
    assert len(item.totals) == 1 and item.totals["reporter"].iloc[0] == "KOR"


@pytest.mark.parametrize("text, message", [
    ("year,hsk,country,export_usd\n2023,8542321010,CHN,10\n", "missing column import_usd"),
    ("year,hsk,country,export_usd,import_usd\n2023,8542321010,CHN,ten,4\n", "line 2: export_usd is not a number"),
    ("year,hsk,country,export_usd,import_usd\n2023,8542321010,CHN,10,4\n2023,8542321010,JPN\n", "line 3"),
    ("year,hsk,country,export_usd,import_usd\n2023,8542321010,CHN,10,4\n2023,8542321010,CHN,11,4\n",
     "conflicting duplicate"),
    ("foo,bar\n1,2\n", "header not recognised"),
])
def test_broken_files_give_a_clear_error_and_write_nothing(tmp_path, text, message):
    raw = tmp_path / "raw"
    raw.mkdir()
    write(raw / "bad.csv", text)
    out = tmp_path / "processed"
    with pytest.raises(DataImportError, match=message) as err:
        pipeline.import_paths([raw], out)
    assert "bad.csv" in str(err.value)
    assert not out.exists() or not any(out.iterdir())


def test_raw_files_are_never_modified_and_import_is_repeatable(tmp_path, sample_dir):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("comtrade_bilateral_semis_2019_2022.csv", "comtrade_bulk_848620_903082_903141_2016_2020.csv"):
        shutil.copy(sample_dir / name, raw / name)
    before = {p.name: store.sha256(p) for p in raw.iterdir()}
    out = tmp_path / "edition"
    pipeline.import_paths([raw], out)
    first = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".parquet", ".json")}
    pipeline.import_paths([raw], out)
    second = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".parquet", ".json")}
    assert first == second
    assert before == {p.name: store.sha256(p) for p in raw.iterdir()}
    manifest = json.loads((out / "manifest.json").read_text())
    assert {i["sha256"] for i in manifest["inputs"]} == set(before.values())
    assert all({"path", "sha256", "rows", "years", "reporters", "format"} <= set(i) for i in manifest["inputs"])


def test_mirror_fill_flags_and_never_overrides():
    from tests.conftest import flows_frame

    flows = flows_frame([(2020, "KOR", "CHN", "X", "854232", 10), (2020, "CHN", "KOR", "X", "854232", 7),
                         (2020, "CHN", "KOR", "M", "854232", 11)])
    filled = importers.mirror_fill(flows)
    kor_m = filled[(filled["reporter"] == "KOR") & (filled["flow"] == "M")]
    assert kor_m["value_usd"].tolist() == [7] and kor_m["mirror"].tolist() == [True]
    chn_m = filled[(filled["reporter"] == "CHN") & (filled["flow"] == "M")]
    assert chn_m["value_usd"].tolist() == [11] and chn_m["mirror"].tolist() == [False]


def test_closed_panel_world_sums_only_its_own_flows(sample_dir):
    items = [importers.read(sample_dir / "comtrade_bilateral_semis_2019_2022.csv"),
             importers.read(sample_dir / "taiwan_customs_ic_exports_by_destination_2013_2025.csv")]
    flows, _, _ = importers.combine(items)
    kor_world = flows[(flows["reporter"] == "KOR") & (flows["partner"] == "WLD")]
    assert not (kor_world["code_system"] == "CCC").any()          # no world from Taiwan's national lines
    memory_m = kor_world[(kor_world["code"] == "854232") & (kor_world["flow"] == "M") & (kor_world["year"] == 2019)]
    bilateral = flows[(flows["reporter"] == "KOR") & (flows["partner"] != "WLD") & (flows["code"] == "854232")
                      & (flows["flow"] == "M") & (flows["year"] == 2019) & (flows["source"] == "comtrade")]
    assert memory_m["value_usd"].sum() == pytest.approx(bilateral["value_usd"].sum())
    assert bilateral["mirror"].all()


def test_taiwan_hs6_rows_sum_their_ccc_lines_and_survive_combine(sample_dir):
    item = importers.read(sample_dir / "taiwan_customs_ic_exports_by_destination_2013_2025.csv")
    key = ["year", "reporter", "partner", "flow", "code", "code_system"]
    assert not item.flows.duplicated(subset=key).any()
    flows, _, _ = importers.combine([item])
    pick = flows[(flows["partner"] == "WLD") & (flows["year"] == 2013)]
    ccc = pick[(pick["code_system"] == "CCC") & pick["code"].str.startswith("854232")]["value_usd"].sum()
    hs6 = pick[(pick["code_system"] == "HS6") & (pick["code"] == "854232")]["value_usd"]
    assert len(hs6) == 1 and hs6.iloc[0] == pytest.approx(ccc)
