"""The reader contract every importer follows, and the field parsers they share.

A source module declares one `Format` per file layout it reads: a name (the coverage its files
form), a test on the header's column names, and a reader from a path to an `Imported`. The
package recognises a file's format from its header (`detect`), so a reader only ever sees files
of its own layout. Every check here refuses the file with a `DataImportError` naming the file,
the line and the fix; nothing is coerced silently (codes are ASCII digits in full, numbers are
plain decimals, years are calendar years).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from .. import countries, schema
from ..errors import DataImportError
from ..schema import FLOW_COLUMNS, TOTAL_COLUMNS, WORLD

CLASSIFICATIONS = {"H0": "H0", "H1": "H1", "H2": "H2", "H3": "H3", "H4": "H4", "H5": "H5", "H6": "H6",
                   "HS92": "H0", "HS96": "H1", "HS02": "H2", "HS07": "H3", "HS12": "H4", "HS17": "H5", "HS22": "H6"}
FIRST_YEAR = 1988
"""HS data begin in 1988: an earlier year in a trade file is a typo or another nomenclature."""


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


@dataclass(frozen=True)
class Format:
    """One file layout: its name (also its coverage), how its header is recognised, its reader."""

    name: str
    matches: Callable[[set[str]], bool]
    read: Callable[[Path], Imported]


# --- reading text ------------------------------------------------------------------------------

MAX_FILE_BYTES = 1024**3
"""Largest file the in-memory importers read (1 GiB, several GiB of memory once parsed); split
larger inputs by year."""


def raw_bytes(path: Path) -> bytes:
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
    raw = raw_bytes(path)
    if path.suffix.lower() == ".csv" and not raw.endswith((b"\n", b"\r")):
        lines = raw.count(b"\n") + 1
        raise DataImportError(f"{path}: line {lines}: the file does not end with a line break, so its last line "
                              "was probably cut off (an interrupted download?); download it again")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def header(path: Path) -> list[str]:
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
    names = [c.strip() for c in next(csv.reader([line.strip()]), [])]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise DataImportError(f"{path}: line 1: column {name!r} appears twice in the header, so it is unclear "
                                  "which one holds the data; remove or rename one")
        seen.add(name)
    return names


def _line_of_record(text: str, record: int) -> int:
    """The physical line (1-based) on which CSV record `record` (1-based, header = 1) starts."""
    reader = csv.reader(io.StringIO(text))
    line = 1
    for n, _row in enumerate(reader, start=1):
        if n == record:
            return line
        line = reader.line_num + 1
    return line


def read_csv(path: Path, text: str | None = None) -> pd.DataFrame:
    """All cells as strings; trailing commas (an empty last field) are tolerated.

    A frame's row r (0-based) came from the physical line `line_numbers(df)[r]`: a quoted cell
    may hold a line break, so rows and lines differ after one.
    """
    text = read_text(path) if text is None else text
    header(path)   # refuses a column named twice before pandas renames the second one
    try:
        with warnings.catch_warnings():  # rows ending in a trailing comma are expected (Comtrade+)
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, index_col=False)
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = _line_of_record(text, int(match.group(1))) if match else "?"
        counts = re.search(r"Expected (\d+) fields in line \d+, saw (\d+)", str(exc))
        detail = f" ({counts.group(1)} expected, {counts.group(2)} found)" if counts else ""
        raise DataImportError(f"{path}: line {line}: the row does not have the header's number of fields{detail}; "
                              "check for a stray comma or quote") from None
    if df.empty:
        raise DataImportError(f"{path}: no data rows")
    df.columns = [c.strip() for c in df.columns]
    if "\n" in text.split("\n", 1)[1] and '"' in text:
        df.attrs["lines"] = _record_lines(text, len(df))
    return df


def _record_lines(text: str, rows: int) -> list[int]:
    """The physical line each data record starts on (records may span lines inside quotes)."""
    reader = csv.reader(io.StringIO(text))
    next(reader, None)
    lines, start = [], 2
    for _row in reader:
        lines.append(start)
        start = reader.line_num + 1
    return (lines + [start] * rows)[:rows]


def line(df: pd.DataFrame | pd.Series, row: int) -> int:
    """The physical line of the `row`-th (0-based) row of `df`, a frame read by `read_csv` or a part
    of it: its index label is the record's position in the file (header on line 1)."""
    label = df.index[row]
    if not isinstance(label, (int, np.integer)):
        return row + 2
    lines = df.attrs.get("lines")
    return int(lines[label]) if lines and label < len(lines) else int(label) + 2


