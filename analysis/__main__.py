"""Command line: `python -m analysis --help`."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any, Callable, Optional

import typer
from rich.console import Console
from rich.text import Text

app = typer.Typer(help="Trade report generator: data, indicators (TSI, RSCA, Grubel–Lloyd, trade intensity) and "
                       "the chapter.",
                  no_args_is_help=True, add_completion=False)
data_app = typer.Typer(help="Inspect the processed data of an edition.", no_args_is_help=True)
app.add_typer(data_app, name="data")
console = Console(stderr=True, markup=False, highlight=False)
"""Text from files, names and options is printed as text: no rich markup is read in it."""
DEBUG = {"on": False}
CONFLICT_HELP = ("What to do when two files give different values for the same flow: 'error' (stop and name "
                 "both files) or 'first' (the file first in path order wins).")
DATA_HELP = ("'demo', or a folder (or file) of raw trade data; repeat --data to read several together, "
             "e.g. trade files and a totals-of-all-goods file.")


def one_line(exc: BaseException) -> str:
    """An error as one line a user can act on (file errors name the file and the cause)."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        hint = {13: " (the folder is read-only for you: choose another --out or fix its permissions)",
                28: " (the disk is full: free some space and build again)"}.get(exc.errno or 0, "")
        return f"{where}{exc.strerror}{hint}"
    return " ".join(str(exc).split()) or type(exc).__name__


def friendly(command: Callable[..., None]) -> Callable[..., None]:
    """Let a command fail with one line a user can act on (the traceback with --debug)."""
    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except typer.Exit:
            raise
        except Exception as exc:  # every failure reaches the user as one line
            if DEBUG["on"]:
                raise
            console.print(Text.assemble(("error: ", "red"), one_line(exc)), soft_wrap=True)
            console.print("run again with --debug to see the traceback", style="dim")
            raise typer.Exit(1) from None
    return run


def split_words(text: str) -> list[str]:
    """Folders given as one line (`make report DATA=...`), split like shell words: quotes keep a path with
    spaces whole; nothing is run by a shell."""
    import shlex

    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise ValueError(f"DATA {text!r}: {exc}; quote a folder with spaces as DATA='\"my folder\" other'") from None
    for i in range(len(words) - 1):             # 'my data' unquoted: two words that are one folder
        if not Path(words[i]).exists() and Path(f"{words[i]} {words[i + 1]}").exists():
            raise ValueError(f"DATA {text!r}: {words[i]} does not exist, but '{words[i]} {words[i + 1]}' does: "
                             f"quote a folder with spaces, as DATA='\"{words[i]} {words[i + 1]}\"'")
    return words


@app.callback()
def _options(debug: bool = typer.Option(False, "--debug", help="Show the full traceback when something fails."),
             report: Optional[Path] = typer.Option(None, help="The report to work on: a folder holding _quarto.yml, "
                                                              "chapters/ and data/reference/ tables (default: the "
                                                              "project's own, e.g. --report examples/batteries).")) -> None:
    """Trade report generator: data, indicators and the chapter."""
    DEBUG["on"] = debug
    if report is not None:
        from .build import use_report

        try:
            use_report(report)
        except ValueError as exc:
            console.print(Text.assemble(("error: ", "red"), one_line(exc)), soft_wrap=True)
            raise typer.Exit(1) from None


@app.command()
@friendly
def build(
    data: list[str] = typer.Option(["demo"], help=DATA_HELP),
    on_conflict: str = typer.Option("error", help=CONFLICT_HELP),
    previous: Optional[Path] = typer.Option(None, help="An earlier processed edition (data/processed/…) to compare "
                                                        "with in the appendix 'What changed since the last edition'."),
    engine: str = typer.Option("auto", help="auto (quarto when on PATH), builtin or quarto."),
    out: Optional[Path] = typer.Option(None, help="Output folder (default the report's _book/)."),
    jobs: int = typer.Option(2, help="Chapters executed in parallel."),
    data_words: str = typer.Option("", help="The data folders as one line, split as a shell splits words: quote a "
                                            "path with spaces, e.g. '\"my folder\" totals' (what `make report "
                                            "DATA=...` passes); overrides --data."),
) -> None:
    """Build the website and the print PDF of the chapter."""
    from .build import run

    if data_words.strip():
        data = split_words(data_words)
    b = run(data, engine=engine, out=out, jobs=jobs, on_conflict=on_conflict, previous=previous)
    r = b.result
    if r is not None:
        console.print(f"executed {len(r.executed)} chapter(s), reused {len(r.reused)} frozen")
        for w in r.warnings:
            console.print(Text.assemble(("warning: ", "yellow"), str(w)))
        console.print(f"website: {r.out / 'index.html'}\nPDF: {r.pdf}")
    print_notes(b.edition_dir)
    console.print(f"built in {b.seconds:.1f} s")


