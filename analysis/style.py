"""The house style of every figure: one palette, one font scale, one size for print."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from .paths import reference

FALLBACK_COLOR, FALLBACK_MARKER = "#777777", "o"   # an economy the colour table does not list
PRINT_WIDTH_IN = 16 / 2.54  # figures are drawn at the width they are printed: 16 cm on A4
LABEL_COLOR = "#B00020"
MUTED = "#767676"   # secondary marks (quadrant numerals): the lightest grey with 4.5:1 on white


@lru_cache(maxsize=4)
def _colours(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False).set_index("economy")


def colours() -> pd.DataFrame:
    """The report's colour table (data/reference/colours.csv): each economy keeps its colour and
    marker in every figure; the project's colours are Okabe-Ito (colour-blind safe), each at least
    3:1 against the white background."""
    return _colours(reference("colours.csv"))


def color(iso: str) -> str:
    """The colour of an economy in every figure (grey for one the table does not list)."""
    table = colours()
    return str(table.loc[iso, "colour"]) if iso in table.index else FALLBACK_COLOR


def marker(iso: str) -> str:
    """The marker of an economy in every figure."""
    table = colours()
    return str(table.loc[iso, "marker"]) if iso in table.index else FALLBACK_MARKER


def _row(iso: str) -> dict[str, str] | None:
    """The country table's row of an economy (names are asked for in every sentence: looked up, not filtered)."""
    return _rows(reference("countries.csv")).get(iso)


@lru_cache(maxsize=4)
def _rows(path: Path) -> dict[str, dict[str, str]]:
    from .countries import table

    return {r["iso3"]: r for r in table().to_dict("records")}


def name(iso: str) -> str:
    """The name the report uses for an economy (in figures and tables): the country table's short
    name, else its name, else the code."""
    row = _row(iso)
    if row is None:
        return iso
    return str(row["short_name"] or row["name"])


def takes_article(iso: str) -> bool:
    """Whether the economy's name takes 'the' in running text (the country table's `article`)."""
    row = _row(iso)
    return row is not None and row["article"] == "yes"


def prose(iso: str, start: bool = False) -> str:
    """The name in running text: 'the ROK', 'the United States' ('The …' at a sentence start)."""
    text = f"the {name(iso)}" if takes_article(iso) else name(iso)
    return text[0].upper() + text[1:] if start else text


# seaborn's "whitegrid" style in its "paper" context, written out so that a kernel draws in the
# house style without importing seaborn (and scipy) at start-up: two seconds per chapter.
# tests/test_figures.py checks that these values are still what seaborn.set_theme sets.
SEABORN_WHITEGRID_PAPER: dict[str, object] = {
    "axes.axisbelow": True, "axes.edgecolor": ".8", "axes.grid": True, "axes.labelcolor": ".15",
    "axes.linewidth": 1.0, "font.family": ["DejaVu Sans"], "grid.color": ".8", "lines.linewidth": 1.2,
    "lines.markersize": 4.8, "lines.solid_capstyle": "round", "patch.edgecolor": "w", "patch.force_edgecolor": True,
    "patch.linewidth": 0.8, "text.color": ".15", "xtick.bottom": False, "xtick.color": ".15",
    "xtick.major.size": 4.8, "xtick.major.width": 1.0, "xtick.minor.size": 3.2, "xtick.minor.width": 0.8,
    "ytick.color": ".15", "ytick.left": False, "ytick.major.size": 4.8, "ytick.major.width": 1.0,
    "ytick.minor.size": 3.2, "ytick.minor.width": 0.8,
}


def apply() -> None:
    """Set the matplotlib defaults used by every figure: seaborn's whitegrid/paper theme, then ours."""
    plt.rcParams.update(SEABORN_WHITEGRID_PAPER)
    plt.rcParams.update({
        "font.size": 9,
        "axes.titlesize": 9.5,
        "axes.labelsize": 9,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "legend.fontsize": 8,
        "axes.titleweight": "bold",
        "figure.dpi": 100,
        "savefig.dpi": 200,
        "savefig.bbox": "tight",
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "text.parse_math": False,   # names and codes are text: a '$' in one is not mathtext
    })
