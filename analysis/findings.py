"""Pure helpers that turn indicator values into the words of the chapter's findings."""

from __future__ import annotations

import math

QUADRANT_MEANING = {
    "I": "comparative advantage and trade surplus",
    "II": "trade surplus without comparative advantage",
    "III": "trade deficit and comparative disadvantage",
    "IV": "comparative advantage with a trade deficit",
}


# The thresholds every sentence is generated with; the methods appendix prints them from here.
THRESHOLDS: dict[str, tuple[float, str]] = {
    "change": (0.05, "An index is said to have risen or fallen when it moved by more than 0.05 between two years "
                     "of the same source; smaller moves are 'broadly unchanged'. A trend needs at least two years "
                     "from one source and is never stated across a change of source."),
    "dependence": (1 / 3, "The ROK is said to rely on imports from a partner when its bilateral TSI in the sector is "
                          "−1/3 or lower (imports at least twice exports), to be a net exporter to it at 1/3 or "
                          "higher, and to have broadly balanced trade in between; the values are stated with it."),
    "intensity": (0.1, "A trade intensity above 1.1 is a link tighter than world trade would suggest, below 0.9 a "
                       "looser one, and between them about the world benchmark."),
    "complementarity": (0.5, "Trade with a partner is mainly two-way (intra-industry) when the Grubel–Lloyd index "
                             "is 0.5 or more and mainly one-way below 0.5; two-way trade is called integrated only "
                             "when export and import intensity both exceed 1 as well."),
    "hong_kong": (0.10, "Where Hong Kong, China takes more than 10 % of a focus economy's exports or imports in a "
                        "sector, the note gives the share: much of that trade is re-exported to mainland China."),
}


def threshold(name: str) -> float:
    """The value of a named threshold."""
    return THRESHOLDS[name][0]


def available(*values: float) -> bool:
    """True when every value is a finite number."""
    return all(v is not None and math.isfinite(v) for v in values)


def fmt(value: float, digits: int = 2) -> str:
    """A number as the prose prints it (minus sign, fixed digits); 'no data' when missing."""
    if not available(value):
        return "no data"
    text = f"{value:.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "−")


def usd(value: float) -> str:
    """A USD amount in billions or millions."""
    if not available(value):
        return "no data"
    amount = f"{abs(value) / 1e9:,.1f} billion" if abs(value) >= 1e9 else f"{abs(value) / 1e6:,.0f} million"
    return "USD " + ("−" if value < 0 else "") + amount


def quadrant(rsca: float, tsi: float) -> str | None:
    """The quadrant of an (RSCA, TSI) point; None when missing or on an axis."""
    if not available(rsca, tsi) or rsca == 0 or tsi == 0:
        return None
    if tsi > 0:
        return "I" if rsca > 0 else "II"
    return "IV" if rsca > 0 else "III"


def _compare(a: float, b: float, tolerance: float, higher: str, lower: str, same: str) -> str:
    """Word for a against b: `higher`, `lower`, or `same` within the tolerance."""
    if not available(a, b):
        return "cannot be compared"
    if abs(a - b) <= tolerance:
        return same
    return higher if a > b else lower


def change(first: float, last: float, *, tolerance: float = THRESHOLDS["change"][0]) -> str:
    """'rose', 'fell' or 'was broadly unchanged' between two values."""
    return _compare(last, first, tolerance, "rose", "fell", "was broadly unchanged")


def direction(d_rsca: float, d_tsi: float, *, tolerance: float = THRESHOLDS["change"][0]) -> str:
    """Where a quadrant path went: toward which corner of the chart."""
    if not available(d_rsca, d_tsi):
        return "not available"
    moves = []
    if abs(d_rsca) > tolerance:
        moves.append("stronger comparative advantage" if d_rsca > 0 else "weaker comparative advantage")
    if abs(d_tsi) > tolerance:
        moves.append("a larger net-export position" if d_tsi > 0 else "a weaker net-export position")
    return " and ".join(moves) if moves else "little net movement"


def dependence(bilateral_tsi: float, *, cut: float = THRESHOLDS["dependence"][0]) -> str:
    """How the reporter stands with a partner, from the bilateral TSI (value balance), not from intensities."""
    if not available(bilateral_tsi):
        return "cannot be judged from this edition"
    if bilateral_tsi <= -cut:
        return "relies on imports from"
    if bilateral_tsi >= cut:
        return "is a net exporter to"
    return "has broadly balanced trade with"


def balance(bilateral_tsi: float, *, cut: float = THRESHOLDS["dependence"][0]) -> str:
    """The same judgement as `dependence`, in a table's few words."""
    if not available(bilateral_tsi):
        return "no data"
    return "net importer" if bilateral_tsi <= -cut else "net exporter" if bilateral_tsi >= cut else "balanced"


def intensity_word(value: float, *, band: float = THRESHOLDS["intensity"][0]) -> str:
    """An intensity against the world benchmark of 1."""
    if not available(value):
        return "cannot be judged"
    if value > 1 + band:
        return "tighter than world trade would suggest"
    if value < 1 - band:
        return "looser than world trade would suggest"
    return "about as world trade would suggest"


def two_way(gl: float, *, cut: float = THRESHOLDS["complementarity"][0]) -> str:
    """'two-way' or 'one-way' trade from a Grubel–Lloyd index."""
    if not available(gl):
        return "cannot be judged"
    return "mainly two-way" if gl >= cut else "mainly one-way"


def arrows(d_rsca: float, d_tsi: float, *, tolerance: float = THRESHOLDS["change"][0]) -> str:
    """The direction of travel in compact form for tables: 'RSCA ↑, TSI ↓'."""
    if not available(d_rsca, d_tsi):
        return "one year only"

    def arrow(d: float) -> str:
        return _compare(d, 0.0, tolerance, "↑", "↓", "→")

    return f"RSCA {arrow(d_rsca)}, TSI {arrow(d_tsi)}"


def join_words(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}" if items else ""


def span(years: list[int]) -> str:
    """Years in words, consecutive runs joined: '2019', '2016–2018', '2016–2019 and 2022'."""
    years = sorted(set(int(y) for y in years))
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return join_words([str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs])
