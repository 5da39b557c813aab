"""The report's charts: RSCA x TSI quadrant trajectories, GL by partner, IT by partner.

Each function takes a tidy DataFrame and returns a matplotlib Figure drawn at print size;
`export` writes it to figures/ as PNG (web) and PDF (print) under its label.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from . import figure_data, style
from .edition import NOT_AVAILABLE
from .paths import FIGURES_FROM_SVG_ENV, figures_dir

style.apply()

DODGE_NOTE = "Markers of equal or nearly equal values are set side by side."
# Two markers closer than this share of the y range would hide each other; side by side, they sit this share
# of the x range apart (about one marker's width at print size).
COINCIDE_Y = 0.06
DODGE_X = 0.022
# The same for the points of the quadrant chart's large panel, on both axes.
QUADRANT_COINCIDE = 0.015
# Room below 0 so that a value of 0 (one-way trade) shows as a whole marker, not one hidden under the axis.
ZERO_MARGIN = 0.04

QUADRANT_NOTE = ("Quadrant I: comparative advantage and trade surplus; II: surplus without comparative "
                 "advantage; III: deficit and comparative disadvantage; IV: comparative advantage with deficit.")


def _label(fig: Figure, label: str) -> None:
    """Stamp the edition's label (the synthetic-data warning) at the foot of a figure."""
    if label:
        fig.text(0.01, 0.005, label, ha="left", va="bottom", fontsize=8, color=style.LABEL_COLOR,
                 fontweight="bold")


def _empty(ax: plt.Axes, what: str = NOT_AVAILABLE) -> None:
    ax.text(0.5, 0.5, what, ha="center", va="center", transform=ax.transAxes, fontsize=9, color="#666666",
            style="italic")
    ax.set_xticks([])
    ax.set_yticks([])


def _runs(path: pd.DataFrame) -> list[pd.DataFrame]:
    """A series cut where its coverage changes (no line is drawn across a break)."""
    if "coverage" not in path or path.empty:
        return [path]
    ids = path["coverage"].ne(path["coverage"].shift()).cumsum()
    return [part for _, part in path.groupby(ids, sort=True)]


def _stretches(path: pd.DataFrame) -> list[pd.DataFrame]:
    """A series cut at changes of coverage and at missing years: a line never spans a year without data."""
    out = []
    for run in _runs(path):
        gap = run["year"].diff().fillna(1).gt(1).cumsum()
        out += [part for _, part in run.groupby(gap, sort=True)]
    return out


def dodge(df: pd.DataFrame, order: list[str], y_tol: float, x_step: float, *, x: str = "year", y: str = "value",
          who: str = "partner", x_tol: float = 0.0) -> pd.Series:
    """Where to draw each point on x: moved sideways where points of different series coincide.

    Points of different series (`who`) within `x_tol` and `y_tol` of each other hide each other; linked
    in chains, they form a group, spread symmetrically `x_step` apart in the order of `order`, then of x.
    Deterministic; a point that coincides with none stays where it is.
    """
    pos = df[x].astype(float).copy()
    pts = df.dropna(subset=[x, y])
    if len(pts) < 2:
        return pos
    xs, ys, names = pts[x].to_numpy(float), pts[y].to_numpy(float), pts[who].to_numpy()
    near = ((np.abs(xs[:, None] - xs[None, :]) <= x_tol) & (np.abs(ys[:, None] - ys[None, :]) <= y_tol)
            & (names[:, None] != names[None, :])) | np.eye(len(pts), dtype=bool)
    group = np.arange(len(pts))
    while True:  # each point takes the smallest label among its neighbours until the chains agree
        merged = np.array([group[near[i]].min() for i in range(len(pts))])
        if (merged == group).all():
            break
        group = merged
    rank = {p: i for i, p in enumerate(order)}
    for label in np.unique(group):
        members = pts.index[group == label]
        if len(members) < 2:
            continue
        members = sorted(members, key=lambda i: (rank.get(pts.at[i, who], len(rank)), pts.at[i, x]))
        pos.loc[members] += (np.arange(len(members)) - (len(members) - 1) / 2) * x_step
    return pos


def _limits(values: np.ndarray) -> tuple[float, float]:
    """Axis limits zoomed to the data (with a margin), always showing 0 and never beyond ±1.05."""
    values = values[np.isfinite(values)]
    if not len(values):
        return -1.0, 1.0
    lo, hi = min(values.min(), 0.0), max(values.max(), 0.0)
    pad = max(0.08, 0.12 * (hi - lo))
    return max(-1.05, lo - pad), min(1.05, hi + pad)


