"""RSCA under alternative worlds: how far a quadrant depends on which economies make up the world.

The chapter computes each RSCA in the world its note states (see `coverage`). For a closed panel
(a file of some economies' exports to each other, with a reporting floor) two other worlds are as
defensible, and this module recomputes RSCA in them with the same engine:

- `with-flow`: only the economies with a recorded flow of the sector, so the source's floor
  decides who is in the world (what the engine did before the floor was stated);
- `with-twn`: the stated world plus Chinese Taipei, absent from the panel's economies: its exports
  to the same economies from its own customs report (Taiwan customs), cut at the same floor.
  The panel has no import side, so partners' reported imports from it (mirror flows) do not exist.

TSI is held at its stated value: only the world of RSCA changes.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from . import countries, findings, indicators, style
from .products import codes_of
from .schema import WORLD

STATED, WITH_FLOW, WITH_TWN = "stated", "with-flow", "with-twn"
ALTERNATIVES: dict[str, str] = {
    STATED: "the world the figure's note states",
    WITH_FLOW: "only the economies of the file with a recorded flow of the sector (the source's reporting floor "
               "decides who is in the world)",
    WITH_TWN: "the stated world plus {name}, its exports to the same economies taken from Taiwan customs "
              "and cut at the same floor",
}
"""The worlds of RSCA; {name} is the economy that does not report to UN Comtrade (`countries.non_reporter`)."""
TAIWAN_COVERAGES = ("taiwan-portal", "taiwan-ccc")   # its own customs files, preferred first: one source per year


def world_text(world: str) -> str:
    """The wording of one of the `ALTERNATIVES`."""
    return ALTERNATIVES[world].format(name=style.name(countries.non_reporter()))
KEYS = ["coverage", "group", "reporter", "year"]


def _rsca(flows: pd.DataFrame, totals: pd.DataFrame, world: str) -> pd.DataFrame:
    """RSCA of every reporter and group of one coverage's flows against the world."""
    table = indicators.compute(flows.drop(columns="coverage"), totals, world=world, partners=[WORLD])
    rows = table[(table["indicator"] == "RSCA") & (table["variant"] == "standard")]
    return rows[["group", "reporter", "year", "value"]].astype({"group": str, "reporter": str})


def taiwan_exports(flows: pd.DataFrame, panel: pd.DataFrame,
                   floor: float) -> tuple[pd.DataFrame, dict[int, tuple[str, set[str]]]]:
    """Chinese Taipei's HS6 exports to the panel's economies from its own customs report, at the panel's floor.

    One Taiwan source per year (the portal where it has the year, else the CCC lines' HS6 sums);
    flows under the floor are dropped as the panel's source drops its own. Returns the rows, as
    rows of the panel's coverage with their world (sum over the partners), and {year: source}.
    """
    own = flows[(flows["reporter"] == countries.non_reporter()) & (flows["flow"] == "X") & ~flows["mirror"].astype(bool)
                & flows["coverage"].isin(TAIWAN_COVERAGES) & (flows["code_system"] == "HS6")]
    name = str(panel["coverage"].iloc[0])
    rows, used = [], {}
    for year, part in panel.groupby("year"):
        economies = set(part["reporter"]) - {WORLD}
        for cov in TAIWAN_COVERAGES:
            pick = own[(own["coverage"] == cov) & (own["year"] == year) & own["partner"].isin(economies)
                       & own["code"].isin(set(part["code"]))]
            if len(pick):
                rows.append(pick[pick["value_usd"] >= floor])
                used[int(year)] = (cov, set(pick["code"]))
                break
    if not rows:
        return panel.iloc[:0], used
    bil = pd.concat(rows, ignore_index=True).assign(coverage=name)
    keys = ["coverage", "year", "reporter", "flow", "code", "code_system", "hs_revision", "source", "mirror"]
    world = bil.groupby(keys, as_index=False, observed=True)["value_usd"].sum().assign(partner=WORLD)
    return pd.concat([bil, world[bil.columns]], ignore_index=True), used