def require(df: pd.DataFrame, path: Path, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataImportError(f"{path}: line 1: missing column(s) {', '.join(missing)}")


def _first(mask: np.ndarray | pd.Series) -> int:
    return int(np.flatnonzero(np.asarray(mask))[0])


NUMBER = r"[+]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|[+]?\.[0-9]+(?:[eE][+-]?[0-9]+)?"
"""A plain decimal in ASCII digits (thousands separators allowed): no full-width digits, no words."""


def numbers(series: pd.Series, path: Path, column: str) -> np.ndarray:
    stripped = series.str.strip()
    empty = stripped == ""
    if empty.any():
        row = _first(empty)
        raise DataImportError(f"{path}: line {line(series, row)}: {column} is empty (truncated file?)")
    negative = stripped.str.startswith("-") & stripped.str[1:].str.fullmatch(NUMBER)
    bad = ~(stripped.str.fullmatch(NUMBER) | negative)
    special = stripped.str.lower().isin(["inf", "+inf", "-inf", "infinity", "nan"])
    if (bad & ~special).any():
        row = _first(bad & ~special)
        raise DataImportError(f"{path}: line {line(series, row)}: {column} is not a number: {series.iloc[row]!r}")
    out = pd.to_numeric(stripped.str.replace(",", "", regex=False), errors="coerce").to_numpy(dtype=float)
    for mask, what in ((~np.isfinite(out), "is not a finite number"), (out < 0, "is negative")):
        if mask.any():
            row = _first(mask)
            raise DataImportError(f"{path}: line {line(series, row)}: {column} {what}: {series.iloc[row]!r}; "
                                  "trade values are finite and non-negative")
    return out


def values(series: pd.Series, path: Path, column: str, scale: float = 1.0, ceiling: float | None = None) -> np.ndarray:
    """Trade values in USD (the column times `scale`), below a plausible ceiling."""
    out = numbers(series, path, column) * scale
    limit = ceiling or schema.MAX_FLOW_USD
    high = out > limit
    if high.any():
        row = _first(high)
        raise DataImportError(f"{path}: line {line(series, row)}: {column} {series.iloc[row]!r} is USD "
                              f"{out[row]:,.0f}, above the plausible ceiling of USD {limit:,.0f} for one flow; "
                              "check the unit of the column")
    return out


def integers(series: pd.Series, path: Path, column: str) -> pd.Series:
    """Integer codes (economy codes, years) written as plain ASCII digits: '4.1e2' or '４１０' is refused,
    never read as a number that happens to name another economy."""
    stripped = series.str.strip()
    bad = ~stripped.str.fullmatch(r"[0-9]+")
    if bad.any():
        row = _first(bad)
        raise DataImportError(f"{path}: line {line(series, row)}: {column} {series.iloc[row]!r} is not a whole "
                              "number in plain digits (0-9); fix the cell (a spreadsheet may have reformatted it)")
    return stripped


def years(series: pd.Series, path: Path, column: str, first: int = FIRST_YEAR) -> np.ndarray:
    """Calendar years from `first` (HS data begin in 1988) to the current year."""
    out = integers(series, path, column).astype(int).to_numpy()
    last = date.today().year
    bad = (out < first) | (out > last)
    if bad.any():
        row = _first(bad)
        raise DataImportError(f"{path}: line {line(series, row)}: {column} is not a year from {first} to {last}: "
                              f"{series.iloc[row]!r}")
    return out


CODE_PATTERNS = {"HS6": r"[0-9]{6}", "HS": r"[0-9]{2}|[0-9]{4}|[0-9]{6}|TOTAL|AG0", "CCC": r"[0-9]{11}",
                 "HSK": r"[0-9]{10}"}


def codes(series: pd.Series, path: Path, column: str, system: str) -> pd.Series:
    """Product codes, checked in full against the form of their code system (ASCII digits)."""
    stripped = series.str.strip()
    bad = ~stripped.str.upper().str.fullmatch(CODE_PATTERNS[system])
    if bad.any():
        row = _first(bad)
        form = CODE_PATTERNS[system].replace("[0-9]", "digits ")
        raise DataImportError(f"{path}: line {line(series, row)}: {column} {series.iloc[row]!r} is not a well-formed "
                              f"{system} code ({form})")
    return stripped


def economies(series: pd.Series, path: Path, column: str) -> np.ndarray:
    """ISO3 codes of economy names; a name the reference does not know stops the import."""
    names = series.str.strip()
    mapping = {n: countries.iso3_from_name(n) for n in names.unique()}
    unknown = [n for n, iso in mapping.items() if iso is None]
    if unknown:
        row = _first(names.isin(unknown))
        raise DataImportError(f"{path}: line {line(series, row)}: {column} {names.iloc[row]!r} is not a known economy "
                              f"({len(unknown)} unknown name(s)); add it as an alias to data/reference/countries.csv")
    return names.map(mapping).to_numpy()


def iso_codes(series: pd.Series, path: Path, column: str, isos: pd.Series | None = None) -> np.ndarray:
    """ISO3 of Comtrade codes (490 -> TWN, 842 -> USA, 0 -> WLD); codes outside the reference keep
    the file's own ISO code when it is one, or `M49:<code>`, so distinct economies never merge."""
    digits = integers(series, path, column)
    fallback = isos.str.strip() if isos is not None else pd.Series("", index=series.index)
    pairs = pd.DataFrame({"code": digits, "iso": fallback}).drop_duplicates()
    mapping = {}
    for r in pairs.itertuples():
        own = r.iso if re.fullmatch(r"[A-Z]{3}", r.iso or "") else ""
        mapping[(r.code, r.iso)] = countries.iso3_from_code(r.code) or own or f"M49:{int(r.code)}"
    return np.array([mapping[k] for k in zip(digits, fallback)], dtype=object)


def ceiling(code: pd.Series) -> float | None:
    """Files that carry totals of all goods (code TOTAL) get the totals' ceiling, others one flow's."""
    return schema.MAX_TOTAL_USD if code.str.strip().str.upper().isin(["TOTAL", "AG0"]).any() else None


def reporter_of(coverage: str) -> str:
    """The economy a national source reports for (data/reference/coverages.csv, column `reporter`)."""
    from ..coverage import reference

    ref = reference()
    found = str(ref.loc[coverage, "reporter"]) if coverage in ref.index else ""
    if not found:
        raise DataImportError(f"coverages.csv names no reporter for the national source {coverage!r}")
    return found


def frame(source: str, **cols) -> pd.DataFrame:
    """Canonical flow rows from column values (scalars broadcast); `read` sets the coverage."""
    df = pd.DataFrame(cols)
    df["source"] = source
    if "mirror" not in df:
        df["mirror"] = False
    df["coverage"] = ""
    return df[FLOW_COLUMNS]


FLOW_KEY = ["year", "reporter", "partner", "flow", "code", "code_system"]


def check_duplicates(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Drop exact duplicates; refuse two different values for the same flow."""
    df = df.drop_duplicates(subset=FLOW_KEY + ["value_usd"])
    dup = df.duplicated(subset=FLOW_KEY, keep=False)
    if dup.any():
        first = df[dup].iloc[0]
        raise DataImportError(f"{path}: conflicting duplicate rows for {first['reporter']}→{first['partner']} "
                              f"{first['flow']} {first['code']} {first['year']}: different values; remove one")
    return df


def sum_rows(flows: pd.DataFrame) -> pd.DataFrame:
    """One row per flow key: values of rows that share every other column are added."""
    return flows.groupby([c for c in FLOW_COLUMNS if c != "value_usd"], as_index=False)["value_usd"].sum()


def with_hs6(lines: pd.DataFrame) -> pd.DataFrame:
    """National tariff lines (HSK, CCC) plus their HS6 aggregates (the sum of the lines under each HS6 code)."""
    lines = sum_rows(lines)
    hs6 = sum_rows(lines.assign(code=lines["code"].str[:6], code_system="HS6"))
    return pd.concat([lines, hs6], ignore_index=True)


def with_world(flows: pd.DataFrame) -> pd.DataFrame:
    """World rows as the sum over each reporter's partners."""
    keys = ["year", "reporter", "flow", "code", "code_system", "hs_revision", "source", "mirror", "coverage"]
    world = flows.groupby(keys, as_index=False)["value_usd"].sum().assign(partner=WORLD)
    return pd.concat([flows, world[FLOW_COLUMNS]], ignore_index=True)


def self_trade(flows: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Rows whose partner is their reporter left out, with a note: an economy does not trade with itself."""
    own = (flows["reporter"] == flows["partner"]).to_numpy() if len(flows) else np.zeros(0, bool)
    if not own.any():
        return flows, []
    ex = flows[own].iloc[0]
    note = (f"{int(own.sum())} row(s) with the reporter as its own partner (e.g. {ex['reporter']} {ex['flow']} "
            f"{ex['code']} {ex['year']}) left out: an economy's trade with itself is not bilateral trade")
    return flows[~own].reset_index(drop=True), [note]
