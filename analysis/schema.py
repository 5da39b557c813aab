"""The canonical data model: the long table of flows and the totals of all goods.

Every importer and the synthetic generator produce these two tables; the indicator
engine and the chapters consume nothing else.
"""

from __future__ import annotations

import pandas as pd

WORLD = "WLD"

FLOW_COLUMNS: list[str] = [
    "year",
    "reporter",
    "partner",
    "flow",
    "code",
    "code_system",
    "hs_revision",
    "value_usd",
    "source",
    "mirror",
    "coverage",
]
TOTAL_COLUMNS: list[str] = ["year", "reporter", "flow", "value_usd", "source"]
# A coverage is one self-consistent body of data (one format's files: its reporters, partners and
# codes). Every indicator takes numerator and denominators from a single coverage.
DEFAULT_COVERAGE = "default"
FLOWS = ("X", "M")


class SchemaError(ValueError):
    """A table does not have the shape of the canonical data model."""


def _check(df: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SchemaError(f"{what}: missing column(s) {', '.join(missing)}")
    bad_flow = set(df["flow"].astype(str).unique()) - set(FLOWS)
    if bad_flow:
        raise SchemaError(f"{what}: flow must be X or M, found {sorted(bad_flow)}")
    values = pd.to_numeric(df["value_usd"], errors="coerce")
    if values.isna().any():
        row = int(values.isna().to_numpy().nonzero()[0][0])
        raise SchemaError(f"{what}: value_usd is not a number in row {row}")
    if (values < 0).any():
        row = int((values < 0).to_numpy().nonzero()[0][0])
        raise SchemaError(f"{what}: negative value_usd in row {row}")


def validate_flows(df: pd.DataFrame) -> pd.DataFrame:
    """Check a flows table and return it with canonical column order and dtypes."""
    if "coverage" not in df.columns:
        df = df.assign(coverage=DEFAULT_COVERAGE)
    _check(df, FLOW_COLUMNS, "flows")
    out = df[FLOW_COLUMNS].copy()
    out["year"] = out["year"].astype("int16")
    out["value_usd"] = out["value_usd"].astype("float64")
    out["mirror"] = out["mirror"].astype(bool)
    for col in ("reporter", "partner", "flow", "code", "code_system", "hs_revision", "source", "coverage"):
        out[col] = out[col].astype(str)
    return out.reset_index(drop=True)


def validate_totals(df: pd.DataFrame) -> pd.DataFrame:
    """Check a totals-of-all-goods table and return it in canonical form."""
    _check(df, TOTAL_COLUMNS, "totals")
    out = df[TOTAL_COLUMNS].copy()
    out["year"] = out["year"].astype("int16")
    out["value_usd"] = out["value_usd"].astype("float64")
    for col in ("reporter", "flow", "source"):
        out[col] = out[col].astype(str)
    return out.reset_index(drop=True)
