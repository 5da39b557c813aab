"""CEPII BACI: every exporter × importer × HS6 product of world trade, one file per year.

What the source looks like (a release such as `BACI_HS17_V202401.zip`):

- `BACI_HS17_Y2022_V202401.csv`, one per year: `t,i,j,k,v,q` (year, exporter, importer, HS6
  product, value in thousands of USD, quantity in tonnes), about 11 million rows a year;
- `country_codes_V202401.csv`: `country_code,country_name,country_iso2,country_iso3` (older
  releases: `country_name_abbreviation, country_name_full, iso_2digit_alpha,
  iso_3digit_alpha`);
- `product_codes_HS17_V202401.csv`: `code,description`, the release's nomenclature.

Quirks handled here:

- columns are matched by header name, in any order (`t,j,i,…` never swaps exporters and
  importers); a header with other or missing columns is refused;
- the country table names Chinese Taipei 490 / `S19` (as Comtrade does): it becomes TWN; groups
  and other non-ISO entries (`R20` "Europe EFTA, nes", `ZA1` SACU, an empty ISO3) are kept under
  their code (`M49:<code>`) and reported, never refused wholesale; a code listed twice is refused;
- product codes are six ASCII digits, or five where a spreadsheet dropped the leading zero of
  chapters 01–09 (restored); anything else (`1`, `85423A`) is refused; when the release's
  product table is beside the files, every code must be in it (legacy codes such as `9999AA`
  included);
- a row whose exporter is its importer is refused (BACI holds no trade of an economy with
  itself);
- values are reconciled FOB, so the import side of a flow is the same value, flagged mirror.

The same reader serves the chapter (`read`: the product table's codes and derived totals) and
the whole-BACI store (`analysis.bulk`): both read the rows through `checked_rows`, so they give
the same flows. Nothing is spliced into SQL: file paths are bound parameters, tables registered
from Python.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Iterable

from .. import countries
from ..errors import DataImportError
from ..schema import FLOW_COLUMNS, MAX_FLOW_USD, TOTAL_COLUMNS, WORLD
from . import base
from .base import CLASSIFICATIONS, FIRST_YEAR, Format, Imported

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

MIN_CODES_FOR_TOTALS = 4000
REQUIRED = ("t", "i", "j", "k", "v")
OPTIONAL = ("q",)
TYPES = {"t": "INTEGER", "i": "INTEGER", "j": "INTEGER", "k": "VARCHAR", "v": "DOUBLE", "q": "VARCHAR"}
TAIPEI_CODE, TAIPEI_ISO = 490, "S19"
COUNTRY_COLUMNS = {"code": ("country_code",), "iso3": ("country_iso3", "iso_3digit_alpha"),
                   "name": ("country_name", "country_name_abbreviation", "country_name_full")}


def connect(memory_limit: str = "1GB", threads: int = 2, temp: Path | None = None) -> "duckdb.DuckDBPyConnection":
    """A DuckDB connection held to a memory limit, spilling to `temp` beyond it (settings passed as
    configuration, never as SQL text)."""
    import duckdb

    config = {"memory_limit": str(memory_limit), "threads": int(threads), "preserve_insertion_order": False}
    if temp is not None:
        config["temp_directory"] = str(temp)
    try:
        return duckdb.connect(config=config)
    except duckdb.Error as exc:
        raise DataImportError(f"--memory {memory_limit!r} / --threads {threads!r} refused by DuckDB: "
                              f"{str(exc).splitlines()[0]}; give a size such as 1GB and a thread count of 1 or "
                              "more") from None


def vintage(name: str) -> str:
    """The release in a BACI file name ('V202401'), or '' when the name does not carry it."""
    m = re.search(r"_V(\d{6}[a-z]?)", name)
    return f"V{m.group(1)}" if m else ""


# --- load: which files --------------------------------------------------------------------------

@dataclass
class Release:
    """The files of a BACI release: yearly CSVs, the country table and (if present) the product table.

    `names` gives each local file the name a user knows it by (a zip member as `release.zip!path`).
    """

    yearly: list[Path] = field(default_factory=list)
    countries: list[Path] = field(default_factory=list)
    products: list[Path] = field(default_factory=list)
    names: dict[Path, str] = field(default_factory=dict)

    def name(self, path: Path | str) -> str:
        return self.names.get(Path(path), str(path))


def _kind(name: str) -> str:
    lower = name.lower()
    if lower.startswith("country_codes") and lower.endswith(".csv"):
        return "countries"
    if lower.startswith("product_codes") and lower.endswith(".csv"):
        return "products"
    if lower.endswith(".csv"):
        return "yearly"
    return ""


def _add(release: Release, path: Path, shown: str, zip_members: bool = False) -> None:
    kind = _kind(path.name)
    if zip_members and kind == "yearly" and not path.name.upper().startswith("BACI_"):
        return
    if kind:
        getattr(release, kind).append(path)
        release.names[path] = shown


def _unzip(release: Release, archive: Path, scratch: Path) -> None:
    """Each member extracted under its own folder (addressed by full path, never by base name alone),
    streamed, so memory stays bounded and two members with one base name never overwrite."""
    try:
        with zipfile.ZipFile(archive) as z:
            for n, info in enumerate(z.infolist()):
                base_name = PurePosixPath(info.filename.replace("\\", "/")).name
                if info.is_dir() or not _kind(base_name):
                    continue
                target = Path(tempfile.mkdtemp(prefix=f"member{n}-", dir=scratch)) / base_name
                with z.open(info) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                _add(release, target, f"{archive}!{info.filename}", zip_members=True)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DataImportError(f"{archive}: not a readable zip archive ({exc}); download the release again") from None


def release(paths: Iterable[Path], scratch: Path) -> Release:
    """The BACI files among `paths` (files, folders of them, or release zips)."""
    paths = [Path(p) for p in paths]
    out = Release()
    for p in paths:
        if p.is_dir():
            for child in sorted(p.iterdir()):
                if child.suffix.lower() == ".zip":
                    _unzip(out, child, scratch)
                elif child.is_file():
                    _add(out, child, str(child))
        elif p.suffix.lower() == ".zip" and p.is_file():
            _unzip(out, p, scratch)
        elif p.is_file():
            _add(out, p, str(p))
        else:
            raise DataImportError(f"{p}: no such file or folder")
    if not out.yearly:
        raise DataImportError("no BACI yearly files (BACI_*.csv) in " + ", ".join(map(str, paths)))
    if not out.countries:
        raise DataImportError(f"{out.name(out.yearly[0])}: BACI needs its country_codes_*.csv beside it; put the "
                              "release's country table in the same folder")
    return out


def _newest(files: list[Path]) -> Path:
    """Of several tables, the newest release's (by the vintage in the name)."""
    return sorted(files, key=lambda p: (vintage(p.name), p.name))[-1]


