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

from pathlib import Path
from typing import Iterable

import pandas as pd

from . import bulk

# Exports and imports per reporter, code and year; the totals of all goods per reporter and year.
_BY_CODE = """
x AS (SELECT year, exporter AS reporter, code, sum(value_usd) AS v FROM flows {where} GROUP BY year, exporter, code),
m AS (SELECT year, importer AS reporter, code, sum(value_usd) AS v FROM flows {where} GROUP BY year, importer, code)
"""

RSCA_TSI = """
WITH {by_code},
tot AS (SELECT year, reporter, value_usd AS total FROM totals WHERE flow = 'X'),
tw AS (SELECT year, sum(total) AS world_total FROM tot GROUP BY year),
xw AS (SELECT year, code, sum(v) AS world_code FROM x GROUP BY year, code),
xm AS (
  SELECT coalesce(x.year, m.year) AS year, coalesce(x.reporter, m.reporter) AS reporter,
         coalesce(x.code, m.code) AS code, coalesce(x.v, 0) AS exports, coalesce(m.v, 0) AS imports
  FROM x FULL OUTER JOIN m ON x.year = m.year AND x.reporter = m.reporter AND x.code = m.code
),
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

PAIRS = """
WITH {by_code},
b AS (SELECT year, exporter, importer, code, sum(value_usd) AS v FROM flows {where}
      GROUP BY year, exporter, importer, code),
mw AS (SELECT year, code, sum(v) AS world FROM m GROUP BY year, code),
sides AS (
  SELECT p.reporter, p.partner, k.year, k.code,
         coalesce(bx.v, 0) AS exports, coalesce(bm.v, 0) AS imports
  FROM pairs p
  CROSS JOIN (SELECT DISTINCT year, code FROM b) k
  LEFT JOIN b bx ON bx.exporter = p.reporter AND bx.importer = p.partner AND bx.year = k.year AND bx.code = k.code
  LEFT JOIN b bm ON bm.exporter = p.partner AND bm.importer = p.reporter AND bm.year = k.year AND bm.code = k.code
  WHERE bx.v IS NOT NULL OR bm.v IS NOT NULL
)
SELECT s.reporter, s.partner, s.year, s.code, s.exports, s.imports,
       1 - abs(s.exports - s.imports) / NULLIF(s.exports + s.imports, 0) AS gl,
       (s.exports / NULLIF(xc.v, 0)) / NULLIF(md.v / NULLIF(mw.world, 0), 0) AS ei,
       (s.imports / NULLIF(mc.v, 0)) / NULLIF(xd.v / NULLIF(mw.world, 0), 0) AS ii
FROM sides s
LEFT JOIN x xc ON xc.year = s.year AND xc.reporter = s.reporter AND xc.code = s.code
LEFT JOIN m mc ON mc.year = s.year AND mc.reporter = s.reporter AND mc.code = s.code
LEFT JOIN m md ON md.year = s.year AND md.reporter = s.partner AND md.code = s.code
LEFT JOIN x xd ON xd.year = s.year AND xd.reporter = s.partner AND xd.code = s.code
LEFT JOIN mw ON mw.year = s.year AND mw.code = s.code
"""


def query(name: str, *, years: Iterable[int] | None = None, codes: Iterable[str] | None = None) -> str:
    """The SQL of an indicator query ("rsca_tsi" or "pairs"), restricted to years and codes."""
    where = []
    if years is not None:
        where.append(f"year IN ({', '.join(str(int(y)) for y in years)})")
    if codes is not None:
        where.append("code IN (" + ", ".join("'" + str(c).replace("'", "") + "'" for c in codes) + ")")
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    text = {"rsca_tsi": RSCA_TSI, "pairs": PAIRS}[name]
    return text.format(by_code=_BY_CODE.format(where=clause), where=clause)


def duckdb_run(store: Path, name: str, *, pairs: list[tuple[str, str]] | None = None, out: Path | None = None,
               memory_limit: str = "2GB", threads: int = 2, **where) -> pd.DataFrame | None:
    """Run a query on DuckDB over the store; write parquet to `out` (by year) or return a frame."""
    con = bulk.connect(memory_limit, threads, Path(out).parent if out else None)
    bulk.flows_view(con, store)
    con.execute(f"CREATE VIEW totals AS SELECT * FROM read_parquet('{(Path(store) / 'totals.parquet').as_posix()}')")
    if pairs is not None:
        con.execute("CREATE TABLE pairs (reporter VARCHAR, partner VARCHAR)")
        con.executemany("INSERT INTO pairs VALUES (?, ?)", pairs)
    sql = query(name, **where)
    try:
        if out is None:
            return con.execute(sql).df()
        con.execute(f"COPY ({sql}) TO '{Path(out).as_posix()}' (FORMAT parquet, PARTITION_BY (year), "
                    "OVERWRITE_OR_IGNORE true)")
        return None
    finally:
        con.close()


def spark_session(master: str = "local[2]"):
    """A Spark session (local mode by default; pass a cluster URL to run beyond one machine)."""
    from pyspark.sql import SparkSession

    return (SparkSession.builder.master(master).appName("trilateral-semis-panel")
            .config("spark.sql.shuffle.partitions", "8").config("spark.ui.enabled", "false").getOrCreate())


def spark_run(spark, store: str, name: str, *, pairs: list[tuple[str, str]] | None = None, out: str | None = None,
              **where) -> pd.DataFrame | None:
    """Run the same query on Spark SQL over the store (a local path or any URL Spark reads)."""
    spark.read.option("basePath", f"{store}/flows").parquet(f"{store}/flows").createOrReplaceTempView("flows")
    spark.read.parquet(f"{store}/totals.parquet").createOrReplaceTempView("totals")
    if pairs is not None:
        spark.createDataFrame(pairs, "reporter string, partner string").createOrReplaceTempView("pairs")
    result = spark.sql(query(name, **where))
    if out is None:
        return result.toPandas()
    result.write.mode("overwrite").partitionBy("year").parquet(out)
    return None
