"""Whole-BACI ingest in bounded memory: DuckDB streams the CSV files, validates them, maps country
codes by a join and writes one parquet folder per year.

This is the step for the big formats (every exporter, importer and HS6 code, about 11 million
rows a year). It never builds a pandas frame of the raw rows. Three parts, as every data step:

- load: the BACI yearly CSVs (or the release zip, extracted member by member) and the
  `country_codes_*.csv` beside them, read by DuckDB with declared column types;
- process: checks on what the input must look like (years, non-negative finite values, 6-digit
  codes, known country codes, no duplicate flows), each refusing the file with an example row;
  totals of all goods per economy and year derived by summing its HS6 rows;
- save: `flows/year=YYYY/*.parquet` (exporter, importer, code, value_usd), `by_code/year=YYYY/`
  (exports and imports per reporter and code, what whole-panel queries read), `totals.parquet`
  and `manifest.json` (sources, vintage, rows and codes per year), staged and switched in whole.

Derived totals: BACI holds every HS6 line of world trade, so the sum of an economy's rows in a
year is its exports (or imports) of all goods as BACI records them. They are derived only for a
year whose file covers the whole nomenclature (`MIN_CODES_FOR_TOTALS` codes or more); a
file cut to a few codes gives no totals rather than wrong ones.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import duckdb

from . import atomic
from .errors import DataImportError

if TYPE_CHECKING:
    import pandas as pd

MIN_CODES_FOR_TOTALS = 4000
BACI_COLUMNS = {"t": "INTEGER", "i": "INTEGER", "j": "INTEGER", "k": "VARCHAR", "v": "DOUBLE", "q": "VARCHAR"}
SOURCE = "CEPII BACI"


def connect(memory_limit: str = "1GB", threads: int = 2, temp: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection held to a memory limit, spilling to `temp` beyond it."""
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = false")
    if temp is not None:
        con.execute(f"SET temp_directory = '{temp.as_posix()}'")
    return con


def _sql_list(paths: Iterable[Path]) -> str:
    return "[" + ", ".join("'" + p.as_posix().replace("'", "''") + "'" for p in paths) + "]"


def _vintage(name: str) -> str:
    """The release in a BACI file name ('V202401'), or '' when the name does not carry it."""
    m = re.search(r"_V(\d{6}[a-z]?)", name)
    return f"V{m.group(1)}" if m else ""


# --- load -------------------------------------------------------------------------------------
def baci_files(paths: Iterable[Path], scratch: Path) -> tuple[list[Path], Path]:
    """The yearly BACI CSVs and the country code file among `paths` (files, folders or release zips).

    Zip members are extracted one at a time into `scratch`, streamed, so memory stays bounded.
    """
    csvs: list[Path] = []
    codes: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(p.glob("*.csv")) + sorted(p.glob("*.zip"))
            more, code = baci_files(found, scratch) if found else ([], None)
            csvs += more
            codes += [code] if code else []
        elif p.suffix.lower() == ".zip":
            with zipfile.ZipFile(p) as z:
                for member in z.namelist():
                    name = Path(member).name
                    if name.startswith("BACI_") and name.endswith(".csv") or name.startswith("country_codes"):
                        target = scratch / name
                        with z.open(member) as src, open(target, "wb") as dst:
                            shutil.copyfileobj(src, dst, 1 << 20)
                        (codes if name.startswith("country_codes") else csvs).append(target)
        elif p.name.startswith("country_codes"):
            codes.append(p)
        elif p.suffix.lower() == ".csv" and not p.name.startswith("product_codes"):
            csvs.append(p)
        elif not p.exists():
            raise DataImportError(f"{p}: no such file or folder")
    if not csvs:
        raise DataImportError("no BACI yearly files (BACI_*.csv) in " + ", ".join(map(str, paths)))
    if not codes:
        raise DataImportError(f"{csvs[0]}: BACI needs its country_codes_*.csv beside it")
    return csvs, sorted(codes)[-1]


def _codes_table(con: duckdb.DuckDBPyConnection, codes: Path) -> None:
    try:
        con.execute(f"CREATE TABLE cc AS SELECT DISTINCT CAST(country_code AS INTEGER) AS code, "
                    f"trim(country_iso3) AS iso3 FROM read_csv('{codes.as_posix()}', header = true, all_varchar = true)")
    except duckdb.Error as exc:
        raise DataImportError(f"{codes}: could not be read: {str(exc).splitlines()[0]}") from None


