"""Each figure as data: the published CSV holds exactly the values the chart draws, every mark of
the web SVG carries its values, and the text alternative is written from the same numbers."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")

import io  # noqa: E402
import re  # noqa: E402

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import figure_data, findings, pipeline, store  # noqa: E402
from analysis.render import web  # noqa: E402

KINDS = ("quadrant", "gl", "it")
SECTORS = ("memory", "system", "equipment", "materials")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("TRADE_REPORT_EDITION", str(pipeline.prepare(store.DEMO)))
    mp.setenv("TRADE_REPORT_FIGURES", str(tmp_path_factory.mktemp("figures")))
    yield
    mp.undo()


def drawn(sector, kind):
    """The figure as the chapter draws it (and exports it)."""
    return getattr(sector, f"{kind}_figure")()


def as_points(csv: pd.DataFrame, kind: str) -> list[tuple]:
    """The CSV's rows as (economy, year, x, y), the way a chart plots them."""
    if kind == "quadrant" and "RSCA" in csv:
        rows = zip(csv["economy"], csv["year"], csv["RSCA"], csv["TSI"])
    elif kind == "quadrant":
        rows = zip(csv["economy"], csv["year"], csv["year"], csv["TSI"])
    else:
        value = "GL" if kind == "gl" else "intensity"
        rows = zip(csv["partner"], csv["year"], csv["year"], csv[value])
    return sorted((str(e), int(y), float(x), float(v)) for e, y, x, v in rows)


@pytest.mark.parametrize("key", SECTORS)
def test_figure_csv_equals_what_is_drawn(demo, key):
    from analysis.chapter import Sector
    from analysis.paths import figures_dir

    sector = Sector(key)
    for kind in KINDS:
        fig = drawn(sector, kind)
        plotted = figure_data.points(fig)
        marks = sorted((r.economy, int(r.year), float(r.x), float(r.y)) for r in plotted.itertuples())
        csv = pd.read_csv(figures_dir() / f"fig-{key}-{kind}.csv")
        assert len(csv) and as_points(csv, kind) == marks, (key, kind)
        about = json.loads((figures_dir() / f"fig-{key}-{kind}.json").read_text())
        assert about["source"].startswith("Source:") and about["vintage"] and about["coverages"]
        assert about["description"] == sector.describe(kind)


def test_every_mark_of_the_web_svg_carries_its_values(demo):
    from analysis.chapter import Sector
    from analysis.paths import figures_dir

    fig = drawn(Sector("memory"), "it")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg")
    chart = web.load_chart("fig-memory-it", buffer.getvalue(), figures_dir())
    svg, min_px = web.inline_svg(chart, "cap")
    titles = [t for ts in chart.marks.values() for t in ts]
    assert svg.count('class="mark"') == len(titles) == len(figure_data.points(fig)) > 0
    assert "DRAM: export intensity — China, 2019: " in svg
    assert svg.count('tabindex="0"') == len(titles)
    assert min_px * chart.smallest_text_pt / float(buffer.getvalue().split(b'width="')[1].split(b"pt")[0]) \
        == pytest.approx(web.MIN_TEXT_PX)


def test_ids_are_prefixed_so_two_figures_share_a_page(demo):
    from analysis.chapter import Sector
    from analysis.paths import figures_dir

    svgs = []
    for kind in ("gl", "it"):
        buffer = io.BytesIO()
        drawn(Sector("system"), kind).savefig(buffer, format="svg")
        svgs.append(web.inline_svg(web.load_chart(f"fig-system-{kind}", buffer.getvalue(), figures_dir()), "c")[0])
    ids = [set(re.findall(r' id="([^"]+)"', s)) for s in svgs]
    assert ids[0] and not ids[0] & ids[1]
    for s, own in zip(svgs, ids):
        refs = set(re.findall(r'(?:href="#|url\(#)([^")]+)', s))
        assert refs <= own


def test_description_is_written_from_the_records(demo):
    from analysis.chapter import Sector

    sector = Sector("memory")
    text = sector.describe("quadrant")
    for economy in sector.cfg.focus:
        position = sector.position(economy)
        last = position.with_rsca[-1]
        said = text.lower().split(position.economy.lower(), 1)[1].split(",")[0]   # its part of the sentence
        assert str(last.year) in said and re.search(rf"\b{findings.quadrant(last.rsca, last.tsi)}\b", said.upper())
    assert "Grubel–Lloyd" in sector.describe("gl") and "export intensity" in sector.describe("it")


def test_table_scrolls_in_its_own_labelled_box():
    page = '<p>x</p><table><caption>Table V.1: A &amp; B</caption><tr><td>1</td></tr></table>'
    out = web.scrolling_tables(page)
    assert out.startswith('<p>x</p><div class="table-scroll" role="region" tabindex="0" aria-label="Table V.1: A &amp; B">')
    assert out.endswith("</table></div>")
