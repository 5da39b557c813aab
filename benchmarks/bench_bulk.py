"""Whole-BACI benchmark, side by side in one run (figures printed, nothing asserted):

1. one generated BACI-shaped year (11 million rows by default): the project's ingest (validate,
   map, write parquet by year, aggregate by reporter and code, derive totals) and its `import`
   (the chapter's reader of the same file: the same checks, the product table's codes and the
   derived totals) against DuckDB doing the same aggregation with a bare script (no checks, no
   duplicate test, no manifest); wall time, peak memory of each process, and the aggregates compared;
2. many generated years in one store, then RSCA and TSI for every reporter × code × year
   (`panel.rsca_tsi`): time and peak memory of the query once ingested.

Each step runs in its own process so that its peak memory (ru_maxrss) is its own.
Usage: python benchmarks/bench_bulk.py [--rows 11000000] [--years 28] [--rows-per-year 2000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

REFERENCE = """
import duckdb, sys
con = duckdb.connect(); con.execute("SET threads = 2"); con.execute("SET memory_limit = '1GB'")
con.execute(f"SET temp_directory = '{sys.argv[3]}/spill'")
raw, codes, out = sys.argv[1], sys.argv[2], sys.argv[3]
con.execute(f"CREATE VIEW cc AS SELECT CAST(country_code AS INTEGER) code, country_iso3 iso3 FROM read_csv('{codes}')")
con.execute(f'''CREATE VIEW f AS SELECT r.t AS year, e.iso3 AS exporter, m.iso3 AS importer, lpad(r.k, 6, '0') AS code,
            r.v * 1000 AS value_usd FROM read_csv('{raw}', header = true, types = {{'k': 'VARCHAR'}}) r JOIN cc e ON r.i = e.code
            JOIN cc m ON r.j = m.code''')
con.execute(f"COPY f TO '{out}/flows' (FORMAT parquet, PARTITION_BY (year), COMPRESSION zstd)")
src = f"read_parquet('{out}/flows/*/*.parquet', hive_partitioning = true)"
con.execute(f'''COPY (WITH x AS (SELECT year, exporter AS reporter, code, sum(value_usd) v FROM {src} GROUP BY ALL),
            m AS (SELECT year, importer AS reporter, code, sum(value_usd) v FROM {src} GROUP BY ALL)
            SELECT coalesce(x.year, m.year) AS year, coalesce(x.reporter, m.reporter) AS reporter, coalesce(x.code, m.code) AS code,
            coalesce(x.v, 0) AS exports, coalesce(m.v, 0) AS imports FROM x FULL OUTER JOIN m
            ON x.year = m.year AND x.reporter = m.reporter AND x.code = m.code)
            TO '{out}/by_code' (FORMAT parquet, PARTITION_BY (year), COMPRESSION zstd)''')
bc = f"read_parquet('{out}/by_code/*/*.parquet', hive_partitioning = true)"
con.execute(f'''COPY (SELECT year, reporter, 'X' AS flow, sum(exports) AS value_usd FROM {bc} GROUP BY ALL UNION ALL
            SELECT year, reporter, 'M', sum(imports) FROM {bc} GROUP BY ALL) TO '{out}/totals.parquet' (FORMAT parquet)''')
