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
from analysis.paths import ROOT
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
    (out / "data").mkdir(parents=True)
    (out / "data" / ".stamp").write_text("")     # a site this project built
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


# --- silently wrong data, refused or reported ---------------------------------------------------------

PLUS = "refYear,reporterCode,flowCode,partnerCode,cmdCode,primaryValue\n"
UNCTAD = "Year,Economy,Economy Label,Flow,Flow Label,US$ at current prices in millions\n"


@pytest.mark.parametrize("text, message", [
    (PLUS + "2019,4.1e2,X,156,854232,100\n", "reporterCode '4.1e2' is not a whole number in plain digits"),
    (PLUS + "2019,４１０,X,156,854232,100\n", "reporterCode '４１０' is not a whole number in plain digits"),
    (TIDY + "854232,２０１９,KOR,CHN,5\n", "year '２０１９' is not a whole number in plain digits"),
    (TIDY + "８５４２３２,2019,KOR,CHN,5\n", "not a well-formed HS6 code"),
    (TIDY + "854232,2019,KOR,CHN,１０００\n", "trade_value_usd is not a number"),
    ("year,reporter,flow,value_usd\n2019,KORE,X,5\n", "reporter 'KORE' is not an ISO3 code"),
    ("year,reporter,flow,value_usd\n2019,KOR,Exports,5\n", "flow 'Exports' is not X (exports) or M"),
    (TIDY.strip() + ",trade_value_usd\n854232,2019,KOR,CHN,5,6\n", "column 'trade_value_usd' appears twice"),
])
def test_ambiguous_cells_are_refused_with_their_line(tmp_path, text, message):
    path = write(tmp_path, "x.csv", text)
    with pytest.raises(DataImportError) as err:
        importers.read(path)
    assert message in str(err.value) and f"{path}: line " in str(err.value)


def test_self_trade_is_left_out_and_reported_never_mirrored(tmp_path):
    item = importers.read(write(tmp_path, "a.csv", GOOD + "854232,2019,KOR,KOR,999\n"))
    assert not (item.flows["reporter"] == item.flows["partner"]).any()
    assert any("its own partner" in n for n in item.notes)
    flows, _, _ = importers.combine([item])
    assert not ((flows["reporter"] == flows["partner"]) & (flows["partner"] != "WLD")).any()
    assert 999 not in set(flows["value_usd"])


def test_an_unctad_economy_that_is_not_a_number_is_reported(tmp_path):
    item = importers.read(write(tmp_path, "u.csv", UNCTAD + '2019,410,"Korea",02,"Exports",5\n'
                                                           '2019,U840,"USA",02,"Exports",7\n'
                                                           '2019,1400,"Asia",02,"Exports",9\n'))
    assert item.totals["reporter"].tolist() == ["KOR"]
    notes = " ".join(item.notes)
    assert "not an M49 number (e.g. 'U840')" in notes and "1 row(s) of economy groups" in notes


def test_a_line_after_a_quoted_line_break_is_named_right(tmp_path):
    text = (PLUS.strip() + ",cmdDesc\n2019,410,X,156,854232,100,\"Memories\n(DRAM)\"\n"
            "2019,410,X,392,854232,-5,x\n")
    with pytest.raises(DataImportError, match=r"line 4: primaryValue is negative"):
        importers.read(write(tmp_path, "x.csv", text))
    bad = TIDY + "854232,2019,KOR,\"CH\nN\",1000\n854232,2019,KOR,CHN,1000,5\n"
    with pytest.raises(DataImportError, match=r"line 4: the row does not have the header's number of fields "
                                              r"\(5 expected, 6 found\)"):
        importers.read(write(tmp_path, "y.csv", bad))


