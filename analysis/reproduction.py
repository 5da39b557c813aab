"""Reproduction check: the values the published chapter states beside the recomputed ones.

The facts are the project's copy of the published chapter's statements
(data/reference/published_values.csv). Each is recomputed from the edition for the same year
or, failing that, the nearest year the edition's data give, and every gap gets reasons read
from the data themselves: the year, the codes the source holds, the world it defines, national
lines against HS6, mirror flows, totals of all goods.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from . import edition, findings
from .findings import fmt, usd
from .paths import REFERENCE
from .products import codes_of, group_of_published
from .schema import WORLD

NATIONAL_SEGMENTS = {"DRAM", "MCP/flash", "MCP"}
TOLERANCE_INDEX = 0.05       # an index within ±0.05 of the published value counts as reproduced
TOLERANCE_VALUE = 0.10       # a USD value within ±10 %


def published() -> pd.DataFrame:
    """The published chapter's stated values (the project's copy)."""
    return pd.read_csv(REFERENCE / "published_values.csv", dtype={"id": str})


@dataclass
class Result:
    """One published statement and its recomputation."""

    recomputed: str = ""
    year: int | None = None
    verdict: str = "not recomputed"
    reasons: list[str] = field(default_factory=list)
    within: bool = False


def _pick(ed: edition.Edition, indicator: str, group: str, reporter: str, partner: str, variant: str,
          year: int) -> pd.Series | None:
    """The row of the year asked for, else of the nearest year with a value."""
    s = ed.series(indicator, group, reporter=reporter, partner=partner, variant=variant).dropna(subset=["value"])
    if s.empty:
        return None
    return s.iloc[(s["year"] - year).abs().argsort().iloc[0]]


def _data_reasons(ed: edition.Edition, row: pd.Series, group: str, used: pd.Series, target: int,
                  proxy: bool) -> list[str]:
    """What in the data can explain a gap: year, codes, world, lines, mirror flows."""
    meta = ed.stored.manifest.get("coverages", {}).get(str(used["coverage"]), {})
    reasons = []
    if int(used["year"]) != target:
        reasons.append(f"no {target} data; {int(used['year'])} used")
    if proxy:
        reasons.append(f"no {row['segment']} national lines; HS {', '.join(codes_of(group))} (all memory) used")
    wanted = codes_of(group)
    held = [c for c in wanted if c in meta.get("codes", [])]
    if len(held) < len(wanted):
        reasons.append(f"{len(held)} of the group's {len(wanted)} codes in the source (HS {', '.join(held)})")
    if row["indicator"] in ("IT", "RSCA", "quadrant", "trend", "TSI") and meta.get("world_mode") in ("reporters", "panel"):
        reasons.append(f"world = {meta.get('world')}")
    if row["indicator"] in ("GL", "IT", "TSI", "quadrant", "trend") and meta.get("imports_mirrored"):
        reasons.append("imports mirrored from partners' exports (FOB, not CIF)")
    return reasons


def _compare(stated: float, low: float, high: float, value: float, kind: str) -> tuple[str, bool]:
    """Verdict for a point (with tolerance) or a range (in range or not)."""
    if not math.isnan(low) and not math.isnan(high) and math.isnan(stated):
        if low <= value <= high:
            return "in range", True
        gap = value - high if value > high else value - low
        return f"{'above' if gap > 0 else 'below'} the range by {fmt(abs(gap))}", False
    if kind == "value":
        rel = (value - stated) / stated
        return (f"within {TOLERANCE_VALUE:.0%}" if abs(rel) <= TOLERANCE_VALUE
                else f"{rel:+.0%}".replace("-", "−")), abs(rel) <= TOLERANCE_VALUE
    diff = value - stated
    ok = abs(diff) <= TOLERANCE_INDEX
    return (f"within ±{TOLERANCE_INDEX}" if ok else f"difference {fmt(diff)}"), ok


def recompute(ed: edition.Edition, row: pd.Series) -> Result:
    """Recompute one published statement from the edition."""
    if row["sector"] == "all goods":
        return Result(reasons=["trade in all goods between economies is not in this edition's files (only totals of "
                               "all goods per economy)"])
    group = group_of_published(row["segment"])
    if group is None:
        return Result(reasons=[f"segment '{row['segment']}' is not in the product table"])
    target = int(row["year_to"])
    partner = WORLD if row["indicator"] in ("TSI", "quadrant", "trend") else row["partner"]
    if row["indicator"] == "value":
        return _value(ed, row, group, target)
    indicator, variant = {"GL": ("GL", "sum"), "TSI": ("TSI", "standard"), "quadrant": ("TSI", "standard"),
                          "trend": ("TSI", "standard")}.get(row["indicator"], (None, "standard"))
    if row["indicator"] == "IT":
        indicator = "EI" if row["direction"] == "export" else "II"
    directions = ["EI", "II"] if row["indicator"] == "IT" and row["direction"] == "both" else [indicator]
    proxy = False
    used = _pick(ed, directions[0], group, row["reporter"], partner, variant, target)
    if used is None and row["segment"] in NATIONAL_SEGMENTS:
        group, proxy = "memory", True
        used = _pick(ed, directions[0], group, row["reporter"], partner, variant, target)
    if used is None:
        return Result(reasons=[_absent(ed, row, group)])
    year = int(used["year"])
    reasons = _data_reasons(ed, row, group, used, target, proxy)
    if row["indicator"] in ("quadrant", "trend"):
        return _position(ed, row, group, year, reasons)
    values = [ed.value(d, group, row["reporter"], partner, year, variant) for d in directions]
    shown = " / ".join(fmt(v) for v in values)
    stated = float(row["value_to"]) if not pd.isna(row["value_to"]) else math.nan
    low, high = float(row["low"]) if not pd.isna(row["low"]) else math.nan, \
        float(row["high"]) if not pd.isna(row["high"]) else math.nan
    checks = [_compare(stated, low, high, v, "index") for v in values if findings.available(v)]
    verdict = "; ".join(c[0] for c in checks)
    return Result(shown, year, verdict, reasons, bool(checks) and all(c[1] for c in checks))


def _value(ed: edition.Edition, row: pd.Series, group: str, target: int) -> Result:
    flows = ed.stored.flows
    flow = "X" if row["direction"] == "export" else "M"
    sub = flows[(flows["reporter"] == row["reporter"]) & (flows["partner"] == row["partner"])
                & (flows["flow"] == flow) & flows["code"].isin(codes_of(group))]
    if sub.empty:
        return Result(reasons=[_absent(ed, row, group)])
    by = sub.groupby(["year", "coverage"])["value_usd"].sum().reset_index()
    best = by.iloc[(by["year"] - target).abs().argsort().iloc[0]]
    used = pd.Series({"year": best["year"], "coverage": best["coverage"]})
    reasons = _data_reasons(ed, row, group, used, target, False)
    verdict, ok = _compare(float(row["value_to"]), math.nan, math.nan, float(best["value_usd"]), "value")
    return Result(usd(float(best["value_usd"])), int(best["year"]), verdict, reasons, ok)


def _position(ed: edition.Edition, row: pd.Series, group: str, year: int, reasons: list[str]) -> Result:
    """Quadrant statements: the quadrant (or the direction) in the data's latest year of one source."""
    from .chapter import Sector

    s = Sector(row["sector"]) if row["sector"] in ("memory", "system", "equipment", "materials") else None
    if s is None:
        return Result(reasons=reasons)
    path = s.quadrant_path(row["reporter"])
    if path.empty:
        tsi = ed.value("TSI", group, row["reporter"], WORLD, year, "standard")
        return Result(f"TSI {fmt(tsi)}", year, "quadrant cannot be placed",
                      reasons + ["no RSCA: no total of all goods for the economies of this source"])
    first, last = path.iloc[0], path.iloc[-1]
    q = findings.quadrant(last["RSCA"], last["TSI"])
    text = f"quadrant {q} (RSCA {fmt(last['RSCA'])}, TSI {fmt(last['TSI'])})"
    stated = str(row["kind"])
    if row["indicator"] == "trend" and len(path) >= 2:
        text += f"; since {int(first['year'])}: {findings.arrows(last['RSCA'] - first['RSCA'], last['TSI'] - first['TSI'])}"
        rising = last["RSCA"] > first["RSCA"] and last["TSI"] > first["TSI"]
        return Result(text, int(last["year"]), "same direction" if rising else "different direction",
                      reasons + [f"only {findings.span(path['year'].tolist())} from one source"], rising)
    same = q is not None and f"quadrant {q}" in stated
    if not same and "quadrant" in stated:
        reasons.append(f"published: {stated}")
    return Result(text, int(last["year"]), "same quadrant" if same else "different quadrant", reasons, same)