# --- process ----------------------------------------------------------------------------------
# What every row must look like. The copy stops at the first row that fails; `_first_failure`
# then finds which check failed, how many rows fail it and one example (only on that path).
CHECKS = [
    ("a year outside 1988 to this year", "r.t IS NULL OR r.t < 1988 OR r.t > year(current_date)"),
    ("a country code not in the country_codes file", "e.iso3 IS NULL OR m.iso3 IS NULL"),
    ("a product code that is not 6 digits", "r.k IS NULL OR NOT regexp_full_match(lpad(trim(r.k), 6, '0'), '[0-9]{6}')"),
    ("a value that is missing, negative or not finite", "r.v IS NULL OR r.v < 0 OR isinf(r.v) OR isnan(r.v)"),
]
FAILED = "a BACI row failed its checks"
_JOINED = "{source} r LEFT JOIN cc e ON r.i = e.code LEFT JOIN cc m ON r.j = m.code"
CHECKED_SQL = (f"SELECT r.t AS year, e.iso3 AS exporter, m.iso3 AS importer, lpad(trim(r.k), 6, '0') AS code, "
               f"CASE WHEN {' OR '.join(f'({c})' for _, c in CHECKS)} THEN error('{FAILED}') ELSE r.v * 1000 END "
               "AS value_usd, regexp_extract(upper(r.filename), '_(H[0-6]|HS[0-9][0-9])_', 1) AS classification "
               f"FROM {_JOINED}")


def _first_failure(con: duckdb.DuckDBPyConnection, source: str) -> DataImportError:
    """The error for a copy that a failed check stopped: the check, the count and one example."""
    for what, cond in CHECKS:
        n, ex = con.execute(f"SELECT count(*), any_value({{'file': r.filename, 't': r.t, 'i': r.i, 'j': r.j, "
                            f"'k': r.k, 'v': r.v}}) FROM {_JOINED.replace('{source}', source)} WHERE {cond}").fetchone()
        if n:
            return DataImportError(f"{ex['file']}: {n} row(s) with {what}, e.g. t={ex['t']}, i={ex['i']}, "
                                   f"j={ex['j']}, k={ex['k']}, v={ex['v']}")
    return DataImportError(FAILED)


def _source(csvs: list[Path]) -> str:
    types = "{" + ", ".join(f"'{k}': '{v}'" for k, v in BACI_COLUMNS.items()) + "}"
    return (f"read_csv({_sql_list(csvs)}, header = true, columns = {types}, filename = true, "
            "nullstr = ['', 'NA'])")


def _parquet(folder: Path) -> str:
    return f"read_parquet('{folder.as_posix()}/*/*.parquet', hive_partitioning = true)"


def _duplicates(con: duckdb.DuckDBPyConnection, flows: Path) -> bool:
    """Refuse two different values for one flow; True when there are exact duplicates to drop."""
    n, distinct = con.execute(f"SELECT count(*), count(DISTINCT hash(year, exporter, importer, code)) "
                              f"FROM {_parquet(flows)}").fetchone()
    if n == distinct:  # equal keys hash alike, so no two rows share a key
        return False
    dup = con.execute(f"SELECT year, exporter, importer, code, count(DISTINCT value_usd) FROM {_parquet(flows)} "
                      "GROUP BY year, exporter, importer, code HAVING count(*) > 1 "
                      "ORDER BY count(DISTINCT value_usd) DESC LIMIT 1").fetchone()
    if dup and dup[4] > 1:
        raise DataImportError(f"BACI: conflicting duplicate rows for {dup[1]}→{dup[2]} {dup[3]} {dup[0]}: "
                              f"{dup[4]} different values")
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


