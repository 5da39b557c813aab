"""Hostile and careless inputs: a clear error naming file, line and fix, or a correct result; never
silently wrong data, never a traceback of another kind; and builds that are all or nothing."""

from __future__ import annotations

import json
import os
import string
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import atomic, importers, pipeline, store
from analysis.importers import DataImportError

TIDY = "hs_code,year,reporter_code,partner_code,trade_value_usd\n"
GOOD = TIDY + "854232,2019,KOR,CHN,1000\n854232,2019,CHN,KOR,800\n"


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


@pytest.mark.parametrize("text, message", [
    (TIDY + "854232,2019,KOR,CHN,inf\n", "is not a finite number"),
    (TIDY + "854232,2019,KOR,CHN,1e30\n", "above the plausible ceiling"),
    (TIDY + "854232,2019,KOR,CHN,-5\n", "is negative"),
    (TIDY + "85AB32,2019,KOR,CHN,5\n", "not a well-formed HS6 code"),
    (TIDY + "8,2019,KOR,CHN,5\n", "not a well-formed HS6 code"),
    (TIDY + "854232,2019,KOR,Narnia,5\n", "'Narnia' is not a known economy"),
    (TIDY + "854232,2099,KOR,CHN,5\n", "is not a year from 1988"),
    (TIDY + "854232,2019,KOR,CHN,12", "last line was probably cut off"),
    (TIDY + "854232,2019,KOR,CHN\n", "is empty (truncated file?)"),
    ("", "the file is empty"),
    ("\n\n", "the file is empty"),
    ("foo,bar\n1,2\n", "header not recognised"),
])
def test_bad_csv_gives_a_clear_error(tmp_path, text, message):
    path = write(tmp_path, "x.csv", text)
    with pytest.raises(DataImportError) as err:
        importers.read(path)
    assert message in str(err.value) and str(path) in str(err.value)


@pytest.mark.parametrize("payload, message", [
    ('"just a string"', "JSON of the wrong shape"),
    ('{"data": 5}', "JSON of the wrong shape"),
    ('[1, 2]', "JSON of the wrong shape"),
    ('{"data": []}', "no data records"),
    ('{"data": [', "not valid JSON"),
])
def test_bad_json_gives_a_clear_error(tmp_path, payload, message):
    with pytest.raises(DataImportError, match=message):
        importers.read(write(tmp_path, "x.json", payload))


def test_a_directory_named_like_a_file(tmp_path):
    (tmp_path / "x.csv").mkdir()
    with pytest.raises(DataImportError, match="is a directory"):
        importers.read(tmp_path / "x.csv")
    write(tmp_path / "x.csv", "inner.csv", GOOD)
    assert importers.raw_files([tmp_path]) == [tmp_path / "x.csv" / "inner.csv"]


def test_conflicting_files_stop_unless_a_precedence_is_stated(tmp_path):
    a = write(tmp_path, "a.csv", GOOD)
    b = write(tmp_path, "b.csv", GOOD.replace("1000", "1200"))
    items = [importers.read(a), importers.read(b)]
    with pytest.raises(DataImportError) as err:
        importers.combine(items)
    assert "a.csv says 1,000" in str(err.value) and "b.csv says 1,200" in str(err.value)
    assert "--on-conflict first" in str(err.value)
    flows, _, _ = importers.combine(items, on_conflict="first")
    x = flows[(flows["reporter"] == "KOR") & (flows["partner"] == "CHN") & (flows["flow"] == "X")]
    assert x["value_usd"].tolist() == [1000.0]


def test_equal_duplicates_across_files_are_kept_once(tmp_path):
    items = [importers.read(write(tmp_path, "a.csv", GOOD)), importers.read(write(tmp_path, "b.csv", GOOD))]
    flows, _, _ = importers.combine(items)
    assert len(flows[(flows["reporter"] == "KOR") & (flows["partner"] == "CHN") & (flows["flow"] == "X")]) == 1


