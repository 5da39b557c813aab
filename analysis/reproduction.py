"""Reproduction check: the values the published chapter states beside the recomputed ones.

The facts are the project's copy of the published chapter's statements
(data/reference/published_values.csv). Each is recomputed from the edition for the same year
or, failing that, the nearest year the edition's data give. A recomputation is *comparable*
only when it has the statement's segment, the group's codes and a year the statement covers
(`holds`: the end year, every year of the span, or the period as a whole); otherwise it is
shown for context and not scored. Every gap gets the causes the data show, with their numbers:
flow size, Hong Kong, a partner outside the source's world, how the two records classify the
trade, the size of a change of year, the world and mirror flows. Statements of the published
chapter that contradict another part of it are flagged.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import pandas as pd

from . import config, countries, edition, findings, products, style
from .findings import fmt, usd
from .paths import reference
from .products import codes_of, group_of_published
from .schema import WORLD

TOLERANCE_INDEX = 0.05       # an index within ±0.05 of the published value counts as reproduced
TOLERANCE_VALUE = 0.10       # a USD value within ±10 %
YEAR_EXPLAINS = 2.0          # a gap beyond twice (or under half) the heading's own change is more than the year explains
OUTSIDE_SHARE = 0.05         # trade of an economy outside the world is named when it adds at least 5 %
BILATERAL = ("GL", "IT", "value")
MISMATCH_WORDS = {"segment": "other segment", "codes": "other codes", "year": "other year", "period": "other period"}


def published() -> pd.DataFrame:
    """The published chapter's stated values (the report's copy; none when the report has no table)."""
    path = reference("published_values.csv")
    if not path.exists():
        return pd.DataFrame(columns=["id", "sector", "segment", "indicator", "reporter", "partner", "direction",
                                     "year_from", "year_to", "value_from", "value_to", "low", "high", "holds",
                                     "kind", "note", "conflict"])
    return pd.read_csv(path, dtype={"id": str, "conflict": str, "holds": str},
                       keep_default_na=True).fillna({"conflict": "", "holds": "end year"})


def _num(value: object) -> float:
    return math.nan if pd.isna(value) else float(value)


@dataclass
class Result:
    """One published statement and its recomputation."""

    recomputed: str = ""
    year: int | None = None
    verdict: str = "not recomputed"
    reasons: list[str] = field(default_factory=list)
    within: bool = False
    mismatch: list[str] = field(default_factory=list)

    @property
    def comparable(self) -> bool:
        """Recomputed with the statement's segment, codes and a year it covers."""
        return self.year is not None and not self.mismatch


def slip(row: pd.Series) -> str:
    """Where the published chapter contradicts itself about this statement ('' when it does not)."""
    parts = []
    point, low, high = _num(row["value_to"]), _num(row["low"]), _num(row["high"])
    if findings.available(point, low, high) and not low <= point <= high:
        parts.append(f"it gives {point:g} for {int(row['year_to'])} in one place and {low:g} to {high:g} over "
                     f"{int(row['year_from'])}–{int(row['year_to'])} in another")
    if str(row["conflict"]):
        parts.append(str(row["conflict"]).replace("-", "–"))
    return "; ".join(parts)


def _pick(ed: edition.Edition, indicator: str, group: str, reporter: str, partner: str, variant: str,
          year: int) -> pd.Series | None:
    """The row of the year asked for, else of the nearest year with a value."""
    s = ed.series(indicator, group, reporter=reporter, partner=partner, variant=variant).dropna(subset=["value"])
    if s.empty:
        return None
    return s.iloc[(s["year"] - year).abs().argsort().iloc[0]]


def _flow(ed: edition.Edition, coverages: list[str], year: int, reporter: str, partner: str, flow: str,
          codes: tuple[str, ...] | list[str]) -> float:
    """USD of a flow summed over codes, from the coverage that gives most of it (NaN when none does)."""
    f = ed.stored.flows
    sub = f[f["coverage"].isin(coverages) & (f["year"] == year) & (f["reporter"] == reporter)
            & (f["partner"] == partner) & (f["flow"] == flow) & f["code"].isin(codes)]
    return float(sub.groupby("coverage")["value_usd"].sum().max()) if len(sub) else math.nan


