"""Command line: `python -m analysis --help`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

app = typer.Typer(help="Trilateral semiconductor trade report: data, indicators and the chapter.",
                  no_args_is_help=True, add_completion=False)
data_app = typer.Typer(help="Inspect the processed data of an edition.", no_args_is_help=True)
app.add_typer(data_app, name="data")
console = Console(stderr=True)
DATA_HELP = ("'demo', or a folder (or file) of raw trade data; repeat --data to read several together, "
             "e.g. trade files and a totals-of-all-goods file.")


@app.command()
def build(
    data: list[str] = typer.Option(["demo"], help=DATA_HELP),
    engine: str = typer.Option("auto", help="auto (quarto when on PATH), builtin or quarto."),
    out: Optional[Path] = typer.Option(None, help="Output folder (default _book/)."),
    jobs: int = typer.Option(2, help="Chapters executed in parallel."),
) -> None:
    """Build the website and the print PDF of the chapter."""
    from .build import run
    from .render.execute import RenderError

    try:
        b = run(data, engine=engine, out=out, jobs=jobs)
    except (RenderError, FileNotFoundError, ValueError, RuntimeError) as exc:
        console.print(f"[red]build failed:[/red] {exc}")
        raise typer.Exit(1)
    r = b.result
    if r is not None:
        console.print(f"executed {len(r.executed)} chapter(s), reused {len(r.reused)} frozen")
        for w in r.warnings:
            console.print(f"[yellow]warning:[/yellow] {w}")
        console.print(f"website: {r.out / 'index.html'}\nPDF: {r.pdf}")
    console.print(f"built in {b.seconds:.1f} s")


@app.command()
def indicators(
    data: list[str] = typer.Option(["demo"], help=DATA_HELP),
    level: str = typer.Option("group", help="group (sectors and segments) or code."),
    out: Path = typer.Option(..., help="CSV file to write."),
) -> None:
    """Compute every indicator for an edition and write the tidy table as CSV."""
    from . import coverage, store

    stored = store.load(store.prepare(data))
    table = stored.indicators if level == "group" else coverage.compute(stored.flows, stored.totals, level=level)
    table = coverage.labelled(table, stored.manifest.get("coverages", {}))
    from .build import escaped

    store.write_csv(escaped(table), out)
    console.print(f"wrote {len(table):,} rows to {out}")


@app.command("import")
def import_(paths: list[Path] = typer.Argument(..., help="Raw files or folders of them.")) -> None:
    """Import raw trade files into a processed edition (files are only read, never changed)."""
    from rich.progress import Progress

    from . import store
    from .importers import DataImportError, import_paths, raw_files

    folder = store.PROCESSED / store.edition_name(paths)
    try:
        files = raw_files(paths)
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("importing", total=len(files))

            def step(path: Path) -> None:
                progress.update(task, advance=1, description=f"importing {path.name}")

            import_paths(paths, folder, progress=step)
    except DataImportError as exc:
        console.print(f"[red]import failed:[/red] {exc}")
        raise typer.Exit(1)
    console.print(f"processed edition written to {folder}")
    console.print("build it with: python -m analysis build " + " ".join(f"--data {p}" for p in paths))


@app.command()
def fetch(
    reporters: str = typer.Option("KOR,CHN,JPN,USA", help="Comma-separated ISO3 reporters."),
    years: str = typer.Option(..., help="Years, e.g. 2019-2023 or 2019,2022."),
    codes: str = typer.Option(..., help="Comma-separated HS codes."),
    partners: Optional[str] = typer.Option(None, help="Comma-separated ISO3 partners (WLD for world); all if omitted."),
) -> None:
    """Download UN Comtrade+ data (key from $COMTRADE_KEY or .env) into data/raw/comtrade/, cached."""
    from .comtrade_api import CACHE, ComtradeError
    from .comtrade_api import fetch as download

    if "-" in years:
        first, last = (int(y) for y in years.split("-", 1))
        year_list = list(range(first, last + 1))
    else:
        year_list = [int(y) for y in years.split(",")]
    try:
        files = download(reporters.split(","), year_list, codes.split(","),
                         partners=partners.split(",") if partners else None)
    except ComtradeError as exc:
        console.print(f"[red]fetch failed:[/red] {exc}")
        raise typer.Exit(1)
    console.print(f"{len(files)} file(s) in {CACHE}; build with: python -m analysis build --data {CACHE}")


@data_app.command("status")
def data_status(data: list[str] = typer.Option(["demo"], help=DATA_HELP)) -> None:
    """Coverage of an edition: reporters x years x sectors, sources and mirror share."""
    from rich.table import Table

    from . import products, store

    stored = store.load(store.prepare(data))
    flows = stored.flows
    sector_of = {}
    for g in products.groups(include_optional=True):
        if g.key == g.sector:
            for code in g.codes:
                sector_of[code] = g.sector
    flows = flows.assign(sector=flows["code"].map(sector_of).fillna("other"))
    table = Table(title=f"Edition {stored.manifest.get('edition')}: rows by reporter and sector")
    table.add_column("reporter")
    sectors = list(products.SECTORS) + ["other"]
    for sector in sectors:
        table.add_column(sector, justify="right")
    table.add_column("years")
    focus = ["KOR", "CHN", "JPN", "USA", "TWN", "WLD"]
    for rep, part in flows[flows["reporter"].isin(focus)].groupby("reporter"):
        counts = part.groupby("sector").size()
        years = f"{part['year'].min()}–{part['year'].max()}"
        table.add_row(rep, *[f"{counts.get(s, 0):,}" for s in sectors], years)
    console.print(table)
    by_source = flows.groupby("source").size()
    console.print("sources: " + ", ".join(f"{k} ({v:,} rows)" for k, v in by_source.items()))
    console.print(f"mirror share: {flows['mirror'].mean():.1%} of {len(flows):,} rows; "
                  f"totals of all goods: {len(stored.totals):,} rows; reporters: {flows['reporter'].nunique()}")


if __name__ == "__main__":
    app()
