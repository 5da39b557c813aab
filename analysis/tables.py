"""The chapter's tables, returned as markdown so both renderers (and Quarto) show them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from . import config, edition, findings, products, style
from .escape import markdown
from .findings import fmt, join_words, span, usd
from .indicators import FORMULAS, NOTATION, WORLDS
from .paths import ROOT


def pipe_table(df: pd.DataFrame, widths: dict[str, int] | None = None) -> str:
    """A pandoc pipe table of a DataFrame (every cell and heading is text: `escape.markdown`; index
    dropped); `widths` sets the relative width of named columns (pandoc reads it from the dashes)."""
    head = "| " + " | ".join(markdown(c) for c in df.columns) + " |"
    # Dashes set pandoc's relative column widths: room for the longest unbreakable word (a code,
    # a name) plus padding, and up to 40 characters for columns of running text.
    def width(column: str) -> int:
        texts = [str(column)] + [str(v) for v in df[column]]
        word = max(len(w) for t in texts for w in (t.split() or [""]))
        return max(word + 4, min(40, max(len(t) for t in texts)))

    widths = widths or {}
    rule = "|" + "|".join(":" + "-" * widths.get(c, width(c)) for c in df.columns) + "|"
    rows = ["| " + " | ".join(markdown(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, rule, *rows])


def synthesis() -> pd.DataFrame:
    """Sector x economy: quadrant in the latest full year, movement within one source, and the
    Grubel–Lloyd index and value balance with the other two focus economies."""
    from .chapter import Sector

    cfg = config.load()
    rows = []
    for key in products.sectors():
        s = Sector(key)
        for econ in cfg.focus:
            run = s.quadrant_path(econ)
            if run.empty:
                position, movement = "no data", "no data"
            else:
                last, first = run.iloc[-1], run.iloc[0]
                q = findings.quadrant(last["RSCA"], last["TSI"])
                position = (f"{'quadrant ' + q if q else 'on an axis'} in {int(last['year'])} "
                            f"({fmt(last['RSCA'])}, {fmt(last['TSI'])})")
                movement = (f"{findings.arrows(last['RSCA'] - first['RSCA'], last['TSI'] - first['TSI'])} "
                            f"since {int(first['year'])}" if len(run) >= 2 else "one year from this source")
            pairs = [s.pair_summary(econ, o) for o in cfg.focus if o != econ]
            rows.append({"Sector": key.capitalize(), "Economy": style.name(econ),
                         "Quadrant (RSCA, TSI)": position, "Movement": movement,
                         "With the other two: GL; value balance": "; ".join(pairs)})
    return pd.DataFrame(rows)


def complementarity_sentences() -> list["Sentence"]:
    """The pattern across sectors, from the latest indices of one source: the reporter's Grubel–Lloyd
    index with the other focus economies (flows large enough to judge), and whether both intensities exceed 1."""
    from .claims import claim, sentence
    from .conclusion import partner_pairs

    cfg = config.load()
    floor = float(cfg.materiality_usd)
    cut = findings.threshold("complementarity")
    groups: dict[str, list] = {"integrated": [], "two-way": [], "one-way": []}
    small = []
    for s, p in partner_pairs():
        if not findings.available(p.gl):
            continue
        if not p.material(floor):
            small.append(f"{p.partner} in {s.title}")
            continue
        label = f"{p.partner} in {s.title} ({fmt(p.gl)})"
        key = "one-way" if p.gl < cut else "integrated" if findings.available(p.ei, p.ii) and p.ei > 1 and p.ii > 1 \
            else "two-way"
        groups[key].append((label, p))
    pairs = sum(len(v) for v in groups.values())
    reporter = style.prose(cfg.reporter)
    if pairs < 3:
        return [sentence(f"This edition gives too few Grubel–Lloyd indices of {reporter} with the other focus economies, "
                         "on flows large enough to judge, to say whether their trade is mainly one-way or two-way.")]
    cl = []
    for key, items in groups.items():
        for _, p in items:
            cl.append(claim("gl_band", indicator="GL", group=p.group, reporter=cfg.reporter, partner=p.partner_iso,
                            variant="sum", years=[p.year], values={"GL": p.gl, "X": p.exports, "M": p.imports},
                            expect="one-way" if key == "one-way" else "two-way", threshold=cut, coverage=p.coverage))
            if key == "integrated":
                cl += [claim("band", indicator=i, group=p.group, reporter=cfg.reporter, partner=p.partner_iso,
                             variant="standard", years=[p.year], values={i: v}, expect="above 1", threshold=0.0,
                             coverage=p.coverage) for i, v in (("EI", p.ei), ("II", p.ii))]
    two = len(groups["two-way"]) + len(groups["integrated"])
    text = (f"Of the {pairs} sector and partner pairs of {reporter} with the other focus economies that the data "
            f"cover, trade is mainly one-way in {len(groups['one-way'])} and mainly two-way in {two}.")
    lists = []
    if groups["integrated"]:
        lists.append(f"Two-way with both intensities above 1: {'; '.join(label for label, _ in groups['integrated'])}")
    if groups["two-way"]:
        lists.append(f"two-way{' otherwise' if groups['integrated'] else ''}: "
                     f"{'; '.join(label for label, _ in groups['two-way'])}")
    if groups["one-way"]:
        lists.append(f"one-way: {'; '.join(label for label, _ in groups['one-way'])}")
    out = [sentence(text, *cl), sentence(". ".join(x[:1].upper() + x[1:] for x in lists) + ".", *cl)]
    if small:
        out.append(sentence(f"Trade with {join_words(small)} is below {usd(floor)} a year and not judged."))
    return out


def complementarity() -> str:
    """The pattern across sectors, as Markdown."""
    from .claims import render

    return render(complementarity_sentences())


def dependency_table(screen: pd.DataFrame) -> Markdown:
    """The dependency screen as a table."""
    return Markdown(pipe_table(screen))


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


def _shown_path(path: str) -> str:
    """A path as the book prints it: relative to the project, or the folder and file name only
    (never a build machine's absolute path)."""
    p = Path(path)
    if not p.is_absolute():
        return path
    try:
        return p.relative_to(ROOT.parent).as_posix()
    except ValueError:
        return "/".join(p.parts[-2:])


def coverage_table() -> Markdown:
    """Inputs of the edition: path, format, rows, SHA-256 (from the manifest)."""
    ed = edition.current()
    rows = []
    for item in ed.stored.manifest.get("inputs", []):
        rows.append({"Input": _shown_path(item.get("path", "")), "Format": item.get("format", ""),
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
    parts += ["**The world of each indicator.** Numerator and denominators of every indicator come from one "
              "source: the same reporters, partners and codes. The world is either "
              + " or ".join(f"*{k}*: {v}" for k, v in WORLDS.items()) + ". In this edition:", ""]
    for name, m in edition.current().stored.manifest.get("coverages", {}).items():
        parts.append(f"- {markdown(m['description'])} ({markdown(span(m['years']))}, {len(m['codes'])} codes): "
                     f"world = {markdown(m['world'])}.")
    parts += ["", "A series drawn from more than one source changes source at a break: the figure marks it, the "
              "note says what changed, and no trend is read across it.", "",
              "**Thresholds of the prose.** Every sentence that characterises a pattern is generated from the "
              "numbers with these thresholds:", ""]
    parts += [f"- {text}" for _, text in findings.THRESHOLDS.values()]
    return Markdown("\n".join(parts))


def reproduction_table() -> Markdown:
    """Published values beside recomputed ones (not compared for synthetic data)."""
    from . import reproduction

    ed = edition.current()
    df = reproduction.table()
    if ed.synthetic:
        df = df[["ID", "Statement", "Published"]].assign(Recomputed="not compared: synthetic data")
    widths = {"ID": 4, "Statement": 16, "Published": 12, "Recomputed": 16, "Verdict": 11,
              "Reasons for a gap, from the data": 46}
    return Markdown(pipe_table(df[[c for c in df.columns if not c.startswith("_")]], widths))


def reproduction_summary() -> str:
    """The summary line of the reproduction table ('' for synthetic data)."""
    from . import reproduction

    return "" if edition.current().synthetic else reproduction.summary(reproduction.table())


def changes_markdown(limit: int = 25) -> Markdown:
    """The appendix 'What changed since the last edition': revisions apart from new years."""
    from . import revisions

    old = edition.previous()
    if old is None:
        return Markdown("No earlier edition was given to compare with (build with `--previous` and the folder "
                        "of the last edition's processed data), so this edition's changes are not listed.")
    changes = revisions.diff(old.stored.folder, edition.current().stored.folder)
    counts = revisions.summary(changes)
    lead = (f"Compared with the edition built from {markdown(old.stored.folder.name)} (vintage "
            f"{markdown(_vintage(old))}), this edition ({markdown(_vintage(edition.current()))}) has ")
    words = {"revised": "revised by more than its threshold in a year both editions cover",
             "now available": "that the earlier edition could not compute",
             "dropped": "that this edition no longer gives",
             "new year": "for a year the earlier edition did not cover"}
    parts = [f"{counts.get(k, 0):,} {'value' if counts.get(k, 0) == 1 else 'values'} {w}" for k, w in words.items()]
    text = lead + "; ".join(parts) + ". Thresholds: " + ", ".join(
        f"{k} {v:g}" for k, v in revisions.THRESHOLDS.items()) + " (index units)."
    revised = changes[changes["kind"] == "revised"].copy()
    if revised.empty:
        return Markdown(text + " No value of a year both editions cover moved by more than its threshold.")
    revised["size"] = revised["change"].abs()
    top = revised.sort_values("size", ascending=False).head(limit)
    table = pd.DataFrame({
        "Indicator": top["indicator"] + " (" + top["variant"] + ")", "Group": top["group"],
        "Economy": top["reporter"].map(style.name), "Partner": top["partner"].map(style.name),
        "Year": top["year"].astype(int), "Before": top["value_old"].map(fmt), "Now": top["value_new"].map(fmt),
        "Change": top["change"].map(fmt)})
    shown = f" The {len(top)} largest revisions:" if len(revised) > len(top) else " The revisions:"
    return Markdown(text + shown + "\n\n" + pipe_table(table))


def _vintage(ed: "edition.Edition") -> str:
    """An edition's data vintage in words: the newest release date, else its build inputs."""
    v = [x.get("last_released") for x in ed.stored.manifest.get("vintage", {}).values() if x.get("last_released")]
    return f"data released up to {max(v)}" if v else "release dates not recorded"
