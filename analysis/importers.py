"""Importers: real trade files in the formats users download, into the canonical tables.

A file's format is recognised from its header. Each reader returns canonical flows (and
totals of all goods where the file has them); a file that does not fit raises
`DataImportError` naming the file, the line and the problem, and nothing is written.
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from datetime import date
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from . import countries
from .products import HS6, revision_for_year
from . import schema
from .errors import DataImportError
from .schema import FLOW_COLUMNS, TOTAL_COLUMNS, WORLD

COMTRADE, TAIWAN, BACI, KOREA, UNCTAD = "comtrade", "taiwan-customs", "baci", "korea-customs", "unctadstat"
CLASSIFICATIONS = {"H0": "H0", "H1": "H1", "H2": "H2", "H3": "H3", "H4": "H4", "H5": "H5", "H6": "H6",
                   "HS92": "H0", "HS96": "H1", "HS02": "H2", "HS07": "H3", "HS12": "H4", "HS17": "H5", "HS22": "H6"}




@dataclass
class Imported:
    """What one raw file gave: canonical flows and totals, re-export/re-import rows kept apart."""

    path: Path
    format: str
    flows: pd.DataFrame
    totals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TOTAL_COLUMNS))
    re_flows: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FLOW_COLUMNS))
    notes: list[str] = field(default_factory=list)
    coverage: str = ""


# --- reading text ------------------------------------------------------------------------------

MAX_FILE_BYTES = 1024**3
"""Largest file the in-memory importers read (1 GiB, several GiB of memory once parsed); split
larger inputs by year."""


def _raw_bytes(path: Path) -> bytes:
    """A file's bytes, with a clear error for what is not a readable, complete, non-empty file."""
    if path.is_dir():
        raise DataImportError(f"{path}: is a directory, not a data file")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DataImportError(f"{path}: {size / 1024**3:.1f} GiB is more than the importers read in memory "
                                  f"({MAX_FILE_BYTES / 1024**3:.0f} GiB); split the file by year")
        raw = path.read_bytes()
    except PermissionError:
        raise DataImportError(f"{path}: cannot be read (permission denied)") from None
    except OSError as exc:
        raise DataImportError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not raw.strip():
        raise DataImportError(f"{path}: the file is empty")
    return raw


def read_text(path: Path) -> str:
    """Decode a file: UTF-8 (with or without BOM), else Latin-1; line ends normalised.

    A CSV file must end with a line break: one that stops inside its last line was cut off.
    """
    raw = _raw_bytes(path)
    if path.suffix.lower() == ".csv" and not raw.endswith((b"\n", b"\r")):
        lines = raw.count(b"\n") + 1
        raise DataImportError(f"{path}: line {lines}: the file does not end with a line break, so its last line "
                              "was probably cut off (an interrupted download?); download it again")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_csv(path: Path, text: str | None = None) -> pd.DataFrame:
    """All cells as strings; trailing commas (an empty last field) are tolerated."""
    text = read_text(path) if text is None else text
    try:
        with warnings.catch_warnings():  # rows ending in a trailing comma are expected (Comtrade+)
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, index_col=False)
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = match.group(1) if match else "?"
        raise DataImportError(f"{path}: line {line}: {exc}") from None
    if df.empty:
        raise DataImportError(f"{path}: no data rows")
    df.columns = [c.strip() for c in df.columns]
    return df


