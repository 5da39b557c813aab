"""The book under the real Quarto CLI (skipped when `quarto` is not on PATH): the website numbered
through the book in pages and in the search index, exactly one PDF by the project's Typst path,
and a working tree Quarto leaves clean."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from analysis import build, pipeline, store
from analysis.edition import SYNTHETIC_LABEL
from analysis.paths import ROOT
from analysis.render import book

pytestmark = pytest.mark.skipif(shutil.which("quarto") is None, reason="the Quarto CLI is not on PATH")


def test_quarto_website_numbering_search_and_one_pdf(tmp_path, monkeypatch):
    for name in ("_quarto.yml", "index.qmd", "references.bib", ".gitignore"):
        shutil.copy2(ROOT / name, tmp_path / name)
    for folder in ("chapters", "analysis", "data/reference"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    edition = pipeline.prepare(store.DEMO)
    monkeypatch.setenv("TRADE_REPORT_EDITION", str(edition))
    monkeypatch.setenv("TRADE_REPORT_FIGURES", str(tmp_path / "figures"))
    book.build_with_quarto(tmp_path)
    out = tmp_path / "_book"
    pages = "\n".join(p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html")))
    for n in range(1, 13):
        assert len(re.findall(rf"Figure V\.{n}:", pages)) == 1, n
    assert "Table A.1:" in pages and "Table V.1:" in pages
    search = json.dumps(json.loads((out / "search.json").read_text(encoding="utf-8")), ensure_ascii=False)
    assert "Figure V.1" in search and not re.search(r"Figure[ \xa0]2\.1\b", search)
    assert not list(out.glob("*.pdf"))                       # Quarto made the website only
    result = build.print_pdf(edition, out, 2, SYNTHETIC_LABEL, "demo")
    assert [p.name for p in out.glob("*.pdf")] == [result.pdf.name]
    status = subprocess.run(["git", "diff", "--name-only"], cwd=tmp_path, capture_output=True, text=True,
                            check=True).stdout
    assert status == "", status                              # .gitignore and the sources untouched
