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

from . import claims, config, countries, findings, products, prose, style
from .claims import Claim, Sentence, claim, sentence
from .findings import fmt, join_words, usd
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
    cov = str(data.loc[data["year"] == year, "coverage"].value_counts().idxmax())   # the year's main source
    flows = s.ed.stored.flows
    part = flows[(flows["coverage"] == cov) & (flows["year"] == year) & flows["code"].isin(products.codes_of(key))]
    return part, year, cov


def dependency_screen() -> pd.DataFrame:
    """Sector x focus economy: import concentration, main supplier, world-export concentration, flag."""
    cfg = config.load()
    rows = []
    for key in products.sectors():
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


def screen_sentences(table: pd.DataFrame) -> list[Sentence]:
    """What the screen finds, in words."""
    flagged = table[table["Flag"] == "flagged"]
    if (table["Flag"] == "no bilateral data").all():
        return [sentence("The data of this edition give no bilateral imports, so the dependency screen cannot be run.")]
    if flagged.empty:
        return [sentence("No economy passes all three tests in any sector in this edition: where imports are "
                         "concentrated on few suppliers, world exports are not, or the economy exports more than it "
                         "imports.")]
    items = [f"{r['Economy']} in {r['Sector'].lower()} (main supplier {r['Main supplier']})"
             for _, r in flagged.iterrows()]
    return [sentence(f"The screen flags {len(items)} {'case' if len(items) == 1 else 'cases'}: " + "; ".join(items) + ".")]


OUTSIDE_SHARE = 0.05   # an outside supplier is named when it would take at least 5 % of the imports


def outside_supplier_sentences() -> list[Sentence]:
    """Where the screen's source leaves out the economy that does not report to it (Chinese Taipei) and
    that economy's own customs record its exports to a focus economy in the same codes and year: one
    sentence with, for each such case, the value, the share of imports and the import concentration it
    would have counted in, the largest shares first."""
    from .chapter import Sector
    from .worlds import TAIWAN_COVERAGES

    iso = countries.non_reporter()
    own_covs = list(TAIWAN_COVERAGES) if iso else []   # its own customs files, in the order `worlds` prefers
    items, refs, years, sources = [], [], set(), set()
    for key in products.sectors():
        part, year, _cov = _sector_slice(key)
        if part.empty or not own_covs or iso in set(part["partner"]) | set(part["reporter"]):
            continue
        s = Sector(key)
        flows = s.ed.stored.flows
        own = flows[(flows["reporter"] == iso) & (flows["flow"] == "X") & ~flows["mirror"].astype(bool)
                    & (flows["year"] == year) & flows["code"].isin(set(products.codes_of(key)))]
        for econ in config.load().focus:
            pick = next((p for p in (own[(own["coverage"] == c) & (own["partner"] == econ)] for c in own_covs)
                         if len(p)), None)
            imports = part[(part["reporter"] == econ) & (part["flow"] == "M") & (part["partner"] != WORLD)]
            by_partner = imports.groupby("partner")["value_usd"].sum()
            if pick is None or by_partner.sum() <= 0:
                continue
            value = float(pick["value_usd"].sum())
            with_it = pd.concat([by_partner, pd.Series({iso: value})])
            share = value / float(with_it.sum())
            if share < OUTSIDE_SHARE:
                continue
            src = str(pick["coverage"].iloc[0])
            held = sorted(set(pick["code"]))
            scope = "" if set(held) >= set(imports["code"]) else f"HS {', '.join(held)} only: "
            detail = (f"{scope}{usd(value)}, {share:.0%} of its imports; import HHI {fmt(hhi(with_it))} rather than "
                      f"{fmt(hhi(by_partner))}")
            items.append((share, with_it.idxmax() == iso, f"{style.prose(econ)} in {s.title} ({detail})",
                          claim("flow", indicator="X", group=key, reporter=iso, partner=econ, years=[year],
                                values={"X": value}, coverage=src)))
            refs.append(f"sec-{key}")
            years.add(year)
            sources.add(s.meta.get(src, {}).get("description", src))
    if not items:
        return []
    items.sort(key=lambda item: -item[0])                 # the largest shares first
    tops = [item for item in items if item[1]]            # where it would be the largest supplier
    rest = [item for item in items if not item[1]]
    lead = (f"{style.prose(iso, start=True)} is outside the screen's source, but its own customs "
            f"({'; '.join(sorted(sources))}) record its exports to the focus economies in {findings.span(sorted(years))}: "
            "counted in, ")
    refs = tuple(dict.fromkeys(refs))

    def texts(group: list) -> list[str]:
        return [text for _, _, text, _ in group]

    def claims_of(group: list) -> list[Claim]:
        return [c for _, _, _, c in group]

    if not tops:
        return [sentence(f"{lead}it would supply {'; '.join(texts(rest))}.", *claims_of(rest), refs=refs)]
    out = [sentence(f"{lead}it would be the largest supplier of {'; of '.join(texts(tops))}.", *claims_of(tops),
                    refs=refs)]
    if rest:
        out.append(sentence(f"It would also supply {'; '.join(texts(rest))}.", *claims_of(rest), refs=refs))
    return out