def print_notes(folder: Path) -> None:
    """What the importers left out or mapped, file by file, as recorded in the edition's manifest."""
    import json

    path = folder / "manifest.json"
    inputs = json.loads(path.read_text()).get("inputs", []) if path.exists() else []
    for entry in inputs:
        if entry.get("format") == "synthetic generator":
            continue
        for note in entry.get("notes", []):
            console.print(Text.assemble(("note: ", "cyan"), f"{Path(entry['path']).name}: {note}"), soft_wrap=True)


@app.command()
@friendly
def indicators(
    data: list[str] = typer.Option(["demo"], help=DATA_HELP),
    level: str = typer.Option("group", help="group (sectors and segments) or code."),
    out: Path = typer.Option(..., help="CSV file to write."),
) -> None:
    """Compute every indicator for an edition and write the tidy table as CSV."""
    from . import coverage, pipeline, store

    stored = store.load(pipeline.prepare(data))
    table = stored.indicators if level == "group" else coverage.compute(stored.flows, stored.totals, level=level)
    table = coverage.labelled(table, stored.manifest.get("coverages", {}))
    from .build import escaped

    store.write_csv(escaped(table), out)
    console.print(f"wrote {len(table):,} rows to {out}")


@app.command("import")
@friendly
def import_(paths: list[Path] = typer.Argument(..., help="Raw files or folders of them."),
            on_conflict: str = typer.Option("error", help=CONFLICT_HELP)) -> None:
    """Import raw trade files into a processed edition (files are only read, never changed)."""
    from rich.progress import Progress

    from . import store
    from .importers import raw_files
    from .paths import processed_dir
    from .pipeline import import_paths

    folder = processed_dir() / store.edition_name(paths)
    files = raw_files(paths)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("importing", total=len(files))

        def step(path: Path) -> None:
            progress.update(task, advance=1, description=f"importing {path.name}")

        import_paths(paths, folder, progress=step, on_conflict=on_conflict)
    print_notes(folder)
    console.print(f"processed edition written to {folder}")
    import shlex

    console.print("build it with: python -m analysis build " + " ".join(f"--data {shlex.quote(str(p))}" for p in paths),
                  soft_wrap=True)


def parse_years(text: str) -> list[int]:
    """`--years` as a list: a span (2007-2024) or a list (2019,2022), each year from 1988 (HS data)
    to this year; anything else is refused naming the option and the form to use."""
    import re
    from datetime import date

    from .importers.base import FIRST_YEAR

    form = "give a span such as 2007-2024 or a list such as 2019,2022"
    text = text.strip()
    span = re.fullmatch(r"([0-9]{4})\s*-\s*([0-9]{4})", text)
    if span:
        first, last = int(span.group(1)), int(span.group(2))
        if first > last:
            raise ValueError(f"--years {text!r}: the span runs backwards; write it from the first year to the last, "
                             f"e.g. {last}-{first}")
        years = list(range(first, last + 1))
    elif re.fullmatch(r"[0-9]{4}(\s*,\s*[0-9]{4})*", text):
        years = sorted({int(y) for y in text.split(",")})
    else:
        raise ValueError(f"--years {text!r} is not a year span or list: {form}")
    this = date.today().year
    outside = [y for y in years if not FIRST_YEAR <= y <= this]
    if outside:
        raise ValueError(f"--years {text!r}: {outside[0]} is outside {FIRST_YEAR}–{this}, the years of HS trade data; "
                         f"{form}")
    return years