def _mismatches(row: pd.Series, group: str, year: int, proxy: bool, meta: dict,
                first: int | None = None) -> list[tuple[str, str]]:
    """What makes the recomputation a different statement: segment, codes, year or period."""
    from .chapter import segment_name

    out = []
    if proxy:
        out.append(("segment", f"no {row['segment']} national lines for {style.prose(row['reporter'])}; HS "
                               f"{', '.join(codes_of(group))} ({segment_name(group)}) used"))
    wanted = codes_of(group)
    held = [c for c in wanted if c in meta.get("codes", [])]
    if len(held) < len(wanted):
        out.append(("codes", f"{len(held)} of the group's {len(wanted)} codes in the source (HS {', '.join(held)})"))
    start, end, holds = int(row["year_from"]), int(row["year_to"]), str(row["holds"])
    if holds == "period" and (first, year) != (start, end):
        out.append(("period", f"the data give {findings.span([first or year, year])} from one source, the statement "
                              f"covers {start}–{end}"))
    elif holds == "every year" and not start <= year <= end:
        out.append(("year", f"{year} is outside the statement's {start}–{end}"))
    elif holds == "end year" and year != end:
        out.append(("year", f"no {end} data; {year} used"))
    return out


def _verdict(row: pd.Series, value: float, year: int, kind: str) -> tuple[str, bool]:
    """Score against the number that applies to the year: the range over the span, else the point."""
    point, low, high = _num(row["value_to"]), _num(row["low"]), _num(row["high"])
    ranged = findings.available(low, high)
    if ranged and (year != int(row["year_to"]) or not findings.available(point)):
        if low <= value <= high:
            return "in range", True
        gap = value - high if value > high else value - low
        return f"{'above' if gap > 0 else 'below'} the range by {fmt(abs(gap))}", False
    if kind == "value":
        rel = (value - point) / point
        ok = abs(rel) <= TOLERANCE_VALUE
        return (f"within {TOLERANCE_VALUE:.0%}" if ok else f"{rel:+.0%}".replace("-", "−")), ok
    diff = value - point
    ok = abs(diff) <= TOLERANCE_INDEX
    return (f"within ±{TOLERANCE_INDEX}" if ok else f"difference {fmt(diff)}"), ok


def _finish(res: Result, found: list[tuple[str, str]], causes: list[str]) -> Result:
    """Put the mismatches first, then the causes; a mismatched statement is not scored."""
    res.mismatch = [kind for kind, _ in found]
    res.reasons = [text for _, text in found] + causes
    if res.mismatch:
        res.verdict = "not comparable: " + ", ".join(MISMATCH_WORDS[k] for k in res.mismatch)
        res.within = False
    return res


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
    if used is None and products.national_segment(row["segment"]) and group_of_published(row["sector"]):
        group, proxy = group_of_published(row["sector"]), True   # the sector's HS6 line(s) stand in
        used = _pick(ed, directions[0], group, row["reporter"], partner, variant, target)
    if used is None:
        return Result(reasons=[_absent(ed, row, group)])
    year, cov = int(used["year"]), str(used["coverage"])
    meta = ed.stored.manifest.get("coverages", {}).get(cov, {})
    if row["indicator"] in ("quadrant", "trend"):
        return _position(ed, row, group, proxy, cov, meta)
    values = [ed.value(d, group, row["reporter"], partner, year, variant) for d in directions]
    checks = [_verdict(row, v, year, "index") for v in values if findings.available(v)]
    res = Result(" / ".join(fmt(v) for v in values), year, "; ".join(c[0] for c in checks), [],
                 bool(checks) and all(c[1] for c in checks))
    return _finish(res, _mismatches(row, group, year, proxy, meta), _causes(ed, row, group, year, cov, meta))