def alternatives(flows: pd.DataFrame, totals: pd.DataFrame, meta: dict[str, dict]) -> pd.DataFrame:
    """coverage, group, reporter, year and RSCA in each world of `ALTERNATIVES`, for every closed panel.

    A world that the files cannot give for a group and year (Chinese Taipei's exports of codes its
    customs file for that year does not hold) is missing, with the reason in `reason_<world>`.
    """
    frames = []
    for name, m in meta.items():
        if m.get("world_mode") != "panel":
            continue
        panel = flows[flows["coverage"].astype(str) == name]
        floor = float(m.get("floor_usd") or 0.0)
        stated = _rsca(panel, totals, "panel").rename(columns={"value": STATED})
        with_flow = _rsca(panel, totals, "reporters").rename(columns={"value": WITH_FLOW})
        twn, used = taiwan_exports(flows, panel, floor)
        out = stated.merge(with_flow, on=["group", "reporter", "year"], how="left")
        if len(twn):
            plus = _rsca(pd.concat([panel, twn[panel.columns]], ignore_index=True), totals, "panel")
            out = out.merge(plus.rename(columns={"value": WITH_TWN}), on=["group", "reporter", "year"], how="left")
        else:
            out[WITH_TWN] = float("nan")
        panel_codes = {int(y): set(part["code"]) for y, part in panel.groupby("year")}
        reasons = []
        for group, year in zip(out["group"], out["year"]):
            need = set(codes_of(group)) & panel_codes.get(int(year), set())
            if int(year) not in used:
                reasons.append(f"no file gives {style.name(countries.non_reporter())}'s exports in {int(year)}")
            elif not need <= used[int(year)][1]:
                reasons.append(f"the Taiwan customs file for {int(year)} does not hold every code of the sector")
            else:
                reasons.append("")
        out["reason_" + WITH_TWN] = reasons
        out.loc[out["reason_" + WITH_TWN] != "", WITH_TWN] = float("nan")
        out["taiwan_source"] = out["year"].map(lambda y: used.get(int(y), ("", set()))[0])
        frames.append(out.assign(coverage=name))
    cols = KEYS + list(ALTERNATIVES) + ["reason_" + WITH_TWN, "taiwan_source"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


WORLD_ROWS = "world-rows"


def exports_to_world(table: pd.DataFrame, meta: dict[str, dict], group: str) -> pd.DataFrame:
    """RSCA of a group from every coverage whose numerator is exports to the World as its source reports them
    (not a closed panel): reporter, year, coverage, value and the group's codes that coverage holds.

    `table` is the edition's indicator table before one coverage is chosen per year (`Stored.indicators`).
    """
    keep = [c for c, m in meta.items() if m.get("world_mode") != "panel"]
    rows = table[(table["indicator"] == "RSCA") & (table["group"].astype(str) == group)
                 & (table["partner"].astype(str) == WORLD) & table["coverage"].astype(str).isin(keep)
                 & table["value"].notna()]
    codes = set(codes_of(group))
    out = rows[["reporter", "year", "coverage", "value"]].astype({"reporter": str, "coverage": str})
    held = {c: tuple(sorted(codes & set(meta[c].get("codes", ())))) for c in out["coverage"].unique()}
    return out.assign(codes=out["coverage"].map(held))


def quadrants(tsi: float, values: dict[str, float]) -> dict[str, str | None]:
    """The quadrant of (RSCA, TSI) in each world that gives a value (TSI held at its stated value)."""
    return {w: findings.quadrant(v, tsi) for w, v in values.items() if findings.available(v)}


def depends(tsi: float, values: dict[str, float]) -> bool:
    """True when the quadrant differs between the worlds that give a value."""
    return len(set(quadrants(tsi, values).values())) > 1


@lru_cache(maxsize=4)
def _of_folder(folder: str) -> pd.DataFrame:
    from pathlib import Path

    from . import store

    stored = store.load(Path(folder))
    return alternatives(stored.flows, stored.totals, stored.manifest.get("coverages", {}))


def of_edition(ed) -> pd.DataFrame:
    """`alternatives` for an edition (computed once per processed folder)."""
    return _of_folder(str(ed.stored.folder))


def sensitivity(sectors: list[str] | None = None) -> pd.DataFrame:
    """Every point of the competitiveness figures of the current edition with its RSCA in each world."""
    from .chapter import Sector
    from . import products

    frames = [Sector(k).world_sensitivity() for k in (sectors or list(products.sectors()))]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def sensitivity_sentence(rows: pd.DataFrame) -> str:
    """When a quadrant depends on the choice of world, in words (generated from the table's rows)."""
    from . import style
    from .findings import fmt, join_words
    from . import products

    if rows.empty:
        return "No competitiveness figure of this edition shows RSCA, so no quadrant depends on a world."
    alt = rows[rows[[WITH_FLOW, WITH_TWN, WORLD_ROWS]].notna().any(axis=1)]
    if alt.empty:
        return ("The files give no alternative world for any RSCA of the competitiveness figures: each is computed "
                "in the one world its note states.")
    hit = alt[alt["depends"]]
    text = (f"Of the {len(alt)} positions with an alternative world, ")
    if hit.empty:
        return text + "none changes quadrant with the choice of world (TSI held at its stated value)."
    cases = [f"{style.prose(r.economy)} in {products.sectors()[r.sector]}, {r.year} (RSCA {fmt(r.stated)} in the stated world, "
             + ", ".join(f"{fmt(getattr(r, col))} {label}" for col, label in
                         (("with_flow", "with only the economies with a recorded flow"),
                          ("with_twn", f"with {style.name(countries.non_reporter())}")) if not pd.isna(getattr(r, col)))
             + ")" for r in hit.rename(columns={WITH_FLOW: "with_flow", WITH_TWN: "with_twn"}).itertuples()]
    verb = "changes" if len(hit) == 1 else "change"
    return (text + f"{len(hit)} {verb} quadrant with the choice of world, TSI held at its stated value: "
            + join_words(cases) + ".")


def sensitivity_markdown() -> "Markdown":
    """The methods appendix's sensitivity table: each RSCA of the competitiveness figures in every world."""
    from IPython.display import Markdown

    from . import edition, style
    from .findings import fmt, span
    from . import products
    from .tables import pipe_table

    rows = sensitivity()
    taipei = f"With {style.name(countries.non_reporter())}"
    if rows.empty or rows[[WITH_FLOW, WITH_TWN, WORLD_ROWS]].isna().all().all():
        return Markdown(sensitivity_sentence(rows))
    rows = rows.sort_values(["sector", "economy", "year"], key=lambda c: c.map(list(products.sectors()).index)
                            if c.name == "sector" else c)

    def cell(value: float, reason: object) -> str:
        if not pd.isna(value):
            return fmt(value)
        return "—" if not reason or pd.isna(reason) else "not in the files"

    table = pd.DataFrame({
        "Sector": list(rows["sector"]),
        "Economy": [style.name(e) for e in rows["economy"]],
        "Year": rows["year"].astype(int),
        "TSI": [fmt(v) for v in rows["TSI"]],
        "RSCA, stated world": [fmt(v) for v in rows[STATED]],
        "Only economies with a flow": [cell(v, None) for v in rows[WITH_FLOW]],
        taipei: [cell(v, r) for v, r in zip(rows[WITH_TWN], rows["reason_" + WITH_TWN])],
        "Exports to the World, another source": [
            "—" if pd.isna(v) else f"{fmt(v)} (HS {', '.join(c)})" for v, c in zip(rows[WORLD_ROWS], rows["world_rows_codes"])],
        "Quadrant depends on the world": ["yes" if d else ("no" if alt else "—") for d, alt in
                                          zip(rows["depends"], rows[[WITH_FLOW, WITH_TWN, WORLD_ROWS]].notna().any(axis=1))],
    })
    reasons = sorted({str(r) for r in rows["reason_" + WITH_TWN].dropna() if r})
    meta = edition.current().stored.manifest.get("coverages", {})
    used = rows[rows[WITH_TWN].notna()].groupby("taiwan_source")["year"].unique()
    sources = [f"{meta.get(str(c), {}).get('description', c)} ({span(y)})" for c, y in used.items()]
    notes = [f"Worlds: *stated*, {ALTERNATIVES[STATED]}; *only economies with a flow*, {ALTERNATIVES[WITH_FLOW]}; "
             f"*with {style.name(countries.non_reporter())}*, {world_text(WITH_TWN)}; *exports to the World, another source*: RSCA from "
             "a file whose numerator is exports to the World as reported (the same partner scope as exports of all "
             "goods), for the codes it holds; it enters the quadrant judgement only where it holds the same codes. "
             "A dash: no file gives that world."]
    if sources:
        notes.append(f"{style.name(countries.non_reporter())}'s exports come from " + "; ".join(sources) + ".")
    if reasons:
        notes.append("“Not in the files”: " + "; ".join(reasons) + ".")
    widths = {"Sector": 10, "Economy": 8, "Year": 5, "TSI": 6, "RSCA, stated world": 8, "Only economies with a flow": 9,
              taipei: 9, "Exports to the World, another source": 12, "Quadrant depends on the world": 9}
    notes.insert(0, "Sectors: " + "; ".join(f"*{k}*, {products.sectors()[k]}" for k in dict.fromkeys(rows["sector"])) + ".")
    lead = "The table recomputes every RSCA of the competitiveness figures in each world the files allow. "
    return Markdown("\n\n".join([lead + sensitivity_sentence(rows), pipe_table(table, widths), " ".join(notes)]))