def header_of(path: Path, shown: str) -> tuple[str, ...]:
    """The columns of a yearly file, by name: exactly t, i, j, k, v (and q), in any order."""
    try:
        names = tuple(base.header(path))
    except DataImportError as exc:
        raise DataImportError(str(exc).replace(str(path), shown, 1)) from None
    return check_columns(names, shown)


def check_columns(names: tuple[str, ...], shown: str) -> tuple[str, ...]:
    """The header's names, refused unless they are t, i, j, k, v (and q), each once, in any order."""
    unexpected = [n for n in names if n not in REQUIRED + OPTIONAL]
    missing = [n for n in REQUIRED if n not in names]
    unexpected += sorted({n for n in names if names.count(n) > 1})
    if unexpected or missing:
        what = "; ".join(x for x in (f"unexpected column(s) {', '.join(map(repr, unexpected))}" if unexpected else "",
                                     f"missing {', '.join(missing)}" if missing else "") if x)
        raise DataImportError(f"{shown}: line 1: not a BACI header ({what}); a BACI yearly file has the columns "
                              "t, i, j, k, v, q (in any order)")
    return names


# --- load: the country and product tables ---------------------------------------------------------

def _column(df: "pd.DataFrame", shown: str, role: str) -> str:
    found = [c for c in COUNTRY_COLUMNS[role] if c in df.columns]
    if not found:
        raise DataImportError(f"{shown}: line 1: missing column {' or '.join(COUNTRY_COLUMNS[role])}; is this "
                              "BACI's country_codes file?")
    return found[0]


