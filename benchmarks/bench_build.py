"""Benchmark: cold build of the demo edition, then a rebuild with nothing changed.

Both builds run here, side by side, into a temporary folder (processed data, freeze cache,
figures and _book/ all fresh), so the repository's own outputs are untouched.
Targets on 2 cores: cold <= 30 s, rebuild <= 3 s.
Run: .venv/bin/python benchmarks/bench_build.py
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        root = Path(tmp)
        os.environ["TRADE_REPORT_FIGURES"] = str(root / "figures")
        os.environ["TRADE_REPORT_PROCESSED"] = str(root / "processed")
        from analysis import build  # imported after the environment points at the temporary folder

        start = time.perf_counter()
        cold = build.run("demo", engine="builtin", out=root / "_book", freeze=root / "_freeze")
        cold_s = time.perf_counter() - start
        start = time.perf_counter()
        warm = build.run("demo", engine="builtin", out=root / "_book", freeze=root / "_freeze")
        warm_s = time.perf_counter() - start
    print(f"cores: {os.cpu_count()}")
    print(f"cold build of the demo edition: {cold_s:.1f} s, {len(cold.result.executed)} chapters executed "
          f"(target <= 30 s)")
    print(f"rebuild with nothing changed:   {warm_s:.1f} s, {len(warm.result.executed)} chapters executed "
          f"(target <= 3 s)")
    print(f"ratio cold / rebuild: {cold_s / warm_s:.1f}")


if __name__ == "__main__":
    main()
