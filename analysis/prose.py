"""The chapter's generated sentences: plain records of numbers in, sentences with their claims out.

`chapter.Sector` gathers what a lens shows into the records below (names already in the prose's
words, ISO codes for the claims, values as floats, NaN for missing); the functions here choose
the phrasing from the numbers and the stated thresholds in `findings`, and attach to each sentence
the claims it makes (`claims.Claim`), which `analysis.verify` re-derives from the tables.

Each lens gets one paragraph: the most salient findings first (ranked by size or change), a
pattern shared by several partners or economies said once with its list, comparisons ('the
strongest of the three') made among the named set, trends read sign-aware and robust to one odd
year, and no judgement drawn from flows below the materiality floor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import findings
from .claims import Claim, Sentence, claim, sentence
from .findings import QUADRANT_MEANING, available, fmt, join_words, usd
from .indicators import tsi_band

CHANGE = findings.THRESHOLDS["change"][0]


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
    iso: str = ""
    group: str = ""
    coverage: str = ""
    world: str = ""

    @property
    def with_rsca(self) -> list[Point]:
        return [p for p in self.points if available(p.rsca, p.tsi)]

    @property
    def with_tsi(self) -> list[Point]:
        return [p for p in self.points if available(p.tsi)]


@dataclass(frozen=True)
class Outside:
    """Major exporters of a sector left out of the comparison, and named economies the source does not cover."""

    year: int
    exporters: dict[str, str] = field(default_factory=dict)    # ISO -> prose name, among the top exporters
    uncovered: dict[str, str] = field(default_factory=dict)    # ISO -> prose name, not reporting in the source
    top: int = 5
    coverage: str = ""
    group: str = ""
    same_as: str = ""        # an earlier sector whose comparison leaves out the same economies


@dataclass(frozen=True)
class Change:
    """An index in the first and last year of one source's stretch, with every year between."""

    first_year: int
    first: float
    last_year: int
    last: float
    years: tuple[int, ...] = ()
    values: tuple[float, ...] = ()

    @property
    def fitted(self) -> float:
        return findings.fitted_change(*self._series())

    @property
    def word(self) -> str:
        """'up', 'down', 'flat' or 'mixed' (see findings.trend_of)."""
        return findings.trend_of(*self._series())

    def _series(self) -> tuple[list[int], list[float]]:
        return (list(self.years) or [self.first_year, self.last_year], list(self.values) or [self.first, self.last])


@dataclass(frozen=True)
class Pair:
    """The reporter's trade with one partner in one segment in one year: flows and indices."""

    partner: str
    partner_iso: str
    segment: str
    group: str
    year: int
    exports: float = float("nan")
    imports: float = float("nan")
    tsi: float = float("nan")
    gl: float = float("nan")
    ei: float = float("nan")
    ii: float = float("nan")
    coverage: str = ""
    gl_change: Change | None = None
    ii_change: Change | None = None
    break_year: int | None = None
    share: float = float("nan")            # the partner's share of the reporter's imports of the group
    tsi_change: Change | None = None       # the bilateral TSI over the same stretch as the GL change
    note: str = ""                         # the source, where it is not the lens's usual one

    @property
    def total(self) -> float:
        return (self.exports if available(self.exports) else 0.0) + (self.imports if available(self.imports) else 0.0)

    def material(self, floor: float) -> bool:
        return available(self.exports, self.imports) and self.total >= floor

    def label(self, several_segments: bool) -> str:
        return f"{self.partner} in {self.segment}" if several_segments else self.partner

    def tagged(self, several_segments: bool, inner: str) -> str:
        """The label with its numbers in brackets, and the source where it is not the lens's usual one."""
        return f"{self.label(several_segments)} ({inner}{'; ' + self.note if self.note else ''})"


@dataclass(frozen=True)
class Lens:
    """What the two bilateral lenses of a sector show: the reporter's pairs, and what is missing and why."""

    reporter: str
    reporter_iso: str
    sector: str
    pairs: list[Pair]
    missing: dict[str, str] = field(default_factory=dict)      # partner prose name -> reason
    floor: float = 10e6
    world_change: dict[str, Change] = field(default_factory=dict)   # segment -> GL with the world

    @property
    def several(self) -> bool:
        return len({p.segment for p in self.pairs}) > 1


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


LIST_LIMIT = 4


def listing(items: list[str], noun: str = "smaller pairs", limit: int = LIST_LIMIT) -> str:
    """A list in words, the first `limit` items named and the rest counted ('… and 3 other pairs')."""
    if len(items) <= limit + 1:
        return join_words(items)
    return join_words(items[:limit] + [f"{len(items) - limit} {noun}"])


def span_values(first: float, last: float, fitted: float, n: int) -> str:
    """'0.71 to 0.78', with the fitted change when the stretch has three years or more (the judgement uses it)."""
    text = f"{_num(first)} to {_num(last)}"
    return text + f", fitted change {'+' if fitted > 0 else ''}{_num(fitted)}" if n >= 3 else text


def share_text(share: float) -> str:
    """A share in words: '23%', 'under 1%'."""
    return f"{share:.0%}" if share >= 0.005 else "under 1%"


