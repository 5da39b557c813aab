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
    assert lines["ROK"].get_color() == style.color("KOR")
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
    runs = [line for line in ax.get_lines() if len(line.get_xdata()) and line.get_color() == style.color("KOR")]
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
        assert -0.05 < ax.get_ylim()[0] < 0 and ax.get_ylim()[1] == pytest.approx(1.02)   # room for a whole 0
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


# --- coincident markers, zeros and changes of source (issue 17) ---------------------------------

def gl_rows(values: dict[str, list[float]], years: list[int]) -> pd.DataFrame:
    return pd.DataFrame([{"segment": "S", "partner": p, "year": y, "value": v}
                         for p, vs in values.items() for y, v in zip(years, vs)])


def drawn_points(ax) -> dict[str, list[tuple[float, float]]]:
    """(x, y) of every drawn point by legend name (all runs of a partner together)."""
    out: dict[str, list[tuple[float, float]]] = {}
    names = {style.color(p): style.name(p) for p in ("CHN", "JPN", "USA", "WLD")}
    for line in ax.get_lines():
        if line.get_color() in names:
            out.setdefault(names[line.get_color()], []).extend(zip(line.get_xdata(), line.get_ydata()))
    return out


def test_dodge_spreads_only_coincident_points_in_partner_order():
    df = gl_rows({"CHN": [0.5, 0.2], "JPN": [0.5, 0.8], "USA": [0.5, 0.4]}, [2019, 2022])
    x = figures.dodge(df, ["CHN", "JPN", "USA"], y_tol=0.02, x_step=0.1)
    by = dict(zip(zip(df["partner"], df["year"]), x))
    assert [by[("CHN", 2019)], by[("JPN", 2019)], by[("USA", 2019)]] == pytest.approx([2018.9, 2019.0, 2019.1])
    assert [by[(p, 2022)] for p in ("CHN", "JPN", "USA")] == [2022.0, 2022.0, 2022.0]   # apart already
    assert list(figures.dodge(df, ["CHN", "JPN", "USA"], 0.02, 0.1)) == list(x)            # deterministic


def test_equal_values_stay_visible_side_by_side_and_the_figure_says_so():
    data = gl_rows({"CHN": [0.3, 0.3], "JPN": [0.3, 0.3], "USA": [0.6, 0.1]}, [2019, 2022])
    fig = figures.gl_chart(data, segments=["S"], partners=["CHN", "JPN", "USA"], years=[2019, 2022])
    pts = drawn_points(fig.axes[0])
    assert len({pts["China"][0], pts["Japan"][0]}) == 2 and pts["China"][0][1] == pts["Japan"][0][1] == 0.3
    assert pts["United States"][0] == (2019.0, 0.6)                                     # alone: on its year
    assert figures.DODGE_NOTE in texts(fig)
    apart = figures.gl_chart(gl_rows({"CHN": [0.1, 0.2], "JPN": [0.7, 0.9]}, [2019, 2022]), segments=["S"],
                             partners=["CHN", "JPN"], years=[2019, 2022])
    assert figures.DODGE_NOTE not in texts(apart)


def test_it_chart_separates_equal_intensities():
    rows = [{"segment": "S", "direction": d, "partner": p, "year": 2022, "value": 0.53}
            for d in ("export", "import") for p in ("JPN", "USA")]
    fig = figures.it_chart(pd.DataFrame(rows), segments=["S"], partners=["JPN", "USA"], years=[2019, 2022])
    for ax in fig.axes:
        pts = drawn_points(ax)
        assert pts["Japan"][0][0] < 2022 < pts["United States"][0][0]
    assert figures.DODGE_NOTE in texts(fig)


def test_zero_is_drawn_whole_and_missing_stays_a_gap():
    data = gl_rows({"JPN": [0.0, float("nan"), 0.4, 0.5]}, [2019, 2020, 2021, 2022])
    for fig in (figures.gl_chart(data, segments=["S"], partners=["JPN"], years=[2019, 2020, 2021, 2022]),
                figures.it_chart(data.assign(direction="export"), segments=["S"], partners=["JPN"],
                                 years=[2019, 2020, 2021, 2022])):
        ax = fig.axes[0]
        runs = [list(line.get_ydata()) for line in ax.get_lines() if line.get_color() == style.color("JPN")]
        assert runs == [[0.0], [0.4, 0.5]]                  # 0 is a point; 2020 is a gap, not joined over
        low, high = ax.get_ylim()
        # a marker of 3.5 pt centred on 0 lies wholly inside the axes
        half = 3.5 / 2 / 72 * (high - low) / ax.get_position().height / fig.get_size_inches()[1]
        assert low < -half


def test_change_of_source_is_in_the_quadrant_legend():
    data = quadrant_data()[quadrant_data()["economy"] == "KOR"].assign(coverage=["bulk", "panel", "panel"])
    legend = figures.quadrant_chart(data).axes[0].get_legend()
    names = [t.get_text() for t in legend.get_texts()]
    assert names == ["ROK", "dashed: before the 2016 change of source"]
    dashed = legend.legend_handles[-1]
    assert dashed.get_linestyle() == "--"
    plain = figures.quadrant_chart(quadrant_data()).axes[0].get_legend()
    assert not any("change of source" in t.get_text() for t in plain.get_texts())


def test_quadrant_points_of_two_economies_at_one_place_are_set_apart():
    rows = [("KOR", 2019, 0.3, 0.2), ("KOR", 2022, 0.5, 0.4), ("CHN", 2019, -0.4, -0.3), ("CHN", 2022, 0.3, 0.2)]
    fig = figures.quadrant_chart(pd.DataFrame(rows, columns=["economy", "year", "RSCA", "TSI"]))
    lines = {line.get_label(): line for line in fig.axes[0].get_lines() if not line.get_label().startswith("_")}
    kor, chn = list(lines["ROK"].get_xdata()), list(lines["China"].get_xdata())
    assert kor[0] < 0.3 < chn[1] and kor[1] == 0.5 and chn[0] == -0.4       # only the coincident pair moves
    assert figures.DODGE_NOTE in texts(fig)
    assert figures.DODGE_NOTE not in texts(figures.quadrant_chart(quadrant_data()))
