"""The house style of every figure: one palette, one font scale, one size for print."""

from __future__ import annotations

import matplotlib.pyplot as plt
import seaborn as sns

# Okabe-Ito colours (colour-blind safe); each economy keeps its colour in every figure.
COLORS: dict[str, str] = {
    "KOR": "#0072B2",
    "CHN": "#D55E00",
    "JPN": "#009E73",
    "USA": "#E69F00",
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


# Names that take an article in running text.
ARTICLE = {"KOR", "USA"}


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


def apply() -> None:
    """Set the matplotlib/seaborn defaults used by every figure."""
    sns.set_theme(context="paper", style="whitegrid", font="DejaVu Sans")
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
    })