def _subject(clause: str, economy: str) -> str:
    """A clause written with 'it'/'its' as subject, given the economy's name instead."""
    if clause.startswith("its "):
        return f"{economy}'s " + clause[4:]
    if clause.startswith("it "):
        return f"{economy} " + clause[3:]
    return clause


def _num(value: float) -> str:
    return fmt(value)


def _q(point: Point) -> str | None:
    return findings.quadrant(point.rsca, point.tsi)


def _quadrant_words(point: Point) -> str:
    """'quadrant IV', with the index that puts it at the quadrant's edge (within the change threshold
    of zero), where one does: a move out of such a point is a small move across an axis."""
    edge = [f"{name} {_num(v)}" for name, v in (("RSCA", point.rsca), ("TSI", point.tsi)) if available(v) and abs(v) <= CHANGE]
    return f"quadrant {_q(point)}" + (f" (at its edge: {', '.join(edge)})" if edge else "")


# --- competitiveness ---------------------------------------------------------------------------
def _value_claims(pos: Position, point: Point, indicators: tuple[str, ...] = ("RSCA", "TSI")) -> list[Claim]:
    out = []
    for ind in indicators:
        v = point.rsca if ind == "RSCA" else point.tsi
        out.append(claim("value", indicator=ind, group=pos.group, reporter=pos.iso, partner="WLD", variant="standard",
                         years=[point.year], values={ind: v}, coverage=pos.coverage, world=pos.world))
    return out


def _quadrant_claim(pos: Position, point: Point) -> Claim:
    return claim("quadrant", group=pos.group, reporter=pos.iso, partner="WLD", years=[point.year],
                 values={"RSCA": point.rsca, "TSI": point.tsi}, expect=_q(point) or "axis", coverage=pos.coverage,
                 world=pos.world)


def _rank(positions: list[tuple[Position, Point]], indicator: str) -> tuple[list[tuple[Position, Point]], bool]:
    """The positions ranked on one indicator, and whether the first is clearly ahead (by more than the tolerance)."""
    key = (lambda pp: pp[1].rsca) if indicator == "RSCA" else (lambda pp: pp[1].tsi)
    ranked = sorted(positions, key=key, reverse=True)
    clear = len(ranked) < 2 or key(ranked[0]) - key(ranked[1]) > CHANGE
    return ranked, clear


def count_word(n: int) -> str:
    return {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}.get(n, str(n))


def standing(positions: list[Position], sector: str) -> list[Sentence]:
    """Who is ahead of whom in the latest year that places every economy, compared on RSCA and TSI."""
    years = [max(p.year for p in pos.with_rsca) for pos in positions if pos.with_rsca]
    if not years:
        return []
    year = max(years)
    placed = [(pos, pt) for pos in positions for pt in pos.with_rsca if pt.year == year]
    if len(placed) < 2:
        pos, pt = placed[0]
        q = _q(pt)
        text = (f"In {year}, {pos.economy} had an RSCA of {_num(pt.rsca)} and a TSI of {_num(pt.tsi)} in {sector}"
                f"{f' (quadrant {q})' if q else ''}; the other economies cannot be placed that year.")
        return [sentence(text, *_value_claims(pos, pt), _quadrant_claim(pos, pt))]
    n = count_word(len(placed))
    economies = tuple(pos.iso for pos, _ in placed)
    by_rsca, clear_r = _rank(placed, "RSCA")
    by_tsi, clear_t = _rank(placed, "TSI")
    lead_r, lead_t = by_rsca[0], by_tsi[0]
    quads = [_quadrant_claim(pos, pt) for pos, pt in placed]
    values = [c for pos, pt in placed for c in _value_claims(pos, pt)]

    def rank_claim(ind: str, leader: tuple[Position, Point], clear: bool) -> Claim:
        vals = {pos.iso: (pt.rsca if ind == "RSCA" else pt.tsi) for pos, pt in placed}
        return claim("rank", indicator=ind, group=leader[0].group, reporter=leader[0].iso, partner="WLD",
                     years=[year], values=vals, expect="highest" if clear else "close", threshold=CHANGE,
                     economies=economies, coverage=leader[0].coverage, world=leader[0].world)

    def others(ranked: list[tuple[Position, Point]], ind: str) -> str:
        return join_words([f"{_num(pt.rsca if ind == 'RSCA' else pt.tsi)} for {pos.economy}" for pos, pt in ranked[1:]])

    out: list[Sentence] = []
    if lead_r[0] is lead_t[0] and clear_r and clear_t:
        pos, pt = lead_r
        rest = join_words([f"{_num(p.rsca)} and {_num(p.tsi)} for {o.economy} (quadrant {_q(p) or 'on an axis'})"
                           for o, p in by_rsca[1:]])
        text = (f"In {year}, {pos.economy} had the strongest position of the {n} in {sector}: the highest RSCA "
                f"({_num(pt.rsca)}) and the highest TSI ({_num(pt.tsi)}), which put it in quadrant {_q(pt) or '(on an axis)'}, "
                f"against {rest}.")
        out.append(sentence(text, rank_claim("RSCA", lead_r, True), rank_claim("TSI", lead_t, True), *quads, *values))
        return out
    if clear_r:
        # sign-aware: the highest of negative values is the weakest disadvantage, not an advantage
        what = "strongest comparative advantage" if lead_r[1].rsca > 0 else "weakest comparative disadvantage"
        adv = (f"{lead_r[0].economy} had the {what} of the {n} in {sector} "
               f"(RSCA {_num(lead_r[1].rsca)}, against {others(by_rsca, 'RSCA')})")
    else:
        below = f"; all {n} at a comparative disadvantage" if lead_r[1].rsca <= 0 else ""
        adv = (f"{lead_r[0].economy} and {by_rsca[1][0].economy} had the highest and similar RSCA of the {n} in {sector} "
               f"({_num(lead_r[1].rsca)} and {_num(by_rsca[1][1].rsca)}"
               + (f", against {others(by_rsca[1:], 'RSCA')}" if len(by_rsca) > 2 else "") + f"{below})")
    if clear_t:
        what = "largest net-export position" if lead_t[1].tsi > 0 else "smallest net-import position"
        net = (f"{lead_t[0].economy} {'also ' if lead_t[0] is lead_r[0] else ''}had the {what} "
               f"(TSI {_num(lead_t[1].tsi)}, against {others(by_tsi, 'TSI')})")
    else:
        below = f"; all {n} net importers" if lead_t[1].tsi < 0 else ""
        net = (f"{lead_t[0].economy} and {by_tsi[1][0].economy} had the highest and similar TSI "
               f"({_num(lead_t[1].tsi)} and {_num(by_tsi[1][1].tsi)}{below})")
    out.append(sentence(f"In {year}, {adv}, while {net}.", rank_claim("RSCA", lead_r, clear_r),
                        rank_claim("TSI", lead_t, clear_t), *values))
    groups: dict[str, list[str]] = {}
    for pos, pt in placed:
        groups.setdefault(_q(pt) or "axis", []).append(pos.economy)
    parts = [f"{join_words(names)} in quadrant {q}" if q != "axis" else f"{join_words(names)} on an axis"
             for q, names in groups.items()]
    verb = "That placed" if len(parts) > 1 else "That left"
    out.append(sentence(f"{verb} {join_words(parts)}.", *quads))
    return out


