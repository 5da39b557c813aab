"""The whole pipeline: prepare an edition's data, render the book, export the indicator tables."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd
import xlsxwriter

from . import atomic, config, coverage, ledger, pipeline, store
from .errors import ClaimError
from .edition import ENV_EDITION, SYNTHETIC_LABEL
from .paths import FIGURES_ENV, PREVIOUS_ENV, REPORT_ENV, book_dir, figures_dir, processed_dir, report_root
from .render import book

ENGINES = ("auto", "builtin", "quarto")
SITE_MARKERS = ("data/.stamp",)
"""What every site this project builds holds (the indicator export's stamp): `--out` replaces only such a folder."""


@dataclass
class Build:
    edition_dir: Path
    result: book.BuildResult | None
    seconds: float


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A text cell that a spreadsheet would read as a formula, made inert with a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


def escaped(table: pd.DataFrame) -> pd.DataFrame:
    """Every non-numeric column as text, with formula-like cells neutralised and line breaks inside
    a cell turned into spaces (so no cell can split a CSV row), for CSV and XLSX alike.

    Each distinct label is escaped once (the columns are categorical), not once per row.
    """
    out = table.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        cat = values.astype(str).astype("category")
        safe = [neutralise(str(c)).replace("\r", " ").replace("\n", " ") for c in cat.cat.categories]
        out[column] = cat.cat.rename_categories(safe) if len(set(safe)) == len(safe) else cat.map(dict(zip(
            cat.cat.categories, safe)))
    return out


XLSX_MAX_ROWS = 1_048_575  # a sheet's rows below its header


def _sheets(table: pd.DataFrame, max_rows: int = XLSX_MAX_ROWS) -> list[tuple[str, pd.DataFrame]]:
    """One sheet per indicator; an indicator too long for a sheet is split by year ("RSCA 2019")."""
    out = []
    for name, part in table.groupby("indicator", observed=True):
        if len(part) <= max_rows:
            out.append((str(name), part))
            continue
        for year, rows in part.groupby("year"):
            if len(rows) > max_rows:
                raise ValueError(f"{name} {year} has {len(rows):,} rows, more than an XLSX sheet holds; "
                                 "use the CSV or parquet tables")
            out.append((f"{name} {year}", rows))
    return out


def _write_xlsx(table: pd.DataFrame, path: Path) -> None:
    """One sheet per indicator (split by year past a sheet's rows); text is written as strings
    (never as formulas), missing as blank."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                           "strings_to_numbers": False, "constant_memory": True})
    for name, part in _sheets(table):
        sheet = book.add_worksheet(name[:31])
        part = part.drop(columns="indicator")
        sheet.write_row(0, 0, [str(c) for c in part.columns])
        columns = [part[c].astype(object).where(part[c].notna(), None).tolist() for c in part.columns]
        for i, row in enumerate(zip(*columns), start=1):
            sheet.write_row(i, 0, row)
    book.close()


def export_indicators(table: pd.DataFrame, folder: Path, stamp: str = "", previous: Path | None = None,
                      xlsx_rows: Callable[[pd.DataFrame], pd.Series] | None = None) -> list[Path]:
    """The indicator table, every row, as gzip-compressed CSV and as Parquet, and as XLSX with one
    sheet per indicator (the rows `xlsx_rows` selects, by default all).

    `stamp` identifies the data (the manifest's hash): when the `previous` export (or the files
    already in `folder`) carry the same stamp, they are copied rather than written again.
    """
    folder.mkdir(parents=True, exist_ok=True)
    names = ("indicators.csv.gz", "indicators.xlsx", "indicators.parquet", ".stamp")
    paths = [folder / n for n in names[:3]]
    for source in [p for p in (folder, previous) if p is not None]:
        mark = source / ".stamp"
        if stamp and all((source / n).exists() for n in names) and mark.read_text() == stamp:
            if source != folder:
                for n in names:
                    shutil.copy2(source / n, folder / n)
            return paths
    store.write_parquet(table, paths[2])
    table = escaped(table)
    store.write_csv(table, paths[0])
    _write_xlsx(table if xlsx_rows is None else table[xlsx_rows(table)], paths[1])
    (folder / names[3]).write_text(stamp)
    return paths


def publish(folder: Path) -> None:
    """Make a site readable by a web server: files 0644, folders 0755 (temporary files are written 0600)."""
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def focus_rows(table: pd.DataFrame) -> pd.Series:
    """The rows the spreadsheet keeps: the configured focus economies as reporters, with the
    configured partners and the world (the CSV has every row)."""
    cfg = config.load()
    return table["reporter"].astype(str).isin(cfg.focus) & table["partner"].astype(str).isin(
        set(cfg.partners) | set(cfg.focus) | {"WLD"})


def check_tools() -> None:
    """The built-in renderer needs pandoc (pypandoc-binary) and Typst (typst): say so if either is missing."""
    try:
        import pypandoc

        pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        raise RuntimeError("pandoc is not available: install the project again (make setup), which brings "
                           "pypandoc-binary") from None
    try:
        import typst  # noqa: F401
    except ImportError:
        raise RuntimeError("Typst is not available: install the project again (make setup), which brings the "
                           "typst package") from None


def checked_claims(folder: Path) -> list[dict]:
    """The claims ledger of the book, each claim re-derived from the edition's tables; stops the build
    on a contradicted claim."""
    rows = ledger.check(ledger.collect(report_root()), folder, float(config.load().materiality_usd))
    wrong = ledger.contradictions(rows)
    if wrong:
        raise ClaimError(f"{len(wrong)} generated claim(s) contradicted by the tables; first: {wrong[0]}")
    return rows


def check_spans(rows: list[dict], pages: list[Path]) -> None:
    """Every generated sentence on the website is in the ledger (its span id is one of the ledger's)."""
    known = {r["id"] for r in rows}
    for page in pages:
        if page.suffix != ".html":
            continue
        found = set(ledger.SPAN.findall(page.read_text(encoding="utf-8")))
        unknown = found - known
        if unknown:
            raise ClaimError(f"{page.name}: {len(unknown)} generated sentence(s) not in the claims ledger")


def print_pdf(folder: Path, out: Path, jobs: int, label: str, edition_name: str,
              freeze: Path | None = None) -> book.BuildResult:
    """The print PDF by the project's own Typst path, beside a website Quarto rendered: whatever
    the Quarto version, one PDF, numbered like the website (the pages made on the way are dropped)."""
    check_tools()
    stage = atomic.staging(out.parent / "_pdf")
    try:
        result = book.build(report_root(), stage, edition_dir=folder, jobs=jobs, pdf=True, label=label,
                            edition_name=edition_name, freeze=freeze or report_root() / "_freeze" / folder.name)
        shutil.copy2(result.pdf, out / result.pdf.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    result.out, result.pages, result.pdf = out, [], out / result.pdf.name
    return result


def use_report(report: Path | None) -> Path:
    """Make `report` (a folder with _quarto.yml) the report this process builds, and its chapters'
    kernels, which inherit the environment; None keeps the current one. Returns its folder."""
    if report is not None:
        folder = Path(report).resolve()
        if not (folder / "_quarto.yml").is_file():
            raise ValueError(f"--report {report}: no _quarto.yml there; a report is a folder holding _quarto.yml, "
                             "chapters/ and, optionally, data/reference/ tables (see examples/batteries)")
        os.environ[REPORT_ENV] = str(folder)
    return report_root()


def run(data: store.Data = store.DEMO, engine: str = "auto", out: Path | None = None, jobs: int = 2,
        pdf: bool = True, freeze: Path | None = None, on_conflict: str = "error",
        previous: Path | None = None, report: Path | None = None) -> Build:
    """Build a report (the project's own, or the folder `report`) for an edition ("demo" or folders
    of raw files), all or nothing.

    One build at a time (a lock); the site is written into a staging folder and switched in
    only when complete, so an interrupted build leaves the previous site whole.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}")
    start = time.perf_counter()
    root = use_report(report)
    out = out or book_dir()
    atomic.refuse_foreign(out, SITE_MARKERS, "a website")
    if previous is not None:
        store.verify(Path(previous))   # a damaged or altered edition is refused, never compared
    with atomic.build_lock(root / ".build.lock"):
        for place in {out.parent, figures_dir().parent}:
            atomic.clean_leftovers(place)
        with atomic.build_lock(processed_dir() / ".save.lock", wait=True):   # no import is saving now
            atomic.clean_leftovers(processed_dir())
        folder = pipeline.prepare(data, on_conflict=on_conflict)
        os.environ[ENV_EDITION] = str(folder)   # the chapters' kernels inherit the edition's folder
        if previous is not None:
            os.environ[PREVIOUS_ENV] = str(Path(previous).resolve())
        else:
            os.environ.pop(PREVIOUS_ENV, None)
        stored = store.load(folder)
        label = SYNTHETIC_LABEL if stored.manifest.get("synthetic") else ""
        use_quarto = engine == "quarto" or (engine == "auto" and book.quarto_available())
        stamp = hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()
        table = coverage.labelled(stored.indicators, stored.manifest.get("coverages", {}))
        if use_quarto:
            if not book.quarto_available():
                raise RuntimeError("engine 'quarto' asked for, but the quarto CLI is not on PATH")
            rows = checked_claims(folder)
            book.build_with_quarto(root, out)
            export_indicators(table, out / "data", stamp, xlsx_rows=focus_rows)
            ledger.write(rows, out / "data" / "claims.json")
            result = print_pdf(folder, out, jobs, label, str(stored.manifest.get("edition", "full")), freeze)
            publish(out)
            return Build(folder, result, time.perf_counter() - start)
        check_tools()
        stage = atomic.staging(out)
        figures = figures_dir()
        staged_figures = atomic.staging(figures)
        os.environ[FIGURES_ENV] = str(staged_figures)   # the chapters export their figures there
        # The tables are written in a thread while the chapters run in their kernels.
        with ThreadPoolExecutor(max_workers=2) as side:
            tables = side.submit(export_indicators, table, stage / "data", stamp, previous=out / "data",
                                 xlsx_rows=focus_rows)
            claims = side.submit(checked_claims, folder)
            try:
                result = book.build(root, stage, edition_dir=folder, jobs=jobs, pdf=pdf, label=label,
                                    edition_name=str(stored.manifest.get("edition", "full")),
                                    freeze=freeze or root / "_freeze" / folder.name)
            finally:
                os.environ[FIGURES_ENV] = str(figures)
            tables.result()
            rows = claims.result()
        ledger.write(rows, stage / "data" / "claims.json")
        check_spans(rows, result.pages)
        (staged_figures / ".gitkeep").touch()
        publish(stage)
        atomic.switch(staged_figures, figures)
        atomic.switch(stage, out)
        result.out = out
        result.pages = [out / p.relative_to(stage) for p in result.pages]
        result.pdf = out / result.pdf.relative_to(stage) if result.pdf else None
        return Build(folder, result, time.perf_counter() - start)