def quadrant_chart(data: pd.DataFrame, *, label: str = "") -> Figure:
    """RSCA (x) against TSI (y), one path per economy with arrowheads, first and last year labelled.

    `data` has columns economy, year, RSCA, TSI and optionally coverage (missing values are
    skipped). A path is not joined across a change of coverage: the earlier part is dashed.
    Axes zoom to the data; the quadrant lines at 0 are always shown.
    """
    fig, ax = plt.subplots(figsize=(style.PRINT_WIDTH_IN, style.PRINT_WIDTH_IN * 0.78))
    clean = data.dropna(subset=["RSCA", "TSI"])
    xlim, ylim = _limits(clean["RSCA"].to_numpy(float)), _limits(clean["TSI"].to_numpy(float))
    width, height = xlim[1] - xlim[0], ylim[1] - ylim[0]
    # Points of different economies that would hide each other are set side by side (stated at the foot).
    clean = clean.assign(x=dodge(clean, list(dict.fromkeys(clean["economy"])), QUADRANT_COINCIDE * height,
                                 QUADRANT_COINCIDE * width, x="RSCA", y="TSI", who="economy",
                                 x_tol=QUADRANT_COINCIDE * width))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.axhline(0, color="#333333", lw=0.9)
    ax.axvline(0, color="#333333", lw=0.9)
    ax.set_xlabel("Revealed symmetric comparative advantage (RSCA)")
    ax.set_ylabel("Trade specialization index (TSI)")
    # Quadrant numerals sit in the corners of the visible part of each quadrant.
    numerals = {}
    for numeral, (sx, sy) in {"I": (1, 1), "II": (-1, 1), "III": (-1, -1), "IV": (1, -1)}.items():
        x_edge, y_edge = (xlim[1] if sx > 0 else xlim[0]), (ylim[1] if sy > 0 else ylim[0])
        if abs(x_edge) > 0.05 and abs(y_edge) > 0.05:
            numerals[numeral] = (x_edge * 0.93, y_edge * 0.92)
    for numeral, (x, y) in numerals.items():
        ax.text(x, y, numeral, ha="center", va="center", fontsize=14, color=style.MUTED, fontweight="bold")
    labels: list[tuple[str, float, float, str]] = []
    changes: set[int] = set()
    if clean.empty:
        ax.text(0.5, 0.6, NOT_AVAILABLE, ha="center", transform=ax.transAxes, style="italic", color="#666666")
    for economy, path in clean.groupby("economy", sort=False):
        path = path.sort_values("year")
        color = style.color(str(economy))
        runs = _runs(path)
        changes |= {int(run["year"].iloc[0]) for run in runs[1:]}
        for n, run in enumerate(runs):
            x, y = run["x"].to_numpy(), run["TSI"].to_numpy()
            latest = n == len(runs) - 1
            line, = ax.plot(x, y, color=color, lw=1.3, ls="-" if latest else "--", alpha=1 if latest else 0.7,
                            marker=style.marker(str(economy)), ms=3,
                            label=style.name(str(economy)) if latest else "_", zorder=3)
            figure_data.register(line, str(economy), run["year"], run["RSCA"])
            for i in range(len(x) - 1):
                ax.add_patch(FancyArrowPatch((x[i], y[i]), (x[i + 1], y[i + 1]), arrowstyle="-|>", mutation_scale=8,
                                             color=color, lw=0, zorder=4, shrinkA=0, shrinkB=2))
            years = run["year"].to_numpy()
            labels.append((str(int(years[0])), x[0], y[0], color))
            if len(years) > 1:
                labels.append((str(int(years[-1])), x[-1], y[-1], color))
    _place_year_labels(fig, ax, labels, np.vstack([clean[["x", "TSI"]].to_numpy(), list(numerals.values())]))
    if not clean.empty:
        handles, names = ax.get_legend_handles_labels()
        if changes:
            handles.append(Line2D([], [], color="#555555", lw=1.3, ls="--", alpha=0.7))
            names.append(change_of_source_label(sorted(changes)))
        ax.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, -0.11), ncol=5, frameon=False)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    _label(fig, label)
    _dodge_note(fig, bool((clean["x"] != clean["RSCA"]).any()))
    return fig


def change_of_source_label(years: list[int]) -> str:
    """The legend entry of the dashed paths: the years drawn from an earlier source."""
    return f"dashed: before the {' and '.join(str(y) for y in years)} change of source"


