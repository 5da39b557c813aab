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
    "dependence": (1 / 3, "The reporter is said to run a large deficit with a partner when its bilateral TSI in the "
                          "sector is −1/3 or lower (imports at least twice exports), and a large surplus at 1/3 or "
                          "higher; between 0.1 and 1/3 in either direction it runs a surplus or a deficit, and within "
                          "0.1 of zero its trade is broadly balanced (imports and exports within about a fifth of "
                          "each other). The values, their ratio and the partner's share of the reporter's imports are stated with it: "
                          "a bilateral deficit alone does not make a partner the main supplier."),
    "balance": (0.1, "Trade, with a partner or with the world, is broadly balanced when its TSI lies within 0.1 of "
                     "zero: a move into or out of that band is said as such, not as a turn between net importer "
                     "and net exporter."),
    "materiality": (10e6, "No judgement (balance, two-way trade, intensity) is drawn from a bilateral flow of less than "
                          "USD 10 million a year: the sentence gives the values and says they are too small to judge. "
                          "Sources that drop small flows (the bilateral Comtrade file omits flows under USD 1 "
                          "million) make such values unreliable."),
    "outlier": (0.1, "A trend over three years or more is the Theil–Sen slope (the median of the slopes between every "
                     "pair of years) times the span, so one odd year does not make or break it; a year more than 0.1 "
                     "away from the fitted line and from both neighbours is named as standing apart."),
    "intensity": (0.1, "A trade intensity above 1.1 is a link tighter than world trade would suggest, below 0.9 a "
                       "looser one, and between them about the world benchmark."),
    "complementarity": (0.5, "Trade with a partner is mainly two-way (intra-industry) when the Grubel–Lloyd index "
                             "is 0.5 or more and mainly one-way below 0.5; two-way trade is called integrated only "
                             "when export and import intensity both exceed 1 as well."),
    "hong_kong": (0.10, "Where an entrepôt economy (one the country table marks with the economy it serves) takes more "
                        "than 10 % of a focus economy's exports or imports in a sector, the note gives the share: "
                        "much of that trade is re-exported to the economy it serves."),
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


def arrows(d_rsca: float, d_tsi: float, *, tolerance: float = THRESHOLDS["change"][0]) -> str:
    """The direction of travel in compact form for tables: 'RSCA ↑, TSI ↓'."""
    if not available(d_rsca, d_tsi):
        return "one year only"

    def arrow(d: float) -> str:
        return _compare(d, 0.0, tolerance, "↑", "↓", "→")

    return f"RSCA {arrow(d_rsca)}, TSI {arrow(d_tsi)}"


