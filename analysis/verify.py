"""The independent check of the claims ledger: every claim re-derived from the processed tables.

Written apart from the prose (it imports neither `prose` nor `findings`): values are read from
the indicator table, flows summed again from the flow table, TSI and Grubel–Lloyd recomputed from
those sums, quadrants, bands, rankings and robust trends judged here with their own code. A claim
is `confirmed` or `contradicted`, with the reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import products, store
from .claims import Claim

EPS = 1e-6        # values in a claim are the table's own floats
WORLD = "WLD"


@dataclass(frozen=True)
class Result:
    status: str
    reason: str = ""

    def to_dict(self) -> dict:
        return {"status": self.status, "reason": self.reason}


OK = Result("confirmed")


def bad(reason: str) -> Result:
    return Result("contradicted", reason)


@dataclass
class Tables:
    """The processed tables of an edition, indexed for look-ups."""

    indicators: pd.DataFrame
    flows: pd.DataFrame

    @classmethod
    def load(cls, folder: Path) -> "Tables":
        stored = store.load(folder)
        ind = stored.indicators
        ind = ind[ind["value"].notna()]
        keys = ["indicator", "group", "reporter", "partner", "variant", "year"]
        ind = ind.assign(**{k: ind[k].astype(str) for k in keys[:-1]}, year=ind["year"].astype(int))
        flows = stored.flows.assign(reporter=stored.flows["reporter"].astype(str),
                                    partner=stored.flows["partner"].astype(str),
                                    coverage=stored.flows["coverage"].astype(str),
                                    flow=stored.flows["flow"].astype(str), code=stored.flows["code"].astype(str),
                                    year=stored.flows["year"].astype(int))
        return cls(ind.set_index(keys).sort_index(), flows)

    def row(self, indicator: str, group: str, reporter: str, partner: str, variant: str, year: int,
            coverage: str = "") -> pd.Series | None:
        """The value of one key in one source (an edition may compute a key in several sources)."""
        try:
            got = self.indicators.loc[[(indicator, group, reporter, partner, variant or "standard", int(year))]]
        except KeyError:
            return None
        if coverage:
            got = got[got["coverage"].astype(str) == coverage]
        return got.iloc[0] if len(got) else None

    def value(self, indicator: str, group: str, reporter: str, partner: str, variant: str, year: int,
              coverage: str = "") -> float:
        r = self.row(indicator, group, reporter, partner, variant, year, coverage)
        return float(r["value"]) if r is not None else math.nan

    def flow(self, group: str, reporter: str, partner: str, flow: str, year: int, coverage: str) -> float:
        codes = set(products.codes_of(group))
        f = self.flows
        part = f[(f["coverage"] == coverage) & (f["year"] == int(year)) & (f["reporter"] == reporter)
                 & (f["partner"] == partner) & (f["flow"] == flow) & f["code"].isin(codes)]
        return float(part["value_usd"].sum()) if len(part) else math.nan


def _close(a: float, b: float, rel: float = EPS) -> bool:
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def _quadrant(rsca: float, tsi: float) -> str:
    if not (math.isfinite(rsca) and math.isfinite(tsi)) or rsca == 0 or tsi == 0:
        return "axis"
    return ("I" if rsca > 0 else "II") if tsi > 0 else ("IV" if rsca > 0 else "III")


def _median_slope(years: list[int], values: list[float]) -> float:
    slopes = sorted((values[j] - values[i]) / (years[j] - years[i])
                    for i in range(len(years)) for j in range(i + 1, len(years)))
    n = len(slopes)
    return slopes[n // 2] if n % 2 else (slopes[n // 2 - 1] + slopes[n // 2]) / 2


def _direction(change: float, tol: float) -> str:
    return "flat" if abs(change) <= tol else ("up" if change > 0 else "down")


def _pair_flows(c: Claim, t: Tables) -> tuple[float, float]:
    year = c.years[-1]
    return (t.flow(c.group, c.reporter, c.partner, "X", year, c.coverage),
            t.flow(c.group, c.reporter, c.partner, "M", year, c.coverage))


def _material(x: float, m: float, floor: float) -> bool:
    return math.isfinite(x) and math.isfinite(m) and x + m >= floor


def check(c: Claim, t: Tables, floor: float) -> Result:
    """Re-derive one claim from the tables."""
    try:
        return CHECKS[c.kind](c, t, floor)
    except (KeyError, IndexError, ValueError, ZeroDivisionError) as exc:
        return bad(f"{c.kind} claim could not be re-derived ({type(exc).__name__}: {exc})")


def _value(c: Claim, t: Tables, floor: float) -> Result:
    v = t.value(c.indicator, c.group, c.reporter, c.partner, c.variant, c.years[0], c.coverage)
    claimed = c.value(c.indicator)
    return OK if _close(v, claimed) else bad(f"{c.indicator} {c.reporter} {c.years[0]} is {v}, the sentence says {claimed}")


def _quadrant_check(c: Claim, t: Tables, floor: float) -> Result:
    year = c.years[0]
    r = t.value("RSCA", c.group, c.reporter, c.partner, "standard", year, c.coverage)
    s = t.value("TSI", c.group, c.reporter, c.partner, "standard", year, c.coverage)
    q = _quadrant(r, s)
    if not (_close(r, c.value("RSCA")) and _close(s, c.value("TSI"))):
        return bad(f"RSCA/TSI of {c.reporter} {year} are {r}/{s}, not {c.value('RSCA')}/{c.value('TSI')}")
    return OK if q == c.expect else bad(f"{c.reporter} {year} is in quadrant {q}, the sentence says {c.expect}")


def _flow(c: Claim, t: Tables, floor: float) -> Result:
    v = t.flow(c.group, c.reporter, c.partner, c.indicator, c.years[0], c.coverage)
    claimed = c.value(c.indicator)
    if not math.isfinite(claimed):
        return OK if not math.isfinite(v) else bad(f"{c.indicator} flow is {v}, the sentence says it is missing")
    return OK if _close(v, claimed) else bad(f"{c.indicator} {c.reporter}–{c.partner} {c.years[0]} sums to {v}, not {claimed}")


def _trend(c: Claim, t: Tables, floor: float) -> Result:
    rows = [t.row(c.indicator, c.group, c.reporter, c.partner, c.variant, y, c.coverage) for y in c.years]
    if any(r is None for r in rows):
        return bad(f"{c.indicator} {c.reporter}–{c.partner} lacks a value in one of {list(c.years)}")
    sources = {str(r["coverage"]) for r in rows}
    if len(sources) > 1:
        return bad(f"the trend crosses a change of source ({', '.join(sorted(sources))})")
    values = [float(r["value"]) for r in rows]
    years = list(c.years)
    change = values[-1] - values[0] if len(years) == 2 else _median_slope(years, values) * (years[-1] - years[0])
    if not (_close(values[0], c.value("first")) and _close(values[-1], c.value("last"))):
        return bad(f"end values are {values[0]} and {values[-1]}, not {c.value('first')} and {c.value('last')}")
    got = _direction(change, c.threshold or 0.0)
    if got != "flat" and len(values) >= 3:
        ends = (values[-1] + values[-2]) / 2 - (values[0] + values[1]) / 2
        if ends == 0 or (ends > 0) != (got == "up"):
            got = "mixed"      # the fit and the end years disagree: no direction may be claimed
    return OK if got == c.expect else bad(f"the fitted change is {change:+.3f}: {got}, the sentence says {c.expect}")


def _rank(c: Claim, t: Tables, floor: float) -> Result:
    year = c.years[0]
    if c.indicator == "X":
        f = t.flows
        codes = set(products.codes_of(c.group))
        part = f[(f["coverage"] == c.coverage) & (f["year"] == year) & (f["flow"] == "X") & f["code"].isin(codes)
                 & (f["reporter"] != WORLD)]
        world = part[part["partner"] == WORLD]
        part = world if len(world) else part[part["partner"] != WORLD]
        ranking = list(part.groupby("reporter")["value_usd"].sum().sort_values(ascending=False).index)
        n = int(c.expect.removeprefix("top"))
        outside = [e for e in c.economies if e not in ranking[:n]]
        return OK if not outside else bad(f"{', '.join(outside)} not among the {n} largest exporters")
    vals = {e: t.value(c.indicator, c.group, e, c.partner or WORLD, c.variant or "standard", year, c.coverage)
            for e in c.economies}
    if any(not math.isfinite(v) for v in vals.values()):
        return bad(f"{c.indicator} {year} missing for one of {', '.join(c.economies)}")
    lead = vals[c.reporter]
    others = [v for e, v in vals.items() if e != c.reporter]
    if c.expect == "highest":
        return OK if all(lead - v > (c.threshold or 0.0) for v in others) else \
            bad(f"{c.reporter}'s {c.indicator} {lead:.3f} is not clearly above {', '.join(f'{v:.3f}' for v in others)}")
    if c.expect == "close":
        return OK if lead >= max(others) - (c.threshold or 0.0) and any(abs(lead - v) <= (c.threshold or 0.0) for v in others) \
            else bad(f"{c.reporter}'s {c.indicator} {lead:.3f} is not within {c.threshold} of the next")
    return bad(f"unknown ranking {c.expect!r}")


def _balance(c: Claim, t: Tables, floor: float) -> Result:
    x, m = _pair_flows(c, t)
    if not _material(x, m, floor):
        return bad(f"flows of {x} and {m} are below the floor of {floor:,.0f}: no judgement may be drawn")
    tsi = (x - m) / (x + m)
    table = t.value("TSI", c.group, c.reporter, c.partner, "standard", c.years[-1], c.coverage)
    if not (_close(tsi, c.value("TSI"), 1e-6) and _close(table, tsi, 1e-6)):
        return bad(f"bilateral TSI from the flows is {tsi:.4f}, table {table:.4f}, sentence {c.value('TSI'):.4f}")
    cut, band = c.threshold, c.value("band")
    got = ("large deficit" if tsi <= -cut else "large surplus" if tsi >= cut else "balanced" if abs(tsi) < band
           else "surplus" if tsi > 0 else "deficit")
    return OK if got == c.expect else bad(f"TSI {tsi:.3f} is '{got}', the sentence says '{c.expect}'")


def _gl_band(c: Claim, t: Tables, floor: float) -> Result:
    x, m = _pair_flows(c, t)
    if not _material(x, m, floor):
        return bad(f"flows of {x} and {m} are below the floor of {floor:,.0f}: no judgement may be drawn")
    gl = 1 - abs(x - m) / (x + m)
    table = t.value("GL", c.group, c.reporter, c.partner, "sum", c.years[-1], c.coverage)
    if not (_close(gl, c.value("GL"), 1e-6) and _close(table, gl, 1e-6)):
        return bad(f"GL from the flows is {gl:.4f}, table {table:.4f}, sentence {c.value('GL'):.4f}")
    got = "two-way" if gl >= c.threshold else "one-way"
    return OK if got == c.expect else bad(f"GL {gl:.3f} is {got}, the sentence says {c.expect}")


def _band(c: Claim, t: Tables, floor: float) -> Result:
    year = c.years[-1]
    v = t.value(c.indicator, c.group, c.reporter, c.partner, "standard", year, c.coverage)
    if not _close(v, c.value(c.indicator)):
        return bad(f"{c.indicator} is {v}, the sentence says {c.value(c.indicator)}")
    flow = t.flow(c.group, c.reporter, c.partner, "X" if c.indicator == "EI" else "M", year, c.coverage)
    if not (math.isfinite(flow) and flow >= floor) and c.expect != "above 1":
        return bad(f"the flow behind {c.indicator} is {flow}, below the floor of {floor:,.0f}")
    if c.expect == "above 1":
        return OK if v > 1 else bad(f"{c.indicator} {v:.3f} is not above 1")
    cut = c.threshold
    got = "high" if v > 1 + cut else "low" if v < 1 - cut else "near 1"
    return OK if got == c.expect else bad(f"{c.indicator} {v:.3f} is '{got}', the sentence says '{c.expect}'")


def _missing(c: Claim, t: Tables, floor: float) -> Result:
    if c.indicator == "X":
        f = t.flows
        rows = f[(f["reporter"] == c.reporter) & (f["flow"] == "X") & (f["coverage"] == c.coverage)
                 & f["code"].isin(set(products.codes_of(c.group)))]
        if c.years:
            rows = rows[rows["year"].isin(c.years)]
        return OK if rows.empty else bad(f"{c.reporter} does report exports in {c.coverage}")
    ind = t.indicators
    try:
        rows = ind.loc[(c.indicator, c.group, c.reporter, c.partner)]
    except KeyError:
        return OK
    if c.years:
        rows = rows[rows.index.get_level_values("year").isin(c.years)]
    return OK if rows.empty else bad(f"{c.indicator} {c.reporter}–{c.partner} has {len(rows)} value(s)")


def _immaterial(c: Claim, t: Tables, floor: float) -> Result:
    x, m = _pair_flows(c, t)
    total = (x if math.isfinite(x) else 0.0) + (m if math.isfinite(m) else 0.0)
    if not (_close(x, c.value("X")) or not math.isfinite(c.value("X"))):
        return bad(f"exports are {x}, the sentence says {c.value('X')}")
    if not (_close(m, c.value("M")) or not math.isfinite(c.value("M"))):
        return bad(f"imports are {m}, the sentence says {c.value('M')}")
    limit = c.threshold if c.threshold is not None else floor
    return OK if total < limit else bad(f"trade of {total:,.0f} is not below {limit:,.0f}")


def _share(c: Claim, t: Tables, floor: float) -> Result:
    year = c.years[-1]
    f = t.flows
    codes = set(products.codes_of(c.group))
    part = f[(f["coverage"] == c.coverage) & (f["year"] == year) & (f["reporter"] == c.reporter) & (f["flow"] == "M")
             & f["code"].isin(codes)]
    world = part.loc[part["partner"] == WORLD, "value_usd"].sum()
    total = world if (part["partner"] == WORLD).any() else part.loc[part["partner"] != WORLD, "value_usd"].sum()
    share = t.flow(c.group, c.reporter, c.partner, "M", year, c.coverage) / total if total > 0 else math.nan
    return OK if _close(share, c.value("share")) else bad(f"{c.partner}'s share of imports is {share}, not {c.value('share')}")


CHECKS = {"share": _share, "value": _value, "quadrant": _quadrant_check, "flow": _flow, "trend": _trend, "rank": _rank,
          "balance": _balance, "gl_band": _gl_band, "band": _band, "missing": _missing, "immaterial": _immaterial}