def tsi_chart(data: pd.DataFrame, *, years: list[int], label: str = "", note: str = "",
              breaks: list[int] | None = None) -> Figure:
    """TSI by year, one line per economy: the competitiveness view when RSCA cannot be computed.

    `data` has columns economy, year, TSI.
    """
    fig, ax = plt.subplots(figsize=(style.PRINT_WIDTH_IN, style.PRINT_WIDTH_IN * 0.5))
    ax.axhline(0, color="#333333", lw=0.9)
    for band in (0.5, -0.5):
        ax.axhline(band, color="#777777", lw=0.8, ls=":")
    ax.set_ylabel("Trade specialization index (TSI)")
    clean = data.dropna(subset=["TSI"]).rename(columns={"TSI": "value", "economy": "partner"})
    drawn, moved = _partner_lines(ax, clean, list(dict.fromkeys(clean["partner"])), years, breaks, (-1.05, 1.05))
    if not drawn:
        _empty(ax)
    else:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=5, frameon=False)
    if note:
        ax.set_title(note, fontsize=8.5, fontweight="normal", loc="left", color="#444444")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    _label(fig, label)
    _dodge_note(fig, moved)
    return fig


def _place_year_labels(fig: Figure, ax: plt.Axes, labels: list[tuple[str, float, float, str]],
                       points: np.ndarray) -> None:
    """Label first and last years where they collide least with the paths and with each other."""
    fig.canvas.draw()
    to_px = ax.transData.transform
    taken = [to_px(p) for p in points] if len(points) else []
    scale = fig.dpi / 72
    candidates = [(6, 5), (6, -5), (-6, 5), (-6, -5), (10, 0), (-10, 0), (0, 9), (0, -9),
                  (12, 10), (-12, -10), (12, -10), (-12, 10), (18, 16), (-18, -16), (18, -16), (-18, 16)]
    for text, x, y, color in labels:
        base = to_px((x, y))

        def clearance(off: tuple[int, int]) -> float:
            centre = base + np.array(off) * scale + np.array([np.sign(off[0]) * 12 * scale, 0])
            return min((float(np.hypot(*(centre - t))) for t in taken), default=1e9)

        # The nearest position that is clear of every point and label; failing that, the clearest.
        clear = [off for off in candidates if clearance(off) > 13 * scale]
        best = clear[0] if clear else max(candidates, key=clearance)
        ax.annotate(text, (x, y), xytext=best, textcoords="offset points", fontsize=8, color=color,
                    fontweight="bold", ha="left" if best[0] > 0 else ("right" if best[0] < 0 else "center"),
                    va="bottom" if best[1] > 0 else ("top" if best[1] < 0 else "center"),
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})
        taken.append(base + np.array(best) * scale + np.array([np.sign(best[0]) * 12 * scale, 0]))


def _partner_lines(ax: plt.Axes, df: pd.DataFrame, partners: list[str], years: list[int],
                   breaks: list[int] | None = None, ylim: tuple[float, float] | None = None) -> tuple[bool, bool]:
    """One line per partner, cut at changes of coverage; a dotted vertical line marks each break.

    With `ylim`, markers of several partners with equal values are set side by side (`dodge`), and an
    axis starting at 0 gets a margin below it so that a value of 0 shows whole. A missing value stays a
    gap. Returns whether anything was drawn and whether any marker was moved.
    """
    df = df.dropna(subset=["value"])
    df = df.assign(x=df["year"].astype(float))
    if ylim is not None:
        height = ylim[1] - ylim[0]
        ax.set_ylim(ylim[0] - ZERO_MARGIN * height if ylim[0] == 0 else ylim[0], ylim[1])
        if years:
            span = years[-1] - years[0] + 0.6
            df = df.assign(x=dodge(df, partners, COINCIDE_Y * height, DODGE_X * span))
    drawn = False
    for partner in partners:
        s = df[df["partner"] == partner].sort_values("year")
        for n, run in enumerate(_stretches(s)):
            if run.empty:
                continue
            line, = ax.plot(run["x"], run["value"], color=style.color(partner),
                            marker=style.marker(partner), ms=3.5, lw=1.4,
                            label=style.name(partner) if n == 0 else "_")
            figure_data.register(line, partner, run["year"], run["year"])
            drawn = True
    for year in breaks or []:
        ax.axvline(year - 0.5, color="#B00020", lw=0.9, ls=":", zorder=1)
        ax.text(year - 0.45, 0.98, "break", transform=ax.get_xaxis_transform(), fontsize=7, color="#B00020",
                va="top", ha="left")
    shift = float((df["x"] - df["year"]).abs().max()) if len(df) else 0.0
    if not years:
        return drawn, shift > 0
    ax.set_xticks(years)
    ax.set_xticklabels([str(y) if i % 2 == 0 or len(years) <= 6 else "" for i, y in enumerate(years)])
    margin = max(0.3, shift + 0.15)
    ax.set_xlim(years[0] - margin, years[-1] + margin)
    return drawn, shift > 0


