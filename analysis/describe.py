"""Short text alternatives of the figures, written from the same records as the prose
(`prose.Position`, `prose.TwoWay`, `prose.Link`): what a reader who cannot see the chart needs
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


def gl_chart(records: list) -> str:
    """The Grubel–Lloyd figure: per segment, the latest index with each partner."""
    text = []
    for r in records:
        if r.year is None or not r.latest:
            text.append(f"{r.segment}: no Grubel–Lloyd index in this edition.")
            continue
        values = join_words([f"{name} {fmt(v)}" for name, v in r.latest.items()])
        text.append(f"{r.segment}, {r.year}: {r.reporter}'s Grubel–Lloyd index with {values}.")
    return "Grubel–Lloyd index by partner and year (0 one-way, 1 fully two-way). " + " ".join(text)


def it_chart(records: list) -> str:
    """The trade intensity figure: per segment and partner, export and import intensity in the latest year."""
    text = []
    for r in records:
        if r.year is None:
            text.append(f"{r.segment}, {r.partner}: no data.")
        elif available(r.ei) or available(r.ii):
            text.append(f"{r.segment}, {r.partner}, {r.year}: export intensity {fmt(r.ei)}, "
                        f"import intensity {fmt(r.ii)}.")
    return ("Export and import intensity of trade by partner and year (1 means as tight as world trade). "
            + " ".join(text))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "." if text else ""