def _value(ed: edition.Edition, row: pd.Series, group: str, target: int) -> Result:
    flows = ed.stored.flows
    flow = "X" if row["direction"] == "export" else "M"
    sub = flows[(flows["reporter"] == row["reporter"]) & (flows["partner"] == row["partner"])
                & (flows["flow"] == flow) & flows["code"].isin(codes_of(group))]
    if sub.empty:
        return Result(reasons=[_absent(ed, row, group)])
    by = sub.groupby(["year", "coverage"])["value_usd"].sum().reset_index()
    best = by.iloc[(by["year"] - target).abs().argsort().iloc[0]]
    year, cov, value = int(best["year"]), str(best["coverage"]), float(best["value_usd"])
    meta = ed.stored.manifest.get("coverages", {}).get(cov, {})
    verdict, ok = _verdict(row, value, year, "value")
    res = Result(usd(value), year, verdict, [], ok)
    return _finish(res, _mismatches(row, group, year, False, meta), _causes(ed, row, group, year, cov, meta, value))


# --- causes a gap, with their numbers ----------------------------------------------------------

def _causes(ed: edition.Edition, row: pd.Series, group: str, year: int, cov: str, meta: dict,
            value: float = math.nan) -> list[str]:
    """The causes of a gap the data show, the specific ones first, the definitions last."""
    out = [_small_flows(ed, row, group, year, cov), _hong_kong(ed, row, group, year, cov, meta),
           _classification(ed, row, group, year, cov, value), _year_scale(ed, row, group, year, value),
           _outside_world(ed, row, group, year, cov, meta)]
    if row["indicator"] in ("IT", "RSCA", "quadrant", "trend", "TSI") and meta.get("world_mode") in ("reporters", "panel"):
        out.append(f"world = {meta.get('world')}")
    if row["indicator"] in ("GL", "IT", "TSI", "quadrant", "trend", "value") and meta.get("imports_mirrored") \
            and not (row["indicator"] == "value" and row["direction"] == "export"):
        out.append(f"imports mirrored from partners' exports, not {style.prose(row['reporter'])}'s own import record")
    return [c for c in out if c]


def _small_flows(ed: edition.Edition, row: pd.Series, group: str, year: int, cov: str) -> str:
    """Flows under the materiality floor: an index on them moves with a single shipment."""
    if row["indicator"] not in ("GL", "IT") or row["partner"] == WORLD:
        return ""
    x, m = (_flow(ed, [cov], year, row["reporter"], row["partner"], f, codes_of(group)) for f in ("X", "M"))
    used = {"export": [x], "import": [m]}.get(str(row["direction"]), [x, m])
    if not [v for v in used if not findings.available(v) or v < config.load().materiality_usd]:
        return ""
    return (f"small flows: exports {usd(x) if findings.available(x) else 'not in the file'}, imports "
            f"{usd(m) if findings.available(m) else 'not in the file'} in {year}, under the {usd(config.load().materiality_usd)} "
            f"a year below which one shipment moves the index; the gap is within the noise of flows this size")


def _hong_kong(ed: edition.Edition, row: pd.Series, group: str, year: int, cov: str, meta: dict) -> str:
    """Mirrored imports from China leave out Chinese goods shipped through Hong Kong, which an importer's
    record by origin counts as imports from China: named when Hong Kong's share passes the threshold."""
    hub, served = countries.entrepot()
    if not hub or row["partner"] != served or row["indicator"] not in BILATERAL or row["direction"] == "export" \
            or not meta.get("imports_mirrored"):
        return ""
    hk, cn = (_flow(ed, [cov], year, row["reporter"], p, "M", codes_of(group)) for p in (hub, served))
    if not findings.available(hk, cn) or hk / (hk + cn) <= findings.threshold("hong_kong"):
        return ""
    h, s = style.name(hub), style.name(served)
    return (f"{h.split(',')[0]}: imports from {h} ({usd(hk)} in {year}, {hk / (hk + cn):.0%} of {s} and {h} "
            f"together) are outside the {s} figure here, while an import record by origin counts {s}'s "
            f"goods shipped through {h} as imports from {s}")


