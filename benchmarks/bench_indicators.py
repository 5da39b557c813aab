"""Benchmark: the indicator engine on a large synthetic panel (time and peak memory).

200 reporters x 200 partners x 50 codes x 18 years, every bilateral flow reported by both
sides, world rows and totals; the 50 codes form 10 groups of 5. Target: <= 10 s, <= 4 GB.
Run: .venv/bin/python benchmarks/bench_indicators.py [--level group|code]
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np
import pandas as pd

from analysis import indicators
from analysis.products import Group
from analysis.schema import WORLD


def panel(n_econ: int = 200, n_codes: int = 50, n_years: int = 18, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every ordered pair of economies trades every code in every year; both sides report."""
    rng = np.random.default_rng(seed)
    econ = [f"E{i:03d}" for i in range(n_econ)]
    codes = [f"{100000 + i}" for i in range(n_codes)]
    years = np.arange(2007, 2007 + n_years, dtype=np.int16)
    c, d = np.nonzero(~np.eye(n_econ, dtype=bool))                      # ordered pairs, c != d
    c, d = c.astype(np.int16), d.astype(np.int16)
    per_year = len(c) * n_codes
    t = np.repeat(np.arange(n_years, dtype=np.int16), per_year)
    pair = np.tile(np.repeat(np.arange(len(c), dtype=np.int32), n_codes), n_years)
    k = np.tile(np.arange(n_codes, dtype=np.int16), len(c) * n_years)
    value = rng.lognormal(15, 2, t.size)
    cats = pd.CategoricalDtype(econ + [WORLD])
    n = t.size
    bilateral = pd.DataFrame({
        "year": np.concatenate([years[t], years[t]]),
        "reporter": pd.Categorical.from_codes(np.concatenate([c[pair], d[pair]]), dtype=cats),
        "partner": pd.Categorical.from_codes(np.concatenate([d[pair], c[pair]]), dtype=cats),
        "flow": pd.Categorical.from_codes(np.repeat(np.array([0, 1], np.int8), n), categories=["X", "M"]),
        "code": pd.Categorical.from_codes(np.concatenate([k, k]), categories=codes),
        "value_usd": np.concatenate([value, value * 1.05]),
    })
    del t, pair, k, value
    world = bilateral.groupby(["year", "reporter", "flow", "code"], observed=True, as_index=False)["value_usd"].sum()
    world["partner"] = pd.Categorical.from_codes(np.full(len(world), n_econ), dtype=cats)
    flows = pd.concat([bilateral, world[bilateral.columns]], ignore_index=True)
    totals = pd.DataFrame({"year": np.repeat(years, n_econ + 1), "reporter": np.tile(econ + [WORLD], n_years),
                           "flow": "X", "value_usd": rng.lognormal(25, 1, (n_econ + 1) * n_years)})
    return flows, totals


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--level", default="group", choices=["group", "code"])
    parser.add_argument("--economies", type=int, default=200)
    args = parser.parse_args()
    t0 = time.perf_counter()
    flows, totals = panel(args.economies)
    built = time.perf_counter() - t0
    codes = sorted(flows["code"].cat.categories)
    groups = [Group(f"g{i}", f"g{i}", f"g{i}", tuple(codes[i * 5:(i + 1) * 5])) for i in range(10)]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    t1 = time.perf_counter()
    table = indicators.compute(flows, totals, level=args.level, products=groups)
    seconds = time.perf_counter() - t1
    rows = len(table)
    del table
    # A second run under tracemalloc (which slows it down) measures what the engine allocates.
    tracemalloc.start()
    indicators.compute(flows, totals, level=args.level, products=groups)
    _, engine_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"panel: {args.economies} reporters x {args.economies} partners x 50 codes x 18 years, "
          f"{len(flows):,} flow rows (built in {built:.1f} s)")
    print(f"indicators ({args.level} level): {rows:,} output rows in {seconds:.2f} s (target <= 10 s)")
    print(f"peak memory allocated by the engine (tracemalloc, output included): {engine_peak / 2**30:.2f} GB "
          f"(target <= 4 GB)")
    print(f"peak resident memory of the whole process, input panel included: {peak:.2f} GB "
          f"(after building the input: {rss_before:.2f} GB)")


if __name__ == "__main__":
    main()