def screen_sentence(table: pd.DataFrame) -> str:
    return claims.render(screen_sentences(table) + outside_supplier_sentences())


def partner_pairs(sectors: list[str] | None = None) -> Iterator[tuple["Sector", prose.Pair]]:
    """(sector, pair) for the reporter with each other focus economy, over the whole sector, in the latest
    year of one source, where the data give one."""
    from .chapter import Sector

    cfg = config.load()
    for key in sectors or list(products.sectors()):
        s = Sector(key)
        for partner in (p for p in cfg.focus if p != cfg.reporter):
            got = s.pair(key, partner)
            if got is not None:
                yield s, got


def _tsi_claim(reporter: str, p: prose.Pair, expect: str) -> Claim:
    return claim("balance", indicator="TSI", group=p.group, reporter=reporter, partner=p.partner_iso,
                 variant="standard", years=[p.year], values={"TSI": p.tsi, "X": p.exports, "M": p.imports,
                                                             "band": findings.threshold("balance")},
                 expect=expect, threshold=findings.threshold("dependence"), coverage=p.coverage)


def _gl_claim(reporter: str, p: prose.Pair, expect: str) -> Claim:
    return claim("gl_band", indicator="GL", group=p.group, reporter=reporter, partner=p.partner_iso, variant="sum",
                 years=[p.year], values={"GL": p.gl, "X": p.exports, "M": p.imports}, expect=expect,
                 threshold=findings.threshold("complementarity"), coverage=p.coverage)


EVIDENCE = ("deficits", "one-way", "balance", "rising", "standing")
"""The kinds of evidence a recommendation can cite: large deficits and the dependency screen; mainly
one-way trade; the value balance in one sector; rising two-way trade; the standing in one sector."""


