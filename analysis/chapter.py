"""What the chapters call: one object per sector with its three figures, notes and findings.

Chapter cells stay one line long: `s = Sector("memory")`, `s.quadrant_figure()`, and inline
expressions such as `s.findings("quadrant")` in the prose. Every series is drawn from one
coverage per year (see `coverage`); a change of coverage is a break, marked on the figure,
said in the note and never crossed by a trend sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from . import config, countries, coverage, edition, figures, findings, products, prose, style
from .findings import available, fmt, join_words, span
from .schema import WORLD

def economies_text(focus: tuple[str, ...]) -> str:
    """Economies in running text, long names with the report's short name where it differs:
    'the Republic of Korea (ROK), China and Japan'."""
    table = countries.table().set_index("iso3")
    names = []
    for iso in focus:
        long = str(table.loc[iso, "name"]) if iso in table.index else style.name(iso)
        short = style.name(iso)
        text = long if long == short else f"{long} ({short})"
        names.append(("the " + text) if iso in style.ARTICLE else text)
    return join_words(names)


def partners_text(partners: tuple[str, ...]) -> str:
    """Partners in running text, the world last: 'China, Japan, the United States and the World'."""
    return join_words([style.prose(p) if p != WORLD else "the World" for p in partners])


def segment_name(group: str) -> str:
    """How a group is named in a figure or sentence."""
    if "/" in group:
        return group.split("/", 1)[1]
    return f"all {products.SECTORS[group]}"


@dataclass
class Sector:
    """One sector of the chapter: figures, notes and computed sentences for it."""

    key: str

    def __post_init__(self) -> None:
        if self.key not in products.SECTORS:
            raise ValueError(f"unknown sector {self.key!r}; choose from {', '.join(products.SECTORS)}")
        self.ed = edition.current()
        self.cfg = config.load()

    @property
    def title(self) -> str:
        return products.SECTORS[self.key]

    def economies_text(self) -> str:
        """The focus economies as the prose names them, from the configuration ('China, Japan and …')."""
        return economies_text(self.cfg.focus)

    @property
    def source(self) -> str:
        return self.ed.source_line

    def source_of(self, data: pd.DataFrame) -> str:
        """The source line of a figure: the sources of the coverages it draws on (and the totals')."""
        if self.ed.synthetic or "coverage" not in data or data.empty:
            return self.source
        names = {self.meta.get(str(c), {}).get("source", "") for c in data["coverage"].unique()}
        cited = [edition.SOURCE_NAMES.get(n, n) for n in sorted(n for n in names if n)]
        if "RSCA" in data and data["RSCA"].notna().any():
            cited += [edition.SOURCE_NAMES.get(t, t) for t in self.ed.stored.manifest.get("totals_sources", [])]
        return "Source: compiled using data from " + "; ".join(dict.fromkeys(cited)) + "."

    @property
    def meta(self) -> dict[str, dict]:
        return self.ed.stored.manifest.get("coverages", {})

    # --- which groups and years each figure shows ------------------------------------------------
    def _rows(self, indicator: str | list[str], groups: list[str], *, reporters: list[str] | None = None,
              partners: list[str] | None = None) -> pd.DataFrame:
        df = self.ed.indicators
        names = [indicator] if isinstance(indicator, str) else indicator
        mask = df["indicator"].isin(names) & df["group"].isin(groups)
        if reporters is not None:
            mask &= df["reporter"].isin(reporters)
        if partners is not None:
            mask &= df["partner"].isin(partners)
        return df[mask]

    @cached_property
    def fallback(self) -> bool:
        """True when none of the sector's segment lines is in the data and the figures show the HS6 sector."""
        segs = [g for g in products.figure_segments(self.key, "gl") + products.figure_segments(self.key, "it") if g != self.key]
        if not segs:
            return False
        have = self._rows(["GL", "EI", "II"], segs, reporters=[self.cfg.reporter]).dropna(subset=["value"])
        return have.empty

    def segments(self, kind: str) -> list[str]:
        """The groups a GL or IT figure shows: the segments, or the whole sector when they are absent."""
        return [self.key] if self.fallback else products.figure_segments(self.key, kind)

    @cached_property
    def quadrant_years(self) -> list[int]:
        """Years from the configured start in which every focus economy has a TSI or an RSCA."""
        rows = self._rows(["TSI", "RSCA"], [self.key], reporters=list(self.cfg.focus), partners=[WORLD])
        rows = rows.dropna(subset=["value"])
        full = rows.groupby("year")["reporter"].nunique()
        years = [int(y) for y, n in full.items() if n == len(self.cfg.focus) and y >= self.cfg.quadrant_from]
        return sorted(years)

    @cached_property
    def recent_years(self) -> list[int]:
        """The last configured number of years in which the reporter has bilateral data for the figures."""
        groups = sorted(set(self.segments("gl") + self.segments("it")))
        rows = self._rows(["GL", "EI", "II"], groups, reporters=[self.cfg.reporter]).dropna(subset=["value"])
        rows = rows[rows["partner"] != WORLD]
        return sorted(int(y) for y in rows["year"].unique())[-self.cfg.recent_years:]

    def years_text(self, kind: str) -> str:
        """The years a figure shows, in words ('2019 and 2022', '2016–2022')."""
        years = self.quadrant_years if kind == "quadrant" else self.recent_years
        return span(years) or "no year (the data do not cover it)"

    def contents_text(self) -> str:
        """What the sector's figures add up, named from the product table and checked against the data."""
        table = products.default_products()
        rows = table[table["code"].isin(products.codes_of(self.key))]
        held = set(self.ed.stored.flows["code"].unique())
        have = rows[rows["code"].isin(held)]
        text = "The sector is taken as a whole"
        if len(have):
            text += ": " + "; ".join(f"{seg} (HS {', '.join(part['code'])})"
                                     for seg, part in have.groupby("segment", sort=False))
        text += "."
        absent = rows[~rows["code"].isin(held)]
        if len(absent):
            text += (f" HS {', '.join(absent['code'])} ({', '.join(dict.fromkeys(absent['segment']))}) "
                     f"{'is' if len(absent) == 1 else 'are'} in the sector but not in this edition's files.")
        return text

    def segments_text(self) -> str:
        """What the GL and IT figures split the sector into, or why they do not."""
        segs = ", ".join(segment_name(g) for g in products.figure_segments(self.key, "it"))
        if self.fallback:
            return (f"The national tariff lines that split the sector into {segs} are not in this edition's files, so "
                    f"the sector is shown as a whole, at HS {', '.join(products.codes_of(self.key))}.")
        return f"The sector is split into the national tariff lines that separate {segs}."

    # --- data for the figures ----------------------------------------------------------------
    @cached_property
    def quadrant_data(self) -> pd.DataFrame:
        """economy, year, RSCA, TSI and coverage for the focus economies (and configured extras)."""
        economies = list(self.cfg.focus + self.cfg.quadrant_extra)
        rows = self._rows(["RSCA", "TSI"], [self.key], reporters=economies, partners=[WORLD])
        rows = rows[rows["year"].isin(self.quadrant_years)]
        wide = rows.pivot_table(index=["reporter", "year", "coverage"], columns="indicator", values="value",
                                aggfunc="first", dropna=False).reset_index()
        for col in ("RSCA", "TSI"):
            if col not in wide:
                wide[col] = float("nan")
        wide = wide.rename(columns={"reporter": "economy"}).dropna(subset=["RSCA", "TSI"], how="all")
        order = {e: i for i, e in enumerate(economies)}
        return wide.sort_values(["economy", "year"], key=lambda c: c.map(order) if c.name == "economy" else c)[
            ["economy", "year", "RSCA", "TSI", "coverage"]].reset_index(drop=True)

    def _bilateral(self, indicator: str, variant: str, groups: list[str]) -> pd.DataFrame:
        rows = self._rows(indicator, groups, reporters=[self.cfg.reporter], partners=list(self.cfg.partners))
        out = rows[(rows["variant"] == variant) & rows["year"].isin(self.recent_years)].copy()
        out["segment"] = out["group"].map(segment_name)
        return out

    def gl_data(self) -> pd.DataFrame:
        return self._bilateral("GL", "sum", self.segments("gl"))

    def it_data(self) -> pd.DataFrame:
        ei = self._bilateral("EI", "standard", self.segments("it")).assign(direction="export")
        ii = self._bilateral("II", "standard", self.segments("it")).assign(direction="import")
        return pd.concat([ei, ii], ignore_index=True)

    def _data(self, kind: str) -> pd.DataFrame:
        return {"quadrant": lambda: self.quadrant_data, "gl": self.gl_data, "it": self.it_data}[kind]()

    def _drawn(self, kind: str) -> pd.DataFrame:
        """The rows a figure actually draws (those with a value)."""
        return self._data(kind).dropna(subset=["RSCA", "TSI"] if kind == "quadrant" else ["value"], how="all")

    def breaks(self, kind: str) -> list[coverage.Break]:
        """Changes of coverage along the years a figure shows."""
        data = self._drawn(kind)
        return coverage.breaks(data[["year", "coverage"]]) if len(data) else []

    # --- figures -----------------------------------------------------------------------------
    def _finish(self, fig: Figure, kind: str) -> Figure:
        figures.export(fig, f"fig-{self.key}-{kind}", data=self.figure_data(kind), about=self.figure_about(kind))
        plt.close(fig)  # shown once, as the cell's result, not again by the inline backend
        return fig

    @property
    def rsca_available(self) -> bool:
        return bool(self.quadrant_data.dropna(subset=["RSCA", "TSI"]).shape[0])

    def axes_text(self) -> str:
        """How the competitiveness figure places the economies, as drawn in this edition."""
        return prose.quadrant_axes(self.rsca_available, self.years_text("quadrant"))

    def reading_text(self) -> str:
        """How to read the competitiveness figure, as drawn in this edition."""
        return prose.quadrant_reading(self.rsca_available)

    def quadrant_figure(self) -> Figure:
        """RSCA x TSI trajectories; TSI alone by year where RSCA cannot be computed."""
        data = self.quadrant_data
        breaks = [b.year for b in self.breaks("quadrant")]
        if self.rsca_available or data["TSI"].isna().all():
            return self._finish(figures.quadrant_chart(data, label=self.ed.label), "quadrant")
        fig = figures.tsi_chart(data, years=self.quadrant_years, label=self.ed.label, breaks=breaks,
                                note="Trade specialization index (TSI) by year; RSCA cannot be computed from this edition")
        return self._finish(fig, "quadrant")

    def gl_figure(self) -> Figure:
        segs = [segment_name(g) for g in self.segments("gl")]
        fig = figures.gl_chart(self.gl_data(), segments=segs, partners=list(self.cfg.partners),
                               years=self.recent_years, label=self.ed.label, breaks=[b.year for b in self.breaks("gl")])
        return self._finish(fig, "gl")

    def it_figure(self) -> Figure:
        segs = [segment_name(g) for g in self.segments("it")]
        partners = [p for p in self.cfg.partners if p != WORLD]
        fig = figures.it_chart(self.it_data(), segments=segs, partners=partners, years=self.recent_years,
                               label=self.ed.label, breaks=[b.year for b in self.breaks("it")])
        return self._finish(fig, "it")

    # --- notes under the figures ----------------------------------------------------------------
    def _codes(self, kind: str) -> list[str]:
        keys = [self.key] if kind == "quadrant" else self.segments(kind)
        return [c for k in keys for c in products.codes_of(k)]

    def _coverage_sentence(self, name: str, years: list[int], kind: str) -> str:
        m = self.meta.get(name, {})
        held = [c for c in self._codes(kind) if c in m.get("codes", [])]
        codes = f"HS {', '.join(held)}" if held else "the codes of the product table"
        text = f"{span(years)}: {m.get('description', name)}; {codes}; world = {m.get('world', 'as reported')}"
        return text + "."

    def note(self, kind: str) -> str:
        """Source, what each coverage covers (codes, years, world), breaks, fallbacks and the label."""
        data = self._drawn(kind)
        parts = [self.source_of(data)]
        if kind == "quadrant" and self.rsca_available:
            parts.append(figures.QUADRANT_NOTE)
        elif kind == "quadrant":
            parts.append(f"RSCA is {edition.NOT_AVAILABLE}: it needs exports of all goods for the same economies, "
                         "which the edition's files do not give. Dotted lines: the very strong (above 0.5) and very "
                         "weak (below −0.5) specialization bands.")
        if kind != "quadrant":
            parts.append(f"{style.prose(self.cfg.reporter, start=True)}'s trade with each partner.")
        for name, part in data.groupby("coverage", sort=False):
            parts.append(self._coverage_sentence(str(name), sorted(part["year"].unique()), kind))
        if kind == "quadrant" and self.rsca_available and "unctadstat" in self.ed.stored.manifest.get("totals_sources", []):
            parts.append("Exports of all goods, the denominators of RSCA: UNCTADstat, summed over the same economies "
                         "as the sector's world.")
        for b in self.breaks(kind):
            parts.append(f"Break in {b.year}: the source changes from {self.meta.get(b.before, {}).get('description', b.before)} "
                         f"to {self.meta.get(b.after, {}).get('description', b.after)}, with another world and other "
                         "codes; the lines are not joined across it and no trend is read across it.")
        if kind == "it" and len(self.segments("it")) > 1:
            parts.append("Each row of panels has its own vertical scale; the dashed line marks 1, the world benchmark.")
        if kind != "quadrant" and self.fallback:
            lines = ", ".join(segment_name(g) for g in products.figure_segments(self.key, kind))
            parts.append(f"The national tariff lines that split the sector ({lines}) are not in this edition's files; "
                         f"the sector is shown at HS {', '.join(products.codes_of(self.key))}.")
        parts += self.incomplete_notes(data)
        if kind == "quadrant":
            parts += self.hong_kong_notes()
        years = sorted(data["year"].unique()) if len(data) else []
        if years:
            parts += products.breaks_for(self._codes(kind), int(years[0]), int(years[-1]))
        if self.ed.label:
            parts.append(self.ed.label + ".")
        return " ".join(parts)

    # --- values from the flows of one coverage ---------------------------------------------------
    @cached_property
    def _trade(self) -> pd.Series:
        """USD by (coverage, year, reporter, partner, flow, code) for the codes of this sector's groups."""
        groups = {self.key, *products.figure_segments(self.key, "gl"), *products.figure_segments(self.key, "it")}
        codes = {c for g in groups for c in products.codes_of(g)}
        flows = self.ed.stored.flows
        part = flows[flows["code"].isin(codes)]
        keys = ["coverage", "year", "reporter", "partner", "flow", "code"]
        return part.groupby(keys, observed=True)["value_usd"].sum().sort_index()

    def trade(self, group: str, reporter: str, partner: str, year: int, cov: str) -> tuple[float, float]:
        """Exports and imports (USD) of a group between two economies in one coverage (NaN when absent)."""
        codes = set(products.codes_of(group))
        out = []
        for flow in ("X", "M"):
            try:
                rows = self._trade.loc[(cov, year, reporter, partner, flow)]
            except KeyError:
                out.append(float("nan"))
                continue
            held = rows[rows.index.isin(codes)]
            out.append(float(held.sum()) if len(held) else float("nan"))
        return out[0], out[1]

    def hong_kong_notes(self) -> list[str]:
        """Where Hong Kong, China takes more than the threshold of a focus economy's sector trade."""
        cut = findings.threshold("hong_kong")
        data = self.quadrant_data.dropna(subset=["TSI", "RSCA"], how="all")
        if data.empty:
            return []
        year = int(data["year"].max())
        shares = []
        for economy in self.cfg.focus:
            row = data[(data["economy"] == economy) & (data["year"] == year)]
            if row.empty:
                continue
            cov = str(row["coverage"].iloc[0])
            hk, world = self.trade(self.key, economy, "HKG", year, cov), self.trade(self.key, economy, WORLD, year, cov)
            for direction, h, w in (("exports", hk[0], world[0]), ("imports", hk[1], world[1])):
                if available(h, w) and w > 0 and h / w > cut:
                    shares.append(f"{h / w:.0%} of {style.prose(economy)}'s {direction}")
        if not shares:
            return []
        return [f"Hong Kong, China took {join_words(shares)} of {self.title} in {year}; much of that trade passes through "
                "Hong Kong on its way to or from mainland China."]

    def incomplete_notes(self, data: pd.DataFrame) -> list[str]:
        """Years left out of a figure because its source has too few reporters in them."""
        out = []
        for name in data["coverage"].unique() if "coverage" in data else []:
            m = self.meta.get(str(name), {})
            counts = m.get("reporters_by_year", {})
            usual = int(pd.Series(list(counts.values())).median()) if counts else 0
            shown = data.loc[data["coverage"] == name, "year"]
            for year, n in m.get("incomplete_years", {}).items():
                if shown.min() <= int(year) <= shown.max() + 1:
                    out.append(f"{year} is left out: only {n} economies report it in {m.get('description', name)}, "
                               f"against about {usual} in its other years.")
        return out

    # --- findings ----------------------------------------------------------------------------
    def series(self, indicator: str, group: str, reporter: str, partner: str, variant: str) -> pd.DataFrame:
        """The values of one series (by year, with their coverage), missing years left out."""
        s = self.ed.series(indicator, group, reporter=reporter, partner=partner, variant=variant)
        return s.dropna(subset=["value"])

    def run(self, indicator: str, group: str, reporter: str, partner: str, variant: str) -> pd.DataFrame:
        """The last stretch of a series that comes from one source: what a trend may be read from."""
        return self.last_run(self.series(indicator, group, reporter, partner, variant))

    @staticmethod
    def last_run(s: pd.DataFrame) -> pd.DataFrame:
        """The last stretch of a series drawn from one coverage (no trend is read across a break)."""
        if s.empty:
            return s
        last = s["coverage"].iloc[-1]
        changed = s["coverage"].ne(last)
        start = changed[changed].index.max() if changed.any() else None
        return s.loc[s.index > start] if start is not None else s

    def _quadrant_points(self, economy: str) -> pd.DataFrame:
        """An economy's (RSCA, TSI) points, every source."""
        data = self.quadrant_data
        return data[data["economy"] == economy].dropna(subset=["RSCA", "TSI"])

    def quadrant_path(self, economy: str) -> pd.DataFrame:
        """An economy's (RSCA, TSI) points in the last stretch from one source."""
        return self.last_run(self._quadrant_points(economy))

    @staticmethod
    def break_before(series: pd.DataFrame, run: pd.DataFrame) -> int | None:
        """The first year of the last stretch when an earlier stretch came from another source."""
        return int(run["year"].iloc[0]) if len(run) and len(series) > len(run) else None

    def position(self, economy: str) -> prose.Position:
        """The competitiveness record of one economy: its (RSCA, TSI) stretch, or TSI alone."""
        full = self._quadrant_points(economy)
        run = self.last_run(full)
        if run.empty:
            series = self.series("TSI", self.key, economy, WORLD, "standard")
            series = series[series["year"].isin(self.quadrant_years)]
            run, full = self.last_run(series).rename(columns={"value": "TSI"}), series
            run = run.assign(RSCA=float("nan"))
        points = [prose.Point(int(r.year), float(r.TSI), float(r.RSCA)) for r in run.itertuples()]
        return prose.Position(style.prose(economy), points, self.break_before(full, run))

    def summary(self, where: str = "") -> str:
        """Every focus economy's quadrant in the latest year, in one sentence."""
        return prose.summary([self.position(e) for e in self.cfg.focus], where)

    @staticmethod
    def change_of(run: pd.DataFrame) -> prose.Change | None:
        """First and last value of a stretch, or None with fewer than two years."""
        if len(run) < 2:
            return None
        return prose.Change(int(run["year"].iloc[0]), float(run["value"].iloc[0]),
                            int(run["year"].iloc[-1]), float(run["value"].iloc[-1]))

    def partner_name(self, partner: str) -> str:
        return "the world" if partner == WORLD else style.prose(partner)

    def two_way(self, group: str) -> prose.TwoWay:
        """The Grubel–Lloyd record of one segment: latest values, changes within one source, gaps."""
        series = {p: self.series("GL", group, self.cfg.reporter, p, "sum") for p in self.cfg.partners}
        runs = {p: (s, self.last_run(s)) for p, s in series.items()}
        runs = {p: r for p, r in runs.items() if not r[1].empty}
        year = max((int(r["year"].iloc[-1]) for _, r in runs.values()), default=None)
        latest = {self.partner_name(p): float(r["value"].iloc[-1]) for p, (_, r) in runs.items()
                  if p != WORLD and int(r["year"].iloc[-1]) == year}
        changes = {self.partner_name(p): c for p, (_, r) in runs.items() if (c := self.change_of(r)) is not None}
        breaks = [b for s, r in runs.values() if (b := self.break_before(s, r)) is not None]
        missing = [style.prose(p) for p in self.cfg.partners if p not in runs and p != WORLD]
        return prose.TwoWay(style.prose(self.cfg.reporter), segment_name(group), year, latest, changes, missing,
                            max(breaks) if breaks else None)

    def gl_finding(self, group: str) -> str:
        """GL with each partner in the latest year, its change within one source, and the gaps."""
        return prose.two_way(self.two_way(group))

    def _why_missing(self, partner: str) -> str:
        """Why the data give no bilateral values with a partner, in words."""
        reporters = {r for m in self.meta.values() for r in m.get("reporters", [])}
        if partner not in reporters:
            return f"{style.prose(partner)} reports in none of this edition's bilateral sources"
        return "this edition's files do not give both directions of that trade"

    def link(self, group: str, partner: str) -> prose.Link:
        """The reporter's trade with one partner in one segment: values, balance, intensities."""
        names = dict(reporter=style.prose(self.cfg.reporter), partner=style.prose(partner), segment=segment_name(group))
        tsi = self.run("TSI", group, self.cfg.reporter, partner, "standard")
        if tsi.empty:
            return prose.Link(**names, year=None, missing=self._why_missing(partner))
        year, cov = int(tsi["year"].iloc[-1]), str(tsi["coverage"].iloc[-1])
        x, m = self.trade(group, self.cfg.reporter, partner, year, cov)
        ii_series = self.series("II", group, self.cfg.reporter, partner, "standard")
        ii_run = self.last_run(ii_series)
        return prose.Link(**names, year=year, exports=x, imports=m, tsi=float(tsi["value"].iloc[-1]),
                          ei=self.ed.value("EI", group, self.cfg.reporter, partner, year, "standard"),
                          ii=self.ed.value("II", group, self.cfg.reporter, partner, year, "standard"),
                          ii_change=self.change_of(ii_run), break_year=self.break_before(ii_series, ii_run))

    def it_finding(self, group: str, partner: str) -> str:
        """Dependence from the value balance (bilateral TSI), then export and import intensity."""
        return prose.link(self.link(group, partner))

    def it_partner_extremes(self, group: str, direction: str = "export") -> str:
        """The partner with the highest and lowest intensity in the latest year."""
        if not self.recent_years:
            return ""
        last = self.recent_years[-1]
        ind = "EI" if direction == "export" else "II"
        values = {style.prose(p): self.ed.value(ind, group, self.cfg.reporter, p, last, "standard")
                  for p in self.cfg.partners if p != WORLD}
        return prose.extremes(segment_name(group), direction, last, values)

    def pair_summary(self, economy: str, partner: str) -> str:
        """GL and value balance of one focus economy with another in the latest year of one source."""
        gl = self.run("GL", self.key, economy, partner, "sum")
        tsi = self.run("TSI", self.key, economy, partner, "standard")
        if tsi.empty:
            return f"{style.name(partner)}: no data"
        b, year = float(tsi["value"].iloc[-1]), int(tsi["year"].iloc[-1])
        g = f"GL {fmt(float(gl['value'].iloc[-1]))}, " if len(gl) else ""
        return f"{style.name(partner)} {year}: {g}{findings.balance(b)} (TSI {fmt(b)})"

    def findings(self, kind: str) -> str:
        """The findings paragraph of a lens: every sentence generated from the numbers."""
        if kind == "quadrant":
            positions = [self.position(e) for e in self.cfg.focus]
            if not any(p.with_rsca for p in positions):
                return prose.tsi_paragraph(positions)
            return " ".join(prose.quadrant(p) for p in positions)
        if kind == "gl":
            return " ".join(self.gl_finding(g) for g in self.segments("gl"))
        partners = [p for p in self.cfg.focus if p != self.cfg.reporter]
        text = [self.it_finding(g, p) for g in self.segments("it") for p in partners]
        text += [self.it_partner_extremes(self.segments("it")[0], d) for d in ("export", "import")]
        return " ".join(t for t in text if t)

    def heading_finding(self) -> str:
        """RSCA in integrated circuits as a whole (heading 8542), where a source gives only the heading."""
        group = products.IC_HEADING
        changes = {}
        for economy in self.cfg.focus:
            c = self.change_of(self.run("RSCA", group, economy, WORLD, "standard"))
            if c is not None:
                changes[style.prose(economy)] = c
        series = self.series("RSCA", group, self.cfg.focus[0], WORLD, "standard")
        world = self.meta.get(str(series["coverage"].iloc[-1]), {}).get("world", "") if len(series) else ""
        notes = self.incomplete_notes(series) if len(series) else []
        return prose.heading(changes, world, notes)

    # --- each figure as data, for the website (analysis.figure_data, analysis.describe) -------------
    def figure_data(self, kind: str) -> pd.DataFrame:
        """Exactly the values a figure draws, one row per marker, with readable names."""
        if kind == "quadrant":
            data = self.quadrant_data
            cols = ["RSCA", "TSI"] if self.rsca_available else ["TSI"]
            out = data.dropna(subset=cols)[["economy", "year", *cols, "coverage"]]
            return out.assign(economy_name=out["economy"].map(style.name)).reset_index(drop=True)
        data = self._drawn(kind)
        data = data[data["partner"] != WORLD] if kind == "it" else data
        measure = {"gl": "GL"}.get(kind, "intensity")
        cols = ["segment", *(["direction"] if kind == "it" else []), "partner", "year", "value", "coverage"]
        out = data[cols].rename(columns={"value": measure})
        return out.assign(partner_name=out["partner"].map(style.name)).reset_index(drop=True)

    def figure_about(self, kind: str) -> dict:
        """What a figure's data are: source, vintage, codes and world of each coverage, notes, description."""
        from .tables import _vintage

        drawn = self._drawn(kind)
        used = sorted(str(c) for c in drawn["coverage"].unique()) if "coverage" in drawn else []
        return {"figure": f"fig-{self.key}-{kind}", "sector": self.title, "edition": self.ed.name,
                "synthetic": self.ed.synthetic, "label": self.ed.label, "source": self.source_of(drawn),
                "vintage": _vintage(self.ed), "codes": self._codes(kind),
                "coverages": [{"coverage": c, "description": self.meta.get(c, {}).get("description", c),
                               "world": self.meta.get(c, {}).get("world", "as reported"),
                               "codes": [x for x in self._codes(kind) if x in self.meta.get(c, {}).get("codes", [])],
                               "years": sorted(int(y) for y in drawn.loc[drawn["coverage"] == c, "year"].unique())}
                              for c in used],
                "note": self.note(kind), "description": self.describe(kind)}

    def describe(self, kind: str) -> str:
        """A figure's short text alternative, from the same records as the prose."""
        from . import describe

        if kind == "quadrant":
            return describe.quadrant_chart([self.position(e) for e in self.cfg.focus])
        if kind == "gl":
            return describe.gl_chart([self.two_way(g) for g in self.segments("gl")])
        partners = [p for p in self.cfg.partners if p != WORLD]
        return describe.it_chart([self.link(g, p) for g in self.segments("it") for p in partners])
