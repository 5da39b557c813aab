"""UN Comtrade, in the three layouts users download: the Comtrade+ API (CSV export or JSON), the
legacy bulk CSV and the tidy exports table that comtradr returns.

What the source looks like:

- Comtrade+ API: one row per reporter × partner × flow × commodity × year (47 columns in the CSV
  export; the same fields as JSON records, as `comtradeapicall` returns them). Codes are Comtrade's
  own M49 variants (842 USA, 251 France, 490 "Other Asia, nes" = Chinese Taipei, 0 World);
  `cmdCode` TOTAL is all goods. Values in USD (`primaryValue`).
- Legacy bulk CSV: 35 columns, `Trade Value (US$)`, flows spelled out (Export, Re-Export …).
- comtradr tidy table: `hs_code, year, reporter_code, partner_code, trade_value_usd`, economies
  as ISO3 codes or names, exports only.

Quirks handled here:

- the API repeats a flow by second partner, customs procedure and mode of transport; only the
  aggregate rows are kept (partner2 = 0, customs C00, mode 0);
- Re-Export and Re-Import rows are kept apart, never mixed into exports and imports;
- economy codes must be plain digits: '4.1e2' is refused, never rounded into another economy;
- a JSON cache may hold numbers as floats; integers are written back without a decimal point.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataImportError
from ..products import HS6, revision_for_year
from ..schema import WORLD
from . import base
from .base import CLASSIFICATIONS, Format, Imported

SOURCE = "comtrade"


def _revisions(df: pd.DataFrame, column: str, years: np.ndarray) -> np.ndarray:
    if column in df:
        return df[column].map(lambda c: CLASSIFICATIONS.get(c.strip(), c.strip())).to_numpy()
    return np.array([revision_for_year(y) for y in years], dtype=object)


def _split(flows: pd.DataFrame, path: Path, fmt: str) -> Imported:
    """Separate totals of all goods and re-export/re-import rows from X and M flows."""
    is_total = flows["code"].str.upper().isin(["TOTAL", "AG0"])
    totals = flows[is_total & (flows["partner"] == WORLD) & flows["flow"].isin(["X", "M"])]
    totals = totals[["year", "reporter", "flow", "value_usd", "source"]]
    rest = flows[~is_total]
    re_rows = rest[rest["flow"].isin(["RX", "RM"])]
    unknown = set(rest["flow"]) - {"X", "M", "RX", "RM"}
    if unknown:
        raise DataImportError(f"{path}: unknown flow code(s) {sorted(map(str, unknown))}; expected X, M, RX or RM")
    main = base.check_duplicates(rest[rest["flow"].isin(["X", "M"])], path)
    return Imported(path, fmt, main.reset_index(drop=True), totals.reset_index(drop=True),
                    re_rows.reset_index(drop=True))


def read_plus(path: Path, df: pd.DataFrame | None = None) -> Imported:
    """UN Comtrade+ API rows (CSV export, or JSON records passed as `df`), one row per flow."""
    df = base.read_csv(path) if df is None else df
    base.require(df, path, ["refYear", "reporterCode", "flowCode", "partnerCode", "cmdCode", "primaryValue"])
    keep = np.ones(len(df), bool)
    for col, ok in (("partner2Code", {"0", ""}), ("customsCode", {"C00", ""}), ("motCode", {"0", ""})):
        if col in df:
            keep &= df[col].str.strip().isin(ok).to_numpy()
    df = df[keep]   # the index still counts the file's records, so errors name the right line
    notes = [] if keep.all() else [f"{int((~keep).sum())} row(s) broken down by second partner, customs procedure "
                                   "or mode of transport left out (the aggregate rows are kept)"]
    years = base.years(df["refYear"], path, "refYear")
    values = base.values(df["primaryValue"], path, "primaryValue", ceiling=base.ceiling(df["cmdCode"]))
    code = base.codes(df["cmdCode"], path, "cmdCode", "HS")
    flows = base.frame(SOURCE, year=years,
                       reporter=base.iso_codes(df["reporterCode"], path, "reporterCode", df.get("reporterISO")),
                       partner=base.iso_codes(df["partnerCode"], path, "partnerCode", df.get("partnerISO")),
                       flow=df["flowCode"].str.strip(), code=code, code_system="HS",
                       hs_revision=_revisions(df, "classificationCode", years), value_usd=values)
    flows["code_system"] = np.where(flows["code"].str.len() == 6, HS6, "HS" + flows["code"].str.len().astype(str))
    out = _split(flows, path, "UN Comtrade+ API")
    out.notes += notes
    return out


def read_legacy(path: Path) -> Imported:
    """Legacy Comtrade bulk download (35 columns, `Trade Value (US$)`)."""
    df = base.read_csv(path)
    base.require(df, path, ["Year", "Trade Flow", "Reporter Code", "Partner Code", "Commodity Code",
                            "Trade Value (US$)"])
    flow_map = {"Export": "X", "Import": "M", "Re-Export": "RX", "Re-Import": "RM"}
    flows_raw = df["Trade Flow"].str.strip()
    unknown = set(flows_raw) - set(flow_map)
    if unknown:
        raise DataImportError(f"{path}: unknown Trade Flow value(s) {sorted(unknown)}; expected "
                              f"{', '.join(flow_map)}")
    years = base.years(df["Year"], path, "Year")
    code = base.codes(df["Commodity Code"], path, "Commodity Code", "HS")
    flows = base.frame(SOURCE, year=years,
                       reporter=base.iso_codes(df["Reporter Code"], path, "Reporter Code", df.get("Reporter ISO")),
                       partner=base.iso_codes(df["Partner Code"], path, "Partner Code", df.get("Partner ISO")),
                       flow=flows_raw.map(flow_map), code=code,
                       code_system=np.where(code.str.len() == 6, HS6, "HS"),
                       hs_revision=_revisions(df, "Classification", years),
                       value_usd=base.values(df["Trade Value (US$)"], path, "Trade Value (US$)",
                                             ceiling=base.ceiling(code)))
    return _split(flows, path, "UN Comtrade legacy bulk CSV")


def read_tidy(path: Path) -> Imported:
    """Tidy exports table pulled with comtradr (reporter/partner as ISO3, exports only)."""
    df = base.read_csv(path)
    base.require(df, path, ["hs_code", "year", "reporter_code", "partner_code", "trade_value_usd"])
    years = base.years(df["year"], path, "year")
    flows = base.frame(SOURCE, year=years, reporter=base.economies(df["reporter_code"], path, "reporter_code"),
                       partner=base.economies(df["partner_code"], path, "partner_code"), flow="X",
                       code=base.codes(df["hs_code"], path, "hs_code", HS6),
                       code_system=HS6, hs_revision=[revision_for_year(y) for y in years],
                       value_usd=base.values(df["trade_value_usd"], path, "trade_value_usd"))
    out = Imported(path, "UN Comtrade tidy exports (comtradr)", base.check_duplicates(flows, path).reset_index(drop=True))
    out.notes.append("exports only: imports come from mirror flows; the HS revision is not in the file and is "
                     "taken as the one in force in each year; world totals are the sums over the file's partners")
    out.flows["closed_panel"] = True
    return out


def _cell(value: object) -> str:
    """A JSON value as the text a CSV export would hold (integral floats without '.0')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def json_records(path: Path) -> pd.DataFrame:
    """Comtrade+ JSON: a list of records, or an object whose `data` is that list."""
    try:
        payload = json.loads(base.read_text(path))
    except json.JSONDecodeError as exc:
        raise DataImportError(f"{path}: line {exc.lineno}: not valid JSON: {exc.msg}") from None
    records = payload.get("data") if isinstance(payload, dict) else payload
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataImportError(f"{path}: JSON of the wrong shape: expected a list of Comtrade+ records, or an object "
                              "with a 'data' list of them")
    if not records:
        raise DataImportError(f"{path}: no data records")
    columns = list(dict.fromkeys(k for r in records for k in r))
    return pd.DataFrame({c: [_cell(r.get(c)) for r in records] for c in columns}, dtype=str)


def read_json(path: Path) -> Imported:
    """Comtrade+ JSON records, read as the CSV export's rows."""
    return read_plus(path, json_records(path))


FORMATS = [
    Format("comtrade-plus", lambda h: {"primaryValue", "reporterCode", "cmdCode"} <= h, read_plus),
    Format("comtrade-legacy", lambda h: "Trade Value (US$)" in h, read_legacy),
    Format("comtrade-tidy", lambda h: {"hs_code", "trade_value_usd", "reporter_code"} <= h, read_tidy),
]