def evidence_sentences(kind: str, sector: str | None = None, exclude: tuple[str, ...] | list[str] = (),
                       examples: str = "", lead: str = "") -> list[Sentence]:
    """The computed evidence of one `kind` (see `EVIDENCE`) behind a recommendation, brief, with
    cross-references to the sections it comes from, or why this edition cannot give it.

    `sector` is the sector a 'balance' or 'standing' piece reads; `exclude` the sectors a 'one-way'
    piece leaves out; `examples` what the dependency screen cannot see, in the report's words; `lead`
    an authored sentence a 'standing' piece opens with.
    """
    from .chapter import Sector

    cfg = config.load()
    reporter = style.prose(cfg.reporter)
    floor = float(cfg.materiality_usd)
    none = "This edition's data do not bear on it either way."
    if kind not in EVIDENCE:
        raise ValueError(f"unknown evidence {kind!r}: choose one of {', '.join(EVIDENCE)}")
    if kind in ("balance", "standing") and sector not in products.sectors():
        raise ValueError(f"evidence {kind!r} needs sector= one of {', '.join(products.sectors())}")
    if kind in ("deficits", "one-way", "rising") and not any(p.material(floor) for _, p in partner_pairs()):
        return [sentence(f"This edition gives no bilateral trade of {reporter} with the other focus economies "
                         "large enough to judge, so it does not bear on this.")]
    if kind == "deficits":
        rel: dict[str, list[prose.Pair]] = {}
        for s, p in partner_pairs():
            if p.material(floor) and findings.balance_word(p.tsi) == "large deficit":
                rel.setdefault(p.partner, []).append((s, p))
        screen = dependency_screen()
        flagged = int((screen["Flag"] == "flagged").sum())
        tail = (f"The dependency screen, which sees only HS six-digit products and not chokepoints within them, "
                f"flags {flagged} {'case' if flagged == 1 else 'cases'}." if flagged else
                "The dependency screen cannot be run on this edition's data."
                if (screen["Flag"] == "no bilateral data").all() else
                "The dependency screen flags no case, but it sees only HS six-digit products, not chokepoints within "
                f"them{f' ({examples})' if examples else ''}, so it cannot rule such exposure out.")
        if not rel:
            return [sentence(f"In this edition {reporter} runs a large deficit (imports at least twice exports) with "
                             "no other focus economy in any sector where the flows are large enough to judge."),
                    sentence(tail, refs=("sec-screen",))]
        parts, cl, refs = [], [], []
        for partner, items in rel.items():
            listed = join_words([f"{s.title} (TSI {fmt(p.tsi)}, {p.year}"
                                 + (f"; {prose.share_text(p.share)} of its imports" if findings.available(p.share) else "")
                                 + ")"
                                 for s, p in items])
            parts.append(f"with {partner} in {listed}")
            cl += [_tsi_claim(cfg.reporter, p, "large deficit") for _, p in items]
            refs += [f"sec-{s.key}" for s, _ in items]
        return [sentence(f"In its trade {'; and '.join(parts)}, {reporter} imports at least twice what it exports.",
                         *cl, refs=tuple(dict.fromkeys(refs))),
                sentence(tail, refs=("sec-screen",))]
    if kind in ("one-way", "rising"):
        sectors = [k for k in products.sectors() if k not in exclude]
        one_way, rising, reversed_, cl, cl_flip, refs = [], [], [], [], [], []
        for s, p in partner_pairs(sectors):
            if not p.material(floor) or not findings.available(p.gl):
                continue
            if kind == "one-way" and p.gl < findings.threshold("complementarity"):
                one_way.append(f"{s.title} with {p.partner} ({fmt(p.gl)})")
                cl.append(_gl_claim(cfg.reporter, p, "one-way"))
                refs.append(f"sec-{s.key}")
            c = p.gl_change
            if kind == "rising" and c is not None and c.word == "up":
                flip = prose.flip_clause(p)
                item = (f"{s.title} with {p.partner} ({c.first_year}–{c.last_year}: "
                        f"{prose.span_values(c.first, c.last, c.fitted, len(c.years))}{flip})")
                (reversed_ if flip else rising).append(item)
                (cl_flip if flip else cl).append(claim("trend", indicator="GL", group=p.group, reporter=cfg.reporter, partner=p.partner_iso,
                                variant="sum", years=list(c.years), values={"first": c.first, "last": c.last,
                                                                             "fitted": c.fitted},
                                expect="up", threshold=findings.threshold("change"), coverage=p.coverage))
                if flip:
                    t = p.tsi_change
                    cl_flip.append(claim("trend", indicator="TSI", group=p.group, reporter=cfg.reporter,
                                    partner=p.partner_iso, variant="standard", years=list(t.years),
                                    values={"first": t.first, "last": t.last, "fitted": t.fitted},
                                    expect=t.word, threshold=findings.threshold("change"), coverage=p.coverage))
                refs.append(f"sec-{s.key}")
        if kind == "one-way":
            if one_way:
                return [sentence(f"{reporter[:1].upper() + reporter[1:]}'s trade is mainly one-way (Grubel–Lloyd index "
                                 f"below 0.5) in {join_words(one_way)}.", *cl, refs=tuple(dict.fromkeys(refs)))]
            outside = f" outside {join_words([products.sectors()[k] for k in exclude])}" if exclude else ""
            return [sentence(f"No sector{outside} shows mainly one-way trade with the partners in this edition, "
                             "where flows are large enough to judge."), sentence(none)]
        flipped = (f"The index also rose in {join_words(reversed_)}, but as the balance reversed, not as deeper "
                   "two-way trade." if reversed_ else "")
        if rising:
            out = [sentence(f"Two-way trade rose, within one source, in {join_words(rising)}.", *cl,
                            refs=tuple(dict.fromkeys(refs)))]
            return out + ([sentence(flipped, *cl_flip, refs=tuple(dict.fromkeys(refs)))] if flipped else [])
        if reversed_:
            return [sentence(f"No Grubel–Lloyd index of {reporter} with the other focus economies rose as two-way "
                             f"trade deepened. {flipped}", *cl_flip, refs=tuple(dict.fromkeys(refs)))]
        return [sentence(f"No Grubel–Lloyd index of {reporter} with the other focus economies rose by more than "
                         f"{fmt(findings.threshold('change'))} within one source in this edition, so it does not "
                         "show the segments to build on."), sentence(none)]
    if kind == "balance":
        s = Sector(sector)
        items, cl = [], []
        for p in (x for x in (s.pair(s.key, q) for q in cfg.focus if q != cfg.reporter) if x is not None):
            if not p.material(floor):
                items.append(f"with {p.partner} too small to judge")
                continue
            word = findings.balance_word(p.tsi)
            verb = {"large deficit": "runs a large deficit with", "deficit": "runs a deficit with",
                    "balanced": "has broadly balanced trade with", "surplus": "runs a surplus with",
                    "large surplus": "runs a large surplus with"}[word]
            share = f", {prose.share_text(p.share)} of its imports" if findings.available(p.share) else ""
            items.append(f"{verb} {p.partner} (TSI {fmt(p.tsi)} in {p.year}{share})")
            cl.append(_tsi_claim(cfg.reporter, p, word))
        if not items:
            return [sentence(f"This edition gives no bilateral trade of {reporter} in {s.title}."), sentence(none)]
        return [sentence(f"In {s.scoped_title()}, {reporter} " + join_words(items) + ".", *cl, refs=(f"sec-{s.key}",))]
    s = Sector(sector)
    got = prose.brief_standing(s.positions(), s.title)
    opening = [sentence(lead)] if lead else []
    if not got:
        return opening + [sentence(f"This edition cannot place the focus economies in {s.title}.")]
    return opening + [sentence(x.text, *x.claims, refs=(f"sec-{s.key}",)) for x in got]


