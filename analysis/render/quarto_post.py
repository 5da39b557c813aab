"""Quarto CLI post-render step: one numbering of figures and tables through the whole book.

Quarto numbers floats per chapter file ("Figure V. 1" in every chapter, references "Figure 1").
The chapter is numbered through: Figure V.1 … V.12 and Table V.1 …, as in the built-in renderer.
After `quarto render`, this step rewrites each page's captions and cross-reference texts, keyed
by the float's id, from the labels of the chapters in `_quarto.yml` order (`number_labels`).
Quarto runs it (`project: post-render` in `_quarto.yml`); it can also be run by hand.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

if __package__ in (None, ""):   # run by Quarto as a script: make the project's package importable
    sys.path.insert(0, os.environ.get("QUARTO_PROJECT_DIR") or str(Path(__file__).resolve().parents[2]))

from analysis.render.book import _chapters, load_config, number_floats  # noqa: E402
from analysis.render.qmd import Cell, parse  # noqa: E402


def book_numbers(root: Path) -> dict[str, str]:
    """Label -> 'Figure V.n' / 'Table V.n' ('Table A.n' in appendix A) for every labelled figure and
    table of the book, in order."""
    cfg = load_config(root)
    prefix = str((cfg.get("report") or {}).get("chapter-number", "V"))
    labels, letter = [], 0
    for ch in _chapters(cfg, root):
        doc = parse((root / ch.source).read_text(encoding="utf-8"), str(ch.source))
        key = chr(ord("A") + letter) if ch.appendix else ""
        letter += ch.appendix
        for block in doc.blocks:
            label = str(block.options.get("label", "")) if isinstance(block, Cell) else ""
            if label.split("-", 1)[0] in ("fig", "tbl"):
                labels.append((label, key))
    return number_floats(labels, prefix)


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
    if not files:
        out = root / (load_config(root).get("project", {}).get("output-dir") or "_book")
        files = sorted(out.rglob("*.html"))
    for path in files:
        path = path if path.is_absolute() else root / path
        text = path.read_text(encoding="utf-8")
        new = renumber(text, names)
        if new != text:
            path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