def _classification(ed: edition.Edition, row: pd.Series, group: str, year: int, cov: str, value: float) -> str:
    """A published value far above the record of its segment while a sibling subheading holds the trade."""
    stated = _num(row["value_to"])
    sector_codes = codes_of(str(row["sector"]))
    if row["indicator"] != "value" or not findings.available(stated, value) or stated < 2 * value \
            or len(sector_codes) < 2:
        return ""
    flow = "X" if row["direction"] == "export" else "M"
    others = {c: _flow(ed, [cov], year, row["reporter"], row["partner"], flow, [c])
              for c in sector_codes if c not in codes_of(group)}
    others = {c: v for c, v in others.items() if findings.available(v)}
    if not others:
        return ""
    code, biggest = max(others.items(), key=lambda kv: kv[1])
    if biggest <= value:
        return ""
    exporter = row["partner"] if flow == "M" else row["reporter"]
    whole = value + sum(others.values())
    return (f"classification: {style.prose(exporter)}'s record puts {usd(biggest)} of this trade in {year} under HS "
            f"{code} and {usd(value)} under HS {', '.join(codes_of(group))} ({usd(whole)} under all the sector's "
            f"codes); the published value, {stated / value:.0f} times the latter, is of the order of the whole: the "
            f"two records most likely classify this trade differently")


def _year_scale(ed: edition.Edition, row: pd.Series, group: str, year: int, value: float) -> str:
    """How much the exporter's IC exports to the world moved between the year used and the year stated,
    and whether that can explain the gap (a value's gap beyond `YEAR_EXPLAINS` times that change cannot)."""
    target = int(row["year_to"])
    codes = codes_of(group)
    heading = products.heading_of(codes)
    if year == target or row["indicator"] != "value" or not heading:
        return ""
    exporter = row["partner"] if row["direction"] == "import" else row["reporter"]
    covs = [n for n, m in ed.stored.manifest.get("coverages", {}).items() if heading in m.get("codes", [])]
    a, b = (_flow(ed, covs, y, exporter, WORLD, "X", [heading]) for y in (year, target))
    if not findings.available(a, b) or a <= 0:
        return ""
    name = next(k for k, v in products.headings().items() if v == heading).split("/", 1)[1]
    text = (f"{style.prose(exporter)}'s exports of all {name} to the world changed "
            f"{(b / a - 1):+.0%} from {year} to {target}").replace("-", "−")
    stated = _num(row["value_to"])
    if findings.available(stated, value) and value > 0:
        ratio = stated / value
        if not (b / a) / YEAR_EXPLAINS <= ratio <= (b / a) * YEAR_EXPLAINS:
            fold = max(ratio, 1 / ratio)
            text += f", so the change of year does not explain a {fold:.{0 if fold >= 10 else 1}f}-fold gap"
    return text