def _require(df: pd.DataFrame, path: Path, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataImportError(f"{path}: line 1: missing column(s) {', '.join(missing)}")


def _numbers(series: pd.Series, path: Path, column: str) -> np.ndarray:
    values = pd.to_numeric(series.str.strip().str.replace(",", "", regex=False), errors="coerce")
    bad = values.isna() & (series.str.strip() != "")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataImportError(f"{path}: line {row + 2}: {column} is not a number: {series.iloc[row]!r}")
    empty = series.str.strip() == ""
    if empty.any():
        row = int(np.flatnonzero(empty.to_numpy())[0])
        raise DataImportError(f"{path}: line {row + 2}: {column} is empty (truncated file?)")
    out = values.to_numpy(dtype=float)
    for bad, what in ((~np.isfinite(out), "is not a finite number"), (out < 0, "is negative")):
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise DataImportError(f"{path}: line {row + 2}: {column} {what}: {series.iloc[row]!r}; "
                                  "trade values are finite and non-negative")
    return out


def _values(series: pd.Series, path: Path, column: str, scale: float = 1.0, ceiling: float | None = None) -> np.ndarray:
    """Trade values in USD (the column times `scale`), below a plausible ceiling."""
    out = _numbers(series, path, column) * scale
    limit = ceiling or schema.MAX_FLOW_USD
    high = out > limit
    if high.any():
        row = int(np.flatnonzero(high)[0])
        raise DataImportError(f"{path}: line {row + 2}: {column} {series.iloc[row]!r} is USD {out[row]:,.0f}, above "
                              f"the plausible ceiling of USD {limit:,.0f} for one flow; check the unit of the column")
    return out


def _years(series: pd.Series, path: Path, column: str, first: int = 1988) -> np.ndarray:
    """Calendar years from `first` (HS data begin in 1988) to the current year."""
    years = _numbers(series, path, column)
    last = date.today().year
    bad = (years < first) | (years > last) | (years != np.round(years))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataImportError(f"{path}: line {row + 2}: {column} is not a year from {first} to {last}: "
                              f"{series.iloc[row]!r}")
    return years.astype(int)


CODE_PATTERNS = {"HS6": r"\d{6}", "HS": r"\d{2}|\d{4}|\d{6}|TOTAL|AG0", "CCC": r"\d{11}", "HSK": r"\d{10}"}


def _codes(series: pd.Series, path: Path, column: str, system: str) -> pd.Series:
    """Product codes, checked against the form of their code system."""
    codes = series.str.strip()
    bad = ~codes.str.upper().str.fullmatch(CODE_PATTERNS[system])
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataImportError(f"{path}: line {row + 2}: {column} {series.iloc[row]!r} is not a well-formed "
                              f"{system} code ({CODE_PATTERNS[system].replace(chr(92) + 'd', 'digits ')})")
    return codes


def _economies(series: pd.Series, path: Path, column: str) -> np.ndarray:
    """ISO3 codes of economy names; a name the reference does not know stops the import."""
    names = series.str.strip()
    mapping = {n: countries.iso3_from_name(n) for n in names.unique()}
    unknown = [n for n, iso in mapping.items() if iso is None]
    if unknown:
        row = int(np.flatnonzero(names.isin(unknown).to_numpy())[0])
        raise DataImportError(f"{path}: line {row + 2}: {column} {names.iloc[row]!r} is not a known economy "
                              f"({len(unknown)} unknown name(s)); add it as an alias to data/reference/countries.csv")
    return names.map(mapping).to_numpy()


def _ceiling(codes: pd.Series) -> float | None:
    """Files that carry totals of all goods (code TOTAL) get the totals' ceiling, others one flow's."""
    return schema.MAX_TOTAL_USD if codes.str.strip().str.upper().isin(["TOTAL", "AG0"]).any() else None


def _frame(source: str, **cols) -> pd.DataFrame:
    """Canonical flow rows from column values (scalars broadcast); `read` sets the coverage."""
    df = pd.DataFrame(cols)
    df["source"] = source
    if "mirror" not in df:
        df["mirror"] = False
    df["coverage"] = ""
    return df[FLOW_COLUMNS]


def _check_duplicates(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Drop exact duplicates; refuse two different values for the same flow."""
    key = ["year", "reporter", "partner", "flow", "code", "code_system"]
    df = df.drop_duplicates(subset=key + ["value_usd"])
    dup = df.duplicated(subset=key, keep=False)
    if dup.any():
        first = df[dup].iloc[0]
        raise DataImportError(f"{path}: conflicting duplicate rows for {first['reporter']}→{first['partner']} "
                              f"{first['flow']} {first['code']} {first['year']}: different values")
    return df


def _iso_codes(codes: pd.Series, isos: pd.Series | None = None) -> np.ndarray:
    """ISO3 of Comtrade codes (490 -> TWN, 842 -> USA, 0 -> WLD); codes outside the reference keep
    the file's own ISO code, or `M49:<code>`, so distinct economies never merge."""
    fallback = isos.str.strip() if isos is not None else "M49:" + codes.str.strip()
    pairs = pd.DataFrame({"code": codes, "iso": fallback}).drop_duplicates()
    mapping = {(r.code, r.iso): countries.iso3_from_code(r.code) or r.iso or f"M49:{r.code}"
               for r in pairs.itertuples()}
    return np.array([mapping[k] for k in zip(codes, fallback)], dtype=object)


# --- formats -----------------------------------------------------------------------------------

def _comtrade_plus(df: pd.DataFrame, path: Path) -> Imported:
    """UN Comtrade+ API rows (CSV export or JSON), one row per flow."""
    _require(df, path, ["refYear", "reporterCode", "flowCode", "partnerCode", "cmdCode", "primaryValue"])
    keep = np.ones(len(df), bool)
    for col, ok in (("partner2Code", {"0", ""}), ("customsCode", {"C00", ""}), ("motCode", {"0", ""})):
        if col in df:
            keep &= df[col].str.strip().isin(ok).to_numpy()
    df = df[keep].reset_index(drop=True)
    years = _years(df["refYear"], path, "refYear")
    values = _values(df["primaryValue"], path, "primaryValue", ceiling=_ceiling(df["cmdCode"]))
    rev = df["classificationCode"].map(lambda c: CLASSIFICATIONS.get(c.strip(), c.strip())) \
        if "classificationCode" in df else pd.Series([revision_for_year(y) for y in years])
    flows = _frame(COMTRADE, year=years, reporter=_iso_codes(df["reporterCode"], df.get("reporterISO")),
                   partner=_iso_codes(df["partnerCode"], df.get("partnerISO")), flow=df["flowCode"].str.strip(),
                   code=_codes(df["cmdCode"], path, "cmdCode", "HS"), code_system="HS", hs_revision=rev.to_numpy(), value_usd=values)
    flows["code_system"] = np.where(flows["code"].str.len() == 6, HS6, "HS" + flows["code"].str.len().astype(str))
    return _split(flows, path, "UN Comtrade+ API")


def _split(flows: pd.DataFrame, path: Path, fmt: str) -> Imported:
    """Separate totals of all goods and re-export/re-import rows from X and M flows."""
    is_total = flows["code"].str.upper().isin(["TOTAL", "AG0"])
    totals = flows[is_total & (flows["partner"] == WORLD) & flows["flow"].isin(["X", "M"])]
    totals = totals[["year", "reporter", "flow", "value_usd", "source"]]
    rest = flows[~is_total]
    re_rows = rest[rest["flow"].isin(["RX", "RM"])]
    unknown = set(rest["flow"]) - {"X", "M", "RX", "RM"}
    if unknown:
        raise DataImportError(f"{path}: unknown flow code(s) {sorted(unknown)}")
    main = _check_duplicates(rest[rest["flow"].isin(["X", "M"])], path)
    return Imported(path, fmt, main.reset_index(drop=True), totals.reset_index(drop=True),
                    re_rows.reset_index(drop=True))


def _comtrade_legacy(df: pd.DataFrame, path: Path) -> Imported:
    """Legacy Comtrade bulk download (35 columns, `Trade Value (US$)`)."""
    _require(df, path, ["Year", "Trade Flow", "Reporter Code", "Partner Code", "Commodity Code", "Trade Value (US$)"])
    flow_map = {"Export": "X", "Import": "M", "Re-Export": "RX", "Re-Import": "RM"}
    flows_raw = df["Trade Flow"].str.strip()
    unknown = set(flows_raw) - set(flow_map)
    if unknown:
        raise DataImportError(f"{path}: unknown Trade Flow value(s) {sorted(unknown)}")
    years = _years(df["Year"], path, "Year")
    rev = df["Classification"].map(lambda c: CLASSIFICATIONS.get(c.strip(), c.strip())) \
        if "Classification" in df else pd.Series([revision_for_year(y) for y in years])
    code = _codes(df["Commodity Code"], path, "Commodity Code", "HS")
    flows = _frame(COMTRADE, year=years, reporter=_iso_codes(df["Reporter Code"], df.get("Reporter ISO")),
                   partner=_iso_codes(df["Partner Code"], df.get("Partner ISO")), flow=flows_raw.map(flow_map),
                   code=code, code_system=np.where(code.str.len() == 6, HS6, "HS"), hs_revision=rev.to_numpy(),
                   value_usd=_values(df["Trade Value (US$)"], path, "Trade Value (US$)", ceiling=_ceiling(code)))
    return _split(flows, path, "UN Comtrade legacy bulk CSV")


def _comtrade_tidy(df: pd.DataFrame, path: Path) -> Imported:
    """Tidy exports table pulled with comtradr (reporter/partner as ISO3, exports only)."""
    _require(df, path, ["hs_code", "year", "reporter_code", "partner_code", "trade_value_usd"])
    years = _years(df["year"], path, "year")
    flows = _frame(COMTRADE, year=years, reporter=_economies(df["reporter_code"], path, "reporter_code"),
                   partner=_economies(df["partner_code"], path, "partner_code"), flow="X",
                   code=_codes(df["hs_code"], path, "hs_code", HS6),
                   code_system=HS6, hs_revision=[revision_for_year(y) for y in years],
                   value_usd=_values(df["trade_value_usd"], path, "trade_value_usd"))
    out = Imported(path, "UN Comtrade tidy exports (comtradr)", _check_duplicates(flows, path).reset_index(drop=True))
    out.notes.append("exports only: imports come from mirror flows; the HS revision is not in the file and is "
                     "taken as the one in force in each year; world totals are the sums over the file's partners")
    out.flows["closed_panel"] = True
    return out


def _taiwan_ccc(df: pd.DataFrame, path: Path) -> Imported:
    """Taiwan customs exports by destination, CCC 11-digit lines, destinations in Chinese."""
    _require(df, path, ["Year", "Country", "HS Code", "Export Value (USD)"])
    years = _years(df["Year"], path, "Year")
    code = df["HS Code"].str.strip()
    bad = ~code.str.fullmatch(r"\d{11}")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataImportError(f"{path}: line {row + 2}: HS Code is not an 11-digit CCC line: {code.iloc[row]!r}")
    partner = _economies(df["Country"], path, "Country")
    lines = _frame(TAIWAN, year=years, reporter="TWN", partner=partner, flow="X", code=code.to_numpy(),
                   code_system="CCC", hs_revision=[revision_for_year(y) for y in years],
                   value_usd=_values(df["Export Value (USD)"], path, "Export Value (USD)"))
    flows = _with_world(_with_hs6(lines))
    out = Imported(path, "Taiwan customs CCC lines by destination", flows[FLOW_COLUMNS])
    out.notes.append("Taiwan's exports to the world are the sums over all destinations")
    return out


def _taiwan_portal(df: pd.DataFrame, path: Path) -> Imported:
    """Taiwan customs portal export: HS6 by partner, values in thousand USD."""
    _require(df, path, ["Imports/Exports", "Time", "Commodity Code", "Country(Area)", "Value(USD$ 1000)"])
    years = _years(df["Time"], path, "Time")
    flow = df["Imports/Exports"].str.strip().map({"Imports": "M", "Exports": "X"})
    if flow.isna().any():
        row = int(np.flatnonzero(flow.isna().to_numpy())[0])
        raise DataImportError(f"{path}: line {row + 2}: Imports/Exports must be Imports or Exports")
    partner = _economies(df["Country(Area)"], path, "Country(Area)")
    flows = _frame(TAIWAN, year=years, reporter="TWN", partner=partner, flow=flow.to_numpy(),
                   code=_codes(df["Commodity Code"], path, "Commodity Code", HS6).to_numpy(), code_system=HS6,
                   hs_revision=[revision_for_year(y) for y in years],
                   value_usd=_values(df["Value(USD$ 1000)"], path, "Value(USD$ 1000)", scale=1000))
    flows = flows[flows["partner"] != "TWN"]   # re-imports of own goods are not trade with a partner
    flows = _sum_rows(flows)
    out = Imported(path, "Taiwan customs portal (thousand USD)", _with_world(flows)[FLOW_COLUMNS])
    out.notes.append("values converted from thousand USD; Taiwan's trade with the world is the sum over partners")
    return out


def _sum_rows(flows: pd.DataFrame) -> pd.DataFrame:
    """One row per flow key: values of rows that share every other column are added."""
    return flows.groupby([c for c in FLOW_COLUMNS if c != "value_usd"], as_index=False)["value_usd"].sum()


def _with_hs6(lines: pd.DataFrame) -> pd.DataFrame:
    """National tariff lines plus their HS6 aggregates (the sum of the lines under each HS6 code)."""
    lines = _sum_rows(lines)
    hs6 = _sum_rows(lines.assign(code=lines["code"].str[:6], code_system=HS6))
    return pd.concat([lines, hs6], ignore_index=True)


def _with_world(flows: pd.DataFrame) -> pd.DataFrame:
    keys = ["year", "reporter", "flow", "code", "code_system", "hs_revision", "source", "mirror", "coverage"]
    world = flows.groupby(keys, as_index=False)["value_usd"].sum().assign(partner=WORLD)
    return pd.concat([flows, world[FLOW_COLUMNS]], ignore_index=True)


def _baci(_df: pd.DataFrame | None, path: Path) -> Imported:
    """CEPII BACI: t, i, j, k, v (thousand USD), q; country codes from the file beside it.

    Streamed through DuckDB (see `bulk`), never loaded row by row: the report keeps the codes of
    the product table; totals of all goods are derived where the file holds the whole nomenclature.
    """
    import tempfile

    from . import bulk
    from .products import load_products

    with tempfile.TemporaryDirectory(prefix="baci-") as tmp:
        manifest = bulk.ingest([path, *sorted(path.parent.glob("country_codes*.csv"))], Path(tmp) / "store")
        flows, totals = bulk.canonical(Path(tmp) / "store", load_products()["code"])
    out = Imported(path, "CEPII BACI", flows, totals[TOTAL_COLUMNS])
    out.notes.append("BACI reconciles both reports into one FOB value; import rows are that value, flagged mirror")
    all_codes = sum(y["codes"] for y in manifest["years"].values())
    kept = flows.groupby("year")["code"].nunique().sum() if len(flows) else 0
    if all_codes > kept:
        out.notes.append(f"{all_codes - kept} year-code(s) outside the product table are left out of the report; "
                         "`analysis ingest` keeps the whole file for panel work")
    if len(totals):
        out.notes.append(f"totals of all goods derived by summing HS6 rows for {', '.join(map(str, manifest['totals_years']))}")
    return out


KOREA_COLUMNS = {"year": ["year", "년도", "기간"], "hsk": ["hsk", "hsk_code", "품목코드", "HS코드"],
                 "country": ["country", "국가"], "export_usd": ["export_usd", "수출금액", "수출 금액"],
                 "import_usd": ["import_usd", "수입금액", "수입 금액"]}


def _korea(df: pd.DataFrame, path: Path) -> Imported:
    """Korea Customs Service extract: HSK 10-digit lines by country, exports and imports in USD."""
    rename = {}
    for canon, names in KOREA_COLUMNS.items():
        found = next((c for c in df.columns if c in names), None)
        if found is None:
            raise DataImportError(f"{path}: line 1: missing column {canon} (one of {', '.join(names)})")
        rename[found] = canon
    df = df.rename(columns=rename)
    years = _years(df["year"], path, "year")
    code = df["hsk"].str.replace(r"[.\-\s]", "", regex=True)
    bad = ~code.str.fullmatch(r"\d{10}")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataImportError(f"{path}: line {row + 2}: HSK code is not 10 digits: {df['hsk'].iloc[row]!r}")
    raw_key = pd.DataFrame({"year": years, "code": code, "country": df["country"].str.strip()})
    dup = raw_key.duplicated(keep=False)
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[1])
        raise DataImportError(f"{path}: line {row + 2}: conflicting duplicate row for {code.iloc[row]} "
                              f"{df['country'].iloc[row]} {years[row]}")
    partner = _economies(df["country"], path, "country")
    revs = [revision_for_year(y) for y in years]
    parts = [_frame(KOREA, year=years, reporter="KOR", partner=partner, flow=flow, code=code.to_numpy(),
                    code_system="HSK", hs_revision=revs, value_usd=_values(df[col], path, col))
             for flow, col in (("X", "export_usd"), ("M", "import_usd"))]
    flows = _with_hs6(pd.concat(parts, ignore_index=True))
    if not (flows["partner"] == WORLD).any():
        flows = _with_world(flows)
    return Imported(path, "Korea Customs Service HSK extract", flows[FLOW_COLUMNS])


def _totals_csv(df: pd.DataFrame, path: Path) -> Imported:
    """A canonical totals-of-all-goods table (year, reporter, flow, value_usd)."""
    _require(df, path, ["year", "reporter", "flow", "value_usd"])
    totals = pd.DataFrame({"year": _years(df["year"], path, "year"), "reporter": df["reporter"].str.strip(),
                           "flow": df["flow"].str.strip(),
                           "value_usd": _values(df["value_usd"], path, "value_usd", ceiling=schema.MAX_TOTAL_USD),
                           "source": df["source"] if "source" in df else "user"})
    return Imported(path, "totals of all goods", pd.DataFrame(columns=FLOW_COLUMNS), totals)


UNCTAD_VALUE = "US$ at current prices in millions"
UNCTAD_FLOWS = {"01": "M", "02": "X"}


def _unctad_totals(df: pd.DataFrame, path: Path) -> Imported:
    """UNCTADstat merchandise totals (millions of USD, M49 economies; groups 1000 and above dropped)."""
    _require(df, path, ["Year", "Economy", "Flow", UNCTAD_VALUE])
    df = df[df["Flow"].str.strip().isin(UNCTAD_FLOWS)]
    number = pd.to_numeric(df["Economy"].str.strip(), errors="coerce")
    df = df[number.notna() & (number < 1000)]              # 1000 and above: groups of economies
    df = df[df[UNCTAD_VALUE].str.strip() != ""]          # a missing value is missing, not zero
    economy = df["Economy"].str.strip()
    iso = {c: countries.iso3_from_m49(c) or f"M49:{int(c)}" for c in economy.unique()}
    totals = pd.DataFrame({"year": _years(df["Year"], path, "Year", first=1948), "reporter": economy.map(iso).to_numpy(),
                           "flow": df["Flow"].str.strip().map(UNCTAD_FLOWS).to_numpy(),
                           "value_usd": _values(df[UNCTAD_VALUE], path, UNCTAD_VALUE, scale=1e6,
                                                ceiling=schema.MAX_TOTAL_USD),
                           "source": UNCTAD})
    out = Imported(path, "UNCTADstat merchandise totals (million USD)", pd.DataFrame(columns=FLOW_COLUMNS), totals)
    out.notes.append("totals of all goods in millions of USD, converted; economy groups (codes 1000 and above) "
                     "are left out; United States is M49 840 and Chinese Taipei 158")
    return out


FORMATS: list[tuple[str, Callable[[set[str]], bool], Callable[[pd.DataFrame, Path], Imported]]] = [
    ("comtrade-plus", lambda h: {"primaryValue", "reporterCode", "cmdCode"} <= h, _comtrade_plus),
    ("comtrade-legacy", lambda h: "Trade Value (US$)" in h, _comtrade_legacy),
    ("comtrade-tidy", lambda h: {"hs_code", "trade_value_usd", "reporter_code"} <= h, _comtrade_tidy),
    ("taiwan-ccc", lambda h: "Export Value (USD)" in h and "HS Code" in h, _taiwan_ccc),
    ("taiwan-portal", lambda h: "Value(USD$ 1000)" in h, _taiwan_portal),
    ("baci", lambda h: {"t", "i", "j", "k", "v"} <= h, _baci),
    ("korea-customs", lambda h: bool(h & set(KOREA_COLUMNS["hsk"])), _korea),
    ("totals", lambda h: {"year", "reporter", "flow", "value_usd"} <= h and "partner" not in h, _totals_csv),
    ("unctad-totals", lambda h: {"Economy", "Flow", UNCTAD_VALUE} <= h, _unctad_totals),
]


# Formats read in bounded memory by DuckDB rather than parsed into a frame first.
STREAMED = {"baci"}


def detect(path: Path, header: Iterable[str]) -> str:
    """The format name a header belongs to."""
    cols = {c.strip() for c in header}
    for name, test, _reader in FORMATS:
        if test(cols):
            return name
    raise DataImportError(f"{path}: line 1: header not recognised as any supported format "
                          f"(Comtrade+, Comtrade bulk, comtradr, BACI, Taiwan or Korea customs, totals)")


def _header(path: Path) -> list[str]:
    """The first line of a CSV file as column names, read without loading the file."""
    try:
        with open(path, "rb") as fh:
            first = fh.readline(1 << 16)
    except OSError as exc:
        raise DataImportError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not first.strip():
        raise DataImportError(f"{path}: the file is empty (or its first line is)")
    try:
        line = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        line = first.decode("latin-1")
    return next(csv.reader([line.strip()]), [])


def _json_records(path: Path) -> pd.DataFrame:
    """Comtrade+ JSON: a list of records, or an object whose `data` is that list."""
    try:
        payload = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise DataImportError(f"{path}: line {exc.lineno}: not valid JSON: {exc.msg}") from None
    records = payload.get("data") if isinstance(payload, dict) else payload
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataImportError(f"{path}: JSON of the wrong shape: expected a list of Comtrade+ records, or an object "
                              "with a 'data' list of them")
    if not records:
        raise DataImportError(f"{path}: no data records")
    return pd.DataFrame(records).astype(str).replace({"None": "", "nan": ""})


def read(path: Path) -> Imported:
    """Read one raw file (CSV, or Comtrade+ JSON) in whatever supported format it is.

    The format is recognised from the header before the file is parsed, so a file of another
    kind is refused without being loaded.
    """
    path = Path(path)
    if not path.exists():
        raise DataImportError(f"{path}: no such file")
    if path.is_dir():
        raise DataImportError(f"{path}: is a directory, not a data file")
    if path.suffix.lower() == ".json":
        name, item = "comtrade-plus", _comtrade_plus(_json_records(path), path)
    else:
        name = detect(path, _header(path))
        reader = next(r for n, _t, r in FORMATS if n == name)
        item = reader(None if name in STREAMED else read_csv(path), path)
    # One coverage per format: files of the same format add reporters, years or codes to it.
    item.coverage = name
    item.flows["coverage"] = name
    item.re_flows["coverage"] = name
    item.notes += _unknown_codes(item.flows)
    return item


def _unknown_codes(flows: pd.DataFrame) -> list[str]:
    """A note on codes outside the product table: kept in the flows, used by no sector or segment."""
    from .products import load_products

    known = set(load_products()["code"])
    codes = sorted(set(flows["code"]) - known) if len(flows) else []
    if not codes:
        return []
    return [f"{len(codes)} code(s) outside the product table (e.g. {', '.join(codes[:5])}): kept in the processed "
            "flows, used by no sector or segment"]


def raw_files(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the data files inside folders named (README, checksums, BACI's code lists and
    Comtrade release dates skipped)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in (".csv", ".json")
                          and not f.name.startswith(("country_codes", "product_codes", "availability-")))
        elif p.exists():
            out.append(p)
        else:
            raise DataImportError(f"{p}: no such file or folder")
    if not out:
        raise DataImportError("no data files (.csv or .json) found in " + ", ".join(str(p) for p in paths))
    return out


def mirror_fill(flows: pd.DataFrame) -> pd.DataFrame:
    """Fill missing bilateral flows from the partner's report, flagged `mirror`.

    Imports of c from d = exports of d to c, and the other way round, within one coverage (a
    mirror never crosses from one source's panel into another's). A reported flow always wins.
    """
    bil = flows[(flows["partner"] != WORLD) & (flows["reporter"] != WORLD)]
    mirror = bil.rename(columns={"reporter": "partner", "partner": "reporter"})
    mirror = mirror.assign(flow=mirror["flow"].map({"X": "M", "M": "X"}), mirror=True)[list(flows.columns)]
    key = ["coverage", "year", "reporter", "partner", "flow", "code"]
    have = pd.MultiIndex.from_frame(bil[key])
    new = mirror[~pd.MultiIndex.from_frame(mirror[key]).isin(have)]
    return pd.concat([flows, new], ignore_index=True)


def closed_panel_world(flows: pd.DataFrame) -> pd.DataFrame:
    """World rows as sums over partners, where a file is a closed panel and no World row exists."""
    closed = flows[flows["closed_panel"].fillna(False).astype(bool)] if "closed_panel" in flows else flows.iloc[:0]
    if closed.empty:
        return flows
    pairs = closed[["coverage", "year", "reporter"]].drop_duplicates()
    # Only the closed panel's own flows (and their mirrors) add up to its world.
    bil = flows[(flows["partner"] != WORLD) & flows["closed_panel"].fillna(False).astype(bool)]
    bil = bil.merge(pairs, on=["coverage", "year", "reporter"])
    keys = ["coverage", "year", "reporter", "flow", "code", "code_system", "hs_revision", "source"]
    world = bil.groupby(keys, as_index=False).agg(value_usd=("value_usd", "sum"), mirror=("mirror", "max"))
    world["partner"] = WORLD
    key = ["coverage", "year", "reporter", "flow", "code"]
    existing = pd.MultiIndex.from_frame(flows.loc[flows["partner"] == WORLD, key])
    world = world[~pd.MultiIndex.from_frame(world[key]).isin(existing)]
    return pd.concat([flows, world[FLOW_COLUMNS]], ignore_index=True)


def _stack(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """Concatenate the non-empty frames (an empty table with `columns` when there are none)."""
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


PRECEDENCE = ("error", "first")
"""What to do when two files give different values for the same flow: stop (default), or let the
file that comes first in path order win."""


def _conflicts(flows: pd.DataFrame, key: list[str], on_conflict: str) -> tuple[pd.DataFrame, int]:
    """Drop equal duplicates (counted); stop on different values unless `on_conflict` is 'first'."""
    before = len(flows)
    flows = flows.drop_duplicates(subset=key + ["value_usd"], keep="first")
    equal = before - len(flows)
    dup = flows.duplicated(subset=key, keep=False)
    if dup.any() and on_conflict == "error":
        clash = flows[dup].sort_values(key)
        a, b = clash.iloc[0], clash.iloc[1]
        what = " ".join(str(a[k]) for k in key if k not in ("coverage", "code_system"))
        raise DataImportError(
            f"two inputs give different values for {what}: "
            f"{a['_file']} says {a['value_usd']:,.0f} and {b['_file']} says {b['value_usd']:,.0f} "
            f"({int(dup.sum())} such rows); remove one file, or state a precedence with --on-conflict first "
            "(the file first in path order wins)")
    return flows.drop_duplicates(subset=key, keep="first"), equal


def combine(items: list[Imported], on_conflict: str = "error") -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Merge imported files into (flows, totals, re_flows); mirror fill and world rows added.

    The same flow in two files of one coverage: equal values are kept once; different values stop
    the import with both file names, unless `on_conflict` is "first". Flows of different
    coverages are all kept: each coverage is computed on its own.
    """
    if on_conflict not in PRECEDENCE:
        raise ValueError(f"on_conflict must be one of {', '.join(PRECEDENCE)}")
    flows = _stack([i.flows.assign(_file=i.path.name) for i in items], FLOW_COLUMNS + ["_file"])
    if "closed_panel" not in flows:
        flows["closed_panel"] = False
    key = ["coverage", "year", "reporter", "partner", "flow", "code", "code_system"]
    flows, _ = _conflicts(flows, key, on_conflict)
    flows = mirror_fill(flows.drop(columns="_file").assign(closed_panel=flows["closed_panel"].fillna(False)))
    flows = closed_panel_world(flows)
    totals = _stack([i.totals.assign(_file=i.path.name) for i in items], TOTAL_COLUMNS + ["_file"])
    if len(totals):
        totals, _ = _conflicts(totals, ["year", "reporter", "flow"], on_conflict)
    re_flows = _stack([i.re_flows for i in items], FLOW_COLUMNS)
    return flows[FLOW_COLUMNS], totals.reindex(columns=TOTAL_COLUMNS), re_flows
