"""What changed between editions: revisions of past years apart from new years; the appendix."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from analysis import pipeline, revisions, store


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory):
    """The demo edition, and an 'earlier' copy with one value changed and without the last year."""
    root = tmp_path_factory.mktemp("editions")
    new = pipeline.prepare("demo", root=root)
    old = root / "old"
    shutil.copytree(new, old)
    table = pd.read_parquet(old / "indicators.parquet")
    pick = ((table["indicator"] == "TSI") & (table["group"] == "memory") & (table["reporter"] == "KOR")
            & (table["partner"] == "WLD") & (table["year"] == 2020))
    assert pick.sum() == 1
    table.loc[pick, "value"] = table.loc[pick, "value"] - 0.2
    table = table[table["year"] != 2024]
    table.to_parquet(old / "indicators.parquet")
    manifest = json.loads((old / "manifest.json").read_text())   # an edition written so, hashes and all
    manifest["tables"]["indicators.parquet"] = store.sha256(old / "indicators.parquet")
    (old / "manifest.json").write_text(json.dumps(manifest))
    return old, new


def test_a_tampered_edition_is_refused_not_compared(two_editions, tmp_path):
    old, new = two_editions
    forged = tmp_path / "forged"
    shutil.copytree(new, forged)
    table = pd.read_parquet(forged / "indicators.parquet")
    table.assign(value=table["value"] + 1).to_parquet(forged / "indicators.parquet")
    with pytest.raises(store.TamperedEdition, match="indicators.parquet: its content does not match the SHA-256"):
        revisions.diff(forged, new)
    from analysis import build

    with pytest.raises(store.TamperedEdition):
        build.run("demo", out=tmp_path / "site", previous=forged)


def test_diff_separates_revisions_from_new_years(two_editions):
    old, new = two_editions
    changes = revisions.diff(old, new)
    revised = changes[changes["kind"] == "revised"]
    assert len(revised) == 1
    row = revised.iloc[0]
    assert (row["indicator"], row["group"], row["reporter"], row["year"]) == ("TSI", "memory", "KOR", 2020)
    assert row["change"] == pytest.approx(0.2)
    assert set(changes.loc[changes["kind"] == "new year", "year"]) == {2024}
    assert "dropped" not in set(changes["kind"])


def test_same_edition_has_no_change(two_editions):
    _, new = two_editions
    assert revisions.diff(new, new).empty


def test_the_appendix_lists_the_revision(two_editions, monkeypatch):
    from analysis import tables
    from analysis.paths import PREVIOUS_ENV

    old, new = two_editions
    monkeypatch.setenv("TRADE_REPORT_EDITION", str(new))
    monkeypatch.setenv(PREVIOUS_ENV, str(old))
    text = tables.changes_markdown().data
    assert "1 value revised by more than its threshold" in text
    assert "| TSI \\(standard\\) | memory | ROK | World | 2020 |" in text      # cells are escaped text
    monkeypatch.delenv(PREVIOUS_ENV)
    assert "No earlier edition was given" in tables.changes_markdown().data


def test_diff_command(two_editions, capsys, tmp_path):
    from analysis.__main__ import main

    old, new = two_editions
    assert main(["diff", str(old), str(new), "--out", str(tmp_path / "changes.csv")]) == 0
    out = capsys.readouterr()
    assert "1 revised" in out.out + out.err
    assert len(pd.read_csv(tmp_path / "changes.csv")) > 1
