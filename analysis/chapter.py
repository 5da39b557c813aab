"""What the chapters call: one object per sector with its three figures, notes and findings.

Chapter cells stay one line long: `s = Sector("memory")`, `s.quadrant_figure()`, and inline
expressions such as `s.findings("quadrant")` in the prose. Every series is drawn from one
coverage per year (see `coverage`); a change of coverage is a break, marked on the figure,
said in the note and never crossed by a trend sentence.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import cached_property

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from . import claims, config, countries, coverage, edition, figures, findings, products, prose, style, worlds
from .claims import Sentence
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
        names.append(("the " + text) if style.takes_article(iso) else text)
    return join_words(names)


def partners_text(partners: tuple[str, ...]) -> str:
    """Partners in running text, the world last: 'China, Japan, the United States and the World'."""
    return join_words([style.prose(p) if p != WORLD else "the World" for p in partners])


# Short source names for a figure taken from another source than the rest of its paragraph.
SHORT_SOURCES = {"taiwan-customs": "Taiwan customs", "comtrade": "UN Comtrade", "baci": "CEPII BACI",
                 "korea-customs": "Korea customs"}


def earlier_title(key: str) -> str:
    return products.sectors()[key]


def held_years(kind: str) -> list[int]:
    """The years the edition's figures actually show, over every sector: `quadrant` (competitiveness)
    or `bilateral` (intra-industry trade and intensity)."""
    years: set[int] = set()
    for key in products.sectors():
        s = Sector(key)
        years |= set(s.quadrant_years if kind == "quadrant" else s.recent_years)
    return sorted(years)


def held_partners() -> list[str]:
    """The configured partners (the world left out) with at least one bilateral value for the reporter."""
    cfg, df = config.load(), edition.current().indicators
    rows = df[(df["reporter"] == cfg.reporter) & df["indicator"].isin(["GL", "EI", "II"]) & df["value"].notna()]
    have = set(rows["partner"])
    return [p for p in cfg.partners if p != WORLD and p in have]


def taiwan_text() -> str:
    """Which files of the edition hold the own report of the economy that does not report to UN Comtrade
    (Chinese Taipei), and of which years, in one sentence."""
    ed = edition.current()
    flows = ed.stored.flows
    iso = countries.non_reporter()
    name, code = style.name(iso), countries.non_reporter_code()
    own = flows[(flows["reporter"] == iso) & ~flows["mirror"].astype(bool)]
    if ed.synthetic:
        return f"In this synthetic edition {name} reports like every other economy."
    if own.empty:
        return (f"No file of this edition gives {name}'s own report (UN Comtrade holds it as “Other Asia, "
                f"nes”, code {code}); it appears only where partners report their trade with it.")
    meta = ed.stored.manifest.get("coverages", {})
    parts = []
    for cov, part in own.groupby("coverage", observed=True):
        m = meta.get(str(cov), {})
        flows_held = "exports and imports" if set(part["flow"]) >= {"X", "M"} else "exports"
        parts.append(f"{m.get('description', cov)}, its {flows_held} in {span(part['year'].unique())}")
    return (f"{name}'s own reports (UN Comtrade holds them as “Other Asia, nes”, code {code}) are in this "
            "edition as follows: " + "; ".join(parts) + ".")


def segment_name(group: str) -> str:
    """How a group is named in a figure or sentence."""
    if "/" in group:
        return group.split("/", 1)[1]
    return f"all {products.sectors()[group]}"


@dataclass
class Sector:
    """One sector of the chapter: figures, notes and computed sentences for it."""

    key: str

    def __post_init__(self) -> None:
        if self.key not in products.sectors():
            raise ValueError(f"unknown sector {self.key!r}; choose from {', '.join(products.sectors())}")
        self.ed = edition.current()
        self.cfg = config.load()

    @property
    def title(self) -> str:
        return products.sectors()[self.key]

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
            return (f"{style.prose(self.cfg.reporter, start=True)}'s national tariff lines that split the sector into "
                    f"{segs} are not in this edition's files, so "
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
        return self.with_flows(out)

    def with_flows(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Bilateral indicator rows with the flows behind them: `exports_usd`, `imports_usd` (the
        reporter's, in the row's coverage and year; NaN where the coverage gives none) and `material`
        (their sum reaches the configured floor, `report: materiality-usd`)."""
        flows = [self.trade(str(g), str(r), str(p), int(y), str(c)) for g, r, p, y, c in
                 zip(rows["group"], rows["reporter"], rows["partner"], rows["year"], rows["coverage"])]
        rows = rows.assign(exports_usd=[f[0] for f in flows], imports_usd=[f[1] for f in flows])
        return rows.assign(material=[self.is_material(x, m) for x, m in flows])

    @property
    def materiality_usd(self) -> float:
        """USD a year below which a bilateral flow carries no judgement (`report: materiality-usd`)."""
        return float(self.cfg.materiality_usd)

    def is_material(self, exports: float, imports: float) -> bool:
        """True when exports plus imports (USD, a year) reach the materiality floor; missing flows count as none."""
        total = sum(v for v in (exports, imports) if available(v))
        return total >= self.materiality_usd

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
        world = self.world_in(name, [int(y) for y in years]) or "as reported"
        text = f"{span(years)}: {m.get('description', name)}; {codes}; world = {world}"
        if m.get("floor"):
            text += f"; {m['floor']}"
        return text + "."

    def partner_source_notes(self, data: pd.DataFrame) -> list[str]:
        """Partners drawn from another source than the rest of a figure's year (Chinese Taipei from Taiwan
        customs), each said with its source and how the reporter's flows are read from it."""
        out = []
        for year, part in data.groupby("year"):
            counts = part.groupby("coverage")["partner"].nunique()
            if len(counts) < 2:
                continue
            main = counts.idxmax()
            for cov, rows in part[part["coverage"] != main].groupby("coverage"):
                m = self.meta.get(str(cov), {})
                names = join_words([style.prose(p) for p in dict.fromkeys(rows["partner"])])
                reporters = [r for r in m.get("reporters", []) if r in set(rows["partner"])]
                how = (f": {style.prose(reporters[0])}'s own report, {style.prose(self.cfg.reporter)}'s exports "
                       f"to it being its imports from {style.prose(self.cfg.reporter)}" if reporters else "")
                source = edition.SOURCE_NAMES.get(m.get("source", ""), m.get("source", str(cov)))
                out.append(f"{names} in {int(year)}: {m.get('description', cov)} ({source}){how}.")
        return out

    def missing_partner_notes(self) -> list[str]:
        """Partners of the intensity figure with no value in any segment, each with the reason."""
        data = self.it_data().dropna(subset=["value"])
        out = []
        for p in self.cfg.partners:
            if p == WORLD or p in set(data["partner"]):
                continue
            why = self.intensity_missing(self.segments("it")[0], p)
            reason = why["EI"] or why["II"] or self._why_missing(p)
            out.append(f"Trade intensity with {style.prose(p)} is {edition.NOT_AVAILABLE}: {reason}.")
        return out

    # --- RSCA under alternative worlds -------------------------------------------------------------
    def world_sensitivity(self) -> pd.DataFrame:
        """Each (RSCA, TSI) point of the competitiveness figure with its RSCA in every alternative world
        (`worlds.ALTERNATIVES`), the Taiwan source used, and `depends`: the quadrant changes with the world."""
        points = self.quadrant_data.dropna(subset=["RSCA", "TSI"])
        alt = worlds.of_edition(self.ed)
        alt = alt[alt["group"] == self.key].drop(columns=["group", worlds.STATED])
        out = points.merge(alt.rename(columns={"reporter": "economy"}), on=["coverage", "economy", "year"], how="left")
        out[worlds.STATED] = out["RSCA"]
        out = self._with_world_rows(out)
        names = list(worlds.ALTERNATIVES)
        same = [c == self._held_codes(cov) for c, cov in zip(out["world_rows_codes"], out["coverage"])]
        out["depends"] = [worlds.depends(t, dict(zip(names, v)) | ({worlds.WORLD_ROWS: w} if ok else {}))
                          for t, v, w, ok in zip(out["TSI"], out[names].itertuples(index=False, name=None),
                                                 out[worlds.WORLD_ROWS], same)]
        return out.assign(sector=self.key)

    def _held_codes(self, cov: str) -> tuple[str, ...]:
        return tuple(sorted(set(products.codes_of(self.key)) & set(self.meta.get(str(cov), {}).get("codes", ()))))

    def _with_world_rows(self, points: pd.DataFrame) -> pd.DataFrame:
        """Points with the RSCA another source gives from exports to the World (`world-rows`), its
        coverage and the sector's codes it holds (the source holding most of them where several do)."""
        other = worlds.exports_to_world(self.ed.stored.indicators, self.meta, self.key)
        other = other.assign(n=other["codes"].map(len)).sort_values(["n", "coverage"], ascending=[False, True])
        values, sources, codes = [], [], []
        for economy, year, cov in zip(points["economy"], points["year"], points["coverage"]):
            hit = other[(other["reporter"] == economy) & (other["year"] == year) & (other["coverage"] != cov)]
            first = hit.iloc[0] if len(hit) else None
            values.append(float(first["value"]) if first is not None else float("nan"))
            sources.append(str(first["coverage"]) if first is not None else "")
            codes.append(tuple(first["codes"]) if first is not None else ())
        return points.assign(**{worlds.WORLD_ROWS: values, "world_rows_source": sources, "world_rows_codes": codes})

    def world_dependent(self, economy: str, year: int) -> bool:
        """True when the quadrant of an economy's point in `year` changes with the choice of world."""
        rows = self.world_sensitivity()
        hit = rows[(rows["economy"] == economy) & (rows["year"] == int(year))]
        return bool(hit["depends"].any())

    def world_notes(self) -> list[str]:
        """What the competitiveness note says about the world: partner scope, Chinese Taipei, dependence."""
        data = self.world_sensitivity()
        if data.empty:
            return []
        out = [f"{m['scope'][0].upper()}{m['scope'][1:]}." for c in data["coverage"].unique()
               if (m := self.meta.get(str(c), {})).get("scope")]
        if data[worlds.WITH_TWN].notna().any() or data["reason_" + worlds.WITH_TWN].fillna("").ne("").any():
            out.append(f"{style.name(countries.non_reporter())} is not in this world: it is not among the file's "
                       "economies, and the file has no import side from which to mirror its exports; the methods appendix recomputes each RSCA "
                       "with its exports to the same economies added from Taiwan customs.")
        hit = data[data["depends"]]
        if len(hit):
            points = join_words([f"{style.prose(e)} in {y}" for e, y in zip(hit["economy"], hit["year"])])
            out.append(f"The quadrant of {points} depends on the choice of world (see the methods appendix).")
        return out

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
        if kind != "quadrant":
            parts += self.partner_source_notes(data)
        if kind == "it":
            parts += self.missing_partner_notes()
            if any(self.meta.get(str(c), {}).get("world_mode") == "panel" for c in data["coverage"].unique()):
                parts.append(f"A partner's share of {style.prose(self.cfg.reporter)}'s imports, in the text, is its "
                             "share of the imports from the file's economies (the world of this note).")
        if kind != "quadrant":
            parts += self.china_hong_kong_notes(kind)
        if kind == "quadrant" and self.rsca_available and "unctadstat" in self.ed.stored.manifest.get("totals_sources", []):
            parts.append("Exports of all goods, the denominators of RSCA: UNCTADstat, summed over the same economies "
                         "as the sector's world.")
        if kind == "quadrant" and self.rsca_available:
            parts += self.world_notes()
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

    def _world_flow(self, group: str, year: int, cov: str, flow: str) -> float:
        """A group's flow summed over every reporter's trade with the world in one coverage (the engine's
        summed world); NaN when the coverage gives none."""
        try:
            rows = self._trade.xs((cov, year), level=["coverage", "year"])
        except KeyError:
            return float("nan")
        rows = rows[(rows.index.get_level_values("partner") == WORLD) & (rows.index.get_level_values("flow") == flow)
                    & (rows.index.get_level_values("reporter") != WORLD)
                    & rows.index.get_level_values("code").isin(set(products.codes_of(group)))]
        return float(rows.sum()) if len(rows) else float("nan")

    def hong_kong_share(self, group: str, year: int, cov: str) -> tuple[float, float]:
        """Hong Kong's share of the reporter's exports and imports of a group with the world (NaN when absent)."""
        hub, _served = countries.entrepot()
        hk, world = self.trade(group, self.cfg.reporter, hub, year, cov), self.trade(group, self.cfg.reporter, WORLD, year, cov)
        return tuple(h / w if available(h, w) and w > 0 else float("nan") for h, w in zip(hk, world))

    def china_hong_kong(self, group: str) -> pd.DataFrame:
        """The reporter's trade with China and Hong Kong, China taken together (partner `CHN+HKG`), in the
        figure's years where Hong Kong's share of its exports or imports of the group passes the Hong Kong
        threshold (`findings.THRESHOLDS['hong_kong']`): flows of each and together, TSI, GL and export and
        import intensity of the pair, all from the coverage that gives the reporter's trade with China."""
        cut, rep = findings.threshold("hong_kong"), self.cfg.reporter
        hub, served = countries.entrepot()
        if not hub:
            return pd.DataFrame()
        base = self.series("TSI", group, rep, served, "standard")
        rows = []
        for year, cov in zip(base["year"], base["coverage"]):
            year, cov = int(year), str(cov)
            if year not in self.recent_years:
                continue
            shares = self.hong_kong_share(group, year, cov)
            if not any(available(v) and v > cut for v in shares):
                continue
            (xc, mc), (xh, mh) = self.trade(group, rep, served, year, cov), self.trade(group, rep, hub, year, cov)
            x, m = (sum(v for v in pair if available(v)) for pair in ((xc, xh), (mc, mh)))
            xw, mw = self.trade(group, rep, WORLD, year, cov)
            partner_m = sum(v for v in (self.trade(group, e, WORLD, year, cov)[1] for e in (served, hub)) if available(v))
            partner_x = sum(v for v in (self.trade(group, e, WORLD, year, cov)[0] for e in (served, hub)) if available(v))
            ei = (x / xw) / (partner_m / self._world_flow(group, year, cov, "M")) if available(xw) and xw and partner_m else float("nan")
            ii = (m / mw) / (partner_x / self._world_flow(group, year, cov, "X")) if available(mw) and mw and partner_x else float("nan")
            rows.append({"group": group, "segment": segment_name(group), "year": year, "coverage": cov,
                         "partner": f"{served}+{hub}", "exports_served": xc, "imports_served": mc, "exports_hub": xh,
                         "imports_hub": mh, "exports_usd": x, "imports_usd": m,
                         "hk_share_exports": shares[0], "hk_share_imports": shares[1],
                         "TSI": (x - m) / (x + m) if x + m else float("nan"),
                         "GL": 1 - abs(x - m) / (x + m) if x + m else float("nan"), "EI": ei, "II": ii,
                         "material": self.is_material(x, m)})
        return pd.DataFrame(rows)

    def china_hong_kong_notes(self, kind: str) -> list[str]:
        """The figure's index with China and Hong Kong, China taken together, in its latest year, for each
        segment where Hong Kong's share of the reporter's trade passes the threshold."""
        items = []
        hub, served = countries.entrepot()
        for group in self.segments(kind):
            rows = self.china_hong_kong(group)
            if rows.empty:
                continue
            r = rows.iloc[-1]
            shares = [f"{v:.0%} of {style.prose(self.cfg.reporter)}'s {d}" for d, v in
                      (("exports", r["hk_share_exports"]), ("imports", r["hk_share_imports"]))
                      if available(v) and v > findings.threshold("hong_kong")]
            values = (f"GL {fmt(r['GL'])}" if kind == "gl" else
                      f"export intensity {fmt(r['EI'])}, import intensity {fmt(r['II'])}")
            if kind == "gl" and len(rows) > 1:
                values = self._combined_gl_change(group, served, rows)
            items.append(f"{segment_name(group)} in {int(r['year'])} ({values}; {style.name(hub)}: {join_words(shares)} "
                         "in the segment)")
        if not items:
            return []
        cut = findings.threshold("hong_kong")
        return [f"With {style.prose(served)} and {style.prose(hub)} taken together as one partner, where "
                f"{style.prose(hub)} takes more than {cut:.0%} of {style.prose(self.cfg.reporter)}'s exports or imports: "
                f"{'; '.join(items)}."]

    def _combined_gl_change(self, group: str, served: str, rows: pd.DataFrame) -> str:
        """The index with the served economy and its entrepôt together in the first and last year of
        `rows`, and whether it moved the other way from the index with the served economy alone."""
        r0, r1 = rows.iloc[0], rows.iloc[-1]
        text = f"GL {fmt(r0['GL'])} in {int(r0['year'])} and {fmt(r1['GL'])} in {int(r1['year'])}"
        alone = self.series("GL", group, self.cfg.reporter, served, "sum").set_index("year")["value"]
        a0, a1 = (float(alone.get(int(r["year"]), float("nan"))) for r in (r0, r1))
        both, single = r1["GL"] - r0["GL"], a1 - a0
        cut = findings.threshold("change")
        if available(a0, a1) and abs(both) > cut and abs(single) > cut and (both > 0) != (single > 0):
            text += (f", so the index {'rose' if both > 0 else 'fell'} with the two together while with "
                     f"{style.prose(served)} alone it {'fell' if both > 0 else 'rose'} ({fmt(a0)} to {fmt(a1)})")
        return text

    def hong_kong_notes(self) -> list[str]:
        """Where Hong Kong, China takes more than the threshold of a focus economy's sector trade."""
        cut = findings.threshold("hong_kong")
        data = self.quadrant_data.dropna(subset=["TSI", "RSCA"], how="all")
        hub, served = countries.entrepot()
        if data.empty or not hub:
            return []
        year = int(data["year"].max())
        shares = []
        for economy in self.cfg.focus:
            row = data[(data["economy"] == economy) & (data["year"] == year)]
            if row.empty:
                continue
            cov = str(row["coverage"].iloc[0])
            hk, world = self.trade(self.key, economy, hub, year, cov), self.trade(self.key, economy, WORLD, year, cov)
            for direction, h, w in (("exports", hk[0], world[0]), ("imports", hk[1], world[1])):
                if available(h, w) and w > 0 and h / w > cut:
                    shares.append(f"{h / w:.0%} of {style.prose(economy)}'s {direction}")
        if not shares:
            return []
        return [f"{style.prose(hub, start=True)} took {join_words(shares)} of {self.title} in {year}. "
                f"{style.prose(hub, start=True)} trades largely as an entrepôt, so part of that trade is likely "
                f"re-exported to or from {style.prose(served)}; these files do not "
                "show how much."]

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

    def world_in(self, cov: str, years: list[int]) -> str:
        """The world of a coverage in words, its count of economies taken over the given years only."""
        text = self.world_of(cov)
        counts = [int(n) for y, n in self.meta.get(cov, {}).get("reporters_by_year", {}).items() if int(y) in years]
        if not counts:
            return text
        n = str(min(counts)) if min(counts) == max(counts) else f"{min(counts)} to {max(counts)}"
        return re.sub(r"\bthe \d+( to \d+)? economies", f"the {n} economies", text, count=1)

    def world_of(self, cov: str) -> str:
        """The world a coverage's indicators use, in words."""
        return str(self.meta.get(cov, {}).get("world", ""))

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
        cov = str(run["coverage"].iloc[-1]) if len(run) else ""
        return prose.Position(style.prose(economy), points, self.break_before(full, run), iso=economy,
                              group=self.key, coverage=cov, world=self.world_of(cov))

    def positions(self) -> list[prose.Position]:
        return [self.position(e) for e in self.cfg.focus]

    def outside(self, top: int = 5) -> prose.Outside | None:
        """Who is outside the comparison (see `_outside`), said once when an earlier sector leaves out the same."""
        got = self._outside(top)
        if got is None:
            return None
        for key in list(products.sectors())[:list(products.sectors()).index(self.key)]:
            earlier = Sector(key)._outside(top)
            if earlier is not None and (earlier.exporters, earlier.uncovered) == (got.exporters, got.uncovered):
                return dataclasses.replace(got, same_as=earlier_title(key))
        return got

    def _outside(self, top: int = 5) -> prose.Outside | None:
        """The sector's largest exporters in the source of the latest comparison that are not focus economies,
        and the configured partners that do not report to that source."""
        placed = [p for p in self.positions() if p.with_rsca]
        if not placed:
            return None
        year = max(p.with_rsca[-1].year for p in placed)
        cov = next(p.coverage for p in placed if p.with_rsca[-1].year == year)
        flows = self.ed.stored.flows
        part = flows[(flows["coverage"] == cov) & (flows["year"] == year) & (flows["flow"] == "X")
                     & flows["code"].isin(products.codes_of(self.key)) & (flows["reporter"] != WORLD)]
        world_rows = part[part["partner"] == WORLD]
        part = world_rows if len(world_rows) else part[part["partner"] != WORLD]
        ranking = part.groupby("reporter", observed=True)["value_usd"].sum().sort_values(ascending=False)
        leaders = [str(r) for r in ranking.index[:top]]
        exporters = {r: style.prose(r) for r in leaders if r not in self.cfg.focus}
        reporters = set(part["reporter"].astype(str))
        uncovered = {p: style.prose(p) for p in self.cfg.partners
                     if p not in self.cfg.focus and p != WORLD and p not in reporters and p not in exporters}
        return prose.Outside(year, exporters, uncovered, top, cov, self.key)

    def summary(self, where: str = "") -> list[Sentence]:
        """Who stands where in the latest year, in one sentence (for the conclusion)."""
        return prose.summary(self.positions(), where or self.title)

    def summary_finding(self) -> str:
        """The summary sentence of the sector, as Markdown (for a report's summary page)."""
        return claims.render(self.sourced(self.summary()))

    def change_of(self, run: pd.DataFrame) -> prose.Change | None:
        """A stretch of one source with its first and last values, or None with fewer than two years."""
        if len(run) < 2:
            return None
        years = tuple(int(y) for y in run["year"])
        values = tuple(float(v) for v in run["value"])
        return prose.Change(years[0], values[0], years[-1], values[-1], years, values)

    def partner_name(self, partner: str) -> str:
        return "the world" if partner == WORLD else style.prose(partner)

    def _why_missing(self, partner: str, group: str | None = None, indicator: str = "TSI") -> str:
        """Why the data give no value of a bilateral indicator with a partner, in words.

        From the rows the edition holds for the pair (the engine's reason for a missing value, in
        words), or, where it holds none, from the sources: whether the partner reports anywhere.
        """
        rows = self.ed.indicators
        if group is not None:
            rows = rows[(rows["indicator"] == indicator) & (rows["group"] == group)
                        & (rows["reporter"] == self.cfg.reporter) & (rows["partner"] == partner)]
            shown = rows[rows["year"].isin(self.recent_years)]
            rows = shown if len(shown) else rows
            if len(rows) and rows["value"].isna().all():
                last = rows.sort_values("year").iloc[-1]
                return self._reason_words(str(last["reason"]), partner, str(last["coverage"]))
            if rows["value"].notna().any():
                return ""
        reporters = {r for m in self.meta.values() for r in m.get("reporters", [])}
        if partner not in reporters:
            return f"{style.prose(partner)} reports in none of this edition's bilateral sources"
        return "this edition's files do not give both directions of that trade"

    def _reason_words(self, reason: str, partner: str, cov: str) -> str:
        """The engine's reason for a missing bilateral value, said of this reporter and partner."""
        source = self.meta.get(cov, {}).get("description", cov)
        who, other = style.prose(self.cfg.reporter), style.prose(partner)
        if reason in ("X_cp missing", "M_cp missing"):
            flow = "exports to" if reason.startswith("X") else "imports from"
            return (f"the source that gives both directions of {who}'s trade with {other} ({source}) does not give "
                    f"{who}'s {flow} the whole world, so the intensity's denominators cannot come from the same source")
        if reason in ("M_dp (partner's imports) missing", "X_dp (partner's exports) missing", "M_wp missing",
                      "X_wp missing"):
            return f"{source} does not give {other}'s or the world's trade in the same codes"
        if reason in ("exports missing", "imports missing", "no flow reported"):
            return f"{source} does not give both directions of {who}'s trade with {other}"
        return f"{reason} ({source})" if reason else "this edition's files do not give it"

    def intensity_missing(self, group: str, partner: str) -> dict[str, str]:
        """Why export and import intensity with a partner are missing in a segment ('' where a value exists)."""
        return {ind: self._why_missing(partner, group, ind) for ind in ("EI", "II")}

    def pair(self, group: str, partner: str) -> prose.Pair | None:
        """The reporter's trade with a partner in one group, in the latest year of one source: flows and indices."""
        reporter = self.cfg.reporter
        tsi_series = self.series("TSI", group, reporter, partner, "standard")
        tsi = self.last_run(tsi_series)
        if tsi.empty:
            return None
        year, cov = int(tsi["year"].iloc[-1]), str(tsi["coverage"].iloc[-1])
        x, m = self.trade(group, reporter, partner, year, cov)
        gl_series = self.series("GL", group, reporter, partner, "sum")
        gl_run = self.last_run(gl_series)
        ii_series = self.series("II", group, reporter, partner, "standard")
        ii_run = self.last_run(ii_series)
        brk = [b for b in (self.break_before(gl_series, gl_run), self.break_before(ii_series, ii_run)) if b]
        total = self.imports_of(group, reporter, year, cov)
        tsi_stretch = tsi[tsi["year"].isin(gl_run["year"])] if len(gl_run) else tsi.iloc[0:0]
        return prose.Pair(style.prose(partner), partner, segment_name(group), group, year, exports=x, imports=m,
                          tsi=float(tsi["value"].iloc[-1]),
                          gl=self.ed.value("GL", group, reporter, partner, year, "sum"),
                          ei=self.ed.value("EI", group, reporter, partner, year, "standard"),
                          ii=self.ed.value("II", group, reporter, partner, year, "standard"),
                          coverage=cov, gl_change=self.change_of(gl_run), ii_change=self.change_of(ii_run),
                          break_year=max(brk) if brk else None,
                          share=m / total if available(m, total) and total > 0 else float("nan"),
                          tsi_change=self.change_of(tsi_stretch))

    def source_tag(self, cov: str) -> str:
        """A short name of a coverage's source, for a pair drawn from another source than its lens's usual one."""
        source = str(self.meta.get(cov, {}).get("source", ""))
        return SHORT_SOURCES.get(source, source)

    def imports_of(self, group: str, reporter: str, year: int, cov: str) -> float:
        """The reporter's imports of a group from all partners in one source: its World row, else the sum."""
        world = self.trade(group, reporter, WORLD, year, cov)[1]
        if available(world):
            return world
        codes = set(products.codes_of(group))
        t = self._trade
        try:
            part = t.loc[(cov, year, reporter)]
        except KeyError:
            return float("nan")
        part = part[(part.index.get_level_values("flow") == "M") & part.index.get_level_values("code").isin(codes)
                    & (part.index.get_level_values("partner") != WORLD)]
        return float(part.sum()) if len(part) else float("nan")

    def lens(self, kind: str) -> prose.Lens:
        """The reporter's pairs with every configured partner in the segments a bilateral figure shows."""
        pairs, missing = [], {}
        partners = [p for p in self.cfg.partners if p != WORLD]
        for partner in partners:
            got = [x for g in self.segments(kind) if (x := self.pair(g, partner)) is not None]
            if got:
                pairs += got
            else:
                reasons = [r for g in self.segments(kind) if (r := self._why_missing(partner, g, "TSI"))]
                missing[style.prose(partner)] = reasons[0] if reasons else self._why_missing(partner)
        usual = pd.Series([p.coverage for p in pairs]).mode()
        if len(usual):
            pairs = [p if p.coverage == usual.iloc[0] else dataclasses.replace(p, note=self.source_tag(p.coverage))
                     for p in pairs]
        return prose.Lens(style.prose(self.cfg.reporter), self.cfg.reporter, self.title, pairs, missing,
                          float(self.cfg.materiality_usd))

    def sentences(self, kind: str) -> list[Sentence]:
        """The generated sentences of a lens ('quadrant', 'gl', 'it', 'heading'), each with its claims."""
        if kind == "quadrant":
            return prose.competitiveness(self.positions(), self.scoped_title(), self.outside(), self._world_sentences())
        if kind == "gl":
            return prose.two_way(self.lens("gl"))
        if kind == "it":
            focus = [style.prose(p) for p in self.cfg.focus if p != self.cfg.reporter]
            return prose.links(self.lens("it"), focus)
        if kind == "heading":
            return self._heading()
        raise ValueError(f"unknown lens {kind!r}")

    def sourced(self, sentences: list[Sentence]) -> list[Sentence]:
        """Each sentence with the sources of its numbers, for the hover text: the coverages its claims use."""
        out = []
        for s in sentences:
            covs = dict.fromkeys(c.coverage for c in s.claims if c.coverage)
            names = [str(self.meta.get(c, {}).get("description", c)) for c in covs]
            text = ("Source: " + "; ".join(names) + ".") if names else self.source
            out.append(dataclasses.replace(s, source=text))
        return out

    def findings(self, kind: str) -> str:
        """The findings paragraph of a lens, as Markdown: every sentence generated from the numbers."""
        return claims.render(self.sourced(self.sentences(kind)))

    def scoped_title(self) -> str:
        """The sector's name, with the codes it is read from when this edition holds only some of them."""
        held = set(self.ed.stored.flows["code"].unique())
        codes = products.codes_of(self.key)
        have = [c for c in codes if c in held]
        if not have or len(have) == len(codes):
            return self.title
        return f"{self.title} (read from {len(have)} of its {len(codes)} codes: HS {', '.join(have)})"

    def _world_sentences(self) -> list[Sentence]:
        """Where a quadrant drawn in the figure depends on the choice of world: said with the values."""
        rows = self.world_sensitivity()
        if rows.empty:
            return []
        out = []
        for r in (pd.Series(x) for x in rows[rows["depends"]].to_dict("records")):
            alt = {w: float(r.get(w, float("nan"))) for w in worlds.ALTERNATIVES if w != worlds.STATED}
            other = {w: v for w, v in alt.items() if available(v) and findings.quadrant(v, r.TSI) != findings.quadrant(r.RSCA, r.TSI)}
            if not other:
                continue
            w, v = next(iter(other.items()))
            q0, q1 = findings.quadrant(r.RSCA, r.TSI), findings.quadrant(v, r.TSI)
            out.append(claims.sentence(
                f"{style.prose(r.economy, start=True)}'s quadrant in {int(r.year)} depends on the choice of world: with an RSCA "
                f"of {fmt(r.RSCA)} it is in quadrant {q0 or '(on an axis)'} under the world the note states, but in "
                f"quadrant {q1 or '(on an axis)'} (RSCA {fmt(v)}) when the world is {worlds.world_text(w)}.",
                claims.claim("quadrant", group=self.key, reporter=r.economy, partner=WORLD, years=[int(r.year)],
                             values={"RSCA": r.RSCA, "TSI": r.TSI}, expect=q0 or "axis", coverage=str(r.coverage),
                             world=self.world_of(str(r.coverage))),
                refs=("sec-worlds",)))
        return out

    def pair_summary(self, economy: str, partner: str) -> str:
        """GL and value balance of one focus economy with another in the latest year of one source."""
        gl = self.run("GL", self.key, economy, partner, "sum")
        tsi = self.run("TSI", self.key, economy, partner, "standard")
        if tsi.empty:
            return f"{style.name(partner)}: no data"
        b, year = float(tsi["value"].iloc[-1]), int(tsi["year"].iloc[-1])
        g = f"GL {fmt(float(gl['value'].iloc[-1]))}, " if len(gl) else ""
        return f"{style.name(partner)} {year}: {g}{findings.balance_word(b)} (TSI {fmt(b)})"

    def _heading(self) -> list[Sentence]:
        """RSCA in the 4-digit heading that holds the sector's lines, as a whole, where a source gives only
        the heading (none when the product table names no such heading)."""
        code = products.heading_of(products.codes_of(self.key))
        if not code:
            return []
        group = next(k for k, v in products.headings().items() if v == code)
        positions = []
        for economy in self.cfg.focus:
            run = self.run("RSCA", group, economy, WORLD, "standard")
            if len(run) < 2:
                continue
            cov = str(run["coverage"].iloc[-1])
            points = [prose.Point(int(r.year), float("nan"), float(r.value)) for r in run.itertuples()]
            positions.append(prose.Position(style.prose(economy), points, iso=economy, group=group, coverage=cov,
                                            world=self.world_of(cov)))
        series = self.series("RSCA", group, self.cfg.focus[0], WORLD, "standard")
        world = self.world_in(str(series["coverage"].iloc[-1]), [int(y) for y in series["year"]]) if len(series) else ""
        notes = self.incomplete_notes(series) if len(series) else []
        name = re.sub(r"\s*\(heading \d+\)$", "", group.split("/", 1)[1])
        totals = "; ".join(edition.SOURCE_NAMES.get(s, s).replace(" (totals of all goods)", "")
                           for s in self.ed.stored.manifest.get("totals_sources", [])) or "the source"
        return prose.heading(positions, world, notes, name, code, totals)

    def heading_finding(self) -> str:
        """RSCA in the heading that holds the sector's lines, as a whole, as Markdown."""
        return claims.render(self.sourced(self._heading()))

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
            return describe.gl_chart(self.lens("gl"))
        return describe.it_chart(self.lens("it"))
