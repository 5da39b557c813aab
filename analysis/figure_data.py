"""What a figure draws, as data: the marks it plots (for values on hover and focus on the website)
and the files published beside it (the values drawn as CSV, what they are as JSON).

The charts register each line of markers with `register`; `write` then saves, next to the
figure's image files, `<label>.csv` (the values), `<label>.json` (source, vintage, codes, world,
notes, description) and `<label>.marks.json` (one title per marker, in drawing order, keyed by
the SVG group id of its line, and the smallest text size in the figure). The renderer reads the
marks to give each marker of the inline SVG a `<title>` and a keyboard stop.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from . import style

PREFIX = "hover-"
# What a line chart's y axis measures, in the words of a hover title.
MEASURES = {"Trade specialization index (TSI)": "TSI", "Grubel–Lloyd index": "GL",
            "Intensity (1 = world)": "intensity"}


def register(line: Line2D, economy: str, years: pd.Series, xs: pd.Series | None = None) -> None:
    """Name the markers of a plotted line: its SVG group gets an id, the figure keeps whose points
    they are and their years. The values are read back from the line itself, except `xs`: the true
    x values where markers were set side by side so that equal values stay visible."""
    fig = line.figure
    lines = fig.__dict__.setdefault("_marks", {})
    gid = f"{PREFIX}{len(lines)}"
    line.set_gid(gid)
    lines[gid] = (line, economy, [int(y) for y in years], None if xs is None else [float(x) for x in xs])


def number(value: float) -> str:
    """A value as a hover title prints it: two decimals, a true minus sign."""
    return f"{value:.2f}".replace("-", "\u2212")


def _measure(fig: Figure) -> str:
    labels = [ax.get_ylabel() for ax in fig.axes if ax.get_visible() and ax.get_ylabel()]
    return MEASURES.get(labels[0], labels[0]) if labels else "value"


def points(fig: Figure) -> pd.DataFrame:
    """Every plotted marker: gid, economy, panel (the axes title where there are several), year, x, y."""
    rows = []
    visible = [ax for ax in fig.axes if ax.get_visible()]
    for gid, (line, economy, years, xs) in getattr(fig, "_marks", {}).items():
        panel = " ".join(line.axes.get_title().split()) if len(visible) > 1 else ""
        xy = line.get_xydata()
        true_x = xs if xs is not None else [float(x) for x, _ in xy]
        rows += [{"gid": gid, "economy": economy, "panel": panel, "year": year, "x": float(x), "y": float(y)}
                 for year, x, (_, y) in zip(years, true_x, xy)]
    return pd.DataFrame(rows, columns=["gid", "economy", "panel", "year", "x", "y"])


def titles(fig: Figure) -> dict[str, list[str]]:
    """One title per marker, grouped by the SVG id of its line, in drawing order."""
    table = points(fig)
    quadrant = any("RSCA" in ax.get_xlabel() for ax in fig.axes)
    measure = _measure(fig)
    out: dict[str, list[str]] = {}
    for r in table.itertuples():
        where = f"{r.panel} — " if r.panel else ""
        named = measure.lower() in r.panel.lower()   # the panel's title already says what is measured
        value = (f"RSCA {number(r.x)}, TSI {number(r.y)}" if quadrant
                 else number(r.y) if named else f"{measure} {number(r.y)}")
        out.setdefault(r.gid, []).append(f"{where}{style.name(r.economy)}, {r.year}: {value}")
    return out


def smallest_text(fig: Figure) -> float:
    """The smallest font size (points) of any visible text in the figure."""
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return float(min(sizes)) if sizes else 0.0


def write(fig: Figure, name: str, folder: Path, data: pd.DataFrame | None, about: dict | None) -> list[Path]:
    """The figure's data files beside its images: values (CSV), metadata (JSON), hover marks (JSON)."""
    from .build import escaped

    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.marks.json"]
    paths[0].write_text(json.dumps({"marks": titles(fig), "smallest_text_pt": smallest_text(fig)},
                                   ensure_ascii=False, indent=1), encoding="utf-8")
    if data is not None:
        escaped(data).to_csv(folder / f"{name}.csv", index=False, na_rep="")
        paths.append(folder / f"{name}.csv")
    if about is not None:
        (folder / f"{name}.json").write_text(json.dumps(about, ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(folder / f"{name}.json")
    return paths
