"""One generator, any value chain: the engine names nothing of a report, a second report
(examples/batteries) builds from its tables alone, a bilateral report reads naturally for two, and a
colour or a demo role changed in a report's table changes the output without touching code."""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import build, paths, synthetic
from analysis.paths import PACKAGE, REFERENCE, ROOT
from tests.conftest import run_build

BATTERIES = ROOT / "examples" / "batteries"


def domain_tokens() -> tuple[set[str], re.Pattern]:
    """What names a report's domain: its sectors and segments (whole strings), its codes, the economies
    its tables name (ISO3), their names, and the words of the semiconductor chapter, for both reports."""
    exact, codes, isos = set(), set(), set()
    for folder in (REFERENCE, BATTERIES / "data" / "reference"):
        prod = pd.read_csv(folder / "products.csv", dtype=str, keep_default_na=False)
        exact |= (set(prod["sector"]) | set(prod["segment"])) - {"", "headings"}   # 'headings': the engine's keyword
        codes |= set(prod["code"])
        for name in ("demo_economies.csv", "demo_roles.csv"):
            isos |= set(pd.read_csv(folder / name, dtype=str, keep_default_na=False)["economy"])
    isos |= set(pd.read_csv(REFERENCE / "colours.csv", dtype=str)["economy"])
    isos -= {"WLD", synthetic.REST}                       # the schema's world and the demo's rest of the world
    names = ["Republic of Korea", "Korea", "ROK", "China", "Chinese", "Japan", "Japanese", "United States",
             "Chinese Taipei", "Hong Kong", "Taiwan"]
    words = sorted(codes | isos, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(words + names) + r")\b|semiconductor|integrated circuit|\bDRAM\b|\bchips?\b"
                         r"|\b(fig|tbl|sec)-(memory|system|equipment|materials)", re.I * 0)
    return exact, pattern


def exempt(text: str) -> bool:
    """Not domain knowledge: an example of syntax in a help or error text ('e.g. --pair KOR:CHN'), and the
    name of a data source read by its own importer ('Korea Customs Service', 'Taiwan customs')."""
    return "e.g." in text or bool(re.search(r"\b(Korea|Taiwan)( Customs| customs)", text))


def engine_literals() -> list[tuple[str, int, str]]:
    """String literals of analysis/ (docstrings left out) that name a sector, code, economy or figure."""
    exact, pattern = domain_tokens()
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                s = node.value
                if (s in exact or pattern.search(s)) and not exempt(s):
                    out.append((str(path.relative_to(ROOT)), node.lineno, s))
    return out


def test_the_engine_names_at_most_five_domain_literals():
    found = engine_literals()
    print("\n".join(f"{f}:{n}: {s[:80]!r}" for f, n, s in found))
    assert len(found) <= 5, found


def test_the_literal_count_sees_a_domain_literal():
    """The counter is not blind: a sector key, a code and an economy in code are each caught."""
    exact, pattern = domain_tokens()
    assert "memory" in exact and "minerals" in exact
    assert pattern.search("reporter == 'KOR'") and pattern.search("code 854232") and pattern.search("870380")
    assert not pattern.search("the reporter's exports to the world") and exempt("e.g. --pair KOR:CHN")


def built(report: Path, tmp: Path, monkeypatch, pdf: bool):
    monkeypatch.setenv(paths.REPORT_ENV, str(report))           # restored after the test
    monkeypatch.setenv("TRADE_REPORT_FIGURES", str(tmp / "figures"))
    monkeypatch.setenv("TRADE_REPORT_PROCESSED", str(tmp / "processed"))
    return run_build("demo", engine="builtin", out=tmp / "_book", freeze=tmp / "_freeze", pdf=pdf, report=report)


def page_texts(out: Path) -> str:
    return "\n".join(re.sub(r"<[^>]+>", " ", p.read_text(encoding="utf-8")) for p in sorted(out.rglob("*.html")))