def test_dangling_links_and_loops_in_a_data_folder_are_named(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    write(data, "a.csv", GOOD)
    (data / "gone.csv").symlink_to(tmp_path / "nowhere.csv")
    with pytest.raises(DataImportError, match="gone.csv: a link to nothing"):
        importers.raw_files([data])
    (data / "gone.csv").unlink()
    (data / "loop").symlink_to(data)
    with pytest.raises(DataImportError, match="a loop of links"):
        importers.raw_files([data])


def test_a_folder_of_totals_only_says_what_is_missing(tmp_path):
    write(tmp_path, "t.csv", "year,reporter,flow,value_usd\n2019,KOR,X,5\n")
    with pytest.raises(DataImportError, match=r"no trade flows in the inputs \(.*t.csv: 1 total\(s\) of all goods\)"):
        pipeline.import_paths([tmp_path], tmp_path / "out")


# --- the command line: options checked, outputs never destroy what they did not write -----------------

def run_cli(args: list[str], capsys) -> tuple[int, str]:
    from analysis.__main__ import main

    code = main(args)
    out = capsys.readouterr()
    return code, " ".join((out.out + out.err).split())


@pytest.mark.parametrize("years, message", [
    ("1800-1801", "1800 is outside 1988"),
    ("2024-2007", "the span runs backwards"),
    ("abc", "is not a year span or list"),
    ("2019,20x", "is not a year span or list"),
])
def test_fetch_years_are_checked(years, message, capsys):
    code, output = run_cli(["fetch", "--years", years, "--dry-run"], capsys)
    assert code == 1 and message in output and "--years" in output and "Traceback" not in output


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> Path:
    from analysis import bulk, synthetic

    folder = tmp_path_factory.mktemp("raw")
    raw = synthetic.baci_files(folder, [2021, 2022], rows=5 * 4 * 3, economies=5, codes=3)
    out = tmp_path_factory.mktemp("bulk") / "store"
    bulk.ingest(raw, out, min_codes=1)
    return out


@pytest.mark.parametrize("args, message", [
    (["--query", "bogus"], "unknown query 'bogus': choose one of rsca_tsi, pairs, pairs_aggregate (--query)"),
    (["--query", "pairs", "--pair", "KOR-CHN"], "--pair 'KOR-CHN': write a pair as REPORTER:PARTNER"),
    (["--query", "pairs", "--pair", "KOR:CHN'; DROP TABLE x; --"], "write a pair as REPORTER:PARTNER"),
])
def test_panel_options_are_checked(small_store, tmp_path, args, message, capsys):
    code, output = run_cli(["panel", str(small_store), "--out", str(tmp_path / "p"), *args], capsys)
    assert code == 1 and message in output


def test_panel_out_is_replaced_whole_and_may_hold_a_quote(small_store, tmp_path):
    from analysis import panel

    out = tmp_path / "it's here"
    panel.duckdb_run(small_store, "rsca_tsi", out=out)
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["year=2021", "year=2022"]
    panel.duckdb_run(small_store, "rsca_tsi", out=out, years=[2022])
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["year=2022"]      # no stale 2021
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    with pytest.raises(ValueError, match="not empty and is not a panel result"):
        panel.duckdb_run(small_store, "rsca_tsi", out=mine)
    assert (mine / "notes.txt").read_text() == "keep"


def test_build_refuses_an_out_folder_it_did_not_write(tmp_path, capsys):
    mine = tmp_path / "site"
    mine.mkdir()
    (mine / "thesis.tex").write_text("keep")
    code, output = run_cli(["build", "--out", str(mine)], capsys)
    assert code == 1 and "not empty and is not a website written by this project" in output
    assert (mine / "thesis.tex").read_text() == "keep"


def test_make_data_keeps_a_quoted_folder_with_spaces_whole():
    from analysis.__main__ import split_words

    assert split_words('"my folder" ../totals') == ["my folder", "../totals"]
    assert split_words("a b") == ["a", "b"]
    with pytest.raises(ValueError, match="quote a folder with spaces"):
        split_words('"unclosed')


# --- fuzzing: file names, header orders, zip layouts ------------------------------------------------

name_text = st.text(alphabet=string.ascii_letters + string.digits + " '\";`$<>&()[]{}*?!#%-_=+.,中", min_size=1,
                    max_size=20).filter(lambda n: n.strip(". ") != "")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=name_text)
def test_fuzzed_file_names_are_only_names(tmp_path, name):
    from analysis import bulk

    case = tmp_path / f"case{abs(hash(name))}"
    case.mkdir(exist_ok=True)
    (case / "country_codes_V1.csv").write_text("country_code,country_iso3\n410,KOR\n156,CHN\n")
    path = case / f"BACI_{name}.csv"
    path.write_text("t,i,j,k,v,q\n2020,410,156,854232,3,1\n")
    tidy = case / f"{name}.csv"
    tidy.write_text(GOOD)
    try:
        item = importers.read(tidy)
        assert len(item.flows)
        manifest = bulk.ingest([case / "country_codes_V1.csv", path], case / f"out {name}", min_codes=1)
        assert manifest["years"]["2020"]["rows"] == 1
    except DataImportError:
        pass
    assert not list(tmp_path.rglob("pwned*"))