def _dodge_note(fig: Figure, moved: bool) -> None:
    """Say, at the foot of the figure, that coincident markers were set side by side."""
    if moved:
        fig.text(0.99, 0.005, DODGE_NOTE, ha="right", va="bottom", fontsize=7, color="#555555", style="italic")


def _legend(fig: Figure, axes: np.ndarray) -> None:
    handles, labels = {}, []
    for ax in axes.ravel():
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in handles and not lab.startswith("_"):
                handles[lab] = h
                labels.append(lab)
    if handles:
        fig.legend([handles[lab] for lab in labels], labels, loc="lower center", ncol=len(labels), frameon=False,
                   bbox_to_anchor=(0.5, 0.025))


def gl_chart(data: pd.DataFrame, *, segments: list[str], partners: list[str], years: list[int],
             label: str = "", breaks: list[int] | None = None) -> Figure:
    """Grubel-Lloyd index by partner over the years, one panel per segment.

    `data` has columns segment, partner, year, value.
    """
    ncol = min(len(segments), 2)
    nrow = int(np.ceil(len(segments) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(style.PRINT_WIDTH_IN, 0.4 + 2.45 * nrow), squeeze=False,
                             sharey=True)
    moved = False
    for ax, segment in zip(axes.ravel(), segments):
        ax.set_title(segment)
        drawn, shifted = _partner_lines(ax, data[data["segment"] == segment], partners, years, breaks, (0, 1.02))
        moved |= shifted
        if not drawn:
            _empty(ax)
    for ax in axes.ravel()[len(segments):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("Grubel–Lloyd index")
    fig.tight_layout(rect=(0, 0.09 if nrow == 1 else 0.06, 1, 1))
    _legend(fig, axes)
    _label(fig, label)
    _dodge_note(fig, moved)
    return fig


def it_chart(data: pd.DataFrame, *, segments: list[str], partners: list[str], years: list[int],
             label: str = "", breaks: list[int] | None = None) -> Figure:
    """Export and import intensity side by side, one row per segment, reference line at 1.

    `data` has columns segment, direction ("export"/"import"), partner, year, value.
    """
    nrow = len(segments)
    fig, axes = plt.subplots(nrow, 2, figsize=(style.PRINT_WIDTH_IN, 0.55 + 1.8 * nrow), squeeze=False)
    moved = False
    for r, segment in enumerate(segments):
        # Each row (segment) has its own scale, shared by its export and import panels, so a small
        # segment is not flattened by a large one; the figure's note says so.
        row = data.loc[data["segment"] == segment, "value"]
        top = row.max() if row.notna().any() else 2.0
        for c, direction in enumerate(("export", "import")):
            ax = axes[r, c]
            title = f"{segment}: {direction} intensity" if nrow > 1 else f"{direction.capitalize()} intensity"
            # Half-width panels: a long segment name goes on its own line rather than into the next title.
            ax.set_title(title if len(title) <= 32 else title.replace(": ", ":\n", 1))
            sub = data[(data["segment"] == segment) & (data["direction"] == direction)]
            drawn, shifted = _partner_lines(ax, sub, partners, years, breaks, (0, max(2.0, float(top) * 1.08)))
            moved |= shifted
            if drawn:
                ax.axhline(1, color="#333333", lw=1, ls="--", zorder=1)
            else:
                _empty(ax)
    for ax in axes[:, 0]:
        ax.set_ylabel("Intensity (1 = world)")
    fig.tight_layout(rect=(0, 0.1 if nrow == 1 else 0.12 / nrow + 0.02, 1, 1))
    _legend(fig, axes)
    _label(fig, label)
    _dodge_note(fig, moved)
    return fig


def export(fig: Figure, name: str, folder: Path | None = None, *, data: pd.DataFrame | None = None,
           about: dict | None = None) -> list[Path]:
    """Save a figure as PNG (web) and PDF (print) named after its label, and beside them its data:
    the values drawn (`data`, CSV), what they are (`about`, JSON) and the titles of its marks.

    Under the built-in renderer ($TRADE_REPORT_FIGURES_FROM_SVG set) the images are not drawn here:
    the renderer writes both files from the figure's SVG output (`render.svg.from_svg`).
    """
    folder = folder or figures_dir()
    paths = [folder / f"{name}.png", folder / f"{name}.pdf"]
    figure_data.write(fig, name, folder, data, about)
    if os.environ.get(FIGURES_FROM_SVG_ENV):
        return paths
    for path in paths:
        fig.savefig(path, metadata={"CreationDate": None} if path.suffix == ".pdf" else None)
    return paths
