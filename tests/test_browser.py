"""The website of both editions (demo, and the sample where ../shared is present) in headless
Chromium, as readers use it: on a 390 px phone no page scrolls
sideways and chart text stays readable; every figure has its data, image and values on hover and
focus; axe-core finds no WCAG 2.1 AA violation; search ranks a sector's chapter first and lands on
its section. Skipped where Chromium is absent (`make check-site` installs it)."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import run_build
from analysis.paths import SHARED_SAMPLE

HERE = Path(__file__).parent
AXE = HERE / "vendor" / "axe-core" / "axe.min.js"
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(not BROWSER, reason="chromium is not installed (make check-site installs it)")


EDITIONS = {"demo": "demo", "sample": [str(SHARED_SAMPLE), str(SHARED_SAMPLE.parent / "real-totals")]}


@pytest.fixture(scope="module", params=list(EDITIONS))
def site(request, tmp_path_factory):
    """Each edition built once, and a copy of it whose pages load the test harness and axe-core."""
    if request.param == "sample" and not SHARED_SAMPLE.is_dir():
        pytest.skip("../shared/data/real-sample is not present")
    tmp = tmp_path_factory.mktemp(f"browser-{request.param}")
    mp = pytest.MonkeyPatch()
    mp.setenv("TRADE_REPORT_FIGURES", str(tmp / "figures"))
    try:
        out = run_build(EDITIONS[request.param], engine="builtin", out=tmp / "_book", freeze=tmp / "_freeze").result.out
    finally:
        mp.undo()
    probe = tmp / "probe"
    shutil.copytree(out, probe)
    shutil.copy2(HERE / "browser" / "harness.js", probe / "harness.js")
    shutil.copy2(HERE / "browser" / "frame.html", probe / "frame.html")
    shutil.copy2(AXE, probe / "axe.min.js")
    for page in probe.rglob("*.html"):
        up = "../" * (len(page.relative_to(probe).parts) - 1)
        text = page.read_text(encoding="utf-8").replace(
            "</body>", f'<script src="{up}axe.min.js"></script><script src="{up}harness.js"></script></body>')
        page.write_text(text, encoding="utf-8")
    return out, probe


def pages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.html") if p.name != "frame.html")


def dom(url: str, width: int = 1280) -> str:
    """A page's DOM after its scripts ran, at a window width."""
    proc = subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           f"--window-size={width},900", "--virtual-time-budget=20000", "--dump-dom", url],
                          capture_output=True, text=True, timeout=180)
    return proc.stdout


def measure(page: Path, query: str, width: int) -> dict:
    """Load a page at a width and return what the harness wrote. Headless Chromium keeps its window
    at least 500 px wide, so a narrower page is loaded in an iframe of that width (frame.html)."""
    if width < 500:
        site = next(p for p in page.parents if (p / "frame.html").exists())
        url = (site / "frame.html").as_uri() + f"?src={quote(page.relative_to(site).as_posix())}" \
            f"&mode={query.split('=', 1)[1]}&width={width}"
    else:
        url = page.as_uri() + query
    found = re.search(r'<pre id="harness-result">(.*?)</pre>', dom(url), re.S)
    assert found, f"{page.name}: the harness wrote nothing"
    return json.loads(html.unescape(found.group(1)))


def results(out: Path, query: str) -> list[str]:
    """The links the search box lists for a query, in order."""
    page = dom((out / "index.html").as_uri() + "?q=" + quote(query))
    listed = page[page.index('id="search-results"'):page.index("</ul>", page.index('id="search-results"'))]
    return [html.unescape(h) for h in re.findall(r'<a href="([^"]+)"', listed)]


def test_search_ranks_the_sector_first_folds_dashes_forgives_typos_and_lands_on_the_section(site):
    out, _ = site
    for sector, page in (("memory semiconductors", "memory"), ("manufacturing equipment", "equipment"),
                         ("materials and parts", "materials")):
        assert results(out, sector)[0].startswith(f"chapters/{page}.html?hl="), (sector, results(out, sector)[:3])

    def targets(query: str) -> list[str]:
        return [re.sub(r"\?hl=[^#]*", "", link) for link in results(out, query)]

    hyphen = targets("Grubel-Lloyd")
    assert hyphen == targets("Grubel\u2013Lloyd") and len(hyphen) >= 5
    assert targets("GRUBEL lloyd") == hyphen and targets("Gr\u00fcbel Lloyd") == hyphen and targets("Grubl-Lloyd")
    first = results(out, "intra-industry trade memory")[0]
    assert first.startswith("chapters/memory.html?hl=") and first.endswith("#sec-memory-gl"), first
    path, rest = first.split("?", 1)
    landed = dom((out / path).as_uri() + "?" + rest)
    section = landed[landed.index('id="sec-memory-gl"'):]
    assert '<mark class="search-hit">' in section[:5000]


def test_no_page_scrolls_sideways_on_a_phone_and_the_menu_comes_first(site):
    _, probe = site
    for page in pages(probe):
        m = measure(page, "?harness=layout", 390)
        assert m["clientWidth"] == 390 and m["scrollWidth"] <= m["clientWidth"], (page.name, m["scrollWidth"], m["wide"])
        assert m["skipFirst"] and m["toggle"] and m["toggleShown"] and not m["sidebarShown"], page.name
        for chart in m["charts"]:
            assert chart["smallestTextPx"] >= 9 - 0.05, (page.name, chart["id"], chart["smallestTextPx"])


def test_every_figure_has_data_image_hover_and_a_description(site):
    out, probe = site
    seen = []
    for page in pages(probe):
        m = measure(page, "?harness=layout", 1280)
        assert m["sidebarShown"] and not m["toggleShown"], page.name
        for chart in m["charts"]:
            seen.append(chart["id"])
            assert chart["marks"] > 0 and chart["titled"] == chart["marks"], chart
            assert chart["tooltip"] == chart["firstTitle"] and re.search(r", \d{4}: .*\d", chart["tooltip"]), chart
            assert all(n > 0 for n in chart["labelledBy"]) and len(chart["labelledBy"]) == 2, chart
            ends = sorted(link.rsplit(".", 1)[1] for link in chart["links"])
            assert ends == ["csv", "json", "png", "svg"], chart
            for link in chart["links"]:
                target = (page.parent / link).resolve()
                assert target.is_file() and target.stat().st_size > 0, link
                assert (out / target.relative_to(probe)).stat().st_mode & 0o777 == 0o644, link
    assert len(seen) == 12 and len(set(seen)) == 12, seen


def test_axe_finds_no_wcag_21_aa_violation(site):
    _, probe = site
    found = {}
    for page in pages(probe):
        for width in (1280, 390):
            result = measure(page, "?harness=axe", width)
            assert "error" not in result, (page.name, result)
            if result["violations"]:
                found[f"{page.relative_to(probe)} at {width} px"] = result["violations"]
    assert not found, json.dumps(found, indent=1)


def test_nothing_on_the_site_is_private(site):
    out, _ = site
    private = [p for p in out.rglob("*") if p.stat().st_mode & 0o044 != 0o044]
    assert not private, private[:5]
    assert (out / "data" / "indicators.csv.gz").stat().st_size and (out / "data" / "indicators.parquet").stat().st_size