def outside(o: Outside | None, compared: int) -> list[Sentence]:
    """Which major exporters and named economies are outside the comparison (said once per sector)."""
    if o is None or not (o.exporters or o.uncovered):
        return []
    n = count_word(compared)
    parts = []
    cl = []
    if o.same_as:
        names = join_words(list(o.exporters.values()) + list(o.uncovered.values()))
        cl = [claim("rank", indicator="X", group=o.group, partner="WLD", years=[o.year], expect=f"top{o.top}",
                    economies=tuple(o.exporters), coverage=o.coverage)] if o.exporters else []
        cl += [claim("missing", indicator="X", group=o.group, reporter=iso, years=[o.year], coverage=o.coverage)
               for iso in o.uncovered]
        return [sentence(f"As in {o.same_as}, {names} {'stands' if len(o.exporters) + len(o.uncovered) == 1 else 'stand'} "
                         "outside the comparison.", *cl)]
    if o.exporters:
        parts.append(f"{join_words(list(o.exporters.values()))}, also among the {count_word(o.top)} largest exporters of the sector "
                     f"in the source in {o.year}, {'is' if len(o.exporters) == 1 else 'are'} outside it")
        cl.append(claim("rank", indicator="X", group=o.group, partner="WLD", years=[o.year], expect=f"top{o.top}",
                        economies=tuple(o.exporters), coverage=o.coverage))
    if o.uncovered:
        one = len(o.uncovered) == 1
        parts.append(f"{join_words(list(o.uncovered.values()))} {'is' if one else 'are'} not among the source's "
                     f"reporters, so {'it is' if one else 'they are'} not placed in this comparison")
        cl += [claim("missing", indicator="X", group=o.group, reporter=iso, years=[o.year], coverage=o.coverage)
               for iso in o.uncovered]
    return [sentence(f"The comparison is among the {n} focus economies only: {'; '.join(parts)}.", *cl)]


def _move_clause(pos: Position, run: list[Point], indicator: str) -> tuple[str, Claim | None, float]:
    """How one index of an economy moved over its stretch, sign-aware; ('', None, 0) when it did not."""
    years = [p.year for p in run]
    values = [p.rsca if indicator == "RSCA" else p.tsi for p in run]
    fitted = findings.fitted_change(years, values)
    word = findings.trend_of(years, values)
    move = (findings.rsca_move if indicator == "RSCA" else findings.tsi_move)(values[0], values[-1], word)
    c = claim("trend", indicator=indicator, group=pos.group, reporter=pos.iso, partner="WLD", variant="standard",
              years=years, values={"first": values[0], "last": values[-1], "fitted": fitted},
              expect=word, threshold=CHANGE, coverage=pos.coverage, world=pos.world)
    if move in ("flat", "mixed"):
        return "", c, 0.0
    text = f"{move} ({indicator} {span_values(values[0], values[-1], fitted, len(values))})"
    return text, c, abs(fitted)


