"""The chapter's tables, returned as markdown so both renderers (and Quarto) show them."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from . import config, edition, findings, products, style
from .findings import fmt
from .indicators import FORMULAS, NOTATION
from .schema import WORLD


def pipe_table(df: pd.DataFrame) -> str:
    """A pandoc pipe table of a DataFrame (cells escaped, index dropped)."""
    def cell(v: object) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    head = "| " + " | ".join(cell(c) for c in df.columns) + " |"
    # Dashes set pandoc's relative column widths: room for the longest unbreakable word (a code,
    # a name) plus padding, and up to 40 characters for columns of running text.
    def width(column: str) -> int:
        texts = [cell(column)] + [cell(v) for v in df[column]]
        word = max(len(w) for t in texts for w in (t.split() or [""]))
        return max(word + 4, min(40, max(len(t) for t in texts)))

    rule = "|" + "|".join(":" + "-" * width(c) for c in df.columns) + "|"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, rule, *rows])


def synthesis() -> pd.DataFrame:
    """Sector x economy: quadrant now, movement since the first year, GL trend, IT asymmetry."""
    ed, cfg = edition.current(), config.load()
    years = [y for y in ed.years if y >= cfg.quadrant_from]
    first, last = years[0], years[-1]
    recent0 = ed.years[-cfg.recent_years:][0]
    rows = []
    for sector in products.SECTORS:
        for econ in cfg.focus:
            r0, t0 = (ed.value(i, sector, econ, WORLD, first, "standard") for i in ("RSCA", "TSI"))
            r1, t1 = (ed.value(i, sector, econ, WORLD, last, "standard") for i in ("RSCA", "TSI"))
            others = [o for o in cfg.focus if o != econ]
            gl = []
            it = []
            for o in others:
                g0 = ed.value("GL", sector, econ, o, recent0, "sum")
                g1 = ed.value("GL", sector, econ, o, last, "sum")
                gl.append(f"{style.name(o)} {fmt(g0)}→{fmt(g1)}" if findings.available(g0, g1)
                          else f"{style.name(o)} n/a")
                e1 = ed.value("EI", sector, econ, o, last, "standard")
                i1 = ed.value("II", sector, econ, o, last, "standard")
                it.append(f"{style.name(o)}: {findings.asymmetry(e1, i1)} ({fmt(e1)}/{fmt(i1)})"
                          if findings.available(e1, i1) else f"{style.name(o)}: n/a")
            q1 = findings.quadrant(r1, t1)
            rows.append({
                "Sector": sector.capitalize(),
                "Economy": style.name(econ),
                f"Quadrant {last}": q1 or "n/a",
                f"Since {first}": findings.arrows(r1 - r0, t1 - t0),
                f"GL {recent0}→{last}": "; ".join(gl),
                f"IT export/import {last}": "; ".join(it),
            })
    return pd.DataFrame(rows)


def synthesis_table() -> Markdown:
    return Markdown(pipe_table(synthesis()))


def product_table() -> Markdown:
    """The product reference table as the appendix prints it."""
    df = products.load_products()
    out = pd.DataFrame({
        "Sector": df["sector"], "Segment": df["segment"], "Code": df["code"], "System": df["code_system"],
        "HS revisions": df["hs_revisions"], "Default": df["default"].map({True: "yes", False: "optional"}),
        "Rationale": df["rationale"] + df["verified"].map({True: "", False: " (line not yet verified)"}),
    })
    return Markdown(pipe_table(out))


def coverage_table() -> Markdown:
    """Inputs of the edition: path, format, rows, SHA-256 (from the manifest)."""
    ed = edition.current()
    rows = []
    for item in ed.stored.manifest.get("inputs", []):
        rows.append({"Input": item.get("path", ""), "Format": item.get("format", ""),
                     "Rows": item.get("rows", "–"), "SHA-256": str(item.get("sha256", ""))[:16] + "…"})
    return Markdown(pipe_table(pd.DataFrame(rows)))


def panel_summary() -> Markdown:
    """Reporters, years and flows of the processed panel by code system."""
    flows = edition.current().stored.flows
    grouped = flows.groupby("code_system").agg(
        rows=("value_usd", "size"), codes=("code", "nunique"), reporters=("reporter", "nunique"),
        first=("year", "min"), last=("year", "max"), mirror=("mirror", "mean"))
    grouped["mirror"] = (grouped["mirror"] * 100).round(1).astype(str) + " %"
    out = grouped.reset_index().rename(columns={
        "code_system": "Code system", "rows": "Rows", "codes": "Codes", "reporters": "Reporters",
        "first": "First year", "last": "Last year", "mirror": "Mirror share"})
    return Markdown(pipe_table(out))


def formulas_markdown() -> Markdown:
    """The indicator definitions, from the same source the engine documents."""
    parts = [f"Notation: {NOTATION}", ""]
    for f in FORMULAS.values():
        parts += [f"**{f.title} ({f.name}).**", "", f"$$ {f.latex} $$", "", f.meaning, ""]
    return Markdown("\n".join(parts))


def reproduction_table() -> Markdown:
    """Published values beside recomputed ones (not compared for synthetic data)."""
    from . import reproduction

    ed = edition.current()
    df = reproduction.table()
    if ed.synthetic:
        df = df[["ID", "Statement", "Published"]].assign(Recomputed="not compared: synthetic data")
    return Markdown(pipe_table(df))
