"""Reproduction check: the values the published chapter states beside the recomputed ones.

The facts are the project's copy of the published chapter's statements
(data/reference/published_values.csv). For each, the same indicator is recomputed from the
edition for the same year or, failing that, the nearest year with data, and the likely
reason for any gap is named.
"""

from __future__ import annotations

import math

import pandas as pd

from . import edition, findings
from .paths import REFERENCE
from .products import codes_of
from .schema import WORLD

SEGMENT_GROUPS: dict[str, str] = {
    "memory": "memory", "DRAM": "memory/DRAM", "MCP/flash": "memory/MCP/flash", "MCP": "memory/MCP",
    "system": "system", "processors and controllers": "system/processors and controllers",
    "amplifiers": "system/amplifiers", "SoC (other ICs)": "system/SoC and other ICs", "IC parts": "system/IC parts",
    "equipment": "equipment", "materials and parts": "materials",
}
NATIONAL_SEGMENTS = {"DRAM", "MCP/flash", "MCP"}


def published() -> pd.DataFrame:
    """The published chapter's stated values (the project's copy)."""
    return pd.read_csv(REFERENCE / "published_values.csv", dtype={"id": str})


def _nearest(ed: edition.Edition, indicator: str, group: str, reporter: str, partner: str, variant: str,
             year: int) -> tuple[int | None, float]:
    s = ed.series(indicator, group, reporter=reporter, partner=partner, variant=variant).dropna(subset=["value"])
    if s.empty:
        return None, math.nan
    best = s.iloc[(s["year"] - year).abs().argsort().iloc[0]]
    return int(best["year"]), float(best["value"])


def _value_flow(ed: edition.Edition, group: str, row: pd.Series, year: int) -> tuple[int | None, float]:
    codes = codes_of(group)
    flows = ed.stored.flows
    flow = "X" if row["direction"] == "export" else "M"
    sub = flows[(flows["reporter"] == row["reporter"]) & (flows["partner"] == row["partner"])
                & (flows["flow"] == flow) & flows["code"].isin(codes)]
    if sub.empty:
        return None, math.nan
    by_year = sub.groupby("year")["value_usd"].sum()
    y = int(min(by_year.index, key=lambda v: abs(v - year)))
    return y, float(by_year[y])


def _reason(row: pd.Series, used: int | None, target: int, ed: edition.Edition) -> str:
    if used is None:
        if row["sector"] == "all goods":
            return "all-goods trade is not in this edition"
        if row["segment"] in NATIONAL_SEGMENTS:
            return "segment exists only as national tariff lines, not in this edition's files"
        return "no data for this series in this edition"
    reasons = []
    if used != target:
        reasons.append(f"nearest year with data ({used}); data vintage")
    if row["segment"] in NATIONAL_SEGMENTS:
        reasons.append("segment from national lines")
    if row["indicator"] in ("GL", "IT"):
        reasons.append("mirror flows and partner coverage of the files")
    return "; ".join(reasons) or "same year and definition"


def table() -> pd.DataFrame:
    """One row per published statement: what it says, what this edition gives, and why they differ."""
    ed = edition.current()
    rows = []
    for _, row in published().iterrows():
        group = SEGMENT_GROUPS.get(row["segment"])
        target = int(row["year_to"])
        stated = row["value_to"] if not pd.isna(row["value_to"]) else None
        what = f"{row['segment']}: {row['indicator']} {row['reporter']}"
        what += f"–{row['partner']}" if row["partner"] != WORLD else ""
        what += f" ({row['direction']})" if isinstance(row["direction"], str) else ""
        used, value = None, math.nan
        if group is not None:
            if row["indicator"] == "GL":
                used, value = _nearest(ed, "GL", group, row["reporter"], row["partner"], "sum", target)
            elif row["indicator"] == "IT":
                ind = "EI" if row["direction"] == "export" else "II"
                used, value = _nearest(ed, ind, group, row["reporter"], row["partner"], "standard", target)
            elif row["indicator"] == "TSI":
                used, value = _nearest(ed, "TSI", group, row["reporter"], WORLD, "standard", target)
            elif row["indicator"] == "value":
                used, value = _value_flow(ed, group, row, target)
            elif row["indicator"] in ("quadrant", "trend"):
                used, tsi = _nearest(ed, "TSI", group, row["reporter"], WORLD, "standard", target)
                _, rsca = _nearest(ed, "RSCA", group, row["reporter"], WORLD, "standard", target)
                value = tsi
                stated_text = row["kind"]
                q = findings.quadrant(rsca, tsi)
                recomputed = (f"quadrant {q}" if q else f"TSI {findings.fmt(tsi)}, RSCA n/a") if used else "n/a"
                rows.append(_row(row, what, f"{target}: {stated_text}", used, recomputed, "", _reason(row, used, target, ed)))
                continue
        if stated is None and not pd.isna(row["low"]):
            stated_text = f"{target}: {row['low']:g} to {row['high']:g}"
        else:
            stated_text = f"{target}: {_show(row['indicator'], stated)}"
        recomputed = _show(row["indicator"], value) if used is not None else "n/a"
        diff = _show(row["indicator"], value - stated) if used is not None and stated is not None else ""
        rows.append(_row(row, what, stated_text, used, recomputed, diff, _reason(row, used, target, ed)))
    return pd.DataFrame(rows)


def _show(indicator: str, value: float | None) -> str:
    if value is None or not findings.available(value):
        return "n/a"
    return findings.usd(value) if indicator == "value" else findings.fmt(value)


def _row(row: pd.Series, what: str, stated: str, used: int | None, recomputed: str, diff: str, reason: str) -> dict:
    return {"ID": row["id"], "Statement": what, "Published": stated,
            "Recomputed": f"{used}: {recomputed}" if used is not None else edition.NOT_AVAILABLE,
            "Difference": diff, "Likely reason for a gap": reason}