def country_table(path: Path, shown: str) -> tuple["pd.DataFrame", list[str]]:
    """BACI's country table as (code, iso3) rows for every entry, and notes on what was mapped.

    490 / S19 is Chinese Taipei (TWN); an entry without an ISO3 code (groups, 'nes' areas) is kept
    as `M49:<code>`; a code listed twice is refused.
    """
    return country_frame(base.read_csv(path), path, shown)


def country_frame(df: "pd.DataFrame", path: Path, shown: str) -> tuple["pd.DataFrame", list[str]]:
    """`country_table` on the table's cells (strings), read by pandas or by Spark."""
    import pandas as pd

    code_col, iso_col = _column(df, shown, "code"), _column(df, shown, "iso3")
    name_col = next((c for c in COUNTRY_COLUMNS["name"] if c in df.columns), None)
    try:
        code = base.integers(df[code_col], path, code_col).astype(int)
    except DataImportError as exc:
        raise DataImportError(str(exc).replace(str(path), shown, 1)) from None
    twice = code.duplicated(keep=False)
    if twice.any():
        rows = twice.to_numpy().nonzero()[0][:2]
        raise DataImportError(f"{shown}: lines {base.line(df, rows[0])} and {base.line(df, rows[1])}: country code "
                              f"{code.iloc[rows[0]]} is listed twice, so its flows would count for two economies; "
                              "keep one of the two rows")
    iso = df[iso_col].str.strip().str.upper()
    names = df[name_col].str.strip() if name_col else iso
    taipei = (code == TAIPEI_CODE) | (iso == TAIPEI_ISO)
    proper = iso.str.fullmatch(r"[A-Z]{3}") & ~taipei
    own = countries.non_reporter()
    mapped = iso.where(proper, "M49:" + code.astype(str)).where(~taipei, own)
    notes = []
    if taipei.any():
        notes.append(f"BACI's {TAIPEI_CODE} ({TAIPEI_ISO}, 'Other Asia, nes') is {countries.table().set_index('iso3').loc[own, 'name']}: "
                     f"read as {own}")
    kept = ~proper & ~taipei
    if kept.any():
        shown_rows = [f"{c} {n} ({i or 'no ISO3'})" for c, n, i in zip(code[kept], names[kept], iso[kept])]
        notes.append(f"{int(kept.sum())} entr{'y' if kept.sum() == 1 else 'ies'} of the country table without an ISO3 "
                     f"code (groups, 'nes' areas) kept under their code as M49:<code>: {'; '.join(shown_rows[:6])}"
                     + (" …" if len(shown_rows) > 6 else ""))
    shared = mapped[mapped.duplicated(keep=False)]
    if len(shared):
        notes.append(f"several country codes map to {', '.join(sorted(set(shared)))}: their flows are added together")
    return pd.DataFrame({"code": code.to_numpy(), "iso3": mapped.to_numpy()}), notes


def product_table(path: Path, shown: str) -> "pd.DataFrame":
    """The release's product codes (`code` column), as written."""
    import pandas as pd

    df = base.read_csv(path)
    if "code" not in df.columns:
        raise DataImportError(f"{shown}: line 1: missing column code; is this BACI's product_codes file?")
    return pd.DataFrame({"code": df["code"].str.strip().drop_duplicates().to_numpy()})


