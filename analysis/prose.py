"""The chapter's generated sentences: plain records of numbers in, full sentences out.

`chapter.Sector` gathers what a lens shows into the records below (names already in the
prose's words, values as floats, NaN for missing); the functions here choose the phrasing
from the numbers and the stated thresholds in `findings`. Nothing here reads data, so every
sentence can be tested on hand-made findings, including missing values and breaks of source.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import findings
from .findings import QUADRANT_MEANING, available, fmt, join_words, usd
from .indicators import tsi_band


@dataclass(frozen=True)
class Point:
    """One year of a series; RSCA is NaN where only TSI is known."""

    year: int
    tsi: float
    rsca: float = float("nan")


@dataclass(frozen=True)
class Position:
    """An economy in the competitiveness lens: its last stretch of years from one source."""

    economy: str
    points: list[Point]
    break_year: int | None = None
    rsca_missing: str = "exports of all goods for the same economies are not in this edition's files"

    @property
    def with_rsca(self) -> list[Point]:
        return [p for p in self.points if available(p.rsca, p.tsi)]

    @property
    def with_tsi(self) -> list[Point]:
        return [p for p in self.points if available(p.tsi)]


@dataclass(frozen=True)
class Change:
    """An index in the first and last year of one source's stretch."""

    first_year: int
    first: float
    last_year: int
    last: float


@dataclass(frozen=True)
class TwoWay:
    """Grubel–Lloyd of the reporter with its partners in one segment."""

    reporter: str
    segment: str
    year: int | None
    latest: dict[str, float]
    changes: dict[str, Change] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    break_year: int | None = None


@dataclass(frozen=True)
class Link:
    """The reporter's trade with one partner in one segment, in the latest year of one source."""

    reporter: str
    partner: str
    segment: str
    year: int | None
    exports: float = float("nan")
    imports: float = float("nan")
    tsi: float = float("nan")
    ei: float = float("nan")
    ii: float = float("nan")
    ii_change: Change | None = None
    missing: str = ""
    break_year: int | None = None


def _since_break(break_year: int | None, first_year: int) -> str:
    """A clause saying that the years before a change of source are not compared."""
    if break_year is None:
        return ""
    return (f" (the series changes source in {break_year}, so the years before {first_year} are not compared "
            "with it)")


def quadrant(pos: Position) -> str:
    """Where an economy sits in the latest year, and where it moved within one source."""
    run = pos.with_rsca
    if not run:
        return tsi_only(pos)
    last = run[-1]
    q1 = findings.quadrant(last.rsca, last.tsi)
    where = f"in quadrant {q1} ({QUADRANT_MEANING[q1]})" if q1 else "on an axis of the chart"
    text = f"In {last.year}, {pos.economy} was {where}, with an RSCA of {fmt(last.rsca)} and a TSI of {fmt(last.tsi)}"
    if len(run) < 2:
        return text + "; with one year from this source, no movement can be judged" + _since_break(pos.break_year, last.year) + "."
    first = run[0]
    q0 = findings.quadrant(first.rsca, first.tsi)
    moved = findings.direction(last.rsca - first.rsca, last.tsi - first.tsi)
    moved = f"moved toward {moved}" if moved != "little net movement" else "barely moved"
    since = f"quadrant {q0}" if q0 else "on an axis"
    text += (f"; since {first.year}, when it was in {since} (RSCA {fmt(first.rsca)}, TSI {fmt(first.tsi)}), it "
             f"{moved}")
    if q1:
        same = sum(findings.quadrant(p.rsca, p.tsi) == q1 for p in run)
        every = "in both years" if len(run) == 2 else f"in every one of the {len(run)} years"
        text += (f", and it was in quadrant {q1} {every}" if same == len(run)
                 else f", and it was in quadrant {q1} in {same} of the {len(run)} years")
    return text + _since_break(pos.break_year, first.year) + "."


def tsi_only(pos: Position) -> str:
    """The finding when RSCA is missing: TSI alone, within one source, and why RSCA is missing."""
    run = pos.with_tsi
    if not run:
        return f"This edition's data give neither RSCA nor TSI for {pos.economy}."
    first, last = run[0], run[-1]
    text = (f"For {pos.economy}, RSCA cannot be computed ({pos.rsca_missing}); its TSI was {fmt(last.tsi)} in "
            f"{last.year}, a {tsi_band(last.tsi)} specialization")
    if last.year != first.year:
        text += f", and it {findings.change(first.tsi, last.tsi)} from {fmt(first.tsi)} in {first.year}"
    return text + _since_break(pos.break_year, first.year) + "."