def movements(positions: list[Position]) -> list[Sentence]:
    """How each economy moved within its last stretch from one source, the largest moves first."""
    moved, still, still_claims, single = [], [], [], []
    span_years: set[tuple[int, int]] = set()
    for pos in positions:
        run = pos.with_rsca
        if len(run) < 2:
            if run:
                single.append(pos)
            continue
        span_years.add((run[0].year, run[-1].year))
        clauses, cl, size = [], [], 0.0
        for ind in ("RSCA", "TSI"):
            text, c, s = _move_clause(pos, run, ind)
            cl.append(c)
            if text:
                clauses.append(text)
                size = max(size, s)
        q0, q1 = _q(run[0]), _q(run[-1])
        turned = q0 and q1 and q0 != q1
        if turned:
            cl += [_quadrant_claim(pos, run[0]), _quadrant_claim(pos, run[-1])]
        if not clauses and not turned:
            still.append(pos)
            still_claims += cl
            continue
        if turned:
            text = (f"{pos.economy} moved from {_quadrant_words(run[0])} to {_quadrant_words(run[-1])}"
                    + (f": {join_words(clauses)}" if clauses else ""))
        else:
            text = join_words([_subject(clauses[0], pos.economy)] + clauses[1:])
        moved.append((size + (1 if turned else 0), pos, text, cl, run))
    out: list[Sentence] = []
    moved.sort(key=lambda m: -m[0])
    when = (f"Between {min(a for a, _ in span_years)} and {max(b for _, b in span_years)}" if len(span_years) == 1
            else "Over each economy's stretch of years from one source")
    for i, (_, pos, text, cl, run) in enumerate(moved):
        lead = f"{when}, " if i == 0 else ""
        out.append(sentence(cap(f"{lead}{text}{_stand_apart(run)}."), *cl))
    if still:
        names = join_words([p.economy for p in still])
        prefix = "" if moved else f"{when}, "
        def moved_by(p: Position, ind: str) -> str:   # the end values, and the fitted change the judgement uses
            years = [q.year for q in p.with_rsca]
            vals = [q.rsca if ind == "RSCA" else q.tsi for q in p.with_rsca]
            return span_values(vals[0], vals[-1], findings.fitted_change(years, vals), len(vals))

        values = "; ".join([f"{p.economy}: RSCA {moved_by(p, 'RSCA')}, TSI {moved_by(p, 'TSI')}" for p in still])
        verb = "shows" if len(still) == 1 else "show"
        out.append(sentence(cap(f"{prefix}{names} {verb} no clear movement, neither index moving by more than "
                                f"{fmt(CHANGE)} in one direction ({values})."),
                            *still_claims))
    for pos in single:
        out.append(sentence(f"For {pos.economy} this source gives a single year, so no movement is read.",
                            *_value_claims(pos, pos.with_rsca[0])))
    return out


def _stand_apart(run: list[Point], indicators: tuple[str, ...] = ("RSCA", "TSI")) -> str:
    """A clause naming a year that stands apart from the trend (so the end points are not misread)."""
    notes = []
    for ind in indicators:
        years = [p.year for p in run]
        values = [p.rsca if ind == "RSCA" else p.tsi for p in run]
        odd = findings.outliers(years, values)
        if odd:
            shown = join_words([f"{y} ({_num(values[years.index(y)])})" for y in odd])
            notes.append(f"its {ind} in {shown} stands apart from the other years")
        elif len(run) >= 4:
            lo, hi = min(values), max(values)
            if hi - lo > 2 * CHANGE and findings.trend_of(years, values) in ("flat", "mixed"):
                notes.append(f"its {ind} ranged from {_num(lo)} ({years[values.index(lo)]}) to {_num(hi)} "
                             f"({years[values.index(hi)]}) without a lasting trend")
    return "; " + "; ".join(notes) if notes else ""


def breaks(positions: list[Position]) -> list[Sentence]:
    """One sentence for the change of source, if any economy's series has one."""
    years = sorted({p.break_year for p in positions if p.break_year is not None})
    if not years:
        return []
    return [sentence(f"The source changes in {join_words([str(y) for y in years])}: the years before are drawn but not "
                     "compared with the later ones.")]


def competitiveness(positions: list[Position], sector: str, outside_: Outside | None = None,
                    caveats: list[Sentence] | None = None) -> list[Sentence]:
    """The competitiveness paragraph: standing, who is outside the comparison, caveats on the world,
    movements, breaks."""
    if not any(p.with_rsca for p in positions):
        return tsi_paragraph(positions, sector)
    compared = sum(1 for p in positions if p.with_rsca)
    return (standing(positions, sector) + outside(outside_, compared) + list(caveats or []) + movements(positions)
            + breaks(positions))