def load_tables(con: "duckdb.DuckDBPyConnection", rel: Release) -> list[str]:
    """Register the country table as `cc` and the product table (if any) as `pc`; notes returned."""
    countries = _newest(rel.countries)
    cc, notes = country_table(countries, rel.name(countries))
    con.register("cc_frame", cc)
    con.execute("CREATE TABLE cc AS SELECT CAST(code AS INTEGER) AS code, CAST(iso3 AS VARCHAR) AS iso3 FROM cc_frame")
    con.unregister("cc_frame")
    if rel.products:
        products = _newest(rel.products)
        con.register("pc_frame", product_table(products, rel.name(products)))
        con.execute("CREATE TABLE pc AS SELECT CAST(code AS VARCHAR) AS code FROM pc_frame")
        con.unregister("pc_frame")
        notes.append(f"product codes checked against {PurePosixPath(rel.name(products)).name}")
    return notes


# --- process: the checked rows -------------------------------------------------------------------

CODE = "CASE WHEN regexp_full_match(trim(r.k), '[0-9]{5}') THEN '0' || trim(r.k) ELSE trim(r.k) END"


def checks(products: bool) -> list[tuple[str, str]]:
    """What every row must look like: (what a failing row has, the SQL condition that finds it)."""
    code = (("a product code not in the release's product table", "p.code IS NULL") if products else
            ("a product code that is not 6 digits", f"r.k IS NULL OR NOT regexp_full_match({CODE}, '[0-9]{{6}}')"))
    return [
        (f"a year outside {FIRST_YEAR} to this year", f"r.t IS NULL OR r.t < {FIRST_YEAR} OR r.t > {date.today().year}"),
        ("a country code not in the country_codes file", "e.iso3 IS NULL OR m.iso3 IS NULL"),
        ("the exporter as its own importer", "r.i = r.j"),
        code,
        ("a value that is missing, negative or not finite", "r.v IS NULL OR r.v < 0 OR isinf(r.v) OR isnan(r.v)"),
        ("a value above the plausible ceiling for one flow (unit error?)", f"r.v * 1000 > {MAX_FLOW_USD:.0f}"),
    ]


FAILED = "a BACI row failed its checks"


def _joined(products: bool) -> str:
    product = f" LEFT JOIN pc p ON p.code = {CODE}" if products else ""
    return f"raw r LEFT JOIN cc e ON r.i = e.code LEFT JOIN cc m ON r.j = m.code{product}"


def _raw(rel: Release) -> tuple[str, dict[str, list[str]]]:
    """The yearly files as one relation (t, i, j, k, v, filename): files grouped by header order,
    each group read with its own column names; the paths are bound parameters."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for path in rel.yearly:
        groups.setdefault(header_of(path, rel.name(path)), []).append(str(path))
    parts, params = [], {}
    for n, (names, files) in enumerate(groups.items()):
        columns = "{" + ", ".join(f"'{c}': '{TYPES[c]}'" for c in names) + "}"   # names are REQUIRED/OPTIONAL only
        parts.append(f"SELECT t, i, j, k, v, filename FROM read_csv($files{n}, header = true, columns = {columns}, "
                     "filename = true, nullstr = ['', 'NA'])")
        params[f"files{n}"] = files
    return " UNION ALL ".join(parts), params


def checked_rows(con: "duckdb.DuckDBPyConnection", rel: Release) -> tuple[str, dict]:
    """The SQL (and its parameters) of the release's rows, checked and mapped: year, exporter,
    importer, code, value_usd (USD), classification. A row that fails a check stops the query with
    FAILED; `first_failure` then says which and where."""
    products = bool(rel.products)
    raw, params = _raw(rel)
    failing = " OR ".join(f"({c})" for _, c in checks(products))
    sql = (f"WITH raw AS ({raw}) SELECT r.t AS year, e.iso3 AS exporter, m.iso3 AS importer, {CODE} AS code, "
           f"CASE WHEN {failing} THEN error('{FAILED}') ELSE r.v * 1000 END AS value_usd, "
           "regexp_extract(upper(parse_filename(r.filename)), '_(H[0-6]|HS[0-9][0-9])_', 1) AS classification "
           f"FROM {_joined(products)}")
    return sql, params


def first_failure(con: "duckdb.DuckDBPyConnection", rel: Release, exc: Exception) -> DataImportError:
    """The error for a read that stopped: the failed check, how many rows fail it and one example;
    or, for a file DuckDB could not parse, the file and DuckDB's first line."""
    import duckdb

    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if FAILED not in str(exc):
        return DataImportError(f"BACI files could not be read: {message}; check that each yearly file is a "
                               "complete BACI CSV (t, i, j as whole numbers, v a number)")
    products = bool(rel.products)
    raw, params = _raw(rel)
    for what, cond in checks(products):
        try:
            n, ex = con.execute(f"WITH raw AS ({raw}) SELECT count(*), any_value({{'file': r.filename, 't': r.t, "
                                f"'i': r.i, 'j': r.j, 'k': r.k, 'v': r.v}}) FROM {_joined(products)} WHERE {cond}",
                                params).fetchall()[0]
        except duckdb.Error:
            continue
        if n:
            return DataImportError(f"{rel.name(ex['file'])}: {n} row(s) with {what}, e.g. t={ex['t']}, i={ex['i']}, "
                                   f"j={ex['j']}, k={ex['k']!r}, v={ex['v']}; fix or remove those rows")
    return DataImportError(f"BACI: {FAILED}")