BACI_COLUMNS = ["t", "i", "j", "k", "v", "q"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(BACI_COLUMNS), drop_q=st.booleans(), extra=st.sampled_from(["", "x", "t", "V"]))
def test_fuzzed_baci_header_orders(tmp_path, order, drop_q, extra):
    columns = [c for c in order if not (drop_q and c == "q")] + ([extra] if extra else [])
    values = {"t": "2020", "i": "410", "j": "156", "k": "854232", "v": "3", "q": "1", "x": "0", "V": "1"}
    case = tmp_path / f"{'-'.join(columns)}"
    case.mkdir(exist_ok=True)
    (case / "country_codes_V1.csv").write_text("country_code,country_iso3\n410,KOR\n156,CHN\n")
    path = case / "BACI_HS17_Y2020_V1.csv"
    path.write_text(",".join(columns) + "\n" + ",".join(values[c] for c in columns) + "\n")
    try:
        item = importers.read(path)
    except DataImportError:
        assert extra
        return
    assert not extra
    x = item.flows[(item.flows["flow"] == "X") & (item.flows["partner"] != "WLD")]
    assert x[["reporter", "partner"]].values.tolist() == [["KOR", "CHN"]]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(members=st.lists(st.tuples(st.sampled_from(["", "a/", "a/b/", "../", "/abs/", "x'y/"]),
                                  st.sampled_from(["BACI_HS17_Y2020_V1.csv", "BACI_HS17_Y2021_V1.csv",
                                                   "country_codes_V1.csv", "product_codes_V1.csv", "readme.txt"]),
                                  st.sampled_from([2020, 2021])), min_size=1, max_size=5))
def test_fuzzed_zip_layouts(tmp_path, members):
    import zipfile

    from analysis import bulk

    case = tmp_path / f"z{abs(hash(tuple(members)))}"
    case.mkdir(exist_ok=True)
    release = case / "release.zip"
    with zipfile.ZipFile(release, "w") as z:
        for n, (folder_, name, year) in enumerate(members):
            if name.startswith("country"):
                body = "country_code,country_iso3\n410,KOR\n156,CHN\n"
            elif name.startswith("product"):
                body = "code,description\n854232,memory\n"
            else:
                body = f"t,i,j,k,v,q\n{year},410,156,854232,{n + 1},1\n"
            z.writestr(f"{folder_}{n}/{name}" if n else f"{folder_}{name}", body)
    try:
        manifest = bulk.ingest([release], case / "store", min_codes=1)
    except DataImportError:
        return
    yearly = [m for m in members if m[1].startswith("BACI_")]
    assert sum(v["rows"] for v in manifest["years"].values()) <= len(yearly)
    assert len(manifest["files"]) == len(yearly)
    assert not (tmp_path.parent / "abs").exists()


@pytest.mark.parametrize("code", ["ZZZ<img src=x onerror=alert(1)>", "KOR\n", "M49:1x", "kor"])
def test_economy_codes_are_checked_as_whole_strings(code):
    from analysis import schema

    totals = pd.DataFrame({"year": [2019], "reporter": [code], "flow": ["X"], "value_usd": [1.0], "source": ["t"]})
    with pytest.raises(schema.SchemaError, match="reporter economy code"):
        schema.validate_totals(totals)
    assert not pd.Series([code]).str.fullmatch(schema.ECONOMY).any()


def test_markup_in_a_file_name_is_printed_as_text(tmp_path, capsys):
    folder_ = tmp_path / "[red]x[b]"
    folder_.mkdir()
    write(folder_, "[i]a[b].csv", "foo,[/bar]\n1,2\n")
    code, output = run_cli(["import", str(folder_)], capsys)
    assert code == 1 and "[red]x[b]/[i]a[b].csv: line 1: header not recognised" in output


