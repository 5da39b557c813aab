"""End-to-end: the whole chapter built into a temporary folder, checked as a reader would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from analysis.edition import SYNTHETIC_LABEL
from tests.conftest import run_build
from analysis.render.book import load_config

BAD = re.compile(r"\?@(fig|tbl|sec)-|\?\?|Traceback|\w+Warning:|Error:|\[Sentence\(|\bClaim\(")  # no object reprs in text


def pages_of(pdf: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(pdf)).pages]


def flatten(pages: list[str]) -> str:
    """All pages as one line of text, with words hyphenated at line ends joined again."""
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", "\n".join(pages))
    return re.sub(r"\s+", " ", text)


def half_empty_pages(pdf: Path) -> list[tuple[int, float]]:
    """Pages whose text area is inked less than halfway down, except where a chapter ends (the
    next page starts a top-level outline entry) and the last page: (page number, fill)."""
    import numpy as np
    import pypdfium2 as pdfium

    reader = PdfReader(str(pdf))
    ends = {reader.get_destination_page_number(o) for o in reader.outline if not isinstance(o, list)}
    doc = pdfium.PdfDocument(str(pdf))
    out = []
    for i in range(len(doc) - 1):
        if i + 1 in ends:
            continue
        img = np.asarray(doc[i].render(scale=0.5).to_pil().convert("L"))
        body = img[int(img.shape[0] * 0.07):int(img.shape[0] * 0.93)]     # header and footer left out
        rows = np.flatnonzero((body < 200).any(axis=1))
        fill = rows.max() / body.shape[0] if len(rows) else 0.0
        if fill < 0.5:
            out.append((i + 1, round(float(fill), 2)))
    return out


def built(tmp_path_factory, monkeypatch_module, data, previous=None):
    tmp = tmp_path_factory.mktemp(f"build-{Path(data[0] if isinstance(data, list) else data).name}")
    monkeypatch_module.setenv("TRADE_REPORT_FIGURES", str(tmp / "figures"))
    b = run_build(data, engine="builtin", out=tmp / "_book", freeze=tmp / "_freeze", previous=previous)
    return tmp, b


def earlier_edition(data, folder: Path) -> Path:
    """A copy of an edition's processed data with one value changed: 'the last edition'."""
    import shutil

    import pandas as pd

    from analysis import pipeline

    shutil.copytree(pipeline.prepare(data), folder)
    table = pd.read_parquet(folder / "indicators.parquet")
    pick = (table["indicator"] == "GL") & (table["group"] == "equipment") & (table["reporter"] == "KOR") & (
        table["partner"] == "JPN") & (table["variant"] == "sum") & table["value"].notna()
    table.loc[pick[pick].index[:1], "value"] += 0.3
    table.to_parquet(folder / "indicators.parquet")
    import json

    from analysis import store

    manifest = json.loads((folder / "manifest.json").read_text())   # written so, with its content hashes
    manifest["tables"]["indicators.parquet"] = store.sha256(folder / "indicators.parquet")
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.fixture(scope="module")
def demo(tmp_path_factory, monkeypatch_module):
    return built(tmp_path_factory, monkeypatch_module, "demo")


def test_demo_site_has_every_chapter_page(demo):
    tmp, b = demo
    cfg = load_config()
    sources = [cfg["book"]["chapters"], cfg["book"]["appendices"]]
    for src in (s for group in sources for s in group):
        page = tmp / "_book" / Path(src).with_suffix(".html")
        assert page.exists(), page
        html = page.read_text()
        assert SYNTHETIC_LABEL in html
        assert not BAD.search(re.sub(r"<[^>]+>", " ", html)), page
    assert b.result.warnings == []
    assert (tmp / "_book" / "data" / "indicators.csv.gz").exists() and (tmp / "_book" / "data" / "indicators.xlsx").exists()


