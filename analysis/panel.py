"""Indicators for the whole panel, out of core: RCA/RSCA and TSI for every reporter × HS6 × year,
GL and trade intensity for chosen pairs, computed from a bulk store (see `bulk`).

One definition of each query, in SQL that DuckDB and Spark SQL both accept; `run` sends it to
either engine. The queries are sparse: group-bys on the long table, never a dense array over
every reporter, partner and code. BACI is the whole world matrix, so an absent row is a zero
flow: TSI of an economy that imports a code but exports none is −1, as in the dense engine.

World and totals (one coverage): X_wp is the sum of every exporter's exports of p; X_c and X_w
are the totals of all goods derived from the same store (the sum of HS6 rows), only for the
years in which the store holds the whole nomenclature.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Iterable

import pandas as pd

from . import atomic, bulk

# Every query reads `by_code` (exports and imports per reporter, code and year, written at ingest)
# and `totals`; only the pairs query reads the bilateral `flows`.
RSCA_TSI = """
WITH xm AS (SELECT year, reporter, code, exports, imports FROM by_code {where}),
tot AS (SELECT year, reporter, value_usd AS total FROM totals WHERE flow = 'X'),
tw AS (SELECT year, sum(total) AS world_total FROM tot GROUP BY year),
xw AS (SELECT year, code, sum(exports) AS world_code FROM xm GROUP BY year, code),
rca AS (
  SELECT xm.year, xm.reporter, xm.code, xm.exports, xm.imports,
         (xm.exports / NULLIF(tot.total, 0)) / NULLIF(xw.world_code / NULLIF(tw.world_total, 0), 0) AS rca
  FROM xm
  LEFT JOIN tot ON xm.year = tot.year AND xm.reporter = tot.reporter
  LEFT JOIN xw ON xm.year = xw.year AND xm.code = xw.code
  LEFT JOIN tw ON xm.year = tw.year
)
SELECT year, reporter, code, exports, imports, rca, (rca - 1) / (rca + 1) AS rsca,
       (exports - imports) / NULLIF(exports + imports, 0) AS tsi
FROM rca
"""

# The two sides of each chosen pair, per year and code: the ROK's exports to a partner and its imports
# from it. BACI is one matrix, so world imports of a code equal world exports of it (M_wp = X_wp).
SIDES = """
WITH xm AS (SELECT year, reporter, code, exports, imports FROM by_code {where}),
b AS (SELECT year, exporter, importer, code, sum(value_usd) AS v FROM flows {where}
      GROUP BY year, exporter, importer, code),
mw AS (SELECT year, code, sum(imports) AS world FROM xm GROUP BY year, code),
sides AS (
  SELECT p.reporter, p.partner, k.year, k.code,
         coalesce(bx.v, 0) AS exports, coalesce(bm.v, 0) AS imports
  FROM pairs p
  CROSS JOIN (SELECT DISTINCT year, code FROM b) k
  LEFT JOIN b bx ON bx.exporter = p.reporter AND bx.importer = p.partner AND bx.year = k.year AND bx.code = k.code
  LEFT JOIN b bm ON bm.exporter = p.partner AND bm.importer = p.reporter AND bm.year = k.year AND bm.code = k.code
  WHERE bx.v IS NOT NULL OR bm.v IS NOT NULL
)
"""

# GL and intensities for chosen pairs, per code.
PAIRS = SIDES + """
SELECT s.reporter, s.partner, s.year, s.code, s.exports, s.imports,
       1 - abs(s.exports - s.imports) / NULLIF(s.exports + s.imports, 0) AS gl,
       (s.exports / NULLIF(c.exports, 0)) / NULLIF(d.imports / NULLIF(mw.world, 0), 0) AS ei,
       (s.imports / NULLIF(c.imports, 0)) / NULLIF(d.exports / NULLIF(mw.world, 0), 0) AS ii
FROM sides s
LEFT JOIN xm c ON c.year = s.year AND c.reporter = s.reporter AND c.code = s.code
LEFT JOIN xm d ON d.year = s.year AND d.reporter = s.partner AND d.code = s.code
LEFT JOIN mw ON mw.year = s.year AND mw.code = s.code
"""

# The trade-weighted Grubel–Lloyd index of a pair over every code the store holds (all goods when the
# store is a whole BACI release): sum_k (X_k + M_k - |X_k - M_k|) / sum_k (X_k + M_k), per year.
PAIRS_AGGREGATE = SIDES + """
SELECT reporter, partner, year, count(*) AS codes, sum(exports) AS exports, sum(imports) AS imports,
       sum(exports + imports - abs(exports - imports)) / NULLIF(sum(exports + imports), 0) AS gl
