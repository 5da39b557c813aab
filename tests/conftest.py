"""Shared fixtures: a tiny hand-made panel and the real sample (skipped when ../shared is absent)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.paths import SHARED_SAMPLE
from analysis.schema import FLOW_COLUMNS


def flows_frame(rows: list[tuple]) -> pd.DataFrame:
    """(year, reporter, partner, flow, code, value) tuples as a canonical flows table."""
    df = pd.DataFrame(rows, columns=["year", "reporter", "partner", "flow", "code", "value_usd"])
    df["code_system"] = "HS6"
    df["hs_revision"] = "H5"
    df["source"] = "test"
    df["mirror"] = False
    df["coverage"] = "test"
    return df[FLOW_COLUMNS]


def totals_frame(rows: list[tuple]) -> pd.DataFrame:
    """(year, reporter, flow, value) tuples as a totals table."""
    df = pd.DataFrame(rows, columns=["year", "reporter", "flow", "value_usd"])
    df["source"] = "test"
    return df


@pytest.fixture
def sample_dir() -> Path:
    if not SHARED_SAMPLE.is_dir():
        pytest.skip("../shared/data/real-sample is not present")
    return SHARED_SAMPLE


def run_build(*args, **kwargs):
    """`build.run`, waiting while another test file's build holds the project's build lock (test files
    build in parallel under xdist, and one build at a time holds the lock)."""
    import time

    from analysis import build
    from analysis.atomic import BuildLocked

    for _ in range(240):
        try:
            return build.run(*args, **kwargs)
        except BuildLocked:
            time.sleep(5)
    pytest.fail("the build lock was never free")
