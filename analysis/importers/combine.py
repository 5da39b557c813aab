"""Files of several sources merged into one edition's tables: conflicts between files, mirror
flows within a coverage, world rows of closed panels. No source knowledge lives here."""

from __future__ import annotations

import pandas as pd

from ..errors import DataImportError
from ..schema import FLOW_COLUMNS, TOTAL_COLUMNS, WORLD
from .base import Imported


def mirror_fill(flows: pd.DataFrame) -> pd.DataFrame:
    """Fill missing bilateral flows from the partner's report, flagged `mirror`.

    Imports of c from d = exports of d to c, and the other way round, within one coverage (a
    mirror never crosses from one source's panel into another's). A reported flow always wins.
    """
    bil = flows[(flows["partner"] != WORLD) & (flows["reporter"] != WORLD)]
    mirror = bil.rename(columns={"reporter": "partner", "partner": "reporter"})
    mirror = mirror.assign(flow=mirror["flow"].map({"X": "M", "M": "X"}), mirror=True)[list(flows.columns)]
    key = ["coverage", "year", "reporter", "partner", "flow", "code"]
    have = pd.MultiIndex.from_frame(bil[key])
    new = mirror[~pd.MultiIndex.from_frame(mirror[key]).isin(have)]
    return pd.concat([flows, new], ignore_index=True)


def closed_panel_world(flows: pd.DataFrame) -> pd.DataFrame:
    """World rows as sums over partners, where a file is a closed panel and no World row exists."""
    closed = flows[flows["closed_panel"].fillna(False).astype(bool)] if "closed_panel" in flows else flows.iloc[:0]
    if closed.empty:
        return flows
    pairs = closed[["coverage", "year", "reporter"]].drop_duplicates()
    # Only the closed panel's own flows (and their mirrors) add up to its world.
    bil = flows[(flows["partner"] != WORLD) & flows["closed_panel"].fillna(False).astype(bool)]
    bil = bil.merge(pairs, on=["coverage", "year", "reporter"])
    keys = ["coverage", "year", "reporter", "flow", "code", "code_system", "hs_revision", "source"]
    world = bil.groupby(keys, as_index=False).agg(value_usd=("value_usd", "sum"), mirror=("mirror", "max"))
    world["partner"] = WORLD
    key = ["coverage", "year", "reporter", "flow", "code"]
    existing = pd.MultiIndex.from_frame(flows.loc[flows["partner"] == WORLD, key])
    world = world[~pd.MultiIndex.from_frame(world[key]).isin(existing)]
    return pd.concat([flows, world[FLOW_COLUMNS]], ignore_index=True)


def _stack(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """Concatenate the non-empty frames (an empty table with `columns` when there are none)."""
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


PRECEDENCE = ("error", "first")
"""What to do when two files give different values for the same flow: stop (default), or let the
file that comes first in path order win."""


def _conflicts(flows: pd.DataFrame, key: list[str], on_conflict: str) -> tuple[pd.DataFrame, int]:
    """Drop equal duplicates (counted); stop on different values unless `on_conflict` is 'first'."""
    before = len(flows)
    flows = flows.drop_duplicates(subset=key + ["value_usd"], keep="first")
    equal = before - len(flows)
    dup = flows.duplicated(subset=key, keep=False)
    if dup.any() and on_conflict == "error":
        clash = flows[dup].sort_values(key)
        a, b = clash.iloc[0], clash.iloc[1]
        what = " ".join(str(a[k]) for k in key if k not in ("coverage", "code_system"))
        if a["_file"] == b["_file"]:
            raise DataImportError(f"{a['_file']}: two rows give different values for {what} ({a['value_usd']:,.0f} "
                                  f"and {b['value_usd']:,.0f}; {int(dup.sum())} such rows); keep one of the two rows")
        raise DataImportError(
            f"two inputs give different values for {what}: "
            f"{a['_file']} says {a['value_usd']:,.0f} and {b['_file']} says {b['value_usd']:,.0f} "
            f"({int(dup.sum())} such rows); remove one file, or state a precedence with --on-conflict first "
            "(the file first in path order wins)")
    return flows.drop_duplicates(subset=key, keep="first"), equal


def combine(items: list[Imported], on_conflict: str = "error") -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Merge imported files into (flows, totals, re_flows); mirror fill and world rows added.

    The same flow in two files of one coverage: equal values are kept once; different values stop
    the import with both file names, unless `on_conflict` is "first". Flows of different
    coverages are all kept: each coverage is computed on its own.
    """
    if on_conflict not in PRECEDENCE:
        raise ValueError(f"--on-conflict {on_conflict!r}: choose one of {', '.join(PRECEDENCE)}")
    flows = _stack([i.flows.assign(_file=i.path.name) for i in items], FLOW_COLUMNS + ["_file"])
    if flows.empty:
        held = "; ".join(f"{i.path}: {len(i.totals)} total(s) of all goods" if len(i.totals)
                         else f"{i.path}: no row kept ({'; '.join(i.notes) or 'every row was left out'})" for i in items)
        raise DataImportError(f"no trade flows in the inputs ({held}); give the trade files (Comtrade, BACI, customs) "
                              "as well, with --data repeated")
    if "closed_panel" not in flows:
        flows["closed_panel"] = False
    key = ["coverage", "year", "reporter", "partner", "flow", "code", "code_system"]
    flows, _ = _conflicts(flows, key, on_conflict)
    flows = mirror_fill(flows.drop(columns="_file").assign(closed_panel=flows["closed_panel"].fillna(False)))
    flows = closed_panel_world(flows)
    totals = _stack([i.totals.assign(_file=i.path.name) for i in items], TOTAL_COLUMNS + ["_file"])
    if len(totals):
        totals, _ = _conflicts(totals, ["year", "reporter", "flow"], on_conflict)
    re_flows = _stack([i.re_flows for i in items], FLOW_COLUMNS)
    return flows[FLOW_COLUMNS], totals.reindex(columns=TOTAL_COLUMNS), re_flows