@app.command()
@friendly
def fetch(
    years: str = typer.Option(..., help="Years, e.g. 2007-2024 or 2019,2022."),
    codes: Optional[str] = typer.Option(None, help="Comma-separated HS codes (default: every HS code of the "
                                                   "product table)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan (requests, records, quota, time) and "
                                                          "fetch nothing."),
    preview: bool = typer.Option(False, "--preview", help="Use the keyless preview endpoint (500 records per call) "
                                                          "for a small real refresh without a key."),
    refresh_cache: bool = typer.Option(False, "--refresh", help="Fetch again what is already in the cache."),
    out: Path = typer.Option(None, help="Cache folder (default data/raw/comtrade/)."),
) -> None:
    """Refresh an edition from UN Comtrade+ (key from $COMTRADE_KEY or .env): every request the chapter
    needs, planned from the product table, cached per request, resumable."""
    from rich.progress import Progress
    from rich.table import Table

    from . import comtrade_api as api

    year_list = parse_years(years)
    folder = out or api.CACHE
    requests = api.plan(year_list, preview=preview, codes=codes.split(",") if codes is not None else None)
    cost = api.summarise(requests, preview)
    if dry_run:
        table = Table(title=f"Plan: {len(requests)} request(s) for {year_list[0]}–{year_list[-1]}")
        for column in ("purpose", "reporters", "partners", "codes", "flows", "years", "records ≤"):
            table.add_column(column, justify="right" if column == "records ≤" else "left")
        for r in requests:
            table.add_row(r.purpose, ",".join(r.reporters) or "all", ",".join(r.partners) or "all",
                          str(len(r.codes)), ",".join(r.flows), f"{r.years[0]}–{r.years[-1]}", f"{r.estimate:,}")
        console.print(table)
        quota = (f"{cost.days:.2f} of the key's daily quota of {api.CALLS_PER_DAY} calls" if not preview
                 else "keyless preview")
        console.print(f"{cost.calls} calls, at most {cost.records:,} records, {quota}, about {cost.minutes:.0f} min")
        return
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("fetching", total=len(requests))

        def step(request: api.Request, what: str) -> None:
            if what == "split":
                bar.update(task, total=(bar.tasks[0].total or 0) + 1)
            bar.update(task, advance=1, description=f"{what} {request.purpose} {request.years[0]}")

        report = api.refresh(requests, folder, preview=preview, refresh_cache=refresh_cache, progress=step,
                             notify=lambda message: console.print(Text.assemble(("wait: ", "yellow"), message)))
    console.print(f"{report.calls} call(s), {report.cached} from the cache, {report.rows:,} rows, "
                  f"{report.retries} retr{'y' if report.retries == 1 else 'ies'}, {report.splits} split(s)")
    for gap in report.gaps:
        console.print(Text.assemble(("gap: ", "yellow"), str(gap)))
    console.print(f"files in {folder}; build with: python -m analysis build --data {folder}")


@app.command()
@friendly
def diff(old: Path = typer.Argument(..., help="The earlier edition (a processed folder, or its data folder)."),
         new: Path = typer.Argument(..., help="The later edition."),
         out: Optional[Path] = typer.Option(None, help="Also write every change to this CSV file.")) -> None:
    """What changed between two editions: revisions of past years, kept apart from new years."""
    from . import pipeline, revisions, store

    def folder(p: Path) -> Path:
        return p if (p / "manifest.json").exists() else pipeline.prepare([p])

    if out is not None and out.is_dir():
        raise ValueError(f"--out {out} is a folder: give the name of the CSV file to write")
    changes = revisions.diff(folder(old), folder(new))
    if out is not None and out.exists():
        import csv

        with open(out, encoding="utf-8", errors="replace", newline="") as f:
            ours = next(csv.reader(f), None) == [str(c) for c in changes.columns]
        if not ours:
            raise ValueError(f"--out {out} exists and is not a changes table this command wrote: it is kept; "
                             "give another file name")
    counts = revisions.summary(changes)
    console.print(", ".join(f"{n:,} {k}" for k, n in counts.items()) or "no change above the thresholds")
    for row in changes[changes["kind"] == "revised"].head(20).itertuples():
        console.print(f"revised: {row.indicator} {row.group} {row.reporter}–{row.partner} {row.year}: "
                      f"{row.value_old:.3f} → {row.value_new:.3f}")
    if out:
        store.write_csv(changes, out)


@app.command()
@friendly
def ingest(paths: list[Path] = typer.Argument(..., help="BACI yearly CSVs, folders of them, or the release zip, "
                                                      "with its country_codes file."),
           out: Path = typer.Option(..., help="The bulk store to write (replaced in whole)."),
           memory: str = typer.Option("1GB", help="DuckDB's memory limit; beyond it, it spills to disk."),
           threads: int = typer.Option(2, help="DuckDB threads."),
           engine: str = typer.Option("duckdb", help="'duckdb' on this machine, or 'spark' (SPARK_MASTER or local): "
                                                     "then give the yearly files' path or glob and the country "
                                                     "codes file, in any filesystem Spark reads.")) -> None:
    """Stream whole BACI into a parquet store by year, with totals of all goods derived from HS6."""
    import os

    from . import bulk

    if engine == "spark":
        from . import panel as panel_

        if len(paths) != 2:
            raise ValueError("with --engine spark, give two paths: the yearly files (a glob) and the country codes file")
        spark = panel_.spark_session(os.environ.get("SPARK_MASTER", "local[*]"))
        try:
            manifest = panel_.spark_ingest(spark, str(paths[0]), str(paths[1]), str(out))
        finally:
            spark.stop()
    elif engine == "duckdb":
        manifest = bulk.ingest(paths, out, memory_limit=memory, threads=threads)
    else:
        raise ValueError(f"engine must be 'duckdb' or 'spark', not {engine!r}")
    rows = sum(y["rows"] for y in manifest["years"].values())
    console.print(f"{rows:,} rows, years {', '.join(manifest['years'])} → {out}; totals derived for "
                  f"{len(manifest['totals_years'])} year(s)")