def duplicates(con: "duckdb.DuckDBPyConnection", table: str, rel: "Release | None" = None) -> bool:
    """Refuse two different values for one flow of `table` (a view or table name of ours), naming the
    files that give them when `rel` is the release read; True when there are exact duplicates to drop."""
    n, distinct = con.execute(f"SELECT count(*), count(DISTINCT hash(year, exporter, importer, code)) "
                              f"FROM {table}").fetchall()[0]
    if n == distinct:  # equal keys hash alike, so no two rows share a key
        return False
    dup = con.execute(f"SELECT year, exporter, importer, code, count(DISTINCT value_usd) FROM {table} "
                      "GROUP BY year, exporter, importer, code HAVING count(*) > 1 "
                      "ORDER BY count(DISTINCT value_usd) DESC LIMIT 1").fetchall()
    dup = dup[0] if dup else None
    if dup and dup[4] > 1:
        where = ""
        if rel is not None:
            raw, params = _raw(rel)
            files = con.execute(f"WITH raw AS ({raw}) SELECT DISTINCT r.filename FROM {_joined(False)} "
                                f"WHERE r.t = $y AND e.iso3 = $x AND m.iso3 = $m AND {CODE} = $k ORDER BY 1",
                                {**params, "y": int(dup[0]), "x": dup[1], "m": dup[2], "k": dup[3]}).fetchall()
            where = f" in {' and '.join(rel.name(f[0]) for f in files)}" if files else ""
        raise DataImportError(f"BACI: conflicting duplicate rows for {dup[1]}→{dup[2]} {dup[3]} {dup[0]}{where}: "
                              f"{dup[4]} different values; two yearly files for one year? keep one")
    return dup is not None


# Exports and imports per reporter, code and year: the table every whole-panel query starts from.
BY_CODE_SQL = """
WITH x AS (SELECT year, exporter AS reporter, code, sum(value_usd) AS v FROM {flows} GROUP BY year, exporter, code),
m AS (SELECT year, importer AS reporter, code, sum(value_usd) AS v FROM {flows} GROUP BY year, importer, code)
SELECT coalesce(x.year, m.year) AS year, coalesce(x.reporter, m.reporter) AS reporter,
       coalesce(x.code, m.code) AS code, coalesce(x.v, 0) AS exports, coalesce(m.v, 0) AS imports
FROM x FULL OUTER JOIN m ON x.year = m.year AND x.reporter = m.reporter AND x.code = m.code
"""

# Totals of all goods per economy and year: the sum of its HS6 exports and of its HS6 imports.
TOTALS_SQL = """
SELECT year, reporter, 'X' AS flow, sum(exports) AS value_usd FROM {by_code} GROUP BY year, reporter
UNION ALL
SELECT year, reporter, 'M' AS flow, sum(imports) AS value_usd FROM {by_code} GROUP BY year, reporter
"""