"""

PROJECT = """
import sys
from pathlib import Path
from analysis import bulk
bulk.ingest([Path(p) for p in sys.argv[1:-1]], Path(sys.argv[-1]), memory_limit="1GB", threads=2)
"""

IMPORT = """
import sys
from pathlib import Path
from analysis import importers
importers.read(Path(sys.argv[1]))
"""

RSCA = """
import sys
from pathlib import Path
from analysis import panel
panel.duckdb_run(Path(sys.argv[1]), "rsca_tsi", out=Path(sys.argv[2]), memory_limit="3GB", threads=2)
"""


def measured(code: str, *args: str) -> tuple[float, float]:
    """Run `code` in a fresh interpreter; its wall time (s) and its own peak memory (GB)."""
    probe = code + "\nimport resource, json\nprint(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))\n"
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", probe, *args], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(proc.stderr)
    return seconds, json.loads(proc.stdout.strip().splitlines()[-1]) / 1024**2


def single_year(tmp: Path, rows: int) -> None:
    """The project's ingest of one generated year beside a bare DuckDB script doing the same work."""
    import pandas as pd

    from analysis import synthetic

    t0 = time.perf_counter()
    codes, year = synthetic.baci_files(tmp / "one", [2022], rows=rows)
    print(f"generated one BACI-shaped year: {rows:,} rows, {year.stat().st_size / 1e9:.2f} GB CSV "
          f"in {time.perf_counter() - t0:.1f} s")
    (tmp / "ref").mkdir()
    ref_s, ref_gb = measured(REFERENCE, str(year), str(codes), str(tmp / "ref"))
    own_s, own_gb = measured(PROJECT, str(codes), str(year), str(tmp / "own"))
    imp_s, imp_gb = measured(IMPORT, str(year))
    keys = ["year", "reporter", "flow"]
    a = pd.read_parquet(tmp / "ref" / "totals.parquet").astype({"year": int}).sort_values(keys)
    b = pd.read_parquet(tmp / "own" / "totals.parquet").astype({"year": int}).sort_values(keys)
    equal = len(a) == len(b) and bool((a["value_usd"].to_numpy() == b["value_usd"].to_numpy()).all())
    print(f"{'step':<48}{'seconds':>9}{'peak GB':>9}")
    print(f"{'DuckDB, bare script (map, parquet, by code, totals)':<48}{ref_s:>9.1f}{ref_gb:>9.2f}")
    print(f"{'project ingest (the same, with checks, manifest)':<48}{own_s:>9.1f}{own_gb:>9.2f}")
    print(f"{'import (the chapter reader: checks, codes, totals)':<48}{imp_s:>9.1f}{imp_gb:>9.2f}")
    print(f"ratio ingest / DuckDB: {own_s / ref_s:.2f}x, import / DuckDB: {imp_s / ref_s:.2f}x (target ≤ 2x); "
          f"peak {max(own_gb, imp_gb):.2f} GB (target ≤ 2 GB); totals equal: {equal}")
    for p in (tmp / "one").iterdir():
        p.unlink()


def whole_panel(tmp: Path, years: int, rows: int) -> None:
    """Many generated years ingested into one store, then RSCA and TSI over all of it."""
    import pandas as pd

    from analysis import synthetic

    t0 = time.perf_counter()
    files = synthetic.baci_files(tmp / "many", list(range(2023 - years, 2023)), rows=rows)
    print(f"\ngenerated {years} years × {rows:,} rows in {time.perf_counter() - t0:.1f} s")
    ing_s, ing_gb = measured(PROJECT, *map(str, files), str(tmp / "panel"))
    for p in files:
        p.unlink()
    print(f"ingested in {ing_s:.1f} s, peak {ing_gb:.2f} GB")
    rsca_s, rsca_gb = measured(RSCA, str(tmp / "panel"), str(tmp / "rsca"))
    n = len(pd.read_parquet(tmp / "rsca", columns=["rsca"]))
    print(f"RSCA and TSI for every reporter × code × year: {n:,} rows in {rsca_s:.1f} s, peak {rsca_gb:.2f} GB "
          "(target ≤ 30 s, ≤ 4 GB)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=11_000_000, help="rows of the single-year comparison")
    parser.add_argument("--years", type=int, default=28, help="years of the whole-panel RSCA")
    parser.add_argument("--rows-per-year", type=int, default=11_000_000, help="rows of each of those years")
    parser.add_argument("--skip-single", action="store_true", help="run only the whole-panel part")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(dir=ROOT / "benchmarks", prefix=".bench-bulk-") as tmp:
        if not args.skip_single:
            single_year(Path(tmp), args.rows)
        whole_panel(Path(tmp), args.years, args.rows_per_year)


if __name__ == "__main__":
    main()
