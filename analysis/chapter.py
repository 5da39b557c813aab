"""What the chapters call: one object per sector with its three figures and its findings.

Chapter cells stay one line long: `s = Sector("memory")`, `s.quadrant_figure()`, and inline
expressions such as `s.quadrant_finding("KOR")` in the prose.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from . import config, edition, figures, findings, products, style
from .findings import QUADRANT_MEANING, available, fmt
from .indicators import tsi_band
from .schema import WORLD

# Which segments each sector's GL and IT figures show (group keys of the product table).
FIGURE_SEGMENTS: dict[str, dict[str, list[str]]] = {
    "memory": {"gl": ["memory/DRAM", "memory/MCP/flash"],
               "it": ["memory/DRAM", "memory/MCP", "memory/flash", "memory/SRAM"]},
    "system": {"gl": ["system/processors and controllers", "system/amplifiers", "system/SoC and other ICs",
                      "system/IC parts"],
               "it": ["system/processors and controllers", "system/amplifiers", "system/SoC and other ICs",
                      "system/IC parts"]},
    "equipment": {"gl": ["equipment"], "it": ["equipment"]},
    "materials": {"gl": ["materials"], "it": ["materials"]},
}


def segment_name(group: str) -> str:
    """How a group is named in a figure or sentence."""
    if "/" in group:
        return group.split("/", 1)[1]
    return f"all {products.SECTORS[group]}"


@dataclass
class Sector:
    """One sector of the chapter: figures and computed sentences for it."""

    key: str

    def __post_init__(self) -> None:
        if self.key not in products.SECTORS:
            raise ValueError(f"unknown sector {self.key!r}; choose from {', '.join(products.SECTORS)}")
        self.ed = edition.current()
        self.cfg = config.load()

    # --- years -----------------------------------------------------------------------------
    @property
    def title(self) -> str:
        return products.SECTORS[self.key]

    @cached_property
    def quadrant_years(self) -> list[int]:
        """Years from the configured start to the last year with TSI data for the sector."""
        years = self._years_with("TSI", partner=WORLD)
        return [y for y in years if y >= self.cfg.quadrant_from] or [y for y in self.ed.years
                                                                     if y >= self.cfg.quadrant_from]

    @cached_property
    def recent_years(self) -> list[int]:
        """The last configured number of years in which the reporter has bilateral data for the sector."""
        years = self._years_with("GL", reporter=self.cfg.reporter, bilateral=True)
        return (years or self.ed.years)[-self.cfg.recent_years:]

    def _years_with(self, indicator: str, *, reporter: str | None = None, partner: str | None = None,
                    bilateral: bool = False) -> list[int]:
        df = self.ed.indicators
        groups = [self.key] + FIGURE_SEGMENTS[self.key]["gl"] + FIGURE_SEGMENTS[self.key]["it"]
        mask = (df["indicator"] == indicator) & df["group"].isin(groups) & df["value"].notna()
        if reporter:
            mask &= df["reporter"] == reporter
        if partner:
            mask &= df["partner"] == partner
        if bilateral:
            mask &= df["partner"] != WORLD
        return sorted(int(y) for y in df.loc[mask, "year"].unique())

    @property
    def source(self) -> str:
        return self.ed.source_line

    # --- data for the figures ----------------------------------------------------------------
    @cached_property
    def quadrant_data(self) -> pd.DataFrame:
        """economy, year, RSCA, TSI for the focus economies (and configured extras)."""
        frames = []
        for economy in self.cfg.focus + self.cfg.quadrant_extra:
            rsca = self.ed.series("RSCA", self.key, reporter=economy)[["year", "value"]].rename(columns={"value": "RSCA"})
            tsi = self.ed.series("TSI", self.key, reporter=economy)[["year", "value"]].rename(columns={"value": "TSI"})
            both = rsca.merge(tsi, on="year", how="outer")
            both["economy"] = economy
            frames.append(both[both["year"].isin(self.quadrant_years)])
        return pd.concat(frames, ignore_index=True)

    def _bilateral(self, indicator: str, variant: str, groups: list[str]) -> pd.DataFrame:
        df = self.ed.indicators
        mask = ((df["indicator"] == indicator) & (df["variant"] == variant) & (df["reporter"] == self.cfg.reporter)
                & df["group"].isin(groups) & df["partner"].isin(self.cfg.partners) & df["year"].isin(self.recent_years))
        out = df[mask].copy()
        out["segment"] = out["group"].map(segment_name)
        return out

    def gl_data(self) -> pd.DataFrame:
        return self._bilateral("GL", "sum", FIGURE_SEGMENTS[self.key]["gl"])

    def it_data(self) -> pd.DataFrame:
        ei = self._bilateral("EI", "standard", FIGURE_SEGMENTS[self.key]["it"]).assign(direction="export")
        ii = self._bilateral("II", "standard", FIGURE_SEGMENTS[self.key]["it"]).assign(direction="import")
        return pd.concat([ei, ii], ignore_index=True)

    # --- figures -----------------------------------------------------------------------------
    def _finish(self, fig: Figure, kind: str) -> Figure:
        figures.export(fig, f"fig-{self.key}-{kind}")
        plt.close(fig)  # shown once, as the cell's result, not again by the inline backend
        return fig

    @property
    def rsca_available(self) -> bool:
        return bool(self.quadrant_data.dropna(subset=["RSCA", "TSI"]).shape[0])

    def quadrant_figure(self) -> Figure:
        """RSCA x TSI trajectories; TSI alone by year where RSCA cannot be computed."""
        data = self.quadrant_data
        if self.rsca_available or data["TSI"].isna().all():
            return self._finish(figures.quadrant_chart(data, label=self.ed.label), "quadrant")
        note = f"RSCA {edition.NOT_AVAILABLE} (no totals of all goods): TSI shown by year"
        fig = figures.tsi_chart(data, years=self.quadrant_years, label=self.ed.label, note=note)
        return self._finish(fig, "quadrant")

    def gl_figure(self) -> Figure:
        segs = [segment_name(g) for g in FIGURE_SEGMENTS[self.key]["gl"]]
        fig = figures.gl_chart(self.gl_data(), segments=segs, partners=list(self.cfg.partners),
                               years=self.recent_years, label=self.ed.label)
        return self._finish(fig, "gl")

    def it_figure(self) -> Figure:
        segs = [segment_name(g) for g in FIGURE_SEGMENTS[self.key]["it"]]
        partners = [p for p in self.cfg.partners if p != WORLD]
        fig = figures.it_chart(self.it_data(), segments=segs, partners=partners, years=self.recent_years,
                               label=self.ed.label)
        return self._finish(fig, "it")

    # --- notes under the figures ----------------------------------------------------------------
    def _codes(self, kind: str) -> list[str]:
        keys = [self.key] if kind == "quadrant" else FIGURE_SEGMENTS[self.key][kind]
        return [c for k in keys for c in products.codes_of(k)]

    def note(self, kind: str) -> str:
        """The source line, the quadrant note and any classification break a figure crosses."""
        years = self.quadrant_years if kind == "quadrant" else self.recent_years
        parts = [self.source]
        if kind == "quadrant" and self.rsca_available:
            parts.append(figures.QUADRANT_NOTE)
        elif kind == "quadrant":
            parts.append(f"RSCA is {edition.NOT_AVAILABLE}: it needs exports of all goods, which the edition's "
                         "files do not contain. Dotted lines: the very strong (above 0.5) and very weak (below −0.5) "
                         "specialization bands.")
        parts += products.breaks_for(self._codes(kind), years[0], years[-1])
        if self.ed.label:
            parts.append(self.ed.label + ".")
        return " ".join(parts)

    # --- findings ----------------------------------------------------------------------------
    def _point(self, economy: str, year: int) -> tuple[float, float]:
        return (self.ed.value("RSCA", self.key, economy, WORLD, year, "standard"),
                self.ed.value("TSI", self.key, economy, WORLD, year, "standard"))

    def quadrant_of(self, economy: str, which: str = "last") -> str:
        year = self.quadrant_years[0 if which == "first" else -1]
        return findings.quadrant(*self._point(economy, year)) or "n/a"

    def quadrant_finding(self, economy: str) -> str:
        """Where an economy sits in the first and last year, and where it moved."""
        name = style.name(economy)
        first, last = self.quadrant_years[0], self.quadrant_years[-1]
        (r0, t0), (r1, t1) = self._point(economy, first), self._point(economy, last)
        if not available(r0, t0, r1, t1):
            return self._tsi_only(economy)
        q0, q1 = findings.quadrant(r0, t0), findings.quadrant(r1, t1)
        where0 = f"quadrant {q0} ({QUADRANT_MEANING[q0]})" if q0 else "on an axis of the chart"
        where1 = f"quadrant {q1}" if q1 else "on an axis"
        same = " as well" if q0 == q1 and q0 else ""
        return (f"{name} was in {where0} in {first} (RSCA {fmt(r0)}, TSI {fmt(t0)}) and in {where1}{same} in {last} "
                f"(RSCA {fmt(r1)}, TSI {fmt(t1)}), a move toward {findings.direction(r1 - r0, t1 - t0)}.")

    def _tsi_only(self, economy: str) -> str:
        """The finding when RSCA is missing (no totals of all goods): TSI alone, where it exists."""
        name = style.name(economy)
        tsi = self.ed.series("TSI", self.key, reporter=economy).dropna(subset=["value"])
        tsi = tsi[tsi["year"].isin(self.quadrant_years)]
        reason = self.ed.series("RSCA", self.key, reporter=economy)["reason"]
        why = f" ({reason.iloc[0]})" if len(reason) and reason.iloc[0] else ""
        if tsi.empty:
            return f"For {name}, RSCA and TSI of {self.title} are {edition.NOT_AVAILABLE}."
        (y0, v0), (y1, v1) = tsi[["year", "value"]].iloc[0], tsi[["year", "value"]].iloc[-1]
        text = f"For {name}, RSCA is {edition.NOT_AVAILABLE}{why}; its TSI was {fmt(v0)} in {int(y0)}"
        if int(y1) != int(y0):
            text += f" and {fmt(v1)} in {int(y1)} ({tsi_band(v1)} specialization)"
        return text + "."

    def gl_value(self, group: str, partner: str, year: int) -> float:
        return self.ed.value("GL", group, self.cfg.reporter, partner, year, "sum")

    def gl_finding(self, group: str) -> str:
        """GL first -> last recent year with each partner, and the strongest and weakest partner."""
        first, last = self.recent_years[0], self.recent_years[-1]
        seg = segment_name(group)
        parts, latest = [], {}
        for partner in self.cfg.partners:
            v0, v1 = self.gl_value(group, partner, first), self.gl_value(group, partner, last)
            if available(v0, v1):
                parts.append(f"with {style.name(partner)} it {findings.change(v0, v1)} ({fmt(v0)} to {fmt(v1)})")
            if available(v1) and partner != WORLD:
                latest[partner] = v1
        reporter = style.name(self.cfg.reporter)
        if not parts:
            return f"The Grubel–Lloyd index of {reporter}'s trade in {seg} is {edition.NOT_AVAILABLE}."
        text = f"Between {first} and {last}, {reporter}'s Grubel–Lloyd index in {seg}: " + "; ".join(parts) + "."
        if len(latest) >= 2:
            hi, lo = max(latest, key=latest.get), min(latest, key=latest.get)
            text += (f" In {last}, intra-industry trade was highest with {style.name(hi)} ({fmt(latest[hi])}) and "
                     f"lowest with {style.name(lo)} ({fmt(latest[lo])}).")
        return text

    def it_values(self, group: str, partner: str, year: int) -> tuple[float, float]:
        return (self.ed.value("EI", group, self.cfg.reporter, partner, year, "standard"),
                self.ed.value("II", group, self.cfg.reporter, partner, year, "standard"))

    def it_finding(self, group: str, partner: str) -> str:
        """Export versus import intensity with one partner in the first and last recent year."""
        first, last = self.recent_years[0], self.recent_years[-1]
        (e0, i0), (e1, i1) = self.it_values(group, partner, first), self.it_values(group, partner, last)
        reporter, name, seg = style.name(self.cfg.reporter), style.name(partner), segment_name(group)
        if not available(e1, i1):
            return f"Trade intensity of {reporter} with {name} in {seg} in {last} is {edition.NOT_AVAILABLE}."
        text = (f"In {seg}, {reporter}'s export intensity with {name} was {fmt(e1)} and its import intensity "
                f"{fmt(i1)} in {last}: the relationship is {findings.asymmetry(e1, i1)}")
        if available(e0, i0):
            text += (f" (export intensity {findings.change(e0, e1)} from {fmt(e0)} in {first}, import intensity "
                     f"{findings.change(i0, i1)} from {fmt(i0)})")
        return text + "."

    def it_partner_extremes(self, group: str, direction: str = "export") -> str:
        """The partner with the highest and lowest intensity in the last year."""
        last = self.recent_years[-1]
        pos = 0 if direction == "export" else 1
        values = {p: self.it_values(group, p, last)[pos] for p in self.cfg.partners if p != WORLD}
        values = {p: v for p, v in values.items() if available(v)}
        if len(values) < 2:
            return f"A ranking of partners by {direction} intensity is {edition.NOT_AVAILABLE}."
        hi, lo = max(values, key=values.get), min(values, key=values.get)
        return (f"In {last}, {direction} intensity in {segment_name(group)} was highest with {style.name(hi)} "
                f"({fmt(values[hi])}) and lowest with {style.name(lo)} ({fmt(values[lo])}).")