def _absent(ed: edition.Edition, row: pd.Series, group: str) -> str:
    """Why the data give nothing for a statement."""
    meta = ed.stored.manifest.get("coverages", {})
    codes = set(codes_of(group))
    have = [n for n, m in meta.items() if codes & set(m.get("codes", []))]
    partner = row["partner"]
    if not have:
        return f"no source of this edition holds the codes of {row['segment']} (HS {', '.join(sorted(codes))})"
    if partner != WORLD and not any(partner in meta[n].get("reporters", []) for n in have):
        return f"{partner} is not among the economies of the sources that hold these codes"
    if row["indicator"] == "value":
        return "the flow is not in the data"
    return "the sources that hold these codes do not give both directions of this trade"


def table() -> pd.DataFrame:
    """One row per published statement: what it says, what this edition gives, and why they differ."""
    ed = edition.current()
    rows = []
    for _, row in published().iterrows():
        res = recompute(ed, row)
        what = f"{row['segment']}: {row['indicator']} {row['reporter']}"
        what += f"–{row['partner']}" if row["partner"] != WORLD else ""
        what += f" ({row['direction']})" if isinstance(row["direction"], str) else ""
        target = int(row["year_to"])
        if not pd.isna(row["value_to"]):
            stated = usd(float(row["value_to"])) if row["indicator"] == "value" else fmt(float(row["value_to"]))
        elif not pd.isna(row["low"]):
            stated = f"{row['low']:g} to {row['high']:g}"
        else:
            stated = str(row["kind"])
        rows.append({"ID": row["id"], "Statement": what, "Published": f"{target}: {stated}",
                     "Recomputed": f"{res.year}: {res.recomputed}" if res.year else edition.NOT_AVAILABLE,
                     "Verdict": res.verdict if res.year else "not recomputed",
                     "Reasons for a gap, from the data": "; ".join(res.reasons) or "same year, codes and definition",
                     "_within": res.within, "_recomputed": res.year is not None, "_same_year": res.year == target})
    return pd.DataFrame(rows)


def summary(df: pd.DataFrame) -> str:
    """One line: how many recomputed, how many within tolerance or range, how many explained."""
    n, done = len(df), int(df["_recomputed"].sum())
    same, within = int((df["_recomputed"] & df["_same_year"]).sum()), int(df["_within"].sum())
    explained = int((df["Reasons for a gap, from the data"] != "same year, codes and definition").sum()
                    + (df["_within"] & (df["Reasons for a gap, from the data"] == "same year, codes and definition")).sum())
    return (f"Of {n} published values, {done} are recomputed from this edition ({same} for the same year); {within} "
            f"fall within tolerance (±{TOLERANCE_INDEX} for indices, ±{TOLERANCE_VALUE:.0%} for values) or inside the "
            f"published range; {explained} of {n} carry a reason read from the data, or need none.")