@app.command()
@friendly
def panel(store: Path = typer.Argument(..., help="A bulk store written by `ingest`."),
          out: Path = typer.Option(..., help="Parquet folder for the results (partitioned by year)."),
          query: str = typer.Option("rsca_tsi", help="'rsca_tsi' (every reporter x code x year) or 'pairs'."),
          pair: list[str] = typer.Option([], help="A pair for 'pairs', as REPORTER:PARTNER (e.g. KOR:CHN); repeat for more."),
          aggregate: bool = typer.Option(False, help="With 'pairs': one trade-weighted Grubel–Lloyd index per pair "
                                                     "and year over every code of the store, not one row per code."),
          engine: str = typer.Option("duckdb", help="'duckdb' on this machine, or 'spark' (SPARK_MASTER or local)."),
          memory: str = typer.Option("2GB", help="DuckDB's memory limit.")) -> None:
    """Indicators for the whole panel, out of core, on DuckDB or Apache Spark (the same SQL)."""
    import os

    from . import panel as panel_

    panel_.query(query)   # an unknown --query is refused before anything is read
    pairs = panel_.parse_pairs(pair) or None
    if aggregate and query != "pairs":
        raise ValueError("--aggregate goes with --query pairs (the index over all codes of a pair)")
    query = "pairs_aggregate" if aggregate else query
    if query in panel_.PAIR_QUERIES and not pairs:
        raise ValueError("the 'pairs' query needs at least one --pair, e.g. --pair KOR:CHN")
    if pairs and query not in panel_.PAIR_QUERIES:
        raise ValueError(f"--pair goes with --query pairs; the {query!r} query covers every reporter")
    if engine == "duckdb":
        panel_.duckdb_run(store, query, pairs=pairs, out=out, memory_limit=memory)
    elif engine == "spark":
        spark = panel_.spark_session(os.environ.get("SPARK_MASTER", "local[*]"))
        panel_.spark_run(spark, str(store), query, pairs=pairs, out=str(out))
        spark.stop()
    else:
        raise ValueError(f"engine must be 'duckdb' or 'spark', not {engine!r}")
    console.print(f"{query} written to {out}")


@data_app.command("status")
@friendly
def data_status(data: list[str] = typer.Option(["demo"], help=DATA_HELP)) -> None:
    """Coverage of an edition: reporters x years x sectors, sources and mirror share."""
    from rich.table import Table

    from . import config, pipeline, products, store

    stored = store.load(pipeline.prepare(data))
    flows = stored.flows
    sector_of = {}
    for g in products.groups(include_optional=True):
        if g.key == g.sector:
            for code in g.codes:
                sector_of[code] = g.sector
    flows = flows.assign(sector=flows["code"].map(sector_of).fillna("other"))
    table = Table(title=f"Edition {stored.manifest.get('edition')}: rows by reporter and sector")
    table.add_column("reporter")
    sectors = list(products.sectors()) + ["other"]
    for sector in sectors:
        table.add_column(sector, justify="right")
    table.add_column("years")
    cfg = config.load()
    focus = list(dict.fromkeys([*cfg.focus, *cfg.partners, *cfg.quadrant_extra, "WLD"]))
    for rep, part in flows[flows["reporter"].isin(focus)].groupby("reporter"):
        counts = part.groupby("sector").size()
        years = f"{part['year'].min()}–{part['year'].max()}"
        table.add_row(rep, *[f"{counts.get(s, 0):,}" for s in sectors], years)
    console.print(table)
    by_source = flows.groupby("source").size()
    console.print("sources: " + ", ".join(f"{k} ({v:,} rows)" for k, v in by_source.items()))
    console.print(f"mirror share: {flows['mirror'].mean():.1%} of {len(flows):,} rows; "
                  f"totals of all goods: {len(stored.totals):,} rows; reporters: {flows['reporter'].nunique()}")


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    try:
        app(args=argv)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
