"""Figure functions: axes, series and labels as the report needs them."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import figures, style  # noqa: E402

LABEL = "Synthetic demonstration data — not real trade statistics"


def texts(fig) -> list[str]:
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts] + [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        if ax.get_legend():
            out += [t.get_text() for t in ax.get_legend().get_texts()]
    for legend in fig.legends:
        out += [t.get_text() for t in legend.get_texts()]
    return out


def quadrant_data() -> pd.DataFrame:
    rows = [("KOR", 2008, 0.6, 0.4), ("KOR", 2016, 0.5, 0.3), ("KOR", 2024, 0.4, 0.2),
            ("CHN", 2008, -0.5, -0.4), ("CHN", 2024, -0.2, 0.1)]
    return pd.DataFrame(rows, columns=["economy", "year", "RSCA", "TSI"])


def test_quadrant_chart():
    fig = figures.quadrant_chart(quadrant_data(), label=LABEL)
    ax = fig.axes[0]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert -1.05 <= x0 < -0.5 and 0.6 < x1 <= 1.05 and -1.05 <= y0 < -0.4 and 0.4 < y1 <= 1.05   # zoomed to the data
    assert x1 - x0 < 2 and y1 - y0 < 2
    assert "RSCA" in ax.get_xlabel() and "TSI" in ax.get_ylabel()
    lines = {line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")}
    assert set(lines) == {"ROK", "China"}
    assert lines["ROK"].get_color() == style.COLORS["KOR"]
    assert list(lines["ROK"].get_xdata()) == [0.6, 0.5, 0.4]
    t = texts(fig)
    assert {"I", "II", "III", "IV"} <= set(t)
    assert {"2008", "2024"} <= set(t)                 # first and last year labelled
    assert "2016" not in t
    assert LABEL in t
    assert len(ax.patches) == 3                       # one arrowhead per step: 2 for ROK, 1 for China
    width = fig.get_size_inches()[0]
    assert width == pytest.approx(16 / 2.54)


def test_quadrant_path_is_not_joined_across_a_change_of_coverage():
    data = quadrant_data()[quadrant_data()["economy"] == "KOR"].assign(coverage=["bulk", "panel", "panel"])
    fig = figures.quadrant_chart(data)
    ax = fig.axes[0]
    runs = [line for line in ax.get_lines() if len(line.get_xdata()) and line.get_color() == style.COLORS["KOR"]]
    assert [list(r.get_xdata()) for r in runs] == [[0.6], [0.5, 0.4]]
    assert runs[0].get_linestyle() == "--" and runs[1].get_linestyle() == "-"
    assert len(ax.patches) == 1                        # no arrow across the break
    assert {"2008", "2016", "2024"} <= set(texts(fig))  # each run's ends are labelled


def test_line_charts_mark_breaks():
    data = series("gl")
    fig = figures.gl_chart(data, segments=["DRAM", "MCP/flash"], partners=["CHN"], years=[2019, 2020, 2021, 2022],
                           breaks=[2021])
    assert "break" in texts(fig)


def test_quadrant_chart_without_data_says_so():
    fig = figures.quadrant_chart(quadrant_data().assign(RSCA=float("nan")))
    assert "not available in this edition" in texts(fig)


def series(kind: str) -> pd.DataFrame:
    rows = []
    for seg in ("DRAM", "MCP/flash"):
        for partner in ("CHN", "JPN", "WLD"):
            for year in range(2019, 2025):
                base = {"segment": seg, "partner": partner, "year": year, "value": 0.1 * (year - 2018)}
                if kind == "it":
                    rows += [{**base, "direction": "export"}, {**base, "direction": "import", "value": 1.5}]
                else:
                    rows.append(base)
    return pd.DataFrame(rows)


def test_gl_chart():
    fig = figures.gl_chart(series("gl"), segments=["DRAM", "MCP/flash"], partners=["CHN", "JPN", "USA", "WLD"],
                           years=list(range(2019, 2025)), label=LABEL)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == ["DRAM", "MCP/flash"]
    for ax in axes:
        assert ax.get_ylim()[0] == 0 and ax.get_ylim()[1] == pytest.approx(1.02)
        assert [line.get_label() for line in ax.get_lines()] == ["China", "Japan", "World"]
    assert {"China", "Japan", "World"} <= set(texts(fig)) and LABEL in texts(fig)


def test_it_chart_has_reference_line_and_both_directions():
    fig = figures.it_chart(series("it"), segments=["DRAM", "MCP/flash"], partners=["CHN", "JPN"],
                           years=list(range(2019, 2025)))
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["DRAM: export intensity", "DRAM: import intensity", "MCP/flash: export intensity",
                      "MCP/flash: import intensity"]
    for ax in fig.axes:
        refs = [line for line in ax.get_lines() if list(line.get_ydata()) == [1, 1]]
        assert len(refs) == 1
    assert LABEL not in texts(fig)


def test_empty_panel_says_not_available():
    data = series("gl")
    fig = figures.gl_chart(data[data["segment"] == "DRAM"], segments=["DRAM", "MCP/flash"], partners=["CHN"],
                           years=list(range(2019, 2025)))
    assert "not available in this edition" in [t.get_text() for t in fig.axes[1].texts]


def test_export_writes_png_and_pdf(tmp_path):
    fig = figures.quadrant_chart(quadrant_data())
    paths = figures.export(fig, "fig-test", tmp_path)
    assert [p.name for p in paths] == ["fig-test.png", "fig-test.pdf"]
    assert paths[0].read_bytes()[:4] == b"\x89PNG" and paths[1].read_bytes()[:4] == b"%PDF"


def test_tsi_chart_when_rsca_is_missing():
    data = quadrant_data().assign(RSCA=float("nan"))
    fig = figures.tsi_chart(data, years=[2008, 2016, 2024], label=LABEL, note="RSCA not available")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")] == ["ROK", "China"]
    assert ax.get_title(loc="left") == "RSCA not available" and LABEL in texts(fig)
    assert ax.get_ylim() == (-1.05, 1.05)


def test_house_style_is_seaborns_whitegrid_paper_theme():
    """The theme is written out (no seaborn import at kernel start); it must stay what seaborn sets."""
    import matplotlib as mpl
    import seaborn as sns

    with mpl.rc_context():
        sns.set_theme(context="paper", style="whitegrid", font="DejaVu Sans")
        for key, value in style.SEABORN_WHITEGRID_PAPER.items():
            got = mpl.rcParams[key]
            got = str(got).split(".")[-1].lower() if key == "lines.solid_capstyle" else got
            assert got == pytest.approx(value) if isinstance(value, float) else got == value, key