# --- save -------------------------------------------------------------------------------------
def ingest(paths: Iterable[Path], out: Path, *, memory_limit: str = "1GB", threads: int = 2,
           min_codes: int = MIN_CODES_FOR_TOTALS) -> dict:
    """Stream BACI files into a parquet store at `out` (replaced in whole); return its manifest.

    One pass reads, checks, maps and writes the rows (a failed check aborts it); duplicates,
    counts and totals are then read from the columnar output.
    """
    paths = [Path(p) for p in paths]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic.build_lock(out.parent / f".{out.name}.lock", wait=True), \
            tempfile.TemporaryDirectory(dir=out.parent, prefix=".bulk-") as tmp:
        scratch = Path(tmp)
        csvs, codes = baci_files(paths, scratch)
        con = connect(memory_limit, threads, scratch / "spill")
        _codes_table(con, codes)
        stage = atomic.staging(out)
        flows = stage / "flows"
        try:
            source = _source(csvs)
            try:
                con.execute(f"COPY ({CHECKED_SQL.replace('{source}', source)}) TO '{flows.as_posix()}' "
                            "(FORMAT parquet, PARTITION_BY (year), COMPRESSION zstd)")
            except duckdb.Error as exc:
                if FAILED in str(exc):
                    raise _first_failure(con, source) from None
                raise
            if _duplicates(con, flows):
                unique = scratch / "unique"
                con.execute(f"COPY (SELECT DISTINCT * FROM {_parquet(flows)}) TO '{unique.as_posix()}' "
                            "(FORMAT parquet, PARTITION_BY (year), COMPRESSION zstd)")
                shutil.rmtree(flows)
                shutil.move(unique, flows)
            by_code = stage / "by_code"
            for part in sorted(flows.iterdir()):   # one year at a time: memory follows a year, not the store
                (by_code / part.name).mkdir(parents=True)
                year_rows = f"(SELECT *, {int(part.name.split('=')[1])} AS year FROM read_parquet('{part.as_posix()}/*.parquet'))"
                con.execute(f"COPY (SELECT * EXCLUDE (year) FROM ({BY_CODE_SQL.format(flows=year_rows)})) "
                            f"TO '{(by_code / part.name / 'data.parquet').as_posix()}' (FORMAT parquet, COMPRESSION zstd)")
            rows = dict(con.execute(f"SELECT year, count(*) FROM {_parquet(flows)} GROUP BY year").fetchall())
            per_year = [(y, rows[y], k) for y, k in con.execute(
                f"SELECT year, count(DISTINCT code) FROM {_parquet(by_code)} GROUP BY year ORDER BY year").fetchall()]
            manifest = describe([(p.name, p.stat().st_size) for p in csvs], codes.name, per_year, min_codes)
            year_list = ", ".join(map(str, manifest["totals_years"])) or "NULL"
            con.execute(f"COPY (SELECT * FROM ({TOTALS_SQL.format(by_code=_parquet(by_code))}) WHERE year IN "
                        f"({year_list}) ORDER BY year, reporter, flow) TO '{(stage / 'totals.parquet').as_posix()}' "
                        "(FORMAT parquet)")
        except duckdb.Error as exc:
            shutil.rmtree(stage, ignore_errors=True)
            raise DataImportError(f"BACI files could not be read: {str(exc).splitlines()[0]}") from None
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        finally:
            con.close()
        write_manifest(manifest, stage)
        atomic.switch(stage, out)
    return manifest


def describe(files: list[tuple[str, int | None]], country_codes: str, per_year: list[tuple[int, int, int]],
             min_codes: int) -> dict:
    """The manifest of a bulk store: its files (name, bytes, vintage), rows and codes per (year, rows,
    codes), and the years whose totals of all goods were derived."""
    return {
        "source": SOURCE,
        "files": [{"name": n, "bytes": b, "vintage": _vintage(n)} for n, b in files],
        "country_codes": country_codes,
        "vintage": sorted({_vintage(n) for n, _ in files} - {""}),
        "years": {str(int(y)): {"rows": int(n), "codes": int(k)} for y, n, k in per_year},
        "totals_years": [int(y) for y, _, k in per_year if k >= min_codes],
        "totals": f"derived: the sum of each economy's HS6 rows, for years with {min_codes} or more codes",
        "values": "USD (BACI's thousands of USD times 1000)",
    }


def write_manifest(manifest: dict, store: Path) -> None:
    """Write a store's manifest.json (keys sorted, so equal content gives equal bytes)."""
    (Path(store) / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def read_manifest(store: Path) -> dict:
    """The manifest of a bulk store."""
    path = Path(store) / "manifest.json"
    if not path.exists():
        raise DataImportError(f"{store}: not a bulk store (no manifest.json); run `analysis ingest` first")
    return json.loads(path.read_text())


def totals_source(store: Path) -> str:
    """The store's totals for a FROM clause: one parquet file (DuckDB's ingest) or a folder of them (Spark's)."""
    path = Path(store) / "totals.parquet"
    return f"read_parquet('{path.as_posix()}{'/*.parquet' if path.is_dir() else ''}')"


def flows_view(con: duckdb.DuckDBPyConnection, store: Path, name: str = "flows") -> None:
    """Register a table of the store ("flows" or "by_code") as a view (hive-partitioned parquet, read lazily)."""
    con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM {_parquet(Path(store) / name)}")


def canonical(store: Path, codes: Iterable[str], *, memory_limit: str = "1GB") -> tuple["pd.DataFrame", "pd.DataFrame"]:
    """The report's slice of a bulk store in the canonical flow layout (exports, mirrored imports,
    world rows), plus the derived totals: small enough for the chapter's dense engine."""
    import pandas as pd

    from .importers import CLASSIFICATIONS
    from .products import revision_for_year
    from .schema import FLOW_COLUMNS, WORLD

    codes = sorted(set(codes))
    con = connect(memory_limit)
    flows_view(con, store)
    con.execute("CREATE TEMP TABLE wanted (code VARCHAR)")
    con.executemany("INSERT INTO wanted VALUES (?)", [(c,) for c in codes])
    part = con.execute("SELECT CAST(year AS INTEGER) AS year, exporter, importer, code, value_usd, classification FROM flows "
                       "WHERE code IN (SELECT code FROM wanted)").df()
    totals = con.execute(f"SELECT * FROM {totals_source(store)}").df()
    con.close()
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
    totals = totals.assign(year=totals["year"].astype(int), source="baci-derived")
    return flows[FLOW_COLUMNS], totals
