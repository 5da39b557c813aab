"""The product reference table: sector -> segment -> code, and HS classification breaks."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .paths import reference

HS6 = "HS6"
HEADINGS = "headings"   # the product table's pseudo-sector of 4-digit headings followed as a whole
REVISION_YEARS: dict[str, int] = {"H2": 2002, "H3": 2007, "H4": 2012, "H5": 2017, "H6": 2022}


def revision_for_year(year: int) -> str:
    """The HS revision in force in a calendar year (what most reporters use)."""
    current = "H2"
    for rev, first in REVISION_YEARS.items():
        if year >= first:
            current = rev
    return current


def load_products(path: Path | None = None) -> pd.DataFrame:
    """Read the report's product table, the one reference for sectors, segments, the segments each
    figure shows and the names the published chapter uses; codes stay strings so leading digits are kept."""
    return _read_products(path or reference("products.csv"))


@lru_cache(maxsize=4)
def _read_products(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df["default"] = df["default"].eq("yes")
    df["verified"] = df["verified"].eq("yes")
    return df


def sectors() -> dict[str, str]:
    """The report's sectors in the product table's order: key -> title (asked for in every sentence,
    so read once per table)."""
    return dict(_sectors(reference("products.csv")))


@lru_cache(maxsize=4)
def _sectors(path: Path) -> tuple[tuple[str, str], ...]:
    df = load_products(path)
    df = df[df["sector"] != HEADINGS]
    return tuple(dict(zip(df["sector"], df["sector_title"])).items())


def figure_segments(sector: str, kind: str) -> list[str]:
    """Group keys a sector's GL ('gl') or IT ('it') figure shows, in the table's order."""
    df = default_products()
    names = [n for n in dict.fromkeys(df.loc[df["sector"] == sector, f"{kind}_figure"]) if n]
    return [sector if n == sector else f"{sector}/{n}" for n in names]


def group_of_published(name: str) -> str | None:
    """The group key of a sector or segment as the published chapter names it."""
    df = load_products()
    for row in df.itertuples():
        if name == row.published_sector:
            return row.sector
        if name in (row.segment, row.published_segment) and row.segment != row.sector:
            return f"{row.sector}/{row.segment}"
        if name in (row.gl_figure, row.it_figure) and name != row.sector:
            return f"{row.sector}/{name}"
    return None


def headings() -> dict[str, str]:
    """The 4-digit headings of the product table (its `headings` rows): group key -> heading code."""
    df = load_products()
    return {f"{HEADINGS}/{r.segment}": str(r.code) for r in df[df["sector"] == HEADINGS].itertuples()}


def heading_of(codes: tuple[str, ...] | list[str]) -> str:
    """The table's heading that holds every one of the codes ('' when none does)."""
    return next((h for h in headings().values() if codes and all(str(c).startswith(h) for c in codes)), "")


def national_segment(name: str) -> bool:
    """True when a segment (as the published chapter names it) exists only as national tariff lines."""
    df = load_products()
    rows = df[(df["segment"] == name) | (df["published_segment"] == name) | (df["gl_figure"] == name)
              | (df["it_figure"] == name)]
    return bool(len(rows)) and bool((rows["code_system"] != HS6).all())


def default_products(include_optional: bool = False) -> pd.DataFrame:
    """Rows of the product table used by default (optional segments on request)."""
    df = load_products()
    return df if include_optional else df[df["default"]]


@dataclass(frozen=True)
class Group:
    """A product group: a sector (HS6 lines) or a segment within it."""

    key: str
    sector: str
    segment: str
    codes: tuple[str, ...]


def groups(include_optional: bool = False) -> list[Group]:
    """Sectors (their HS6 lines) and segments (HS6 or national lines).

    A sector sums only HS6 lines so that national sub-lines are never counted twice.
    """
    df = default_products(include_optional)
    out: list[Group] = []
    for sector in sectors():
        rows = df[df["sector"] == sector]
        hs6 = tuple(rows.loc[rows["code_system"] == HS6, "code"])
        out.append(Group(sector, sector, sector, hs6))
        for segment, seg_rows in rows.groupby("segment", sort=False):
            if segment == sector:
                continue
            out.append(Group(f"{sector}/{segment}", sector, str(segment), tuple(seg_rows["code"])))
    # Headings (4-digit codes) stand alone: a source that gives only the heading is never split into sectors.
    for row in df[df["sector"] == HEADINGS].itertuples():
        out.append(Group(f"{HEADINGS}/{row.segment}", HEADINGS, str(row.segment), (str(row.code),)))
    return out


def load_breaks() -> pd.DataFrame:
    """HS revision breaks: which heading changed in which revision and year."""
    return _read_breaks(reference("hs_breaks.csv"))


@lru_cache(maxsize=4)
def _read_breaks(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"code_prefix": str})


def breaks_for(codes: tuple[str, ...] | list[str], first_year: int, last_year: int) -> list[str]:
    """Notes for classification breaks that fall inside a series' years (exclusive of the start)."""
    notes = []
    for row in load_breaks().itertuples():
        if first_year < row.first_year <= last_year and any(c.startswith(row.code_prefix) for c in codes):
            notes.append(f"{row.note} ({row.first_year}).")
    return notes


def report_groups(include_optional: bool = False) -> list[Group]:
    """The groups of the product table plus the figure segments that combine several segments
    (the chapter's Figure V.2 pairs MCP with flash)."""
    return list(_report_groups(include_optional, reference("products.csv")))


@lru_cache(maxsize=4)
def _report_groups(include_optional: bool, _table: Path) -> tuple[Group, ...]:
    base = groups(include_optional)
    known = {g.key for g in base}
    df = default_products(include_optional)
    extra = []
    for kind in ("gl_figure", "it_figure"):
        for (sector, name), rows in df[df[kind] != ""].groupby(["sector", kind], sort=False):
            key = f"{sector}/{name}"
            if name != sector and key not in known:
                known.add(key)
                extra.append(Group(key, sector, str(name), tuple(rows["code"])))
    return tuple(base + extra)


def codes_of(key: str) -> tuple[str, ...]:
    """The codes of a report group by its key (empty for an unknown key)."""
    return next((g.codes for g in report_groups() if g.key == key), ())