def tsi_paragraph(positions: list[Position]) -> str:
    """The competitiveness findings when no economy has an RSCA: the reason once, then each TSI."""
    parts = []
    for pos in positions:
        run = pos.with_tsi
        if not run:
            parts.append(f"this edition gives no TSI for {pos.economy}")
            continue
        first, last = run[0], run[-1]
        text = f"{pos.economy}'s TSI was {fmt(last.tsi)} in {last.year}, a {tsi_band(last.tsi)} specialization"
        if last.year != first.year:
            moved = {"rose": "up", "fell": "down"}.get(findings.change(first.tsi, last.tsi), "broadly unchanged")
            text += f", {moved} from {fmt(first.tsi)} in {first.year}"
        text += _since_break(pos.break_year, first.year)
        parts.append(text)
    reason = positions[0].rsca_missing if positions else ""
    body = "; ".join(parts)
    return (f"RSCA cannot be computed from this edition ({reason}), so the economies are compared by their trade "
            f"specialization alone: {body}.")


def summary(positions: list[Position], where: str = "") -> str:
    """One sentence placing every focus economy in the latest year with RSCA (for summaries)."""
    years = [p.with_rsca[-1].year for p in positions if p.with_rsca]
    year = max(years) if years else None
    placed, unplaced = [], []
    for pos in positions:
        pts = [p for p in pos.with_rsca if p.year == year]
        q = findings.quadrant(pts[0].rsca, pts[0].tsi) if pts else None
        (placed if q else unplaced).append((pos, q))
    seen: set[str] = set()
    parts = []
    for i, (pos, q) in enumerate(placed):
        first = pos.with_rsca[0]
        q0 = findings.quadrant(first.rsca, first.tsi)
        aside = [QUADRANT_MEANING[q]] if q not in seen else []
        aside += [f"quadrant {q0} in {first.year}"] if q0 and q0 != q else []
        seen.add(q)
        aside_text = f" ({'; '.join(aside)})" if aside else ""
        parts.append(f"{pos.economy} {'was ' if i == 0 else ''}in quadrant {q}{aside_text}")
    text = f"In {where + ' in ' if where else ''}{year}, " + join_words(parts) + "." if parts else ""
    for pos, _ in unplaced:
        run = pos.with_tsi
        name = pos.economy[0].upper() + pos.economy[1:]
        text += (f" {name} had a TSI of {fmt(run[-1].tsi)} in {run[-1].year}, a {tsi_band(run[-1].tsi)} "
                 "specialization, and no RSCA from this edition." if run else f" This edition gives no values for {pos.economy}.")
    return text.strip()


def roles(quadrants: dict[str, dict[str, str | None]]) -> str:
    """Economy -> sector -> quadrant in the latest year: where each economy leads and where it lags."""
    parts = []
    for economy, by_sector in quadrants.items():
        lead = [s for s, q in by_sector.items() if q == "I"]
        lag = [s for s, q in by_sector.items() if q == "III"]
        if lead and lag:
            parts.append(f"{economy} leads in {join_words(lead)} and lags in {join_words(lag)}")
        elif lead:
            parts.append(f"{economy} leads in {join_words(lead)}")
        elif lag:
            parts.append(f"{economy} lags in {join_words(lag)}")
        else:
            parts.append(f"{economy} is in neither quadrant I nor quadrant III in any sector")
    if not parts:
        return ""
    return ("Read across the sectors, in the latest year each gives (quadrant I: comparative advantage and a surplus; "
            "quadrant III: neither), "
            + "; ".join(parts) + ".")


def two_way(gl: TwoWay) -> str:
    """GL with each partner in the latest year, its change within one source, and what is missing."""
    if not gl.latest:
        return (f"This edition's data do not give both directions of {gl.reporter}'s trade in {gl.segment} with any "
                "partner, so the Grubel–Lloyd index cannot be computed.")
    parts = [f"{fmt(v)} with {p} ({findings.two_way(v)})" for p, v in gl.latest.items()]
    text = f"In {gl.year}, {gl.reporter}'s Grubel–Lloyd index in {gl.segment} was " + "; ".join(parts) + "."
    text += _changes(gl.changes)
    if gl.break_year is not None:
        text += f" The source changes in {gl.break_year}; no change is read across it."
    if gl.missing:
        text += f" The data do not give the index with {join_words(gl.missing)}."
    return text


