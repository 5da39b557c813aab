"""Short text alternatives of the figures, written from the same records as the prose
(`prose.Position`, `prose.Lens`): what a reader who cannot see the chart needs
to know of it, in two or three sentences."""

from __future__ import annotations

from .findings import available, fmt, join_words, quadrant


def _path(p) -> str:
    """One economy's path through the quadrants: 'the ROK stays in quadrant I from 2008 to 2024'."""
    points = p.with_rsca
    if not points:
        return f"{p.economy} has no RSCA and TSI pair in this edition"
    first, last = points[0], points[-1]
    q0, q1 = quadrant(first.rsca, first.tsi), quadrant(last.rsca, last.tsi)
    if len(points) == 1:
        return f"{p.economy} is in quadrant {q1 or 'on an axis'} in {last.year}"
    if q0 == q1 and q1:
        return f"{p.economy} stays in quadrant {q1} from {first.year} to {last.year}"
    return (f"{p.economy} moves from quadrant {q0 or 'on an axis'} in {first.year} to "
            f"{q1 or 'an axis'} in {last.year}")


def _tsi(p) -> str:
    points = p.with_tsi
    if not points:
        return f"{p.economy} has no TSI in this edition"
    if len(points) == 1:
        return f"{p.economy}'s TSI is {fmt(points[0].tsi)} in {points[0].year}"
    return (f"{p.economy}'s TSI goes from {fmt(points[0].tsi)} in {points[0].year} to "
            f"{fmt(points[-1].tsi)} in {points[-1].year}")


def quadrant_chart(positions: list) -> str:
    """The competitiveness figure: each economy's path through the quadrants (or its TSI)."""
    if any(p.with_rsca for p in positions):
        lead = "Paths of RSCA (across) against TSI (up), one per economy. "
        text = [_path(p) for p in positions]
    else:
        lead = "TSI by year, one line per economy (RSCA cannot be computed from this edition). "
        text = [_tsi(p) for p in positions]
    return lead + _sentence(join_words(text))


def _missing(lens) -> list[str]:
    return [f"No index with {name}: {why}." for name, why in lens.missing.items() if why]


def gl_chart(lens) -> str:
    """The Grubel–Lloyd figure: per segment, the latest index with each partner."""
    text = []
    for segment in dict.fromkeys(p.segment for p in lens.pairs):
        got = [p for p in lens.pairs if p.segment == segment and available(p.gl)]
        if not got:
            text.append(f"{segment}: no Grubel–Lloyd index in this edition.")
            continue
        for year in sorted({p.year for p in got}):
            values = join_words([f"{p.partner} {fmt(p.gl)}" for p in got if p.year == year])
            text.append(f"{segment}, {year}: {lens.reporter}'s Grubel–Lloyd index with {values}.")
    return ("Grubel–Lloyd index by partner and year (0 one-way, 1 fully two-way). "
            + " ".join(text + _missing(lens))).strip()


def it_chart(lens) -> str:
    """The trade intensity figure: per segment and partner, export and import intensity in the latest year."""
    text = [f"{p.segment}, {p.partner}, {p.year}: export intensity {fmt(p.ei)}, import intensity {fmt(p.ii)}."
            for p in lens.pairs if available(p.ei) or available(p.ii)]
    return ("Export and import intensity of trade by partner and year (1 means as tight as world trade). "
            + " ".join(text + _missing(lens))).strip()


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "." if text else ""
