"""The house style of every figure: one palette, one font scale, one size for print."""

from __future__ import annotations

import matplotlib.pyplot as plt

# Okabe-Ito colours (colour-blind safe), each at least 3:1 against the white background; each economy
# keeps its colour in every figure.
COLORS: dict[str, str] = {
    "KOR": "#0072B2",
    "CHN": "#D55E00",
    "JPN": "#009E73",
    "USA": "#B37400",   # Okabe-Ito orange (#E69F00) darkened to 3.9:1 on white (graphics need 3:1)
    "TWN": "#CC79A7",
    "WLD": "#4D4D4D",
}
MARKERS: dict[str, str] = {"KOR": "o", "CHN": "s", "JPN": "^", "USA": "D", "TWN": "v", "WLD": "X"}
NAMES: dict[str, str] = {
    "KOR": "ROK",
    "CHN": "China",
    "JPN": "Japan",
    "USA": "United States",
    "TWN": "Chinese Taipei",
    "HKG": "Hong Kong, China",
    "WLD": "World",
}
PRINT_WIDTH_IN = 16 / 2.54  # figures are drawn at the width they are printed: 16 cm on A4
LABEL_COLOR = "#B00020"
MUTED = "#767676"   # secondary marks (quadrant numerals): the lightest grey with 4.5:1 on white


# Names that take an article in running text.
ARTICLE = {"KOR", "USA", "NLD", "PHL", "GBR", "ARE"}


def name(iso: str) -> str:
    """The name the report uses for an economy (in figures and tables): its short name, else the
    country reference's name, else the code."""
    if iso in NAMES:
        return NAMES[iso]
    from .countries import table

    found = table().loc[table()["iso3"] == iso, "name"]
    return str(found.iloc[0]) if len(found) else iso


def prose(iso: str, start: bool = False) -> str:
    """The name in running text: 'the ROK', 'the United States' ('The …' at a sentence start)."""
    text = f"the {name(iso)}" if iso in ARTICLE else name(iso)
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
