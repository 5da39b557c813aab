"""Coverages: self-consistent bodies of data, one world each, and the choice between them.

A coverage is what one input format gives (its reporters, partners, codes and years). Every
indicator is computed inside one coverage, so numerator and denominators share reporters,
partners and codes, and the output names the coverage and its world. Where several coverages
give a series, `resolve` takes one per year: the coverage that holds most of the group's codes
over its whole span of years, others only outside that span. A change of coverage along a
series is a break (`breaks`): figures mark it and no trend is stated across it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import indicators
from . import paths
from .products import report_groups
from .schema import DEFAULT_COVERAGE, WORLD

BILATERAL, WORLD_LEVEL = "bilateral", "world"
INCOMPLETE_SHARE = 0.9     # a year with fewer reporters than 90 % of the source's median year is incomplete
WORLD_DEPENDENT = ["RCA", "RSCA", "share", "EI", "II"]
OUTSIDE = "year not given by the source this series is drawn from (another source is not mixed in)"


def reference() -> pd.DataFrame:
    """data/reference/coverages.csv: each coverage's source, world mode and wording."""
    return _read(paths.reference("coverages.csv"))


@lru_cache(maxsize=4)
def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False).set_index("coverage")


def world_mode(coverage: str) -> str:
    """The engine's `world` for a coverage (a coverage not in the reference sums its reporters)."""
    ref = reference()
    return str(ref.loc[coverage, "world_mode"]) if coverage in ref.index else "reporters"


def _count_words(by_year: pd.Series, total: int) -> str:
    """'29', or '140 to 151' when the number of reporters changes from year to year."""
    if by_year.empty or by_year.min() == by_year.max():
        return str(int(by_year.iloc[0]) if len(by_year) else total)
    return f"{int(by_year.min())} to {int(by_year.max())}"


def describe(flows: pd.DataFrame) -> dict[str, dict]:
    """Per coverage: its wording, world definition, reporters, codes and years (for the manifest)."""
    ref = reference()
    out = {}
    for name, part in flows.groupby("coverage", observed=True):
        name = str(name)
        reporters = sorted(str(r) for r in part.loc[~part["mirror"], "reporter"].unique() if r != WORLD)
        row = ref.loc[name] if name in ref.index else None
        world = (str(row["world"]) if row is not None else "the sum over the {n} reporting economies of the input")
        out[name] = {
            "description": str(row["description"]) if row is not None else name,
            "source": str(row["source"]) if row is not None else str(part["source"].iloc[0]),
            "world_mode": world_mode(name),
            "world": world.format(n=_count_words(reporters_by_year(part), len(reporters))),
            "floor": str(row["floor"]) if row is not None else "",
            "floor_usd": float(row["floor_usd"]) if row is not None and row["floor_usd"] else None,
            "scope": str(row["scope"]) if row is not None else "",
            "reporters": reporters,
            "codes": sorted(str(c) for c in part["code"].unique()),
            "years": sorted(int(y) for y in part["year"].unique()),
            "imports_mirrored": bool(part.loc[part["flow"] == "M", "mirror"].all())
            if (part["flow"] == "M").any() else None,
            "has_imports": bool((part["flow"] == "M").any()),
            "incomplete_years": {str(y): n for y, n in incomplete_years(part).items()},
            "reporters_by_year": {str(y): int(n) for y, n in reporters_by_year(part).items()},
        }
    return out


def reporters_by_year(part: pd.DataFrame) -> pd.Series:
    """How many economies report (not mirrored) in each year of one coverage."""
    own = part[~part["mirror"].astype(bool) & (part["reporter"] != WORLD)]
    return own.groupby("year")["reporter"].nunique()


def incomplete_years(part: pd.DataFrame) -> dict[int, int]:
    """Years of a coverage with fewer reporters than `INCOMPLETE_SHARE` of its median year: {year: reporters}."""
    counts = reporters_by_year(part)
    if len(counts) < 2:
        return {}
    floor = INCOMPLETE_SHARE * float(counts.median())
    return {int(y): int(n) for y, n in counts.items() if n < floor}


def compute(flows: pd.DataFrame, totals: pd.DataFrame, level: str = "group") -> pd.DataFrame:
    """The indicator table of every coverage, each on its own world, with a `coverage` column.

    Where a coverage sums its reporters into its world, a year with markedly fewer reporters than
    its others (a release still coming in) would give another world: its world-dependent values
    are missing with that reason rather than compared with complete years.
    """
    if "coverage" not in flows:
        flows = flows.assign(coverage=DEFAULT_COVERAGE)
    frames = []
    for name, part in flows.groupby("coverage", observed=True, sort=True):
        mode = world_mode(str(name))
        table = indicators.compute(part.drop(columns="coverage"), totals, level=level, world=mode)
        short = list(incomplete_years(part)) if mode != "reported" else []
        if short:
            hit = table["year"].isin(short) & table["indicator"].isin(WORLD_DEPENDENT)
            table.loc[hit, "value"] = float("nan")
            table.loc[hit, "reason"] = indicators.REASONS[-1]
        frames.append(table.assign(coverage=str(name)))
    out = pd.concat(frames, ignore_index=True)
    for col in ("reporter", "partner", "group", "coverage"):
        out[col] = out[col].astype("category")
    return out


def _kind(partner: pd.Series) -> pd.Series:
    return partner.astype(str).eq(WORLD).map({True: WORLD_LEVEL, False: BILATERAL})


def _group_codes() -> dict[str, tuple[str, ...]]:
    return {g.key: g.codes for g in report_groups(include_optional=True)}