def tsi_paragraph(positions: list[Position], sector: str) -> list[Sentence]:
    """The competitiveness findings when no economy has an RSCA: the reason once, then TSI compared."""
    have = [(pos, pos.with_tsi) for pos in positions if pos.with_tsi]
    reason = positions[0].rsca_missing if positions else "the data do not allow it"
    if not have:
        return [sentence(f"This edition gives neither RSCA nor TSI for the focus economies in {sector}.",
                         *[claim("missing", indicator="TSI", group=pos.group, reporter=pos.iso, partner="WLD")
                           for pos in positions])]
    year = max(run[-1].year for _, run in have)
    latest = [(pos, run[-1]) for pos, run in have if run[-1].year == year]
    latest.sort(key=lambda pp: -pp[1].tsi)
    values = [c for pos, pt in latest for c in _value_claims(pos, pt, ("TSI",))]
    listed = join_words([f"{pos.economy} {_num(pt.tsi)} ({tsi_band(pt.tsi)})" for pos, pt in latest])
    out = [sentence(f"RSCA cannot be computed from this edition ({reason}), so the economies are compared by their "
                    f"trade specialization alone: in {year} their TSI was {listed}.", *values)]
    moves = []
    cl = []
    for pos, run in have:
        if len(run) < 2:
            continue
        text, c, _ = _move_clause(pos, run, "TSI")
        cl.append(c)
        if text:
            moves.append(_subject(text, pos.economy))
    if moves:
        out.append(sentence(cap(f"Within one source, {join_words(moves)}."), *cl))
    elif cl:
        out.append(sentence("Within one source, no economy's TSI changed by more than "
                            f"{fmt(CHANGE)}.", *cl))
    return out + breaks(positions)


def summary(positions: list[Position], sector: str = "") -> list[Sentence]:
    """The standing in the latest year, for summaries (the conclusion's evidence)."""
    got = standing(positions, sector or "the sector")
    return got[:1] if got else []


# --- across sectors ---------------------------------------------------------------------------
def roles(leaders: dict[str, list[tuple[str, Position, Point, dict[str, float]]]], compared: int) -> list[Sentence]:
    """Economy -> sectors where it has the highest RSCA of the compared set (clearly ahead), with values."""
    if not any(leaders.values()):
        return [sentence("This edition cannot place the economies in the quadrants, or no economy is clearly ahead "
                         "in any sector, so their roles are not read from it.")]
    parts, cl, none = [], [], []
    for economy, items in leaders.items():
        if not items:
            none.append(economy)
            continue
        parts.append(f"{economy} in " + join_words([f"{sector} (RSCA {_num(pt.rsca)} in {pt.year})"
                                                    for sector, _, pt, _ in items]))
        cl += [claim("rank", indicator="RSCA", group=pos.group, reporter=pos.iso, partner="WLD", years=[pt.year],
                     values=vals, expect="highest", threshold=CHANGE, economies=tuple(vals), coverage=pos.coverage,
                     world=pos.world) for _, pos, pt, vals in items]
    text = (f"Read across the sectors, the highest RSCA of the {count_word(compared)} focus economies belongs to "
            + "; ".join(parts))
    if none:
        text += f"; {join_words(none)} {'is' if len(none) == 1 else 'are'} ahead in none"
    return [sentence(text + ".", *cl)]


def brief_standing(positions: list[Position], sector: str) -> list[Sentence]:
    """A short statement of who is ahead on RSCA and where each economy sits, for the conclusion."""
    years = [pos.with_rsca[-1].year for pos in positions if pos.with_rsca]
    if not years:
        return []
    year = max(years)
    placed = [(pos, pt) for pos in positions for pt in pos.with_rsca if pt.year == year]
    ranked, clear = _rank(placed, "RSCA")
    vals = {pos.iso: pt.rsca for pos, pt in placed}
    lead = ranked[0]
    quads = join_words([f"{pos.economy} in quadrant {_q(pt) or '(on an axis)'}" for pos, pt in placed])
    cl = [_quadrant_claim(pos, pt) for pos, pt in placed]
    if len(placed) > 1:
        cl.append(claim("rank", indicator="RSCA", group=lead[0].group, reporter=lead[0].iso, partner="WLD",
                        years=[year], values=vals, expect="highest" if clear else "close", threshold=CHANGE,
                        economies=tuple(vals), coverage=lead[0].coverage, world=lead[0].world))
        who = (f"{lead[0].economy} had the highest RSCA of the {count_word(len(placed))} ({_num(lead[1].rsca)})"
               if clear else f"no economy was clearly ahead on RSCA")
        return [sentence(f"In {sector} in {year}, {who}, with {quads}.", *cl)]
    return [sentence(f"In {sector} in {year}, only {quads} can be placed.", *cl)]


# --- the bilateral lenses ----------------------------------------------------------------------
def _flow_claims(p: Pair, reporter_iso: str) -> list[Claim]:
    return [claim("flow", indicator=ind, group=p.group, reporter=reporter_iso, partner=p.partner_iso, years=[p.year],
                  values={ind: v}, coverage=p.coverage) for ind, v in (("X", p.exports), ("M", p.imports))]


def _immaterial(lens: Lens, pairs: list[Pair]) -> list[Sentence]:
    if not pairs:
        return []
    items = join_words([p.tagged(lens.several, f"{usd(p.exports)} of exports and {usd(p.imports)} of imports")
                        for p in pairs])
    cl = [claim("immaterial", group=p.group, reporter=lens.reporter_iso, partner=p.partner_iso, years=[p.year],
                values={"X": p.exports, "M": p.imports}, threshold=lens.floor, coverage=p.coverage) for p in pairs]
    return [sentence(f"Trade with {items} in {pairs[0].year} was under {usd(lens.floor)} a year, too small to judge.",
                     *cl)]


