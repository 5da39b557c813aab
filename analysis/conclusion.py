"""The conclusion's evidence: a dependency screen and, for each recommendation, what this edition's
numbers say for it (or that they cannot say it).

The screen follows the logic of CEPII's product-dependency work: an economy is flagged in a sector
when its imports come from few suppliers (Herfindahl–Hirschman index over partners above 0.4), the
product's world exports are themselves concentrated (HHI over exporters above 0.4), and it imports
more than it exports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pandas as pd

from . import config, findings, products, prose, style
from .findings import fmt
from .schema import WORLD

if TYPE_CHECKING:
    from .chapter import Sector

HHI_CUT = 0.4
SCREEN_TEXT = ("Dependency screen: an economy is flagged in a sector when the Herfindahl–Hirschman index of its "
               f"imports over partners exceeds {HHI_CUT}, the index of world exports over exporters exceeds "
               f"{HHI_CUT} as well, and its imports exceed its exports (thresholds of CEPII's product-dependency "
               "work); both indices are computed inside one source, for the latest year it gives bilateral trade.")


def hhi(values: pd.Series) -> float:
    """Herfindahl–Hirschman index of shares (0 to 1); missing when there is nothing to share."""
    total = values.sum()
    return float(((values / total) ** 2).sum()) if total > 0 else float("nan")


def _sector_slice(key: str) -> tuple[pd.DataFrame, int | None, str | None]:
    """The flows of a sector in the source and latest year of its bilateral figures."""
    from .chapter import Sector

    s = Sector(key)
    data = s.gl_data().dropna(subset=["value"])
    if data.empty:
        return pd.DataFrame(), None, None
    year = int(data["year"].max())
    cov = str(data.loc[data["year"] == year, "coverage"].iloc[0])
    flows = s.ed.stored.flows
    part = flows[(flows["coverage"] == cov) & (flows["year"] == year) & flows["code"].isin(products.codes_of(key))]
    return part, year, cov


def dependency_screen() -> pd.DataFrame:
    """Sector x focus economy: import concentration, main supplier, world-export concentration, flag."""
    cfg = config.load()
    rows = []
    for key in products.SECTORS:
        part, year, _ = _sector_slice(key)
        for econ in cfg.focus:
            row = {"Sector": key.capitalize(), "Economy": style.name(econ), "Year": year or "no data"}
            if part.empty:
                rows.append(row | {"Flag": "no bilateral data"})
                continue
            imports = part[(part["reporter"] == econ) & (part["flow"] == "M") & (part["partner"] != WORLD)]
            by_partner = imports.groupby("partner")["value_usd"].sum().sort_values(ascending=False)
            exporters = part[(part["flow"] == "X") & (part["partner"] == WORLD) & (part["reporter"] != WORLD)]
            world_hhi = hhi(exporters.groupby("reporter")["value_usd"].sum())
            x = part.loc[(part["reporter"] == econ) & (part["flow"] == "X") & (part["partner"] == WORLD), "value_usd"].sum()
            m = part.loc[(part["reporter"] == econ) & (part["flow"] == "M") & (part["partner"] == WORLD), "value_usd"].sum()
            imp_hhi = hhi(by_partner)
            top = (f"{style.name(by_partner.index[0])} {by_partner.iloc[0] / by_partner.sum():.0%}"
                   if len(by_partner) and by_partner.sum() > 0 else "none")
            flagged = findings.available(imp_hhi, world_hhi) and imp_hhi > HHI_CUT and world_hhi > HHI_CUT and m > x
            rows.append(row | {"Import HHI": fmt(imp_hhi), "Main supplier": top, "World-export HHI": fmt(world_hhi),
                               "Imports > exports": "yes" if m > x else "no", "Flag": "flagged" if flagged else "–"})
    return pd.DataFrame(rows).fillna("–")


def screen_sentence(table: pd.DataFrame) -> str:
    """What the screen finds, in words."""
    flagged = table[table["Flag"] == "flagged"]
    if (table["Flag"] == "no bilateral data").all():
        return "The data of this edition give no bilateral imports, so the dependency screen cannot be run."
    if flagged.empty:
        return ("No economy passes all three tests in any sector in this edition: where imports are concentrated "
                "on few suppliers, world exports are not, or the economy exports more than it imports.")
    items = [f"{r['Economy']} in {r['Sector'].lower()} (main supplier {r['Main supplier']})"
             for _, r in flagged.iterrows()]
    return f"The screen flags {len(items)} case(s): " + "; ".join(items) + "."


def partner_runs(indicator: str, variant: str,
                 sectors: list[str] | None = None) -> Iterator[tuple["Sector", str, pd.DataFrame]]:
    """(sector, partner, series) for the reporter with each other focus economy: the last stretch of
    the series from one source, where the data give one."""
    from .chapter import Sector

    cfg = config.load()
    for key in sectors or list(products.SECTORS):
        s = Sector(key)
        for partner in (p for p in cfg.focus if p != cfg.reporter):
            run = s.run(indicator, key, cfg.reporter, partner, variant)
            if len(run):
                yield s, partner, run


def _reliance() -> dict[str, list[str]]:
    """Partner -> sectors in which the reporter relies on imports from it (bilateral TSI at or below the cut)."""
    out: dict[str, list[str]] = {}
    for s, partner, run in partner_runs("TSI", "standard"):
        if float(run["value"].iloc[-1]) <= -findings.threshold("dependence"):
            out.setdefault(partner, []).append(f"{s.title} (TSI {fmt(float(run['value'].iloc[-1]))}, "
                                               f"{int(run['year'].iloc[-1])})")
    return out


def evidence(number: int) -> str:
    """The computed evidence behind recommendation `number` (1 to 5), or why this edition cannot give it."""
    from .chapter import Sector

    cfg = config.load()
    reporter = style.prose(cfg.reporter)
    none = "This edition's data do not bear on it either way."
    if number == 1:
        rel = _reliance()
        screen = screen_sentence(dependency_screen())
        if not rel:
            return f"In this edition {reporter} relies on imports from neither partner in any sector. {screen}"
        parts = [f"from {style.prose(p)} in {findings.join_words(v)}" for p, v in rel.items()]
        return f"In this edition {reporter} relies on imports " + "; ".join(parts) + f". {screen}"
    if number in (2, 4):
        sectors = ["system", "materials", "equipment"] if number == 2 else list(products.SECTORS)
        one_way, rising = [], []
        for s, partner, run in partner_runs("GL", "sum", sectors):
            last = float(run["value"].iloc[-1])
            if last < findings.threshold("complementarity"):
                one_way.append(f"{s.title} with {style.prose(partner)} ({fmt(last)})")
            if len(run) >= 2 and findings.change(run["value"].iloc[0], last) == "rose":
                rising.append(f"{s.title} with {style.prose(partner)} ({fmt(run['value'].iloc[0])} to {fmt(last)})")
        if number == 2:
            return (f"Trade is mainly one-way (Grubel–Lloyd index below 0.5) in {'; '.join(one_way)}." if one_way
                    else "No sector of system chips, materials or equipment shows mainly one-way trade with the "
                         "partners in this edition. " + none)
        return (f"Two-way trade rose, within one source, in {'; '.join(rising)}." if rising
                else "No Grubel–Lloyd index of " + reporter + " with the partners rose by more than 0.05 within one "
                     "source in this edition, so it does not show the segments to build on. " + none)
    if number == 3:
        s = Sector("materials")
        return " ".join(s.it_finding(s.key, p) for p in cfg.focus if p != cfg.reporter)
    if number == 5:
        s = Sector("equipment")
        return s.summary(where=s.title) or f"This edition cannot place the three economies in {s.title}. {none}"
    raise ValueError("recommendations are numbered 1 to 5")


def roles() -> str:
    """Where each focus economy leads (quadrant I) and lags (quadrant III), in the latest year with RSCA."""
    from .chapter import Sector

    cfg = config.load()
    out: dict[str, dict[str, str | None]] = {style.prose(e): {} for e in cfg.focus}
    for key in products.SECTORS:
        s = Sector(key)
        for e in cfg.focus:
            pts = s.position(e).with_rsca
            if pts:
                out[style.prose(e)][s.title] = findings.quadrant(pts[-1].rsca, pts[-1].tsi)
    if not any(out.values()):
        return "This edition cannot place the economies in the quadrants, so their roles are not read from it."
    return prose.roles(out)