def choice(table: pd.DataFrame, meta: dict[str, dict]) -> pd.DataFrame:
    """group, kind, year -> the coverage that gives that year (see the module docstring)."""
    have = table[table["value"].notna()]
    if have.empty:
        return pd.DataFrame(columns=["group", "kind", "year", "coverage"])
    have = have.assign(kind=_kind(have["partner"]))
    years_of = have.groupby(["group", "kind", "coverage"], observed=True)["year"].unique()
    cells = (have.groupby(["group", "kind", "coverage"], observed=True)
             .agg(values=("value", "size"), first=("year", "min"), last=("year", "max")).reset_index())
    rows = []
    codes = _group_codes()
    for (group, kind), cands in cells.groupby(["group", "kind"], observed=True):
        group_codes = set(codes.get(str(group), ()))

        def held(cov: str) -> int:
            return len(group_codes & set(meta.get(cov, {}).get("codes", ()))) if group_codes else 0

        cands = cands.assign(held=[held(str(c)) for c in cands["coverage"]])
        cands = cands.sort_values(["held", "values", "coverage"], ascending=[False, False, True])
        spans: list[tuple[int, int]] = []
        for cand in cands.itertuples():
            years = years_of[(group, kind, cand.coverage)]
            free = [int(y) for y in years if not any(a <= y <= b for a, b in spans)]
            rows += [(str(group), kind, y, str(cand.coverage)) for y in free]
            if free:
                spans.append((min(free), max(free)))
    return pd.DataFrame(rows, columns=["group", "kind", "year", "coverage"])


def resolve(table: pd.DataFrame, meta: dict[str, dict]) -> pd.DataFrame:
    """The indicator table with one coverage per group, kind (world or bilateral) and year."""
    if "coverage" not in table or table["coverage"].nunique() <= 1:
        return table
    chosen = choice(table, meta)
    keyed = table.assign(kind=_kind(table["partner"]), group=table["group"].astype(str),
                         coverage=table["coverage"].astype(str))
    out = keyed.merge(chosen, on=["group", "kind", "year", "coverage"], how="inner")
    filled = partner_fill(keyed, out)
    if len(filled):
        pair = pd.MultiIndex.from_frame(filled[PAIR].drop_duplicates())
        out = pd.concat([out[~pd.MultiIndex.from_frame(out[PAIR]).isin(pair)], filled], ignore_index=True)
    # A year the chosen coverages do not give stays in the table as missing, with the reason; a
    # value another coverage has for it is not mixed into the series.
    missing = keyed[~keyed.set_index(["group", "kind", "year"]).index.isin(
        chosen.set_index(["group", "kind", "year"]).index)]
    missing = missing.drop_duplicates(["indicator", "variant", "group", "reporter", "partner", "year"])
    missing = missing.assign(value=float("nan"),
                             reason=missing["reason"].astype(str).where(missing["value"].isna(), OUTSIDE))
    out = pd.concat([out, missing], ignore_index=True).drop(columns="kind")
    for col in ("reporter", "partner", "group", "coverage"):
        out[col] = out[col].astype(str)
    return out


PAIR = ["group", "year", "reporter", "partner"]


def partner_fill(keyed: pd.DataFrame, chosen: pd.DataFrame) -> pd.DataFrame:
    """Bilateral pairs the chosen coverage of a year does not give, from a coverage that does.

    The chosen coverage keeps every pair it gives; a pair it lacks (Chinese Taipei, absent from
    a Comtrade panel, with the ROK from Taiwan customs) comes whole from the coverage with most
    values for it, so each pair's indicators still share one source.
    """
    bil = keyed[(keyed["kind"] == BILATERAL) & keyed["value"].notna()]
    have = pd.MultiIndex.from_frame(chosen.loc[chosen["value"].notna(), PAIR].drop_duplicates())
    cand = bil[~pd.MultiIndex.from_frame(bil[PAIR]).isin(have)]
    if cand.empty:
        return cand.drop(columns="kind")
    counts = cand.groupby(PAIR + ["coverage"], observed=True).size().rename("n").reset_index()
    best = counts.sort_values(PAIR + ["n", "coverage"], ascending=[True] * 4 + [False, True]).drop_duplicates(PAIR)
    rows = keyed[keyed["kind"] == BILATERAL].merge(best[PAIR + ["coverage"]], on=PAIR + ["coverage"])
    return rows.drop(columns="kind")


@dataclass(frozen=True)
class Break:
    """A change of coverage along a series: from `before` (up to `last_before`) to `after` (from `year`)."""

    year: int
    last_before: int
    before: str
    after: str


def breaks(years_coverage: pd.DataFrame) -> list[Break]:
    """Breaks along a series given its (year, coverage) rows; in a year drawn from several coverages (a
    partner filled from another source), the coverage of most rows is the year's."""
    rows = years_coverage.assign(coverage=years_coverage["coverage"].astype(str))
    s = rows.groupby("year")["coverage"].agg(lambda c: c.value_counts().sort_index().idxmax())
    out = []
    prev_year, prev_cov = None, None
    for year, cov in s.items():
        if prev_cov is not None and cov != prev_cov:
            out.append(Break(int(year), int(prev_year), str(prev_cov), str(cov)))
        prev_year, prev_cov = year, cov
    return out


def labelled(table: pd.DataFrame, meta: dict[str, dict]) -> pd.DataFrame:
    """The indicator table with a `world` column that says, in words, which world each row uses."""
    words = {name: f"{m['world']} ({m['description']})" for name, m in meta.items()}
    return table.assign(world=table["coverage"].astype(str).map(words).fillna("")) if "coverage" in table else table