def _changes(changes: dict[str, Change]) -> str:
    """Changes with several partners grouped by direction: 'it rose with A (…) and B (…), fell with C (…)'."""
    groups: dict[str, list[str]] = {}
    for partner, c in changes.items():
        word = findings.change(c.first, c.last)
        detail = "" if word == "was broadly unchanged" else f" ({fmt(c.first)} in {c.first_year} to {fmt(c.last)})"
        groups.setdefault(word, []).append(partner + detail)
    order = ["rose", "fell", "was broadly unchanged"]
    parts = [f"{word} with {join_words(groups[word])}" for word in order if word in groups]
    return f" Within one source, it {join_words(parts)}." if parts else ""


def link(ln: Link) -> str:
    """Dependence from the value balance (bilateral TSI), then export and import intensity."""
    if ln.year is None:
        return f"The trade of {ln.reporter} with {ln.partner} in {ln.segment} cannot be assessed: {ln.missing}."
    text = (f"In {ln.year}, {ln.reporter} exported {usd(ln.exports)} of {ln.segment} to {ln.partner} and imported "
            f"{usd(ln.imports)} from it (bilateral TSI {fmt(ln.tsi)}): it {findings.dependence(ln.tsi)} {ln.partner}.")
    if available(ln.ei, ln.ii):
        text += (f" Its export intensity with {ln.partner} was {fmt(ln.ei)} ({findings.intensity_word(ln.ei)}) and "
                 f"its import intensity {fmt(ln.ii)} ({findings.intensity_word(ln.ii)}).")
    else:
        text += f" Its trade intensities with {ln.partner} cannot be computed from this edition's files for {ln.year}."
    c = ln.ii_change
    if c is not None:
        text += f" Import intensity {findings.change(c.first, c.last)} from {fmt(c.first)} in {c.first_year}"
        text += f", within one source that starts in {ln.break_year}." if ln.break_year is not None else "."
    return text


def extremes(segment: str, direction: str, year: int, values: dict[str, float]) -> str:
    """The partners with the highest and lowest intensity in one year ('' with fewer than two partners)."""
    values = {p: v for p, v in values.items() if available(v)}
    if len(values) < 2:
        return ""
    hi, lo = max(values, key=values.get), min(values, key=values.get)
    return (f"In {year}, {direction} intensity in {segment} was highest with {hi} ({fmt(values[hi])}) and lowest "
            f"with {lo} ({fmt(values[lo])}).")


def heading(changes: dict[str, Change], world: str, notes: list[str]) -> str:
    """RSCA of integrated circuits as a whole (heading 8542), one economy after another."""
    parts = [f"{e}'s RSCA {findings.change(c.first, c.last)} from {fmt(c.first)} in {c.first_year} to {fmt(c.last)} "
             f"in {c.last_year}" for e, c in changes.items()]
    if not parts:
        return ""
    text = ("For integrated circuits as a whole (heading 8542, which the 6-digit lines above divide), "
            + "; ".join(parts) + f" (world = {world}; exports of all goods from UNCTADstat).")
    return " ".join([text, *notes])


def quadrant_axes(rsca: bool, years: str) -> str:
    """How the competitiveness figure places the economies: RSCA × TSI, or TSI alone and why."""
    if rsca:
        return ("by its revealed symmetric comparative advantage (RSCA, horizontal axis) and its trade "
                f"specialization index (TSI, vertical axis) in every year of {years}")
    return (f"by its trade specialization index (TSI) in {years}; RSCA, the other axis of the usual chart, cannot "
            "be computed from this edition, because it needs exports of all goods for the same economies")


def quadrant_reading(rsca: bool) -> str:
    """How to read the competitiveness figure that is actually drawn."""
    if rsca:
        return ("An economy in the upper right has both a comparative advantage and a trade surplus; the arrows "
                "show the direction of travel.")
    return ("A line above zero is a net-export position and one below zero a net-import position; the dotted lines "
            "mark the very strong and very weak bands.")