def test_the_batteries_report_builds_with_its_own_figures_and_no_semiconductors(tmp_path, monkeypatch):
    b = built(BATTERIES, tmp_path, monkeypatch, pdf=True)
    out = b.result.out
    text = page_texts(out)
    from pypdf import PdfReader

    pdf_text = "\n".join(p.extract_text() for p in PdfReader(str(b.result.pdf)).pages)
    assert "semiconductor" not in (text + pdf_text).lower()
    for n in range(1, 13):                                   # numbered from its chapter number, IV
        assert re.search(rf"Figure IV\.{n}:", pdf_text), n
    assert "Figure V." not in pdf_text
    for key in ("minerals", "electrodes", "cells", "vehicles"):
        page = (out / "chapters" / f"{key}.html").read_text(encoding="utf-8")
        assert {f"fig-{key}-{k}" for k in ("quadrant", "gl", "it")} <= set(re.findall(r'id="(fig-[a-z]+-[a-z]+)"', page))
    rows = json.loads((out / "data" / "claims.json").read_text())
    assert rows and {r["status"] for r in rows} <= {"confirmed", "no claim"}
    assert "Synthetic demonstration data" in pdf_text      # still labelled synthetic on every page


def test_a_bilateral_report_with_its_own_colour_and_roles(tmp_path, monkeypatch):
    """Two focus economies, a colour and a demo role changed in the report's own tables."""
    report = tmp_path / "bilateral"
    shutil.copytree(BATTERIES, report, ignore=shutil.ignore_patterns("_book", "_freeze", "processed", "figures"))
    yml = (report / "_quarto.yml").read_text()
    yml = yml.replace("focus: [KOR, JPN, CHN]", "focus: [KOR, JPN]").replace("partners: [CHN, JPN, USA, WLD]",
                                                                              "partners: [JPN, USA, WLD]")
    (report / "_quarto.yml").write_text(yml)
    colours = pd.read_csv(REFERENCE / "colours.csv", dtype=str)
    colours.loc[colours["economy"] == "KOR", "colour"] = "#1B4F72"
    colours.to_csv(report / "data" / "reference" / "colours.csv", index=False)
    roles = pd.read_csv(report / "data" / "reference" / "demo_roles.csv")
    before_roles = roles.copy()
    roles.loc[(roles["sector"] == "cells") & (roles["economy"] == "KOR"), "supply"] = 0.05
    roles.to_csv(report / "data" / "reference" / "demo_roles.csv", index=False)

    b = built(report, tmp_path, monkeypatch, pdf=False)
    out = b.result.out
    rows = json.loads((out / "data" / "claims.json").read_text())
    text = " ".join(r["text"] for r in rows)
    assert "of the two" in text and "of the three" not in text and "the three" not in text
    assert {r["status"] for r in rows} <= {"confirmed", "no claim"}
    cells = (out / "chapters" / "cells.html").read_text(encoding="utf-8")
    assert "#1b4f72" in cells.lower() and "#0072b2" not in cells.lower()   # the ROK's colour from the table

    def kor_cell_exports() -> float:
        flows, _ = synthetic.generate()
        pick = flows[(flows["reporter"] == "KOR") & (flows["partner"] == "WLD") & (flows["flow"] == "X")
                     & (flows["code"] == "850760")]
        return float(pick["value_usd"].sum())

    low = kor_cell_exports()
    before_roles.to_csv(report / "data" / "reference" / "demo_roles.csv", index=False)
    assert kor_cell_exports() > 5 * low                      # the role, not the code, decides who supplies


def test_a_report_folder_must_hold_its_quarto_file(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.REPORT_ENV, str(ROOT))
    with pytest.raises(ValueError, match="no _quarto.yml there"):
        build.use_report(tmp_path)


def test_a_report_whose_codes_no_file_holds_says_so_rather_than_judging(tmp_path, monkeypatch):
    """The real sample holds semiconductor codes only: the batteries report built from it says what the
    data cannot show, and draws no judgement (no 'flags no case', no 'no sector shows')."""
    from analysis.paths import SHARED_SAMPLE

    if not SHARED_SAMPLE.is_dir():
        pytest.skip("../shared/data/real-sample is not present")
    monkeypatch.setenv(paths.REPORT_ENV, str(BATTERIES))
    monkeypatch.setenv("TRADE_REPORT_FIGURES", str(tmp_path / "figures"))
    monkeypatch.setenv("TRADE_REPORT_PROCESSED", str(tmp_path / "processed"))
    b = run_build([str(SHARED_SAMPLE)], engine="builtin", out=tmp_path / "_book", freeze=tmp_path / "_freeze",
                  pdf=False, report=BATTERIES)
    rows = json.loads((b.result.out / "data" / "claims.json").read_text())
    text = " ".join(r["text"] for r in rows if r["chapter"] == "conclusion")
    assert "gives no bilateral trade of the ROK with the other focus economies large enough to judge" in text
    assert "so the dependency screen cannot be run" in text
    assert "flags no case" not in text and "No sector outside" not in text and "neither partner" not in text