def test_import_reports_what_it_left_out(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TRADE_REPORT_PROCESSED", str(tmp_path / "processed"))
    data = tmp_path / "data"
    data.mkdir()
    write(data, "a.csv", GOOD + "854232,2019,KOR,KOR,999\n")
    code, output = run_cli(["import", str(data)], capsys)
    assert code == 0 and "note: a.csv: 1 row(s) with the reporter as its own partner (e.g. KOR X 854232 2019)" in output


def test_a_named_pipe_is_refused_not_read_forever(tmp_path):
    pipe = tmp_path / "x.csv"
    os.mkfifo(pipe)
    assert importers.raw_files([tmp_path]) == [pipe]
    with pytest.raises(DataImportError, match="not a regular file"):
        importers.read(pipe)


def test_diff_out_never_overwrites_a_file_it_did_not_write(tmp_path, capsys):
    from analysis import pipeline, store

    edition = pipeline.prepare(store.DEMO)
    thesis = tmp_path / "thesis.docx"
    thesis.write_bytes(b"my thesis")
    code, output = run_cli(["diff", str(edition), str(edition), "--out", str(thesis)], capsys)
    assert code == 1 and "exists and is not a changes table this command wrote" in output
    assert thesis.read_bytes() == b"my thesis"
    code, output = run_cli(["diff", str(edition), str(edition), "--out", str(tmp_path)], capsys)
    assert code == 1 and "is a folder: give the name of the CSV file" in output
    mine = tmp_path / "changes.csv"
    assert run_cli(["diff", str(edition), str(edition), "--out", str(mine)], capsys)[0] == 0
    assert run_cli(["diff", str(edition), str(edition), "--out", str(mine)], capsys)[0] == 0   # ours: replaced


def test_outputs_of_ours_holding_a_user_file_are_not_replaced(tmp_path):
    from analysis import atomic, bulk, panel

    store_dir = tmp_path / "store"
    (store_dir / "flows").mkdir(parents=True)
    (store_dir / "manifest.json").write_text("{}")
    atomic.refuse_foreign(store_dir, ("manifest.json",), "a BACI store", bulk.STORE_LAYOUT)   # ours alone: fine
    (store_dir / "my-notes.txt").write_text("notes")
    with pytest.raises(atomic.ForeignFolder, match="holds my-notes.txt, which this project did not write"):
        atomic.refuse_foreign(store_dir, ("manifest.json",), "a BACI store", bulk.STORE_LAYOUT)
    result = tmp_path / "pairs"
    (result / "year=2022").mkdir(parents=True)
    (result / panel.MARKER).write_text("{}")
    atomic.refuse_foreign(result, panel.MARKERS, "a panel result", panel.LAYOUT)
    (result / "my-notes.txt").write_text("notes")
    with pytest.raises(atomic.ForeignFolder, match="my-notes.txt"):
        atomic.refuse_foreign(result, panel.MARKERS, "a panel result", panel.LAYOUT)


def test_a_totals_reporter_no_table_knows_is_refused(tmp_path, capsys):
    from analysis.importers import DataImportError, totals

    path = tmp_path / "totals.csv"
    path.write_text("year,reporter,flow,value_usd\n2022,KOR,X,1000\n2022,XYZ,X,1000\n")
    with pytest.raises(DataImportError, match=r"line 3: reporter 'XYZ' is no economy of the country table"):
        totals.read_table(path)


def test_make_preview_passes_data_as_text_never_to_a_shell(tmp_path):
    import shutil
    import subprocess

    if not shutil.which("make"):
        pytest.skip("make is not installed")
    hostile = 'x";touch ' + str(tmp_path / "pwned") + ';echo"'
    dry = subprocess.run(["make", "-n", "preview", f"DATA={hostile}", "-o", ".venv/.installed"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert "touch" not in dry.stdout and '--data-words "$TRADE_REPORT_DATA"' in dry.stdout
    assert not (tmp_path / "pwned").exists()


def test_data_words_hint_at_an_unquoted_folder_with_spaces(tmp_path):
    from analysis.__main__ import split_words

    (tmp_path / "my data").mkdir()
    with pytest.raises(ValueError, match="quote a folder with spaces"):
        split_words(f"{tmp_path}/my data")
    assert split_words(f'"{tmp_path}/my data"') == [f"{tmp_path}/my data"]


def test_two_rows_of_one_totals_file_that_disagree_are_named_as_one_file(tmp_path):
    data = tmp_path / "tot"
    data.mkdir()
    (data / "totals.csv").write_text("year,reporter,flow,value_usd\n2022,KOR,X,1000\n2022,KOR,X,1001\n")
    with pytest.raises(DataImportError, match=r"totals.csv: two rows give different values for 2022 KOR X .*keep one"):
        importers.combine([importers.read(write(data, "trade.csv", GOOD)), importers.read(data / "totals.csv")])