def _outside_world(ed: edition.Edition, row: pd.Series, group: str, year: int, cov: str, meta: dict) -> str:
    """Chinese Taipei's trade when the source's world leaves it out, from a Taiwan customs file of the year."""
    taipei = countries.non_reporter()
    if row["indicator"] not in ("IT", "TSI", "quadrant", "trend") or taipei in meta.get("reporters", [taipei]):
        return ""
    taiwan = [n for n, m in ed.stored.manifest.get("coverages", {}).items()
              if m.get("source") == "taiwan-customs" and year in m.get("years", [])]
    codes = codes_of(group)
    if row["indicator"] == "IT":
        tw = _flow(ed, taiwan, year, taipei, WORLD, "X", codes)
        here = ed.stored.flows
        here = here[(here["coverage"] == cov) & (here["year"] == year) & (here["partner"] == WORLD)
                    & (here["flow"] == "X") & here["code"].isin(codes)]["value_usd"].sum()
        if not findings.available(tw) or here <= 0 or tw / here < OUTSIDE_SHARE:
            return ""
        return (f"partner outside the world: {style.name(taipei)} is not in this world, yet exported {usd(tw)} of these "
                f"codes in {year} (Taiwan customs), {tw / here:.0%} of the {usd(float(here))} its economies exported")
    x, m = (_flow(ed, [cov], year, row["reporter"], WORLD, f, codes) for f in ("X", "M"))
    to_tw, from_tw = (_flow(ed, taiwan, year, taipei, row["reporter"], f, codes) for f in ("M", "X"))
    to_tw, from_tw = (v if findings.available(v) else 0.0 for v in (to_tw, from_tw))
    if not findings.available(x, m) or x + m <= 0 or (to_tw + from_tw) / (x + m) < OUTSIDE_SHARE:
        return ""
    x2, m2 = x + to_tw, m + from_tw
    who = style.prose(row["reporter"])
    before, after = fmt((x - m) / (x + m)), fmt((x2 - m2) / (x2 + m2))
    effect = f"unchanged at {before}" if before == after else f"{after}, not {before}"
    return (f"partner outside the world: {style.name(taipei)} is not in it, yet Taiwan customs record {usd(to_tw)} of "
            f"imports from {who} and {usd(from_tw)} of exports to {who} in {year}; with them {who}'s TSI would be "
            f"{effect}")


# --- quadrant statements --------------------------------------------------------------------------

def _position(ed: edition.Edition, row: pd.Series, group: str, proxy: bool, cov: str, meta: dict) -> Result:
    """Quadrant statements: the quadrant in each year the statement covers, or the direction over the period."""
    from .chapter import Sector

    year = int(row["year_to"])
    s = Sector(row["sector"]) if row["sector"] in products.sectors() else None
    if s is None:
        return Result(reasons=[_absent(ed, row, group)])
    path = s.quadrant_path(row["reporter"])
    if path.empty:
        tsi = _pick(ed, "TSI", group, row["reporter"], WORLD, "standard", year)
        year = int(tsi["year"])
        res = Result(f"TSI {fmt(float(tsi['value']))}", year, "quadrant cannot be placed", [], False)
        return _finish(res, _mismatches(row, group, year, proxy, meta),
                       ["no RSCA: no total of all goods for the economies of this source"])
    first, last = path.iloc[0], path.iloc[-1]
    cov = str(last.get("coverage", cov))
    year = int(last["year"])
    quadrants = [findings.quadrant(r["RSCA"], r["TSI"]) for _, r in path.iterrows()]
    text = f"quadrant {quadrants[-1]} (RSCA {fmt(last['RSCA'])}, TSI {fmt(last['TSI'])})"
    causes = _causes(ed, row, group, year, cov, meta)
    if row["indicator"] == "trend":
        text += f"; since {int(first['year'])}: {findings.arrows(last['RSCA'] - first['RSCA'], last['TSI'] - first['TSI'])}"
        rising = bool(last["RSCA"] > first["RSCA"] and last["TSI"] > first["TSI"])
        res = Result(text, year, "same direction" if rising else "different direction", [], rising)
        return _finish(res, _mismatches(row, group, year, proxy, meta, int(first["year"])), causes)
    want = stated_quadrant(str(row["kind"]))
    if want is None:
        return _finish(Result(text, year, "no quadrant stated", [], False), _mismatches(row, group, year, proxy, meta),
                       causes)
    if str(row["holds"]) == "every year":
        years = [int(y) for y in path["year"]]
        hits = sum(q == want for q in quadrants)
        text += f"; quadrant {want} in {hits} of {len(years)} years ({findings.span(years)})"
        same = hits == len(years)
    else:
        same = quadrants[-1] == want
    res = Result(text, year, "same quadrant" if same else "different quadrant", [], same)
    return _finish(res, _mismatches(row, group, year, proxy, meta), causes)