def _missing(lens: Lens) -> list[Sentence]:
    if not lens.missing:
        return []
    by_reason: dict[str, list[str]] = {}
    for partner, reason in lens.missing.items():
        by_reason.setdefault(reason, []).append(partner)
    parts = [f"with {join_words(ps)}, because {reason}" for reason, ps in by_reason.items()]
    return [sentence(f"No index is given {'; '.join(parts)}.")]


def two_way(lens: Lens) -> list[Sentence]:
    """The Grubel–Lloyd paragraph: two-way and one-way links ranked, changes grouped, gaps said once."""
    pairs = [p for p in lens.pairs if available(p.gl)]
    if not pairs:
        text = (f"This edition's data do not give both directions of {lens.reporter}'s trade in {lens.sector} with "
                "any partner, so the Grubel–Lloyd index cannot be computed.")
        return [sentence(text, *[claim("missing", indicator="GL", group=p.group, reporter=lens.reporter_iso,
                                       partner=p.partner_iso) for p in lens.pairs])] + _missing(lens)
    year = max(p.year for p in pairs)
    latest = [p for p in pairs if p.year == year]
    material = [p for p in latest if p.material(lens.floor)]
    small = [p for p in latest if not p.material(lens.floor)]
    cut = findings.threshold("complementarity")
    two = sorted([p for p in material if p.gl >= cut], key=lambda p: -p.total)   # the largest flows first
    one = sorted([p for p in material if p.gl < cut], key=lambda p: -p.total)
    out: list[Sentence] = []

    def listed(ps: list[Pair]) -> str:
        return listing([p.tagged(lens.several, _num(p.gl)) for p in ps])

    def band_claims(ps: list[Pair], expect: str) -> list[Claim]:
        return [claim("gl_band", indicator="GL", group=p.group, reporter=lens.reporter_iso, partner=p.partner_iso,
                      variant="sum", years=[year], values={"GL": p.gl, "X": p.exports, "M": p.imports}, expect=expect,
                      threshold=cut, coverage=p.coverage) for p in ps]

    where = f" in {lens.sector}" if not lens.several else ""
    if two and one:
        text = (f"In {year}, {lens.reporter}'s trade{where} was mainly two-way (Grubel–Lloyd index 0.5 or more) "
                f"with {listed(two)}, and mainly one-way with {listed(one)}.")
    elif two:
        text = (f"In {year}, {lens.reporter}'s trade{where} was mainly two-way with every partner it can be judged "
                f"with: {listed(two)}.")
    elif one:
        text = (f"In {year}, {lens.reporter}'s trade{where} ran mainly one way with every partner it can be judged "
                f"with (Grubel–Lloyd index below 0.5): {listed(one)}.")
    else:
        text = ""
    if text:
        out.append(sentence(text, *band_claims(two, "two-way"), *band_claims(one, "one-way")))
    out += _immaterial(lens, small)
    out += _gl_changes(lens, [p for p in pairs if p.gl_change is not None and p.material(lens.floor)])
    out += _missing(lens)
    return out


def _change_claim(lens: Lens, p: Pair, c: Change, indicator: str, variant: str) -> Claim:
    years = list(c.years) or [c.first_year, c.last_year]
    return claim("trend", indicator=indicator, group=p.group, reporter=lens.reporter_iso, partner=p.partner_iso,
                 variant=variant, years=years, values={"first": c.first, "last": c.last, "fitted": c.fitted},
                 expect=c.word, threshold=CHANGE, coverage=p.coverage)


def flip_clause(p: Pair) -> str:
    """A clause for a bilateral balance that changed sign over the stretch ('' otherwise): a rising
    Grubel–Lloyd index can hide a surplus turning into a deficit."""
    c = p.tsi_change
    if c is None or not available(c.first, c.last) or (c.first > 0) == (c.last > 0) or abs(c.last - c.first) <= CHANGE:
        return ""
    turn = "surplus turned into a deficit" if c.first > 0 else "deficit turned into a surplus"
    return f", as the {turn}: TSI {_num(c.first)} to {_num(c.last)}"


def _gl_changes(lens: Lens, pairs: list[Pair]) -> list[Sentence]:
    """Changes of the index within one source, grouped by direction, the largest first."""
    if not pairs:
        return []
    groups: dict[str, list[tuple[float, str]]] = {}
    cl = []
    for p in pairs:
        c = p.gl_change
        word = "flat" if c.word == "mixed" else c.word
        cl.append(_change_claim(lens, p, c, "GL", "sum"))
        text = p.tagged(lens.several, span_values(c.first, c.last, c.fitted, len(c.years)) + flip_clause(p))
        if p.tsi_change is not None and flip_clause(p):
            cl.append(_change_claim(lens, p, p.tsi_change, "TSI", "standard"))
        groups.setdefault(word, []).append((p.total, text))
    first = min(p.gl_change.first_year for p in pairs)
    last = max(p.gl_change.last_year for p in pairs)
    parts = []
    for word, verb in (("up", "rose"), ("down", "fell"), ("flat", "showed no clear change")):
        if word in groups:
            items = [t for _, t in sorted(groups[word], key=lambda x: -x[0])]   # the largest flows first
            parts.append(f"{verb} with {listing(items)}")
    breaks_ = sorted({p.break_year for p in pairs if p.break_year is not None})
    tail = (f"; the source changes in {join_words([str(b) for b in breaks_])} and no change is read across it"
            if breaks_ else "")
    return [sentence(f"From {first} to {last} the index {'; it '.join(parts)}{tail}.", *cl)]