def join_words(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'; items that hold a comma ('Hong Kong, China') are separated by semicolons."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    sep = "; " if any(", " in i for i in items) and len(items) > 2 else ", "
    return sep.join(items[:-1]) + f" and {items[-1]}"


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


def theil_sen(years: list[int], values: list[float]) -> float:
    """The median of the slopes between every pair of years: a trend one odd year cannot drive."""
    slopes = sorted((values[j] - values[i]) / (years[j] - years[i])
                    for i in range(len(years)) for j in range(i + 1, len(years)) if years[j] != years[i])
    if not slopes:
        return float("nan")
    mid = len(slopes) // 2
    return slopes[mid] if len(slopes) % 2 else (slopes[mid - 1] + slopes[mid]) / 2


def fitted_change(years: list[int], values: list[float]) -> float:
    """The change over a stretch: last minus first for two years, the Theil–Sen slope times the span beyond."""
    if len(years) < 2:
        return float("nan")
    if len(years) == 2:
        return values[1] - values[0]
    return theil_sen(years, values) * (years[-1] - years[0])


def outliers(years: list[int], values: list[float], *, cut: float = THRESHOLDS["outlier"][0]) -> list[int]:
    """Years standing apart: more than `cut` from the fitted line and from each neighbouring year."""
    if len(years) < 4:
        return []
    slope = theil_sen(years, values)
    intercept = sorted(v - slope * y for y, v in zip(years, values))[len(years) // 2]
    out = []
    for i, (y, v) in enumerate(zip(years, values)):
        near = [values[j] for j in (i - 1, i + 1) if 0 <= j < len(values)]
        if abs(v - (intercept + slope * y)) > cut and all(abs(v - n) > cut for n in near):
            out.append(y)
    return out


def trend_of(years: list[int], values: list[float], *, tolerance: float = THRESHOLDS["change"][0]) -> str:
    """'up', 'down' or 'flat' from the fitted change; 'mixed' when, over three years or more, the fitted
    change and the change between the averages of the first two and last two years disagree."""
    word = trend_word(fitted_change(years, values), tolerance=tolerance)
    if len(years) < 3 or word == "flat":
        return word
    ends = (values[-1] + values[-2]) / 2 - (values[0] + values[1]) / 2
    return word if (ends > 0) == (word == "up") and ends != 0 else "mixed"


def trend_word(change_: float, *, tolerance: float = THRESHOLDS["change"][0]) -> str:
    """'up', 'down' or 'flat' for a fitted change."""
    if not available(change_):
        return "unknown"
    return "flat" if abs(change_) <= tolerance else ("up" if change_ > 0 else "down")


def tsi_move(first: float, last: float, word: str) -> str:
    """A TSI's change read by its sign, as a clause with 'it' or 'its' as subject ('flat' when it did not
    move, 'mixed' without a clear direction): a surplus that widened, a deficit that narrowed, a turn."""
    if word in ("flat", "mixed"):
        return word
    band = THRESHOLDS["balance"][0]   # inside it (as printed, to two decimals) trade is broadly balanced

    def balanced(v: float) -> bool:
        return abs(round(v, 2)) < band

    if balanced(first) and balanced(last):
        return "its trade stayed close to balance"
    if balanced(first):
        return f"it moved from broadly balanced trade to a net-{'export' if last > 0 else 'import'} position"
    if balanced(last):
        return f"it moved from a net-{'export' if first > 0 else 'import'} position to broadly balanced trade"
    if first < 0 < last:
        return "it turned from net importer to net exporter"
    if first > 0 > last:
        return "it turned from net exporter to net importer"
    if last > 0 or (last == 0 and first > 0):
        return "its net-export position strengthened" if word == "up" else "its net-export position weakened"
    return "its net-import position narrowed" if word == "up" else "its net-import position deepened"


def rsca_move(first: float, last: float, word: str) -> str:
    """An RSCA's change read by its sign, as a clause with 'it' or 'its' as subject: an advantage gained,
    lost or strengthened, a disadvantage narrowed."""
    if word in ("flat", "mixed"):
        return word
    if first < 0 < last:
        return "it gained a comparative advantage"
    if first > 0 > last:
        return "it lost its comparative advantage"
    if last > 0 or (last == 0 and first > 0):
        return "its comparative advantage strengthened" if word == "up" else "its comparative advantage weakened"
    return "its comparative disadvantage narrowed" if word == "up" else "its comparative disadvantage deepened"


def balance_word(bilateral_tsi: float, *, cut: float = THRESHOLDS["dependence"][0],
                 band: float = THRESHOLDS["balance"][0]) -> str:
    """The value balance with a partner from the bilateral TSI, in the words the text and the tables share:
    large deficit, deficit, balanced, surplus, large surplus."""
    if not available(bilateral_tsi):
        return "unknown"
    if bilateral_tsi <= -cut:
        return "large deficit"
    if bilateral_tsi >= cut:
        return "large surplus"
    if abs(bilateral_tsi) < band:
        return "balanced"
    return "surplus" if bilateral_tsi > 0 else "deficit"


def intensity_band(value: float, *, band: float = THRESHOLDS["intensity"][0]) -> str:
    """'high' (above 1 + band), 'low' (below 1 − band) or 'near 1'."""
    if not available(value):
        return "unknown"
    return "high" if value > 1 + band else "low" if value < 1 - band else "near 1"


def ratio_text(a: float, b: float) -> str:
    """How many times a is b, in words fit for prose ('1.6 times', '19 times', 'about the same as')."""
    if not available(a, b) or b <= 0:
        return ""
    r = a / b
    if r < 1.1:
        return "about the same as"
    return f"{r:.1f} times" if r < 9.95 else f"{r:,.0f} times"