def stated_quadrant(kind: str) -> str | None:
    """The quadrant a published statement names ('quadrant III throughout' -> 'III'), None if none."""
    found = re.search(r"quadrant (IV|I{1,3})\b", kind)
    return found.group(1) if found else None


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


# --- the table -------------------------------------------------------------------------------------

def _stated(row: pd.Series) -> str:
    """What the published chapter states: the point, the range over the span, or the words."""
    target, start = int(row["year_to"]), int(row["year_from"])
    parts = []
    if not pd.isna(row["value_to"]):
        point = usd(float(row["value_to"])) if row["indicator"] == "value" else fmt(float(row["value_to"]))
        parts.append(f"{target}: {point}")
    if not pd.isna(row["low"]):
        parts.append(f"{start}–{target}: {row['low']:g} to {row['high']:g}".replace("-", "−"))
    return "; ".join(parts) or f"{start}–{target}: {row['kind']}"


def table() -> pd.DataFrame:
    """One row per published statement: what it says, what this edition gives, and why they differ."""
    ed = edition.current()
    rows = []
    for _, row in published().iterrows():
        res = recompute(ed, row)
        what = f"{row['segment']}: {row['indicator']} {row['reporter']}"
        what += f"–{row['partner']}" if row["partner"] != WORLD else ""
        what += f" ({row['direction']})" if isinstance(row["direction"], str) else ""
        inconsistent = slip(row)
        reasons = ([f"published chapter inconsistent: {inconsistent}"] if inconsistent else []) + res.reasons
        rows.append({"ID": row["id"], "Statement": what, "Published": _stated(row),
                     "Recomputed": f"{res.year}: {res.recomputed}" if res.year else edition.NOT_AVAILABLE,
                     "Verdict": res.verdict if res.year else "not recomputed",
                     "Reasons for a gap, from the data": "; ".join(reasons) or "same year, codes and definition",
                     "_within": res.within, "_recomputed": res.year is not None, "_comparable": res.comparable,
                     "_mismatch": tuple(res.mismatch), "_slip": bool(inconsistent)})
    return pd.DataFrame(rows)


def _count(n: int, one: str, many: str) -> str:
    """'1 is', '3 are': a count with its verb."""
    return f"{n} {one if n == 1 else many}"


def summary(df: pd.DataFrame) -> str:
    """One line: how many recomputed, comparable, within tolerance, not comparable and why, inconsistent."""
    n, done = len(df), int(df["_recomputed"].sum())
    comparable = df[df["_comparable"]]
    within = int(comparable["_within"].sum())
    other = df[df["_recomputed"] & ~df["_comparable"]]
    kinds = pd.Series([k for m in other["_mismatch"] for k in m]).value_counts()
    why = ", ".join(f"{int(kinds[k])} {MISMATCH_WORDS[k]}" for k in MISMATCH_WORDS if k in kinds.index)
    slips = df.loc[df["_slip"], "ID"].tolist()
    line = (f"Of {n} published values, {done} are recomputed from this edition and {n - done} cannot be. "
            f"{_count(len(comparable), 'is', 'are')} comparable (same segment and codes, a year the statement covers): "
            f"{_count(within, 'falls', 'fall')} within tolerance (±{TOLERANCE_INDEX} for indices, "
            f"±{TOLERANCE_VALUE:.0%} for values) or inside the published range, {len(comparable) - within} not. "
            f"{_count(len(other), 'is', 'are')} not comparable ({why}; a statement may differ in more than one) "
            f"and shown for context, not scored.")
    if slips:
        line += (f" {len(slips)} published statement{'s' if len(slips) > 1 else ''} ({', '.join(slips)}) "
                 f"contradict{'' if len(slips) > 1 else 's'} another part of the published chapter.")
    return line