def balance(lens: Lens, partners: list[str]) -> list[Sentence]:
    """The value balance with each named partner, grouped by judgement, with the flows and their ratio."""
    pairs = [p for p in lens.pairs if p.partner in partners and available(p.exports, p.imports, p.tsi)]
    if not pairs:
        return []
    year = max(p.year for p in pairs)
    latest = [p for p in pairs if p.year == year]
    material = sorted([p for p in latest if p.material(lens.floor)], key=lambda p: -p.total)
    cut, band = findings.threshold("dependence"), findings.threshold("balance")
    words = {"large deficit": "ran a large deficit", "deficit": "ran a deficit", "balanced": "had broadly balanced trade",
             "surplus": "ran a surplus", "large surplus": "ran a large surplus"}
    groups: dict[str, list[Pair]] = {}
    for p in material:
        groups.setdefault(findings.balance_word(p.tsi), []).append(p)
    out: list[Sentence] = []
    order = ["large deficit", "deficit", "balanced", "surplus", "large surplus"]
    parts, cl = [], []
    for key in sorted(groups, key=order.index):
        items = []
        for p in groups[key]:
            hi, lo = (p.exports, p.imports) if p.exports >= p.imports else (p.imports, p.exports)
            which = "exports" if p.exports >= p.imports else "imports"
            ratio = findings.ratio_text(hi, lo)
            rel = (f"{which} {ratio} {'the other way' if ratio == 'about the same as' else ('imports' if which == 'exports' else 'exports')}"
                   if ratio else "")
            share = f"; {share_text(p.share)} of its imports" if available(p.share) else ""
            items.append(p.tagged(lens.several, f"exports {usd(p.exports)}, imports {usd(p.imports)}"
                                  f"{'; ' + rel if rel and key != 'balanced' else ''}; TSI {_num(p.tsi)}{share}"))
            cl.append(claim("balance", indicator="TSI", group=p.group, reporter=lens.reporter_iso,
                            partner=p.partner_iso, variant="standard", years=[year],
                            values={"TSI": p.tsi, "X": p.exports, "M": p.imports, "band": band}, expect=key,
                            threshold=cut, coverage=p.coverage))
            cl += _flow_claims(p, lens.reporter_iso)
            if available(p.share):
                cl.append(claim("share", indicator="M", group=p.group, reporter=lens.reporter_iso, partner=p.partner_iso,
                                years=[year], values={"share": p.share}, coverage=p.coverage))
        parts.append(f"{words[key]} with {listing(items)}")
    if parts:
        out.append(sentence(f"In {year}, {lens.reporter} {'; it '.join(parts)}.", *cl))
    return out   # flows too small to judge are named once, in the Grubel–Lloyd paragraph


def intensities(lens: Lens) -> list[Sentence]:
    """Export and import intensity grouped by band across partners (and segments), said once each."""
    pairs = [p for p in lens.pairs if available(p.ei) or available(p.ii)]
    if not pairs:
        return [sentence(f"The trade intensities of {lens.reporter} in {lens.sector} cannot be computed from this "
                         "edition's files.")] if lens.pairs else []
    year = max(p.year for p in pairs)
    latest = [p for p in pairs if p.year == year]
    out: list[Sentence] = []
    cut = findings.THRESHOLDS["intensity"][0]
    for ind, name, flow_of in (("EI", "Export intensity", lambda p: p.exports), ("II", "Import intensity",
                                                                                  lambda p: p.imports)):
        vals = [(p, p.ei if ind == "EI" else p.ii) for p in latest]
        vals = [(p, v) for p, v in vals if available(v) and available(flow_of(p)) and flow_of(p) >= lens.floor]
        if not vals:
            continue
        groups: dict[str, list[tuple[Pair, float]]] = {}
        for p, v in vals:
            groups.setdefault(findings.intensity_band(v), []).append((p, v))
        phrases = {"high": f"above {fmt(1 + cut, 1)}", "near 1": "close to 1", "low": f"below {fmt(1 - cut, 1)}"}
        parts, cl = [], []
        for key in ("high", "near 1", "low"):
            if key not in groups:
                continue
            items = sorted(groups[key], key=lambda pv: -pv[1])
            parts.append(f"{phrases[key]} with " + listing([p.tagged(lens.several, _num(v)) for p, v in items]))
            cl += [claim("band", indicator=ind, group=p.group, reporter=lens.reporter_iso, partner=p.partner_iso,
                         variant="standard", years=[year], values={ind: v}, expect=key, threshold=cut,
                         coverage=p.coverage) for p, v in items]
        lead = f"In {year}, {name[0].lower() + name[1:]}" if ind == "EI" else name
        out.append(sentence(f"{lead} was {'; it was '.join(parts)}.", *cl))
    changes = [p for p in latest if p.ii_change is not None and available(p.imports) and p.imports >= lens.floor]
    moved = [(p, p.ii_change) for p in changes if p.ii_change.word in ("up", "down")]
    if moved:
        moved.sort(key=lambda pc: -abs(pc[1].fitted))
        first = min(c.first_year for _, c in moved)
        parts = []
        for verb, up in (("rose", True), ("fell", False)):
            items = [p.tagged(lens.several, span_values(c.first, c.last, c.fitted, len(c.years))) for p, c in moved
                     if (c.word == "up") == up]
            if items:
                parts.append(f"{verb} with {listing(items)}")
        out.append(sentence(f"Since {first}, import intensity {'; it '.join(parts)}.",
                            *[_change_claim(lens, p, c, "II", "standard") for p, c in moved]))
    return out