def test_demo_pdf_figures_captions_sources_and_label_on_every_page(demo):
    tmp, b = demo
    pages = pages_of(b.result.pdf)
    flat = flatten(pages)
    for n in range(1, 13):
        match = re.search(rf"Figure V\.{n}: (\w+)", flat)
        assert match, f"Figure V.{n} with a caption"
    assert "Figure V.13" not in flat
    assert flat.count("Source: synthetic demonstration data") >= 12
    assert flat.count("Quadrant I: comparative advantage and trade surplus") >= 4
    for i, page in enumerate(pages, 1):
        assert "Synthetic demonstration data" in page, f"page {i} lacks the demo label"
    assert not BAD.search(flat)
    assert "Cite this" in pages[1] and "Contents" in pages[2]     # the back of the title page, then contents
    assert half_empty_pages(b.result.pdf) == []
    assert " n/a" not in flat and "X_c" not in flat and "nan" not in flat.split()


def test_demo_exports_every_figure_in_both_formats(demo):
    tmp, _ = demo
    names = sorted(p.name for p in (tmp / "figures").iterdir())
    assert len([n for n in names if n.endswith(".png")]) == 12
    assert len([n for n in names if n.endswith(".pdf")]) == 12
    assert "fig-memory-quadrant.pdf" in names and "fig-materials-it.png" in names


def test_rebuild_with_nothing_changed_executes_nothing(demo, monkeypatch_module):
    tmp, _ = demo
    again = run_build("demo", engine="builtin", out=tmp / "_book", freeze=tmp / "_freeze")
    assert again.result.executed == []


@pytest.fixture(scope="module")
def sample(tmp_path_factory, monkeypatch_module):
    from analysis.paths import SHARED_SAMPLE

    if not SHARED_SAMPLE.is_dir():
        pytest.skip("../shared/data/real-sample is not present")
    data = [SHARED_SAMPLE] + [p for p in [SHARED_SAMPLE.parent / "real-totals"] if p.is_dir()]
    previous = earlier_edition(data, tmp_path_factory.mktemp("previous") / "sample-last-year")
    return built(tmp_path_factory, monkeypatch_module, data, previous=previous)


def test_sample_edition_real_sources_and_gaps(sample):
    tmp, b = sample
    flat = flatten(pages_of(b.result.pdf))
    assert "Synthetic demonstration data" not in flat
    assert "UN Comtrade" in flat and "Taiwan Customs Administration" in flat
    assert "not available in this edition" in flat
    for n in range(1, 13):
        assert re.search(rf"Figure V\.{n}: \w+", flat)
    assert "Reproduction of published values" in flat
    assert not BAD.search(flat)
    assert b.result.warnings == []
    assert " n/a" not in flat and "X_c (all goods)" not in flat and "nan" not in flat.split()
    assert flat.count("world = ") >= 12                  # every figure says which world it uses
    if "UNCTADstat" in flat:                             # with real totals: RSCA quadrants and a break
        assert "Break in 2019" in flat and "Of 44 published values" in flat
    assert "What changed since the last edition" in flat
    assert "1 value revised by more than its threshold" in flat
    assert half_empty_pages(b.result.pdf) == []


def site_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_site_links_figures_and_anchors_resolve(demo):
    """Every internal link, image and anchor of the website points at something that exists."""
    tmp, b = demo
    out = b.result.out
    ids = {p: set(re.findall(r'\bid="([^"]+)"', p.read_text(encoding="utf-8"))) for p in site_pages(out)}
    broken = []
    for page in site_pages(out):
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r'\b(?:href|src)="([^"]+)"', text):
            if re.match(r"^(https?:|mailto:|data:)", target):
                continue
            path, _, anchor = target.partition("#")
            dest = (page.parent / path).resolve() if path else page
            if not dest.exists():
                broken.append(f"{page.name}: {target}")
            elif anchor and dest.suffix == ".html" and anchor not in ids.get(dest, set()):
                broken.append(f"{page.name}: {target} (no such anchor)")
    assert not broken, broken[:10]
    assert len(site_pages(out)) >= 12


