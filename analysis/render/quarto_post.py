"""Quarto CLI post-render step: one numbering of figures and tables through the whole book.

Quarto numbers floats per chapter file ("Figure V. 1" in every chapter, references "Figure 1").
The chapter is numbered through: Figure V.1 … V.12 and Table V.1 …, as in the built-in renderer.
After `quarto render`, this step rewrites each page's captions and cross-reference texts, keyed
by the float's id, from the labels of the chapters in `_quarto.yml` order (`number_labels`).
Quarto runs it (`project: post-render` in `_quarto.yml`); it can also be run by hand.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

if __package__ in (None, ""):   # run by Quarto as a script: make the project's package importable
    sys.path.insert(0, os.environ.get("QUARTO_PROJECT_DIR") or str(Path(__file__).resolve().parents[2]))

from analysis.render.book import _chapters, load_config, number_floats  # noqa: E402
from analysis.render.qmd import Cell, parse  # noqa: E402


def _floats(root: Path) -> list[tuple[str, str, str]]:
    """Every labelled figure and table in book order: (label, appendix letter or '', the number
    Quarto gives its chapter: 1, 2, … for numbered chapters, A, B, … for appendices, '' if unnumbered)."""
    cfg = load_config(root)
    out, letter, number = [], 0, 0
    for ch in _chapters(cfg, root):
        doc = parse((root / ch.source).read_text(encoding="utf-8"), str(ch.source))
        key = chr(ord("A") + letter) if ch.appendix else ""
        letter += ch.appendix
        first = next((b.text for b in doc.blocks if not isinstance(b, Cell) and b.text.strip()), "")
        unnumbered = ".unnumbered" in first.lstrip().split("\n", 1)[0]
        number += not (ch.appendix or unnumbered)
        quarto = "" if unnumbered else key or str(number)
        for block in doc.blocks:
            label = str(block.options.get("label", "")) if isinstance(block, Cell) else ""
            if label.split("-", 1)[0] in ("fig", "tbl"):
                out.append((label, key, quarto))
    return out


def book_numbers(root: Path) -> dict[str, str]:
    """Label -> 'Figure V.n' / 'Table V.n' ('Table A.n' in appendix A) for every labelled figure and
    table of the book, in order."""
    prefix = str((load_config(root).get("report") or {}).get("chapter-number", "V"))
    return number_floats([(label, key) for label, key, _ in _floats(root)], prefix)


def quarto_names(root: Path) -> dict[str, str]:
    """What Quarto's search index calls each float ('Figure 2.1', 'Table A.1'), mapped to the book's name."""
    names, counts, out = book_numbers(root), {}, {}
    for label, _, chapter in _floats(root):
        kind = "Figure" if label.startswith("fig-") else "Table"
        counts[(chapter, kind)] = counts.get((chapter, kind), 0) + 1
        if chapter:
            out[f"{kind} {chapter}.{counts[(chapter, kind)]}"] = names[label]
    return out


def renumber_search(entries: list[dict], names: dict[str, str]) -> list[dict]:
    """Quarto's search index (search.json) with its float numbers ('Figure 2.1') replaced by the
    book's ('Figure V.1'), in every text field; a number not in `names` is left as it is."""
    pattern = re.compile(r"\b(Figure|Table)[ \xa0]+([0-9A-Z]+\.\d+)\b")

    def swap(m: re.Match) -> str:
        return names.get(f"{m.group(1)} {m.group(2)}", m.group(0))

    return [{k: pattern.sub(swap, v) if isinstance(v, str) and k != "href" else v for k, v in e.items()}
            for e in entries]


def renumber(html: str, names: dict[str, str]) -> str:
    """Captions ('Figure V.&nbsp;1: …' inside the float with id=label) and references (links to
    #label) rewritten to the book's numbering."""
    def caption(m: re.Match) -> str:
        label = m.group(1)
        return m.group(0) if label not in names else re.sub(
            r"(Figure|Table)[^:<]*?(?=:)", names[label], m.group(0), count=1)

    html = re.sub(r'<figcaption[^>]*id="((?:fig|tbl)-[A-Za-z0-9_-]+?)-caption-[^"]*"[^>]*>\s*[^<]*', caption, html)

    def reference(m: re.Match) -> str:
        label = m.group(2)
        return f'{m.group(1)}{names[label]}</a>' if label in names else m.group(0)

    return re.sub(r'(<a href="[^"]*#((?:fig|tbl)-[A-Za-z0-9_-]+)" class="quarto-xref">).*?</a>', reference, html)


def main() -> None:
    root = Path(os.environ.get("QUARTO_PROJECT_DIR") or Path(__file__).resolve().parents[2])
    names = book_numbers(root)
    listed = os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "")
    files = [Path(f) for f in listed.splitlines() if f.endswith(".html")]
    # the output folder: the one Quarto names (`quarto render --output-dir`), else the project's own
    out = root / (os.environ.get("QUARTO_PROJECT_OUTPUT_DIR")
                  or load_config(root).get("project", {}).get("output-dir") or "_book")
    if not files:
        files = sorted(out.rglob("*.html"))
    for path in files:
        path = path if path.is_absolute() else root / path
        text = path.read_text(encoding="utf-8")
        new = renumber(text, names)
        if new != text:
            path.write_text(new, encoding="utf-8")
    search = out / "search.json"
    if search.exists():
        entries = json.loads(search.read_text(encoding="utf-8"))
        search.write_text(json.dumps(renumber_search(entries, quarto_names(root)), ensure_ascii=False),
                          encoding="utf-8")


if __name__ == "__main__":
    main()