def test_unknown_codes_are_reported_not_merged(tmp_path):
    item = importers.read(write(tmp_path, "a.csv", GOOD + "999999,2019,KOR,CHN,7\n"))
    assert any("outside the product table (e.g. 999999)" in n for n in item.notes)
    assert "999999" in set(item.flows["code"])


def test_nothing_is_written_when_an_import_fails(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write(raw, "a.csv", GOOD)
    write(raw, "b.csv", TIDY + "854232,2019,KOR,CHN,-1\n")
    out = tmp_path / "processed" / "ed"
    with pytest.raises(DataImportError):
        pipeline.import_paths([raw], out)
    assert not out.exists()
    assert not (tmp_path / "processed").exists() or not list((tmp_path / "processed").iterdir())


# --- fuzzing -------------------------------------------------------------------------------------

HEADERS = [
    TIDY.strip(),
    "Year,Country,HS Code,Description,Export Value (USD)",
    "Imports/Exports,Time,Commodity Code,Description of Good,Country(Area),Value(USD$ 1000)",
    "refYear,reporterCode,flowCode,partnerCode,cmdCode,primaryValue",
    "Year,Trade Flow,Reporter Code,Partner Code,Commodity Code,Trade Value (US$)",
    "year,hsk,country,export_usd,import_usd",
    "year,reporter,flow,value_usd",
]
cell = st.text(alphabet=string.ascii_letters + string.digits + " .,-+=eE\"'\t中國", max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.sampled_from(HEADERS), rows=st.lists(st.lists(cell, min_size=0, max_size=7), max_size=5),
       end=st.sampled_from(["\n", "", "\r\n"]))
def test_fuzzed_files_give_data_or_our_error(tmp_path, header, rows, end):
    text = header + "\n" + "\n".join(",".join(r) for r in rows) + end
    path = write(tmp_path, "fuzz.csv", text)
    try:
        item = importers.read(path)
    except DataImportError:
        return
    flows = item.flows
    if len(flows):
        assert flows["value_usd"].between(0, 2e12).all()
        assert flows["reporter"].str.fullmatch(r"[A-Z]{3}|M49:\d+").all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=10))
def test_fuzzed_json_gives_data_or_our_error(tmp_path, payload):
    path = write(tmp_path, "fuzz.json", json.dumps(payload))
    try:
        importers.read(path)
    except DataImportError:
        pass


# --- all or nothing ---------------------------------------------------------------------------------

def test_a_second_build_is_refused_while_one_runs(tmp_path):
    lock = tmp_path / ".build.lock"
    with atomic.build_lock(lock):
        with pytest.raises(atomic.BuildLocked, match="another build is running"):
            with atomic.build_lock(lock):
                pass
    with atomic.build_lock(lock):   # free again afterwards
        pass


def test_switch_replaces_whole_and_leftovers_are_cleaned(tmp_path):
    final = tmp_path / "_book"
    final.mkdir()
    (final / "old.html").write_text("old")
    stage = atomic.staging(final)
    (stage / "new.html").write_text("new")
    atomic.switch(stage, final)
    assert [p.name for p in final.iterdir()] == ["new.html"]
    left = tmp_path / f"._book{atomic.STAGING}12345"
    left.mkdir()
    (tmp_path / ".flows.parquet.abc.tmp").write_text("")
    removed = atomic.clean_leftovers(tmp_path)
    assert len(removed) == 2 and final.exists()


