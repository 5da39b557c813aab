"""Totals of all goods: the project's own table, and the UNCTADstat bulk CSV.

What the sources look like:

- the project's table: `year, reporter, flow, value_usd[, source]`, reporters as ISO3 codes
  (or `M49:<code>`), flows X or M, values in USD;
- UNCTADstat merchandise trade (US$ at current prices in millions): `Year, Economy, Economy
  Label, Flow, Flow Label, US$ at current prices in millions, …`, economies as M49 numbers
  (840 United States, 158 Chinese Taipei, 0 World), flows 01 imports and 02 exports.

Quirks handled here:

- UNCTADstat lists groups of economies with codes 1000 and above: left out, and said so;
- an economy code that is not an M49 number (e.g. 'U840') is left out and reported with its
  count and an example, never dropped without a word;
- a missing UNCTADstat value is missing, not zero;
- a reporter that is not an ISO3 code ('KORE'), or one that no table knows ('XYZ'), is refused.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import countries, schema
from ..errors import DataImportError
from ..schema import FLOW_COLUMNS
from . import base
from .base import Format, Imported

UNCTAD = "unctadstat"
UNCTAD_VALUE = "US$ at current prices in millions"
UNCTAD_FLOWS = {"01": "M", "02": "X"}


def read_table(path: Path) -> Imported:
    """A canonical totals-of-all-goods table (year, reporter, flow, value_usd)."""
    df = base.read_csv(path)
    base.require(df, path, ["year", "reporter", "flow", "value_usd"])
    reporter = df["reporter"].str.strip()
    bad = ~reporter.str.fullmatch(schema.ECONOMY)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise DataImportError(f"{path}: line {base.line(df, row)}: reporter {reporter.iloc[row]!r} is not an ISO3 "
                              "code (three capital letters, e.g. KOR) or M49:<number>; write the economy's ISO3 code")
    known = set(countries.table()["iso3"])
    unknown = ~reporter.str.startswith("M49:") & ~reporter.isin(known) & reporter.map(
        lambda r: countries.iso3_from_name(r) != r)
    if unknown.any():
        row = int(unknown.to_numpy().nonzero()[0][0])
        raise DataImportError(f"{path}: line {base.line(df, row)}: reporter {reporter.iloc[row]!r} is no economy of "
                              "the country table or of ISO 3166 (a typing slip for another code?); write the "
                              "economy's ISO3 code, or M49:<number> for a group")
    flow = df["flow"].str.strip()
    bad = ~flow.isin(schema.FLOWS)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise DataImportError(f"{path}: line {base.line(df, row)}: flow {flow.iloc[row]!r} is not X (exports) "
                              "or M (imports)")
    totals = pd.DataFrame({"year": base.years(df["year"], path, "year"), "reporter": reporter, "flow": flow,
                           "value_usd": base.values(df["value_usd"], path, "value_usd", ceiling=schema.MAX_TOTAL_USD),
                           "source": df["source"].str.strip() if "source" in df else "user"})
    return Imported(path, "totals of all goods", pd.DataFrame(columns=FLOW_COLUMNS), totals)


def read_unctad(path: Path) -> Imported:
    """UNCTADstat merchandise totals (millions of USD, M49 economies; groups 1000 and above left out)."""
    df = base.read_csv(path)
    base.require(df, path, ["Year", "Economy", "Flow", UNCTAD_VALUE])
    notes = []
    df = df[df["Flow"].str.strip().isin(UNCTAD_FLOWS)]
    economy = df["Economy"].str.strip()
    numeric = economy.str.fullmatch(r"[0-9]+")
    if (~numeric).any():
        odd = economy[~numeric]
        notes.append(f"{len(odd)} row(s) whose economy is not an M49 number (e.g. {odd.iloc[0]!r}) left out; "
                     "UNCTADstat writes economies as M49 numbers, so these rows are probably damaged")
    number = pd.to_numeric(economy.where(numeric), errors="coerce")
    groups = number >= 1000
    if groups.any():
        notes.append(f"{int(groups.sum())} row(s) of economy groups (codes 1000 and above) left out")
    df = df[numeric & ~groups]
    df = df[df[UNCTAD_VALUE].str.strip() != ""]          # a missing value is missing, not zero
    economy = df["Economy"].str.strip()
    iso = {c: countries.iso3_from_m49(c) or f"M49:{int(c)}" for c in economy.unique()}
    totals = pd.DataFrame({"year": base.years(df["Year"], path, "Year", first=schema.FIRST_YEAR),
                           "reporter": economy.map(iso).to_numpy(),
                           "flow": df["Flow"].str.strip().map(UNCTAD_FLOWS).to_numpy(),
                           "value_usd": base.values(df[UNCTAD_VALUE], path, UNCTAD_VALUE, scale=1e6,
                                                    ceiling=schema.MAX_TOTAL_USD),
                           "source": UNCTAD})
    out = Imported(path, "UNCTADstat merchandise totals (million USD)", pd.DataFrame(columns=FLOW_COLUMNS), totals,
                   notes=notes)
    out.notes.append("totals of all goods in millions of USD, converted; economies are M49 numbers (840 and 158, "
                     "not Comtrade's 842 and 490)")
    return out


FORMATS = [
    Format("totals", lambda h: {"year", "reporter", "flow", "value_usd"} <= h and "partner" not in h, read_table),
    Format("unctad-totals", lambda h: {"Economy", "Flow", UNCTAD_VALUE} <= h, read_unctad),
]