def evidence(kind: str, sector: str | None = None, exclude: tuple[str, ...] | list[str] = (),
             examples: str = "", lead: str = "") -> str:
    """The evidence of one kind behind a recommendation, as Markdown (see `evidence_sentences`)."""
    return claims.render(evidence_sentences(kind, sector, exclude, examples, lead))


def role_sentences() -> list[Sentence]:
    """In each sector, which focus economy has the highest RSCA of the set, in the latest year with RSCA."""
    from .chapter import Sector

    cfg = config.load()
    leaders: dict[str, list] = {style.prose(e): [] for e in cfg.focus}
    refs, compared = [], 0
    for key in products.sectors():
        s = Sector(key)
        placed = [(pos, pos.with_rsca[-1]) for pos in s.positions() if pos.with_rsca]
        if len(placed) < 2:
            continue
        year = max(pt.year for _, pt in placed)
        placed = [(pos, pt) for pos, pt in placed if pt.year == year]
        compared = max(compared, len(placed))
        ranked = sorted(placed, key=lambda pp: -pp[1].rsca)
        if len(ranked) < 2 or ranked[0][1].rsca - ranked[1][1].rsca <= findings.threshold("change"):
            continue   # no clear leader: not decided by a rounding
        pos, pt = ranked[0]
        leaders[pos.economy].append((s.title, pos, pt, {p.iso: q.rsca for p, q in placed}))
        refs.append(f"sec-{key}")
    got = prose.roles(leaders, compared)
    return [sentence(x.text, *x.claims, refs=tuple(refs)) for x in got]


def roles() -> str:
    """Where each focus economy has the strongest comparative advantage of the set, as Markdown."""
    return claims.render(role_sentences())
