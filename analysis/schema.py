"""The canonical data model: the long table of flows and the totals of all goods.

Every importer and the synthetic generator produce these two tables; the indicator
engine and the chapters consume nothing else.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pandera.pandas as pa

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
# Plausibility ceilings: the largest single product flow between two economies is a few hundred
# billion USD (world trade of all ICs is about 1 trillion; 2 trillion is the ceiling); a total of all goods of one economy or
# of the world is about 25 trillion (100 trillion is the ceiling). A value above them is a unit
# error, not trade.
MAX_FLOW_USD = 2e12
MAX_TOTAL_USD = 1e14


class SchemaError(ValueError):
    """A table does not have the shape of the canonical data model."""


ECONOMY = r"[A-Z]{3}|M49:[0-9]+"
WHOLE_ECONOMY = rf"(?:{ECONOMY})\Z"
"""An economy code as a whole string (pandera's str_matches anchors only the start): 'ZZZ<b>' fails."""
CODE_BY_SYSTEM = {"HS6": r"\d{6}", "HS4": r"\d{4}", "HS2": r"\d{2}", "CCC": r"\d{11}", "HSK": r"\d{10}"}
FIRST_YEAR = 1948


def _flow_schema() -> "pa.DataFrameSchema":
    """The canonical flow table, declared: every importer's output is checked against it."""
    import pandera.pandas as pa

    def code_fits(df: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=df.index)
        for system, pattern in CODE_BY_SYSTEM.items():
            rows = df["code_system"] == system
            ok[rows] = df.loc[rows, "code"].str.fullmatch(pattern)
        return ok

    year = date.today().year
    return pa.DataFrameSchema(
        {
            "year": pa.Column(int, pa.Check.in_range(FIRST_YEAR, year), coerce=True),
            "reporter": pa.Column(str, pa.Check.str_matches(WHOLE_ECONOMY)),
            "partner": pa.Column(str, pa.Check.str_matches(WHOLE_ECONOMY)),
            "flow": pa.Column(str, pa.Check.isin(FLOWS)),
            "code": pa.Column(str),
            "code_system": pa.Column(str, pa.Check.isin(list(CODE_BY_SYSTEM))),
            "hs_revision": pa.Column(str),
            "value_usd": pa.Column(float, [pa.Check.ge(0), pa.Check.le(MAX_FLOW_USD)], coerce=True),
            "source": pa.Column(str),
            "mirror": pa.Column(bool, coerce=True),
            "coverage": pa.Column(str),
        },
        checks=[pa.Check(code_fits, error="code does not fit its code system")],
        strict=False,
    )


def _totals_schema() -> "pa.DataFrameSchema":
    import pandera.pandas as pa

    return pa.DataFrameSchema({
        "year": pa.Column(int, pa.Check.in_range(FIRST_YEAR, date.today().year), coerce=True),
        "reporter": pa.Column(str, pa.Check.str_matches(WHOLE_ECONOMY)),
        "flow": pa.Column(str, pa.Check.isin(FLOWS)),
        "value_usd": pa.Column(float, [pa.Check.ge(0), pa.Check.le(MAX_TOTAL_USD)], coerce=True),
        "source": pa.Column(str),
    })


def _check(df: pd.DataFrame, columns: list[str], what: str, schema: "pa.DataFrameSchema") -> None:
    """Validate against a declared schema; the error lists the first failures (column, value, row)."""
    import pandera.errors as pe

    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SchemaError(f"{what}: missing column(s) {', '.join(missing)}")
    values = pd.to_numeric(df["value_usd"], errors="coerce")
    if values.isna().any() or not np.isfinite(values.to_numpy(dtype=float)).all():
        row = int((~np.isfinite(values.to_numpy(dtype=float))).nonzero()[0][0])
        raise SchemaError(f"{what}: value_usd is not a finite number in row {row}")
    try:
        schema.validate(df, lazy=True)
    except pe.SchemaErrors as exc:
        cases = exc.failure_cases.head(3)
        shown = "; ".join(f"{c.column or 'row'} {c.check}: {c.failure_case!r} (row {c.index})" for c in cases.itertuples())
        raise SchemaError(f"{what}: {len(exc.failure_cases)} value(s) break the schema: {shown}") from None


def validate_flows(df: pd.DataFrame) -> pd.DataFrame:
    """Check a flows table against the declared schema and return it with canonical order and dtypes."""
    if "coverage" not in df.columns:
        df = df.assign(coverage=DEFAULT_COVERAGE)
    out = df[[c for c in FLOW_COLUMNS if c in df.columns]].copy()
    for col in ("reporter", "partner", "flow", "code", "code_system", "hs_revision", "source", "coverage"):
        if col in out:
            out[col] = out[col].astype(str)
    _check(out, FLOW_COLUMNS, "flows", _flow_schema())
    out["year"] = out["year"].astype("int16")
    out["value_usd"] = out["value_usd"].astype("float64")
    out["mirror"] = out["mirror"].astype(bool)
    return out.reset_index(drop=True)


def validate_totals(df: pd.DataFrame) -> pd.DataFrame:
    """Check a totals-of-all-goods table against its schema and return it in canonical form."""
    out = df[[c for c in TOTAL_COLUMNS if c in df.columns]].copy()
    for col in ("reporter", "flow", "source"):
        if col in out:
            out[col] = out[col].astype(str)
    _check(out, TOTAL_COLUMNS, "totals", _totals_schema())
    out["year"] = out["year"].astype("int16")
    out["value_usd"] = out["value_usd"].astype("float64")
    return out.reset_index(drop=True)