def links(lens: Lens, partners: list[str]) -> list[Sentence]:
    """The trade-intensity paragraph: the balance with the named partners, then intensities (the partners
    without data are named once, in the Grubel–Lloyd paragraph)."""
    return balance(lens, partners) + intensities(lens)


# --- integrated circuits as a whole -------------------------------------------------------------
def heading(positions: list[Position], world: str, notes: list[str], name: str, code: str,
            totals: str) -> list[Sentence]:
    """RSCA of a 4-digit heading as a whole (`name`, heading `code`; exports of all goods from `totals`):
    each economy's robust trend, odd years named."""
    out: list[Sentence] = []
    items, cl = [], []
    for pos in positions:
        run = [p for p in pos.points if available(p.rsca)]
        if len(run) < 2:
            continue
        years = [p.year for p in run]
        values = [p.rsca for p in run]
        fitted = findings.fitted_change(years, values)
        word = findings.trend_of(years, values)
        c = claim("trend", indicator="RSCA", group=pos.group, reporter=pos.iso, partner="WLD", variant="standard",
                  years=years, values={"first": values[0], "last": values[-1], "fitted": fitted}, expect=word,
                  threshold=CHANGE, coverage=pos.coverage, world=pos.world)
        cl.append(c)
        text = {"up": "rose", "down": "fell", "flat": "showed no lasting trend", "mixed": "showed no lasting trend"}[word]
        odd = findings.outliers(years, values)
        detail = f"{pos.economy}'s RSCA {text} ({_num(values[0])} in {years[0]}, {_num(values[-1])} in {years[-1]}"
        if odd == [years[0]] and len(run) >= 4:
            rest = values[1:]
            detail = (f"{pos.economy}'s RSCA has stayed between {_num(min(rest))} and {_num(max(rest))} since {years[1]} "
                      f"({_num(values[-1])} in {years[-1]}), after {_num(values[0])} in {years[0]}, a year that stands "
                      "apart from the others")
            items.append(detail)
            continue
        if len(run) >= 3:
            detail += f"; fitted change {'+' if fitted > 0 else ''}{_num(fitted)}"
        detail += ")"
        if odd:
            detail += ", with " + join_words([f"{y} ({_num(values[years.index(y)])})" for y in odd]) + \
                " standing apart from the other years"
        elif len(run) >= 4 and word in ("flat", "mixed") and max(values) - min(values) > 2 * CHANGE:
            lo, hi = min(values), max(values)
            detail += (f", ranging from {_num(lo)} ({years[values.index(lo)]}) to {_num(hi)} "
                       f"({years[values.index(hi)]})")
        items.append(detail)
    if not items:
        return []
    text = (f"{name[0].upper()}{name[1:]} as a whole (heading {code}, which the 6-digit lines divide) can be followed "
            "over every year of one source, read with a fitted trend: " + "; ".join(items) + f" (world = {world}; "
            f"exports of all goods from {totals}).")
    out.append(sentence(text, *cl))
    out += [sentence(n) for n in notes]
    return out


# --- how to read the competitiveness figure ---------------------------------------------------
def quadrant_axes(rsca: bool, years: str) -> str:
    """How the competitiveness figure places the economies: RSCA × TSI, or TSI alone and why."""
    when = f"in every year of {years}" if "–" in years else f"in {years}"
    if rsca:
        return ("by its revealed symmetric comparative advantage (RSCA, horizontal axis) and its trade "
                f"specialization index (TSI, vertical axis) {when}")
    return (f"by its trade specialization index (TSI) {when}; RSCA, the other axis of the usual chart, cannot "
            "be computed from this edition, because it needs exports of all goods for the same economies")


def quadrant_reading(rsca: bool) -> str:
    """How to read the competitiveness figure that is actually drawn."""
    if rsca:
        return ("An economy in the upper right has both a comparative advantage and a trade surplus; the arrows "
                "show the direction of travel.")
    return ("A line above zero is a net-export position and one below zero a net-import position; the dotted lines "
            "mark the very strong and very weak bands.")


def meaning(q: str | None) -> str:
    return QUADRANT_MEANING.get(q or "", "on an axis")
