"""Exported tables: no text cell survives as a live formula in CSV or XLSX."""

from __future__ import annotations

import csv
import gzip

import pandas as pd
import pytest

from analysis.build import FORMULA_START, export_indicators, neutralise

HOSTILE = ['=HYPERLINK("http://x.invalid","click")', "+1+1", "-2+3", "@SUM(A1:A9)", "\tTAB", "\rCR", "plain"]


def table() -> pd.DataFrame:
    return pd.DataFrame({"year": [2020] * len(HOSTILE), "reporter": HOSTILE, "indicator": ["TSI"] * len(HOSTILE),
                         "value": [-0.5, 0.1, 0.2, 0.3, 0.4, 0.5, float("nan")]})


@pytest.mark.parametrize("text", HOSTILE)
def test_neutralise(text):
    out = neutralise(text)
    assert not out.startswith(FORMULA_START)
    assert out == text or out == "'" + text


def test_csv_and_xlsx_carry_no_formula(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    csv_path, xlsx_path, parquet_path = export_indicators(table(), tmp_path)
    with gzip.open(csv_path, "rt", newline="") as fh:
        rows = list(csv.DictReader(fh))
    expected = ["'" + t.replace("\r", " ") for t in HOSTILE[:6]] + ["plain"]
    assert [r["reporter"] for r in rows] == expected                    # one row per table row, all inert
    assert rows[0]["value"] == "-0.5"                                   # numbers are not touched
    sheet = openpyxl.load_workbook(xlsx_path)["TSI"]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert sheet["B2"].value == "'" + HOSTILE[0] and sheet["C2"].value == -0.5


def test_an_indicator_longer_than_a_sheet_is_split_by_year():
    import pandas as pd

    from analysis.build import _sheets

    table = pd.DataFrame({"indicator": ["TSI"] * 5 + ["GL"], "year": [2019, 2019, 2020, 2020, 2020, 2019],
                          "value": range(6)})
    assert [(n, len(p)) for n, p in _sheets(table, max_rows=3)] == [("GL", 1), ("TSI 2019", 2), ("TSI 2020", 3)]
    with pytest.raises(ValueError, match="more than an XLSX sheet holds"):
        _sheets(table, max_rows=2)