def test_damaged_tables_are_rebuilt_not_served(tmp_path):
    folder = pipeline.prepare("demo", root=tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    key = {k: manifest[k] for k in ("edition", "synthetic", "inputs")}
    assert store.is_current(folder, key)
    flows = pd.read_parquet(folder / "flows.parquet")
    flows.iloc[:10].to_parquet(folder / "flows.parquet")       # stale or half-written table
    assert not store.is_current(folder, key)
    pipeline.prepare("demo", root=tmp_path)
    assert store.is_current(folder, key) and len(pd.read_parquet(folder / "flows.parquet")) == len(flows)


def test_killed_save_leaves_the_previous_edition(tmp_path):
    """A process killed while saving a new edition leaves the old one complete and current."""
    folder = pipeline.prepare("demo", root=tmp_path)
    before = (folder / "manifest.json").read_text()
    script = textwrap.dedent(f"""
        import os, pandas as pd
        from pathlib import Path
        from analysis import pipeline, store
        real = store.write_parquet
        def dying(df, path):
            real(df, path)
            if path.name == "totals.parquet":
                os._exit(9)          # killed between the flows and the manifest
        store.write_parquet = dying
        f = pd.read_parquet(Path({str(folder)!r}) / "flows.parquet")
        t = pd.read_parquet(Path({str(folder)!r}) / "totals.parquet")
        pipeline.save(Path({str(folder)!r}), f.iloc[:100], t, {{"edition": "demo"}})
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parent.parent)
    assert proc.returncode == 9
    assert (folder / "manifest.json").read_text() == before
    assert len(pd.read_parquet(folder / "flows.parquet")) > 100
    assert any(atomic.STAGING in p.name for p in tmp_path.iterdir())   # the killed save's leftovers
    atomic.clean_leftovers(tmp_path)
    assert not any(atomic.STAGING in p.name for p in tmp_path.iterdir())


def test_chapters_without_an_edition_stop(monkeypatch):
    from analysis import edition

    monkeypatch.delenv(edition.ENV_EDITION, raising=False)
    with pytest.raises(edition.NoEdition, match="no edition"):
        edition.current()


def test_missing_typst_is_a_clear_error(monkeypatch):
    import builtins

    from analysis import build

    real = builtins.__import__

    def no_typst(name, *args, **kwargs):
        if name == "typst":
            raise ImportError("no typst")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_typst)
    with pytest.raises(RuntimeError, match="Typst is not available"):
        build.check_tools()


def test_killed_build_leaves_the_previous_site(tmp_path):
    """A build killed while writing the site leaves the previous _book whole; the next one cleans up."""
    out = tmp_path / "_book"
    out.mkdir()
    (out / "index.html").write_text("previous complete site")
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from analysis import build
        from analysis.render import book

        def dying(root, stage, **kwargs):
            (stage / "index.html").write_text("half")
            os._exit(9)

        book.build = dying
        build.run("demo", engine="builtin", out=Path({str(out)!r}), freeze=Path({str(tmp_path / "freeze")!r}))
    """)
    env = {**os.environ, "TRADE_REPORT_FIGURES": str(tmp_path / "figures")}
    proc = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parent.parent, env=env)
    assert proc.returncode == 9
    assert (out / "index.html").read_text() == "previous complete site"
    assert any(atomic.STAGING in p.name for p in tmp_path.iterdir())
    atomic.clean_leftovers(tmp_path)
    assert not any(atomic.STAGING in p.name or atomic.RETIRED in p.name for p in tmp_path.iterdir())


def test_junk_and_oversized_files_are_refused_without_being_read(tmp_path):
    junk = tmp_path / "junk.csv"
    with open(junk, "wb") as fh:               # 3 GiB of nothing, sparse: no disk used
        fh.truncate(3 * 1024**3)
    with pytest.raises(DataImportError, match="header not recognised"):
        importers.read(junk)                   # refused from its first line
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:
        fh.write(TIDY.encode())
        fh.truncate(importers.MAX_FILE_BYTES + 1)
    with pytest.raises(DataImportError, match="more than the importers read in memory"):
        importers.read(big)


def test_environment_errors_read_as_one_line():
    import errno

    from analysis.__main__ import one_line

    full = OSError(errno.ENOSPC, "No space left on device", "/data/processed/x.parquet")
    denied = PermissionError(errno.EACCES, "Permission denied", "/readonly/_book")
    assert one_line(full) == "/data/processed/x.parquet: No space left on device (the disk is full: free some space " \
                             "and build again)"
    assert one_line(denied).startswith("/readonly/_book: Permission denied (the folder is read-only")
