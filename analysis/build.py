"""The whole pipeline: prepare an edition's data, render the book, export the indicator tables."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import xlsxwriter

from . import coverage, store
from .edition import SYNTHETIC_LABEL
from .paths import BOOK, ROOT
from .render import book

ENGINES = ("auto", "builtin", "quarto")


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
    a cell turned into spaces (so no cell can split a CSV row), for CSV and XLSX alike."""
    out = table.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) and not pd.api.types.is_bool_dtype(out[column]):
            text = out[column].astype(str).map(neutralise)
            out[column] = text.str.replace(r"[\r\n]+", " ", regex=True)
    return out


def _write_xlsx(table: pd.DataFrame, path: Path) -> None:
    """One sheet per indicator; text is written as strings (never as formulas), missing as blank."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    for name, part in table.groupby("indicator", observed=True):
        sheet = book.add_worksheet(str(name)[:31])
        part = part.drop(columns="indicator")
        for j, column in enumerate(part.columns):
            values = part[column]
            sheet.write_string(0, j, str(column))
            if pd.api.types.is_numeric_dtype(values):
                sheet.write_column(1, j, values.astype(object).where(values.notna(), None).tolist())
            else:
                for i, text in enumerate(values.astype(str).tolist(), start=1):
                    sheet.write_string(i, j, text)
    book.close()


def export_indicators(table: pd.DataFrame, folder: Path, stamp: str = "") -> list[Path]:
    """The indicator table as CSV and as XLSX with one sheet per indicator.

    `stamp` identifies the data (the manifest's hash): when it matches the last export, the
    files are current and are not written again.
    """
    folder.mkdir(parents=True, exist_ok=True)
    csv, xlsx, mark = folder / "indicators.csv", folder / "indicators.xlsx", folder / ".stamp"
    if stamp and csv.exists() and xlsx.exists() and mark.exists() and mark.read_text() == stamp:
        return [csv, xlsx]
    table = escaped(table)
    store.write_csv(table, csv)
    _write_xlsx(table, xlsx)
    mark.write_text(stamp)
    return [csv, xlsx]


def run(data: store.Data = store.DEMO, engine: str = "auto", out: Path | None = None, jobs: int = 2,
        pdf: bool = True, freeze: Path | None = None) -> Build:
    """Build the report for an edition ("demo" or a folder of raw files)."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}")
    start = time.perf_counter()
    folder = store.prepare(data)
    os.environ["TRADE_REPORT_EDITION"] = str(folder)
    stored = store.load(folder)
    label = SYNTHETIC_LABEL if stored.manifest.get("synthetic") else ""
    use_quarto = engine == "quarto" or (engine == "auto" and book.quarto_available())
    out = out or BOOK
    if use_quarto:
        if not book.quarto_available():
            raise RuntimeError("engine 'quarto' asked for, but the quarto CLI is not on PATH")
        book.build_with_quarto(ROOT)
        result = None
    else:
        result = book.build(ROOT, out, edition_dir=folder, jobs=jobs, pdf=pdf, label=label,
                            edition_name=str(stored.manifest.get("edition", "full")),
                            freeze=freeze or ROOT / "_freeze" / folder.name)
    stamp = hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()
    export_indicators(coverage.labelled(stored.indicators, stored.manifest.get("coverages", {})), out / "data", stamp)
    return Build(folder, result, time.perf_counter() - start)
