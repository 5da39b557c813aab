"""Importers: real trade files in the formats users download, into the canonical tables.

One module per source, each opening with what its files look like and their quirks:
`comtrade` (Comtrade+ API, legacy bulk, comtradr tidy), `baci` (CEPII BACI, shared with the
whole-BACI store in `analysis.bulk`), `korea` (Korea Customs Service), `taiwan` (Taiwan
customs), `totals` (the project's totals table and UNCTADstat). They follow one contract
(`base.Format`: a header test and a reader from a path to an `Imported`) and share the field
parsers of `base`. A file's format is recognised from its header; a file that does not fit
raises `DataImportError` naming the file, the line and the fix, and nothing is written.
`combine` merges the files of an edition.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

import pandas as pd

from ..errors import DataImportError
from . import baci, base, comtrade, korea, taiwan, totals
from .base import CLASSIFICATIONS, MAX_FILE_BYTES, Format, Imported, read_csv, read_text
from .combine import PRECEDENCE, closed_panel_world, combine, mirror_fill

__all__ = ["CLASSIFICATIONS", "DataImportError", "FORMATS", "Imported", "MAX_FILE_BYTES", "PRECEDENCE",
           "closed_panel_world", "combine", "detect", "mirror_fill", "raw_files", "read", "read_csv", "read_text"]

FORMATS: list[Format] = [*comtrade.FORMATS, *taiwan.FORMATS, *baci.FORMATS, *korea.FORMATS, *totals.FORMATS]
SKIPPED = ("country_codes", "product_codes", "availability-")
"""File names in a data folder that are not trade data: BACI's code lists, Comtrade's release dates."""


def detect(path: Path, header: Iterable[str]) -> Format:
    """The format a header belongs to."""
    cols = {c.strip() for c in header}
    for fmt in FORMATS:
        if fmt.matches(cols):
            return fmt
    raise DataImportError(f"{path}: line 1: header not recognised as any supported format "
                          f"(Comtrade+, Comtrade bulk, comtradr, BACI, Taiwan or Korea customs, totals); "
                          "see 'Bringing real data' in the README for the headers each source has")


def read(path: Path) -> Imported:
    """Read one raw file (CSV, or Comtrade+ JSON) in whatever supported format it is.

    The format is recognised from the header before the file is parsed, so a file of another
    kind is refused without being loaded.
    """
    path = Path(path)
    if not path.exists():
        raise DataImportError(f"{path}: no such file")
    if path.is_dir():
        raise DataImportError(f"{path}: is a directory, not a data file")
    if not path.is_file():
        raise DataImportError(f"{path}: not a regular file (a pipe, socket or device would be read forever); "
                              "save the data to a file first")
    if path.suffix.lower() == ".json":
        name, item = "comtrade-plus", comtrade.read_json(path)
    else:
        fmt = detect(path, base.header(path))
        name, item = fmt.name, fmt.read(path)
    item.flows, own = base.self_trade(item.flows)
    item.notes += own
    # One coverage per format: files of the same format add reporters, years or codes to it.
    item.coverage = name
    item.flows["coverage"] = name
    item.re_flows["coverage"] = name
    item.notes += _unknown_codes(item.flows)
    return item


def _unknown_codes(flows: pd.DataFrame) -> list[str]:
    """A note on codes outside the product table: kept in the flows, used by no sector or segment."""
    from ..products import load_products

    known = set(load_products()["code"])
    codes = sorted(set(flows["code"]) - known) if len(flows) else []
    if not codes:
        return []
    return [f"{len(codes)} code(s) outside the product table (e.g. {', '.join(codes[:5])}): kept in the processed "
            "flows, used by no sector or segment"]


def _walk(folder: Path) -> list[Path]:
    """Data files under `folder`, following links to folders; a dangling link or a loop of links
    stops with the link named (a data folder with a broken link has lost a file)."""
    out: list[Path] = []
    seen: set[str] = set()

    def visit(d: Path) -> None:
        real = os.path.realpath(d)
        if real in seen:
            raise DataImportError(f"{d}: a link back to a folder already read (a loop of links); remove the link")
        seen.add(real)
        try:
            entries = sorted(d.iterdir())
        except OSError as exc:
            raise DataImportError(f"{d}: cannot be read ({exc.strerror or exc})") from None
        for e in entries:
            if e.is_symlink() and not e.exists():
                raise DataImportError(f"{e}: a link to nothing ({os.readlink(e)}); restore its target or remove it")
            if e.is_dir():
                visit(e)
            elif e.suffix.lower() in (".csv", ".json") and not e.name.startswith(SKIPPED):
                out.append(e)   # a pipe or device among them is refused by `read`, never read forever

    visit(folder)
    return out


def raw_files(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the data files inside folders named (README, checksums, BACI's code lists and
    Comtrade release dates skipped)."""
    paths = [Path(p) for p in paths]
    out: list[Path] = []
    for p in paths:
        if p.is_symlink() and not p.exists():
            raise DataImportError(f"{p}: a link to nothing ({os.readlink(p)}); restore its target or remove it")
        if p.is_dir():
            out += _walk(p)
        elif p.exists():
            out.append(p)
        else:
            raise DataImportError(f"{p}: no such file or folder")
    if not out:
        zips = [z for p in paths if p.is_dir() for z in p.glob("*.zip")]
        hint = (f"; {zips[0].name} is a zip archive: unzip it into the folder (a BACI release: or stream it "
                "whole with `python -m analysis ingest`)" if zips else "; give the folder that holds the downloaded files")
        raise DataImportError("no data files (.csv or .json) found in " + ", ".join(str(p) for p in paths) + hint)
    return out
