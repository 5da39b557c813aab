"""Whole-BACI store in bounded memory: DuckDB streams the checked rows of a release (read by
`importers.baci`, the same reader as the chapter's) into one parquet folder per year.

This is the step for the big formats (every exporter, importer and HS6 code, about 11 million
rows a year). It never builds a pandas frame of the raw rows. Three parts, as every data step:

- load: the BACI yearly CSVs (or the release zip, extracted member by member), the
  `country_codes_*.csv` and `product_codes_*.csv` beside them (`importers.baci.release`);
- process: the reader's checks (years, values, codes, known countries, no self-trade), each
  refusing the release with an example row; no two values for one flow; totals of all goods per
  economy and year derived by summing its HS6 rows;
- save: `flows/year=YYYY/*.parquet` (exporter, importer, code, value_usd), `by_code/year=YYYY/`
  (exports and imports per reporter and code, what whole-panel queries read), `totals.parquet`
  and `manifest.json` (sources, vintage, rows and codes per year), staged and switched in whole.
  A non-empty `--out` folder that is not a store (no manifest.json) is refused, never replaced.

Derived totals: BACI holds every HS6 line of world trade, so the sum of an economy's rows in a
year is its exports (or imports) of all goods as BACI records them. They are derived only for a
year whose file covers the whole nomenclature (`MIN_CODES_FOR_TOTALS` codes or more); a file cut
to a few codes gives no totals rather than wrong ones.

No path or name is spliced into SQL: files are bound parameters or relations opened from Python,
outputs written through the relation API.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from . import atomic
from .errors import DataImportError
from .importers import baci
from .importers.baci import BY_CODE_SQL, MIN_CODES_FOR_TOTALS, TOTALS_SQL, connect

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

__all__ = ["BY_CODE_SQL", "MIN_CODES_FOR_TOTALS", "TOTALS_SQL", "canonical", "connect", "describe", "flows_view",
           "ingest", "read_manifest", "totals_view", "write_manifest"]
SOURCE = "CEPII BACI"


def parquet_files(folder: Path) -> list[str]:
    """The parquet files of a table folder (hive partitions below it), as a list: never a glob
    built from a path, so no character of the path is read as a pattern."""
    return sorted(str(p) for p in Path(folder).rglob("*.parquet") if p.is_file())


def _view(con: "duckdb.DuckDBPyConnection", folder: Path, name: str) -> None:
    files = parquet_files(folder)
    if not files:
        raise DataImportError(f"{folder}: no parquet files; is this a store written by `analysis ingest`?")
    con.read_parquet(files, hive_partitioning=True).create_view(name)


def _write(rel: "duckdb.DuckDBPyRelation", target: Path, partition: bool = True) -> None:
    if partition:
        rel.write_parquet(str(target), partition_by=["year"], compression="zstd")
    else:
        rel.write_parquet(str(target), compression="zstd")


# --- save -------------------------------------------------------------------------------------
STORE_LAYOUT = ("manifest.json", "flows", "by_code", "totals.parquet")
"""Every name a BACI store holds at its top: `--out` onto a store that holds anything else is refused."""


def ingest(paths: Iterable[Path], out: Path, *, memory_limit: str = "1GB", threads: int = 2,
           min_codes: int = MIN_CODES_FOR_TOTALS) -> dict:
    """Stream BACI files into a parquet store at `out` (replaced in whole); return its manifest.

    One pass reads, checks, maps and writes the rows (a failed check aborts it); duplicates,
    counts and totals are then read from the columnar output.
    """
    import duckdb
    import pandas as pd

    paths = [Path(p) for p in paths]
    out = Path(out)
    atomic.refuse_foreign(out, ("manifest.json",), "a BACI store", STORE_LAYOUT)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic.build_lock(out.parent / f".{out.name}.lock", wait=True), \
            tempfile.TemporaryDirectory(dir=out.parent, prefix=".bulk-") as tmp:
        scratch = Path(tmp)
        rel = baci.release(paths, scratch)
        con = connect(memory_limit, threads, scratch / "spill")
        stage = atomic.staging(out)
        flows = stage / "flows"
        try:
            notes = baci.load_tables(con, rel)
            sql, params = baci.checked_rows(con, rel)
            try:
                _write(con.sql(sql, params=params), flows)
            except duckdb.Error as exc:
                raise baci.first_failure(con, rel, exc) from None
            _view(con, flows, "written")
            if baci.duplicates(con, "written", rel):
                unique = scratch / "unique"
                _write(con.sql("SELECT DISTINCT * FROM written"), unique)
                con.execute("DROP VIEW written")
                shutil.rmtree(flows)
                shutil.move(unique, flows)
                _view(con, flows, "written")
            by_code = stage / "by_code"
            for part in sorted(flows.iterdir()):   # one year at a time: memory follows a year, not the store
                year = int(part.name.split("=")[1])
                con.read_parquet(parquet_files(part)).create_view("year_rows")
                rows = con.sql("SELECT *, CAST($year AS INTEGER) AS year FROM year_rows", params={"year": year})
                rows.create_view("one_year")
                (by_code / part.name).mkdir(parents=True)
                _write(con.sql(f"SELECT * EXCLUDE (year) FROM ({BY_CODE_SQL.format(flows='one_year')})"),
                       by_code / part.name / "data.parquet", partition=False)
                con.execute("DROP VIEW one_year; DROP VIEW year_rows")
            _view(con, by_code, "by_code")
            counts = dict(con.execute("SELECT year, count(*) FROM written GROUP BY year").fetchall())
            per_year = [(y, counts[y], k) for y, k in con.execute(
                "SELECT year, count(DISTINCT code) FROM by_code GROUP BY year ORDER BY year").fetchall()]
            files = [(rel.name(p), p.stat().st_size) for p in rel.yearly]
            manifest = describe(files, rel.name(baci._newest(rel.countries)), per_year, min_codes)
            manifest["notes"] = notes
            con.register("full_years", pd.DataFrame({"year": manifest["totals_years"]}, dtype="int64"))
            _write(con.sql(f"SELECT * FROM ({TOTALS_SQL.format(by_code='by_code')}) WHERE year IN "
                           "(SELECT year FROM full_years) ORDER BY year, reporter, flow"),
                   stage / "totals.parquet", partition=False)
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
        "files": [{"name": n, "bytes": b, "vintage": baci.vintage(n)} for n, b in files],
        "country_codes": country_codes,
        "vintage": sorted({baci.vintage(n) for n, _ in files} - {""}),
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
    try:
        return json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataImportError(f"{path}: damaged ({exc}); run `analysis ingest` again") from None


def totals_view(con: "duckdb.DuckDBPyConnection", store: Path, name: str = "totals") -> None:
    """Register the store's totals as a view: one parquet file (DuckDB's ingest) or a folder (Spark's)."""
    path = Path(store) / "totals.parquet"
    if not path.exists():
        raise DataImportError(f"{store}: no totals.parquet; is this a store written by `analysis ingest`?")
    con.read_parquet(parquet_files(path) if path.is_dir() else [str(path)]).create_view(name)


def flows_view(con: "duckdb.DuckDBPyConnection", store: Path, name: str = "flows") -> None:
    """Register a table of the store ("flows" or "by_code") as a view (hive-partitioned parquet, read lazily)."""
    if name not in ("flows", "by_code"):
        raise ValueError(f"a store holds the tables flows and by_code, not {name!r}")
    _view(con, Path(store) / name, name)


def canonical(store: Path, codes: Iterable[str], *, memory_limit: str = "1GB") -> tuple["pd.DataFrame", "pd.DataFrame"]:
    """The report's slice of a bulk store in the canonical flow layout (exports, mirrored imports,
    world rows), plus the derived totals: small enough for the chapter's dense engine."""
    import pandas as pd

    con = connect(memory_limit)
    flows_view(con, store)
    totals_view(con, store)
    con.register("wanted", pd.DataFrame({"code": sorted(set(codes))}, dtype=str))
    part = con.execute("SELECT CAST(year AS INTEGER) AS year, exporter, importer, code, value_usd, classification "
                       "FROM flows WHERE code IN (SELECT code FROM wanted)").df()
    totals = con.execute("SELECT * FROM totals").df()
    con.close()
    totals = totals.assign(year=totals["year"].astype(int), source="baci-derived")
    return baci.canonical_flows(part), totals