def canonical_flows(part: "pd.DataFrame") -> "pd.DataFrame":
    """BACI rows (year, exporter, importer, code, value_usd, classification) in the canonical flow
    layout: exports as reported, imports as their mirror, and world rows."""
    import pandas as pd

    from ..products import revision_for_year

    x = part.rename(columns={"exporter": "reporter", "importer": "partner"}).assign(flow="X", mirror=False)
    m = part.rename(columns={"importer": "reporter", "exporter": "partner"}).assign(flow="M", mirror=True)
    flows = pd.concat([x, m], ignore_index=True)
    flows["hs_revision"] = [CLASSIFICATIONS.get(c) or revision_for_year(int(y))
                            for c, y in zip(flows["classification"], flows["year"])]
    keys = ["year", "reporter", "flow", "code", "hs_revision", "mirror"]
    world = flows.groupby(keys, as_index=False)["value_usd"].sum().assign(partner=WORLD)
    flows = pd.concat([flows, world], ignore_index=True)
    flows["code_system"] = "HS6"
    flows["source"] = "baci"
    flows["coverage"] = "baci"
    return flows[FLOW_COLUMNS]


# --- the chapter's reader --------------------------------------------------------------------------

def _beside(path: Path) -> list[Path]:
    return sorted(p for p in path.parent.iterdir() if _kind(p.name) in ("countries", "products") and p.is_file())


def read(path: Path, *, memory_limit: str = "1GB", min_codes: int = MIN_CODES_FOR_TOTALS) -> Imported:
    """One BACI yearly file, for the chapter: the product table's codes and derived totals of all goods.

    Streamed through DuckDB (the rows are checked and held in DuckDB, spilling to disk), never
    parsed into a frame row by row.
    """
    import duckdb
    import pandas as pd

    from ..products import load_products

    with tempfile.TemporaryDirectory(prefix="baci-") as tmp:
        rel = release([path, *_beside(path)], Path(tmp))
        con = connect(memory_limit, 2, Path(tmp) / "spill")
        try:
            notes = load_tables(con, rel)
            sql, params = checked_rows(con, rel)
            try:
                con.execute(f"CREATE TABLE rows AS {sql}", params)
            except duckdb.Error as exc:
                raise first_failure(con, rel, exc) from None
            if duplicates(con, "rows", rel):
                con.execute("CREATE TABLE unique_rows AS SELECT DISTINCT * FROM rows; DROP TABLE rows; "
                            "ALTER TABLE unique_rows RENAME TO rows")
            con.execute(f"CREATE TABLE by_code AS {BY_CODE_SQL.format(flows='rows')}")
            per_year = con.execute("SELECT year, count(DISTINCT code) FROM by_code GROUP BY year").fetchall()
            full = sorted(int(y) for y, k in per_year if k >= min_codes)
            con.register("full_years", pd.DataFrame({"year": full}, dtype="int64"))
            totals = con.execute(f"SELECT * FROM ({TOTALS_SQL.format(by_code='by_code')}) "
                                 "WHERE year IN (SELECT year FROM full_years)").df()
            con.register("wanted", pd.DataFrame({"code": sorted(set(load_products()["code"]))}))
            part = con.execute("SELECT CAST(year AS INTEGER) AS year, exporter, importer, code, value_usd, "
                               "classification FROM rows WHERE code IN (SELECT code FROM wanted)").df()
        finally:
            con.close()
    flows = canonical_flows(part)
    totals = totals.assign(year=totals["year"].astype(int), source="baci-derived")
    out = Imported(path, "CEPII BACI", flows, totals[TOTAL_COLUMNS], notes=notes)
    out.notes.append("BACI reconciles both reports into one FOB value; import rows are that value, flagged mirror")
    all_codes = sum(k for _, k in per_year)
    kept = flows.groupby("year")["code"].nunique().sum() if len(flows) else 0
    if all_codes > kept:
        out.notes.append(f"{all_codes - kept} year-code(s) outside the product table are left out of the report; "
                         "`analysis ingest` keeps the whole file for panel work")
    if full:
        out.notes.append(f"totals of all goods derived by summing HS6 rows for {', '.join(map(str, full))}")
    return out


FORMATS = [Format("baci", lambda h: set(REQUIRED) <= h, read)]
