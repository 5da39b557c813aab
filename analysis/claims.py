"""Generated sentences and the claims they rest on: the claims ledger.

Every sentence the package writes about the data is a `Sentence`: its text and the structured
`Claim`s it makes (a value, a quadrant, a trend, a ranking, a balance, a band, a missing value or a
flow too small to judge). `analysis.verify`, written apart from the prose, recomputes each claim
from the processed tables; the build writes them to `_book/data/claims.json` and fails on a
contradicted claim. On the website each sentence is a span that shows its numbers and source on
hover or keyboard focus.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Iterator

from .escape import Markup, markdown

# The claim kinds `analysis.verify` knows how to check.
KINDS = ("value", "quadrant", "flow", "trend", "rank", "balance", "band", "gl_band", "missing", "immaterial", "share")


@dataclass(frozen=True)
class Claim:
    """One checkable statement of a sentence.

    kind: what is claimed (see KINDS); indicator: RSCA, TSI, GL, EI, II, or X/M for a flow in USD;
    group: the product group (sector or segment key); reporter/partner: ISO3 codes (WLD for the
    world); years: the years the claim covers; values: the printed numbers by name; expect: the
    judgement the sentence states ('I', 'rose', 'surplus', 'highest', …); threshold: the stated
    threshold the judgement uses; economies: the compared set of a ranking; coverage and world:
    the source the values come from and the world it uses.
    """

    kind: str
    indicator: str = ""
    group: str = ""
    reporter: str = ""
    partner: str = ""
    variant: str = ""
    years: tuple[int, ...] = ()
    values: tuple[tuple[str, float], ...] = ()
    expect: str = ""
    threshold: float | None = None
    economies: tuple[str, ...] = ()
    coverage: str = ""
    world: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown claim kind {self.kind!r}")

    def value(self, name: str) -> float:
        return dict(self.values).get(name, float("nan"))

    def to_dict(self) -> dict:
        out = asdict(self)
        out["years"] = list(self.years)
        out["economies"] = list(self.economies)
        out["values"] = {k: (None if not math.isfinite(v) else v) for k, v in self.values}
        return out


def claim(kind: str, **kw: object) -> Claim:
    """A claim with `values` given as a dict and `years` as any iterable."""
    values = kw.pop("values", {}) or {}
    years = kw.pop("years", ()) or ()
    economies = kw.pop("economies", ()) or ()
    return Claim(kind, values=tuple((str(k), float(v)) for k, v in dict(values).items()),
                 years=tuple(int(y) for y in years), economies=tuple(economies), **kw)


@dataclass(frozen=True)
class Sentence:
    """A generated sentence with the claims it makes; `source` names where its numbers come from."""

    text: str
    claims: tuple[Claim, ...] = ()
    source: str = ""
    refs: tuple[str, ...] = ()     # section labels ('sec-materials-it') the sentence points to

    @property
    def id(self) -> str:
        digest = hashlib.sha1(json.dumps([self.text, [c.to_dict() for c in self.claims]], sort_keys=True,
                                         ensure_ascii=False).encode()).hexdigest()
        return "claim-" + digest[:12]

    def summary(self) -> str:
        """The numbers a sentence rests on, for the hover text: 'RSCA KOR 2022: 0.77; …'."""
        parts = []
        for c in self.claims:
            who = "–".join(x for x in (c.reporter, c.partner) if x)
            when = "–".join(str(y) for y in (c.years[0], c.years[-1])) if len(c.years) > 1 else \
                (str(c.years[0]) if c.years else "")
            nums = ", ".join(f"{k} {v:.4g}" for k, v in c.values if math.isfinite(v))
            head = " ".join(x for x in (c.indicator, c.group, who, when) if x)
            parts.append(f"{head}: {c.kind}{' ' + c.expect if c.expect else ''}{' (' + nums + ')' if nums else ''}")
        if self.source:
            parts.append(self.source)
        return "; ".join(parts)

    def to_dict(self) -> dict:
        return {"id": self.id, "text": self.text, "source": self.source, "claims": [c.to_dict() for c in self.claims]}


def sentence(text: str, *claims: Claim, source: str = "", refs: tuple[str, ...] = ()) -> Sentence:
    for ref in refs:
        if not _LABEL.fullmatch(ref):
            raise ValueError(f"not a cross-reference label: {ref!r}")
    return Sentence(text, tuple(claims), source, tuple(refs))


_LABEL = re.compile(r"(sec|fig|tbl)-[a-z0-9]+(-[a-z0-9]+)*")


def _attribute(text: str) -> str:
    """Text for a quoted pandoc attribute value."""
    return text.replace("\\", "/").replace('"', "'").replace("\n", " ")


# Sentences rendered while a ledger is being collected (see `analysis.ledger`); None otherwise.
_recorded: list[Sentence] | None = None


@contextmanager
def recording() -> Iterator[list[Sentence]]:
    """Collect every sentence `render` writes inside the block."""
    global _recorded
    outer, _recorded = _recorded, []
    try:
        yield _recorded
    finally:
        _recorded = outer


def render(sentences: list[Sentence] | Sentence) -> Markup:
    """Sentences as Markdown: each a span with an id, its claims' numbers as hover/focus text."""
    items = [sentences] if isinstance(sentences, Sentence) else list(sentences)
    if _recorded is not None:
        _recorded.extend(s for s in items if s.text)
    return Markup(" ".join(f'[{_body(s)}]{{#{s.id} .claim tabindex="0" title="{_attribute(s.summary())}"}}'
                           for s in items if s.text))


def _body(s: Sentence) -> str:
    """The escaped text, with its cross-references (trusted labels) before the final full stop."""
    text = s.text.replace("'", "’")      # generated prose uses the typographic apostrophe
    if not s.refs:
        return markdown(text)
    text = text[:-1] if text.endswith(".") else text
    return markdown(text) + " (" + "; ".join("@" + r for r in s.refs) + ")."


def plain(sentences: list[Sentence] | Sentence) -> str:
    """The sentences as plain text (for tests and descriptions)."""
    items = [sentences] if isinstance(sentences, Sentence) else list(sentences)
    return " ".join(s.text for s in items if s.text)
