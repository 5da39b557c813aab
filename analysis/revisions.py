"""What changed between two editions: revisions of past years kept apart from new years.

Comtrade revises past years at every release. Comparing the indicator tables of two editions
row by row (same indicator, group, reporter, partner, year and coverage), a value that moved by
more than its threshold in a year both editions cover is a *revision*; a year only the new
edition has is *new*; a value only the old one had is *dropped*.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import store

KEY = ["indicator", "variant", "group", "reporter", "partner", "year", "coverage"]
# An indicator "moved" when it changed by more than this (index units).
THRESHOLDS: dict[str, float] = {"TSI": 0.05, "RSCA": 0.05, "GL": 0.05, "EI": 0.1, "II": 0.1, "RCA": 0.1,
                                "share": 0.005}


def _table(folder: Path) -> pd.DataFrame:
    store.verify(folder)
    table = store.load(folder).indicators
    if "coverage" not in table:
        table = table.assign(coverage="default")
    table = table[KEY + ["value"]].copy()
    for col in KEY:
        table[col] = table[col].astype(str) if col != "year" else table[col].astype(int)
    return table.dropna(subset=["value"])


def compare(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Rows that changed: kind (revised, new year, dropped), old and new value, the change."""
    both = old.merge(new, on=KEY, how="outer", suffixes=("_old", "_new"), indicator=True)
    old_years = set(old["year"])
    threshold = both["indicator"].map(THRESHOLDS).fillna(0.05)
    delta = both["value_new"] - both["value_old"]
    revised = (both["_merge"] == "both") & (delta.abs() > threshold)
    new_year = (both["_merge"] == "right_only") & ~both["year"].isin(old_years)
    added = (both["_merge"] == "right_only") & both["year"].isin(old_years)
    dropped = both["_merge"] == "left_only"
    out = both.assign(change=delta)
    out["kind"] = None
    out.loc[revised, "kind"] = "revised"
    out.loc[added, "kind"] = "now available"
    out.loc[new_year, "kind"] = "new year"
    out.loc[dropped, "kind"] = "dropped"
    out = out.dropna(subset=["kind"]).drop(columns="_merge")
    order = {"revised": 0, "now available": 1, "dropped": 2, "new year": 3}
    return out.sort_values(["kind", "indicator", "group", "reporter", "partner", "year"],
                           key=lambda c: c.map(order) if c.name == "kind" else c).reset_index(drop=True)


def diff(old: Path, new: Path) -> pd.DataFrame:
    """Compare two processed editions (folders with manifest.json)."""
    return compare(_table(old), _table(new))


def summary(changes: pd.DataFrame) -> dict[str, int]:
    """How many rows of each kind."""
    return {k: int(n) for k, n in changes["kind"].value_counts().items()}
