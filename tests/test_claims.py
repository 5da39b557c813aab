"""The claims ledger on the real sample: every generated sentence carries claims, the independent
check confirms them, a falsified claim is caught, and the sentences an independent reading found
wrong are gone."""

from __future__ import annotations

import dataclasses
import math

import pytest

from analysis import claims, config, ledger, verify
from analysis.paths import ROOT

pytest_plugins = ["tests.test_truth"]


@pytest.fixture(scope="module")
def rows(sample_edition):
    entries = ledger.collect(ROOT)
    return entries, ledger.check(entries, sample_edition, float(config.load().materiality_usd))


def sector_text(entries, chapter: str) -> str:
    return claims.plain([e.sentence for e in entries if e.chapter == chapter])


def test_every_claim_of_the_sample_is_confirmed(rows):
    entries, checked = rows
    counts = ledger.counts(checked)
    assert counts["contradicted"] == 0, ledger.contradictions(checked)[:3]
    assert counts["claims"] > 150 and counts["sentences"] > 40
    judged = [r for r in checked if r["chapter"] in ("memory", "system", "equipment", "materials", "policy")]
    without = [r["text"] for r in judged if r["status"] == "no claim"]
    # only statements of what is left out or missing go without a claim
    assert all(t.startswith(("No index is given", "The source changes", "2024 is left out", "No economy passes",
                                  "Trade indices do not speak", "The dependency screen flags no case"))
               for t in without), without


def test_falsified_claims_are_caught(rows, sample_edition):
    entries, _ = rows
    tables = verify.Tables.load(sample_edition)
    floor = float(config.load().materiality_usd)
    by_kind = {}
    for e in entries:
        for c in e.sentence.claims:
            by_kind.setdefault(c.kind, c)
    wrong = {
        "quadrant": lambda c: dataclasses.replace(c, expect="III" if c.expect != "III" else "I"),
        "balance": lambda c: dataclasses.replace(c, expect="balanced" if c.expect != "balanced" else "surplus"),
        "trend": lambda c: dataclasses.replace(c, expect="up" if c.expect != "up" else "down"),
        "rank": lambda c: dataclasses.replace(c, reporter=[e for e in c.economies if e != c.reporter][0])
        if c.economies else dataclasses.replace(c, economies=("ZZZ",)),
        "value": lambda c: dataclasses.replace(c, values=((c.values[0][0], c.values[0][1] + 0.02),)),
        "gl_band": lambda c: dataclasses.replace(c, expect="two-way" if c.expect == "one-way" else "one-way"),
        "immaterial": lambda c: dataclasses.replace(c, threshold=1.0),
    }
    for kind, falsify in wrong.items():
        c = by_kind[kind]
        assert verify.check(c, tables, floor).status == "confirmed", (kind, verify.check(c, tables, floor))
        assert verify.check(falsify(c), tables, floor).status == "contradicted", kind


def test_a_judgement_on_a_tiny_flow_is_contradicted(rows, sample_edition):
    entries, _ = rows
    tables = verify.Tables.load(sample_edition)
    tiny = next(c for e in entries for c in e.sentence.claims if c.kind == "immaterial")
    x, m = tiny.value("X"), tiny.value("M")
    judged = claims.claim("balance", indicator="TSI", group=tiny.group, reporter=tiny.reporter, partner=tiny.partner,
                          variant="standard", years=tiny.years, values={"TSI": (x - m) / (x + m), "band": 0.1},
                          expect="large deficit", threshold=1 / 3, coverage=tiny.coverage)
    assert verify.check(judged, tables, 10e6).status == "contradicted"


def test_the_quoted_wrong_sentences_are_gone(rows):
    entries, _ = rows
    materials, memory, system = (sector_text(entries, k) for k in ("materials", "memory", "system"))
    assert "China leads" not in materials
    assert "Japan had the strongest position of the three in semiconductor materials and parts" in materials
    assert "larger net-export position" not in memory
    assert "China's net-import position narrowed (TSI −0.20 to −0.10)" in memory
    assert "stronger comparative advantage" not in memory
    assert "broadly balanced trade with China" not in memory
    assert "ran a surplus with China (exports USD 31.7 billion, imports USD 20.2 billion; exports 1.6 times imports" in memory
    assert "relies on imports from Japan in amplifiers" not in system and "relied on imports from Japan in amplifiers" not in system
    assert "Trade with Japan in amplifiers (USD 1 million of exports and USD 4 million of imports)" in system
    assert "too small to judge" in system
    assert "China's RSCA fell from 0.19" not in memory and "after 0.19 in 2013, a year that stands apart" in memory
    assert "to 0.66 (2018)" in memory
    assert "among the three focus economies only" in memory and "As in memory semiconductors, Hong Kong, China" in system
    assert "tighter than world trade would suggest" not in memory + system + materials


def test_a_paragraph_is_printed_once(rows):
    entries, _ = rows
    texts = [e.sentence.text for e in entries if e.chapter in ("memory", "system", "equipment", "materials", "policy")
             and len(e.sentence.text) > 120]
    assert len(texts) == len(set(texts)), [t for t in texts if texts.count(t) > 1][:1]


def test_conclusion_cites_briefly_and_never_copies_a_section(rows):
    entries, _ = rows
    sections = {e.sentence.text for e in entries if e.chapter in ("memory", "system", "equipment", "materials")}
    policy = [e.sentence for e in entries if e.chapter == "policy"]
    assert not any(s.text in sections for s in policy)
    assert sum(bool(s.refs) for s in policy) >= 3
    assert all(len(s.text) < 700 for s in policy)


def test_ledger_json_round_trip(rows, tmp_path):
    _, checked = rows
    ledger.write(checked, tmp_path / "claims.json")
    import json
    back = json.loads((tmp_path / "claims.json").read_text())
    assert {r["status"] for r in back} <= {"confirmed", "no claim"} and all("claims" in r for r in back)
    assert (tmp_path / "claims.json").stat().st_mode & 0o777 == 0o644
    assert not any(isinstance(v, float) and math.isnan(v) for r in back for c in r["claims"] for v in c["values"].values()
                   if v is not None)