def test_site_search_index_covers_every_page(demo):
    tmp, b = demo
    import json

    text = (b.result.out / "search-index.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("=") + 1:].rstrip().rstrip(";"))
    assert {p["href"] for p in index} >= {"index.html", "chapters/equipment.html", "chapters/memory.html"}
    equipment = next(p for p in index if p["href"] == "chapters/equipment.html")
    assert "manufacturing equipment" in equipment["text"] and "<" not in equipment["text"]


def test_site_in_headless_chromium(demo):
    """Every page loads in a real browser, and the search finds a sector by name."""
    import shutil
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        pytest.skip("chromium is not installed (make check-site installs it)")
    tmp, b = demo
    out = b.result.out

    def dom(url: str) -> str:
        proc = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=3000",
                               "--dump-dom", url], capture_output=True, text=True, timeout=120)
        return proc.stdout

    for page in site_pages(out):
        assert "<main>" in dom(page.as_uri()), page
    found = dom((out / "index.html").as_uri() + "?q=manufacturing+equipment")
    results = found[found.index('id="search-results"'):]
    assert 'href="chapters/equipment.html?hl=' in results[:5000]


SECTORS = ("memory", "system", "equipment", "materials")


def running_text(page: Path) -> str:
    """A page's paragraphs as text (figure notes, captions, tables and footnotes left out)."""
    import html as html_lib

    body = page.read_text(encoding="utf-8")
    body = re.sub(r"<(script|style|figure|table|section class=\"footnotes).*?</\1[^>]*>", " ", body, flags=re.S)
    paras = re.findall(r"<p[^>]*>(.*?)</p>", body, flags=re.S)
    paras = [p for p in paras if "fig-source" not in p]
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", " ".join(paras)))


def most_repeated_7gram(tmp: Path) -> tuple[int, str]:
    from collections import Counter

    counts: Counter = Counter()
    for key in SECTORS:
        words = re.findall(r"[\w’'−.–-]+", running_text(tmp / "_book" / "chapters" / f"{key}.html"))
        counts.update(" ".join(words[i:i + 7]) for i in range(len(words) - 6))
    gram, n = counts.most_common(1)[0]
    return n, gram


@pytest.mark.parametrize("edition", ["demo", "sample"])
def test_sector_chapters_repeat_no_seven_words_more_than_six_times(edition, request):
    tmp, b = request.getfixturevalue(edition)
    n, gram = most_repeated_7gram(tmp)
    assert n <= 6, (n, gram)


@pytest.mark.parametrize("edition", ["demo", "sample"])
def test_generated_sentences_are_in_the_checked_ledger(edition, request):
    import json

    tmp, b = request.getfixturevalue(edition)
    rows = json.loads((tmp / "_book" / "data" / "claims.json").read_text(encoding="utf-8"))
    assert rows and all(r["status"] in ("confirmed", "no claim") for r in rows), \
        [(r["text"][:80], r["checks"]) for r in rows if r["status"] not in ("confirmed", "no claim")][:2]
    ids = {r["id"] for r in rows}
    page = (tmp / "_book" / "chapters" / "memory.html").read_text(encoding="utf-8")
    spans = re.findall(r'<span id="(claim-[0-9a-f]{12})"\s+class="claim"\s+tabindex="0"\s+title="([^"]+)"', page)
    assert spans and {s for s, _ in spans} <= ids
    claimed = {r["id"] for r in rows if r["claims"]}
    assert all(re.search(r"\d", title) for i, title in spans if i in claimed)   # its numbers on hover or focus
    assert all("Source" in title for _, title in spans)
    formulas = re.sub(r"\s+", " ", (tmp / "_book" / "chapters" / "appendix-formulas.html").read_text(encoding="utf-8"))
    assert re.search(r"[\d,]+ claims in [\d,]+ generated sentences were checked: [\d,]+ confirmed and 0 contradicted",
                     formulas)
