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


@app.command()
def build(
    data: str = typer.Option("demo", help="'demo' or a folder of raw trade files."),
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
    data: str = typer.Option("demo", help="'demo' or a folder of raw trade files."),
    level: str = typer.Option("group", help="group (sectors and segments) or code."),
    out: Path = typer.Option(..., help="CSV file to write."),
) -> None:
    """Compute every indicator for an edition and write the tidy table as CSV."""
    from . import indicators as engine
    from . import store

    stored = store.load(store.prepare(data))
    table = stored.indicators if level == "group" else engine.compute(stored.flows, stored.totals, level=level)
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False)
    console.print(f"wrote {len(table):,} rows to {out}")


if __name__ == "__main__":
    app()
