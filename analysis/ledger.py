"""The claims ledger of a build: every generated sentence of the book with its claims and their check.

The chapters' generated text comes from inline `{python}` expressions. `collect` runs each
chapter's set-up cells (those with `include: false`) and evaluates its inline expressions in this
process while `claims.recording()` is on, so the ledger holds exactly the sentences the chapters
print. `analysis.verify` then re-derives each claim from the processed tables.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import claims, verify
from .render import qmd

# Inline expressions that report on the ledger itself are not part of it.
SELF = "ledger."
# The id of a generated sentence's span in a page.
SPAN = re.compile(r'<span id="(claim-[0-9a-f]{12})"')


@dataclass(frozen=True)
class Entry:
    chapter: str
    sentence: claims.Sentence


def chapter_paths(root: Path) -> list[Path]:
    cfg = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8")) or {}
    book = cfg.get("book") or {}
    return [root / p for p in (book.get("chapters") or []) + (book.get("appendices") or [])]


def collect(root: Path) -> list[Entry]:
    """Every sentence the chapters render, in book order (a sentence printed twice is listed twice)."""
    out: list[Entry] = []
    for path in chapter_paths(root):
        doc = qmd.parse(path.read_text(encoding="utf-8"), str(path))
        exprs = [e for b in doc.blocks if isinstance(b, qmd.Markdown) for e in b.inline if SELF not in e]
        if not exprs:
            continue
        namespace: dict = {}
        with claims.recording() as got:
            for block in doc.blocks:
                if isinstance(block, qmd.Cell) and block.options.get("include") is False:
                    exec(compile(block.code, str(path), "exec"), namespace)
            for expr in exprs:
                eval(compile(expr, str(path), "eval"), namespace)
        out += [Entry(path.stem, s) for s in got]
    return out


def check(entries: list[Entry], folder: Path, floor: float) -> list[dict]:
    """Each sentence with the result of every claim it makes."""
    tables = verify.Tables.load(folder)
    rows = []
    for e in entries:
        results = [verify.check(c, tables, floor) for c in e.sentence.claims]
        status = ("contradicted" if any(r.status == "contradicted" for r in results)
                  else "confirmed" if results else "no claim")
        rows.append({**e.sentence.to_dict(), "chapter": e.chapter, "status": status,
                     "checks": [r.to_dict() for r in results]})
    return rows


def write(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    path.chmod(0o644)


def contradictions(rows: list[dict]) -> list[str]:
    """One line per contradicted claim: the chapter, the sentence and why."""
    out = []
    for r in rows:
        for c in r["checks"]:
            if c["status"] == "contradicted":
                out.append(f"{r['chapter']}: \"{r['text'][:120]}…\": {c['reason']}")
    return out


def counts(rows: list[dict]) -> dict[str, int]:
    """Sentences and claims by status."""
    claims_ = [c for r in rows for c in r["checks"]]
    return {"sentences": len(rows), "claims": len(claims_),
            "confirmed": sum(c["status"] == "confirmed" for c in claims_),
            "contradicted": sum(c["status"] == "contradicted" for c in claims_),
            "without claims": sum(r["status"] == "no claim" for r in rows)}


def checked_text() -> str:
    """A sentence for the methods appendix: how many sentences and claims this edition's check covered."""
    from . import config, edition
    from .paths import report_root

    rows = check(collect(report_root()), edition.current().stored.folder, float(config.load().materiality_usd))
    n = counts(rows)
    text = (f"In this edition, {n['claims']:,} claims in {n['sentences']:,} generated sentences were checked: "
            f"{n['confirmed']:,} confirmed and {n['contradicted']:,} contradicted")
    if n["without claims"]:
        one = n["without claims"] == 1
        text += (f"; {n['without claims']:,} {'sentence makes' if one else 'sentences make'} no checkable claim "
                 f"({'it says' if one else 'they say'} what is left out or missing and why)")
    return text + "."