FROM sides
GROUP BY reporter, partner, year
"""


QUERIES = {"rsca_tsi": RSCA_TSI, "pairs": PAIRS, "pairs_aggregate": PAIRS_AGGREGATE}
PAIR_QUERIES = ("pairs", "pairs_aggregate")
ECONOMY = r"[A-Z]{3}|M49:[0-9]+"


def query(name: str, *, years: Iterable[int] | None = None, codes: Iterable[str] | None = None) -> str:
    """The SQL of an indicator query ("rsca_tsi", "pairs" or "pairs_aggregate"), restricted to the years and codes held in
    the tables `wanted_years` and `wanted_codes` (see `filters`): no value is spliced into the text."""
    if name not in QUERIES:
        raise ValueError(f"unknown query {name!r}: choose one of {', '.join(QUERIES)} (--query)")
    where = (["year IN (SELECT year FROM wanted_years)"] if years is not None else []) + \
            (["code IN (SELECT code FROM wanted_codes)"] if codes is not None else [])
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    return QUERIES[name].format(where=clause)


def filters(years: Iterable[int] | None = None, codes: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """The tables the filters of `query` read, by name."""
    out = {}
    if years is not None:
        out["wanted_years"] = pd.DataFrame({"year": [int(y) for y in years]}, dtype="int64")
    if codes is not None:
        out["wanted_codes"] = pd.DataFrame({"code": [str(c) for c in codes]}, dtype=str)
    return out


def parse_pairs(texts: Iterable[str]) -> list[tuple[str, str]]:
    """`--pair KOR:CHN` values as (reporter, partner); anything else is refused with the form to use."""
    import re

    out = []
    for text in texts:
        parts = text.split(":")
        if len(parts) != 2 or not all(re.fullmatch(ECONOMY, p) for p in parts):
            raise ValueError(f"--pair {text!r}: write a pair as REPORTER:PARTNER with ISO3 codes, e.g. --pair KOR:CHN")
        out.append((parts[0], parts[1]))
    return out


MARKER = "_panel.json"     # '_' first: parquet readers skip it, so the folder reads as one dataset
MARKERS = (MARKER, "panel.json", "_SUCCESS")
"""What a panel result holds (DuckDB's _panel.json, or panel.json from before; Spark's _SUCCESS): `--out`
replaces only such a folder."""
LAYOUT = (*MARKERS, "year=*", "part-*", ".*.crc")
"""Every name a panel result holds at its top, DuckDB's or Spark's."""


def duckdb_run(store: Path, name: str, *, pairs: list[tuple[str, str]] | None = None, out: Path | None = None,
               memory_limit: str = "2GB", threads: int = 2, **where) -> pd.DataFrame | None:
    """Run a query on DuckDB over the store; write parquet to `out` (by year, replacing an earlier
    result in whole) or return a frame."""
    sql = query(name, **where)
    bulk.read_manifest(store)
    if out is not None:
        out = Path(out)
        atomic.refuse_foreign(out, MARKERS, "a panel result", LAYOUT)
        out.parent.mkdir(parents=True, exist_ok=True)
    con = bulk.connect(memory_limit, threads, out.parent if out else None)
    try:
        bulk.flows_view(con, store)
        bulk.flows_view(con, store, "by_code")
        bulk.totals_view(con, store)
        for table, frame in filters(**where).items():
            con.register(table, frame)
        if pairs is not None:
            known = set(con.sql("SELECT DISTINCT reporter FROM by_code").df()["reporter"].astype(str))
            for pair in pairs:
                unknown = [e for e in pair if e not in known]
                if unknown:
                    raise ValueError(f"--pair {pair[0]}:{pair[1]}: {unknown[0]} is not an economy of the store "
                                     f"{store} (it holds {len(known)}, e.g. {', '.join(sorted(known)[:5])})")
            con.register("pairs", pd.DataFrame(pairs, columns=["reporter", "partner"], dtype=str))
        result = con.sql(sql)
        if out is None:
            return result.df()
        stage = atomic.staging(out)
        try:
            result.write_parquet(str(stage / "data"), partition_by=["year"])
            _move_partitions(stage)
            (stage / MARKER).write_text(json.dumps({"query": name, "store": str(Path(store).resolve()),
                                                    "pairs": pairs}, indent=2, sort_keys=True) + "\n")
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        atomic.switch(stage, out)
        return None
    finally:
        con.close()


def _move_partitions(stage: Path) -> None:
    """year=YYYY folders at the top of the result (the layout Spark and DuckDB both write)."""
    data = stage / "data"
    if data.exists():
        for part in data.iterdir():
            part.rename(stage / part.name)
        data.rmdir()


def spark_session(master: str = "local[2]"):
    """A Spark session (local mode by default; pass a cluster URL to run beyond one machine)."""
    from pyspark.sql import SparkSession

    return (SparkSession.builder.master(master).appName("trilateral-semis-panel")
            .config("spark.sql.shuffle.partitions", "8").config("spark.ui.enabled", "false").getOrCreate())


def spark_run(spark, store: str, name: str, *, pairs: list[tuple[str, str]] | None = None, out: str | None = None,
              **where) -> pd.DataFrame | None:
    """Run the same query on Spark SQL over the store (a local path or any URL Spark reads); the
    filters and pairs are registered as tables, never spliced into the SQL."""
    sql = query(name, **where)
    for table in ("flows", "by_code"):
        spark.read.option("basePath", f"{store}/{table}").parquet(f"{store}/{table}").createOrReplaceTempView(table)
    spark.read.parquet(f"{store}/totals.parquet").createOrReplaceTempView("totals")
    for table, frame in filters(**where).items():
        spark.createDataFrame(frame).createOrReplaceTempView(table)
    if pairs is not None:
        spark.createDataFrame(pairs, "reporter string, partner string").createOrReplaceTempView("pairs")
    result = spark.sql(sql)
    if out is None:
        return result.toPandas()
    if "://" not in out:
        atomic.refuse_foreign(Path(out), MARKERS, "a panel result", LAYOUT)
    result.write.mode("overwrite").partitionBy("year").parquet(out)
    return None


# Spark's own spelling of the ingest checks (the DuckDB ones are in `importers.baci.checks`).
def _spark_checks() -> list[tuple[str, str]]:
    """Spark's spelling of the reader's checks (`importers.baci.checks`, without a product table)."""
    from datetime import date

    from .importers.baci import FIRST_YEAR
    from .schema import MAX_FLOW_USD

    return [
        (f"a year outside {FIRST_YEAR} to this year", f"r.t IS NULL OR r.t < {FIRST_YEAR} OR r.t > {date.today().year}"),
        ("a country code not in the country_codes file", "e.iso3 IS NULL OR m.iso3 IS NULL"),
        ("the exporter as its own importer", "r.i = r.j"),
        ("a product code that is not 6 digits", f"r.k IS NULL OR NOT ({SPARK_CODE} RLIKE '^[0-9]{{6}}$')"),
        ("a value that is missing, negative or not finite",
         "r.v IS NULL OR r.v < 0 OR isnan(r.v) OR r.v = double('inf')"),
        ("a value above the plausible ceiling for one flow (unit error?)", f"r.v * 1000 > {MAX_FLOW_USD:.0f}"),
    ]


SPARK_CODE = "CASE WHEN trim(r.k) RLIKE '^[0-9]{5}$' THEN concat('0', trim(r.k)) ELSE trim(r.k) END"


def _spark_read_error(exc: Exception, names: tuple[str, ...]) -> Exception:
    """A Spark read failure as one line naming the file (a header in another order, or anything else)."""
    import re

    from .errors import DataImportError

    text = str(exc)
    header = re.search(r"CSV header does not conform to the schema\.\s*Header: (.*?)\s*Schema: (.*?)\s*Expected: .*?"
                       r"CSV file: (\S+)", text, re.S)
    if header:
        return DataImportError(f"{header.group(3)}: line 1: its columns ({header.group(1)}) come in another order than "
                               f"the first file's ({', '.join(names)}); Spark reads a glob with one column order, so "
                               "give files of one order together, or ingest with the DuckDB engine, which reads each "
                               "file by its own header")
    cause = next((ln.strip() for ln in text.splitlines() if "Exception" in ln or "Error" in ln), text.splitlines()[0])
    return DataImportError(f"Spark could not read the BACI files: {cause[:300]}")


def spark_ingest(spark, csvs: str, codes: str, out: str, *, min_codes: int = bulk.MIN_CODES_FOR_TOTALS) -> dict:
    """BACI ingest on a Spark cluster: the same checks, layout and derived totals as `bulk.ingest`.

    `csvs` is a path or glob of the yearly files and `codes` the country_codes file, in any
    filesystem Spark reads; the store is written to `out` (flows/year=YYYY/, totals.parquet/).
    Columns are matched by header name and the country table is read by the chapter's reader
    (`importers.baci.country_frame`), so Chinese Taipei and groups map as in `bulk.ingest`.
    """
    from pyspark.sql.functions import input_file_name

    from .errors import DataImportError
    from .importers import baci

    if "://" not in out:
        atomic.refuse_foreign(Path(out), ("manifest.json",), "a BACI store", bulk.STORE_LAYOUT)
    names = baci.check_columns(tuple(spark.read.option("header", True).csv(csvs).columns), csvs)
    # Every file's header is checked against these names (enforceSchema off): a file whose columns
    # come in another order is refused, never read by position.
    text = (spark.read.option("header", True).option("enforceSchema", False)
            .schema(", ".join(f"{c} STRING" for c in names)).csv(csvs))
    raw = text.selectExpr(*(f"CAST({c} AS {t}) AS {c}" for c, t in
                            (("t", "INT"), ("i", "INT"), ("j", "INT"), ("k", "STRING"), ("v", "DOUBLE")))) \
        .withColumn("filename", input_file_name())
    raw.createOrReplaceTempView("raw")
    cells = spark.read.option("header", True).option("inferSchema", False).csv(codes).toPandas().fillna("")
    cc, _notes = baci.country_frame(cells.astype(str), Path(codes), codes)
    spark.createDataFrame(cc, "code int, iso3 string").createOrReplaceTempView("cc")
    checks = _spark_checks()
    joined = "raw r LEFT JOIN cc e ON r.i = e.code LEFT JOIN cc m ON r.j = m.code"
    try:
        counts = spark.sql("SELECT " + ", ".join(f"count_if({c}) AS c{n}" for n, (_, c) in enumerate(checks))
                           + f" FROM {joined}").first()
    except Exception as exc:   # py4j and Spark errors: say which file and what, in one line
        raise _spark_read_error(exc, names) from None
    for n, (what, cond) in enumerate(checks):
        if counts[f"c{n}"]:
            ex = spark.sql(f"SELECT r.* FROM {joined} WHERE {cond} LIMIT 1").first()
            raise DataImportError(f"{ex['filename']}: {counts[f'c{n}']} row(s) with {what}, e.g. t={ex['t']}, "
                                  f"i={ex['i']}, j={ex['j']}, k={ex['k']}, v={ex['v']}")
    flows = spark.sql("SELECT DISTINCT r.t AS year, e.iso3 AS exporter, m.iso3 AS importer, "
                      f"{SPARK_CODE} AS code, r.v * 1000 AS value_usd, "
                      "regexp_extract(upper(regexp_extract(r.filename, '[^/]*$', 0)), '_(H[0-6]|HS[0-9][0-9])_', 1) "
                      "AS classification "
                      "FROM raw r JOIN cc e ON r.i = e.code JOIN cc m ON r.j = m.code")
    flows.createOrReplaceTempView("f")
    conflict = spark.sql("SELECT year, exporter, importer, code FROM f GROUP BY year, exporter, importer, code "
                         "HAVING count(*) > 1 LIMIT 1").first()
    if conflict:
        raise DataImportError(f"BACI: conflicting duplicate rows for {conflict['exporter']}→{conflict['importer']} "
                              f"{conflict['code']} {conflict['year']}: different values")
    flows.write.mode("overwrite").partitionBy("year").parquet(f"{out}/flows")
    by_code = spark.sql(bulk.BY_CODE_SQL.format(flows="f"))
    by_code.write.mode("overwrite").partitionBy("year").parquet(f"{out}/by_code")
    spark.read.parquet(f"{out}/by_code").createOrReplaceTempView("bc")
    rows = {r["year"]: r["n"] for r in spark.sql("SELECT year, count(*) AS n FROM f GROUP BY year").collect()}
    per_year = [(r["year"], rows[r["year"]], r["k"]) for r in
                spark.sql("SELECT year, count(DISTINCT code) AS k FROM bc GROUP BY year ORDER BY year").collect()]
    files = [(r["filename"].rsplit("/", 1)[-1], None) for r in
             spark.sql("SELECT DISTINCT filename FROM raw ORDER BY filename").collect()]
    manifest = bulk.describe(files, codes.rsplit("/", 1)[-1], per_year, min_codes)
    full = manifest["totals_years"]
    totals = spark.sql(bulk.TOTALS_SQL.format(by_code="bc"))
    totals.where(totals.year.isin(full) if full else "false").write.mode("overwrite").parquet(f"{out}/totals.parquet")
    if "://" not in out:   # a local store gets its manifest beside the tables, as `bulk.ingest` writes it
        bulk.write_manifest(manifest, Path(out))
    return manifest
