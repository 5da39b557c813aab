"""The data pipeline, one function per step with explicit inputs:

    read (importers) → validate (schema) → store (parquet + manifest) → indicators (coverage)

`prepare` runs the steps an edition still needs and returns its folder; the build and the
command line call it. The store only stores and the importers only read: neither calls the
other, and the indicator step is separate, run on what the chapter needs (the whole panel of a
bulk store has its own out-of-core queries in `panel`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

from . import comtrade_api, countries, coverage, importers, indicators, store, synthetic
from .paths import PACKAGE, ROOT, processed_dir, reference
from .schema import validate_flows, validate_totals

# Code whose change makes an imported edition stale (and the report's tables: see `code_files`).
CODE = [*sorted(Path(importers.__file__).parent.glob("*.py")), Path(store.__file__), Path(coverage.__file__), Path(indicators.__file__),
        Path(countries.__file__), Path(__file__)]
TABLES = ("coverages.csv", "products.csv", "countries.csv")


def code_files() -> list[Path]:
    """The code and the report's reference tables whose change makes an imported edition stale."""
    return CODE + [reference(name) for name in TABLES]


def read(files: list[Path], hashes: list[str], on_conflict: str = "error",
         progress: Callable[[Path], None] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[dict]]:
    """Read raw files (with their SHA-256): flows, totals, re-export rows and one manifest entry per file."""
    items, inputs = [], []
    for f, digest in zip(files, hashes):
        if progress:
            progress(f)
        item = importers.read(f)
        items.append(item)
        entry = {"path": str(f.resolve()), "sha256": digest, "format": item.format, "notes": item.notes}
        entry |= store.describe(item.flows) if len(item.flows) else {"rows": int(len(item.totals))}
        inputs.append(entry)
    flows, totals, re_flows = importers.combine(items, on_conflict)
    return flows, totals, re_flows, inputs


def validate(flows: pd.DataFrame, totals: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The canonical tables checked against their declared schemas."""
    return validate_flows(flows), validate_totals(totals)


def compute(flows: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """The chapter's indicators, each coverage on its own world."""
    return coverage.compute(flows, totals)


def save(folder: Path, flows: pd.DataFrame, totals: pd.DataFrame, manifest: dict,
         re_flows: pd.DataFrame | None = None) -> store.Stored:
    """Validate, compute the indicators and store the edition (all or nothing)."""
    flows, totals = validate(flows, totals)
    return store.write(folder, flows, totals, compute(flows, totals), manifest, re_flows)


def import_paths(paths: list[Path], folder: Path, progress: Callable[[Path], None] | None = None,
                 edition: str = "full", on_conflict: str = "error") -> Path:
    """Raw files into an edition folder; unchanged inputs and code are not imported again."""
    files = importers.raw_files(paths)
    hashes = [store.sha256(f) for f in files]
    key = {"edition": edition, "synthetic": False, "input_hashes": hashes, "on_conflict": on_conflict,
           "code": [store.sha256(f) for f in code_files()]}
    if store.is_current(folder, key):
        return folder
    flows, totals, re_flows, inputs = read(files, hashes, on_conflict, progress)
    manifest = {**key, "inputs": inputs, "re_flows_rows": int(len(re_flows)),
                "vintage": {str(p): v for p in paths if Path(p).is_dir()
                            and (v := comtrade_api.vintage(Path(p)))["last_released"]}}
    save(folder, flows, totals, manifest, re_flows=re_flows)
    return folder


def _demo_inputs() -> list[dict]:
    """The demo's inputs are the code that generates it and the reference tables it reads."""
    files = [PACKAGE / "synthetic.py", PACKAGE / "indicators.py", PACKAGE / "coverage.py", PACKAGE / "products.py",
             *(reference(name) for name in (*TABLES, *synthetic.TABLES))]
    return [{"path": str(f.relative_to(ROOT) if f.is_relative_to(ROOT) else f), "format": "synthetic generator",
             "seed": synthetic.SEED, "sha256": store.sha256(f)} for f in files]


def prepare(data: store.Data = store.DEMO, root: Path | None = None, on_conflict: str = "error") -> Path:
    """Make sure the processed tables of an edition exist and are current; return the folder
    (under `root`, by default the report's data/processed/).

    `data` is "demo" or one or more folders (or files) of raw inputs, read together.
    """
    folder = (root or processed_dir()) / store.edition_name(data)
    paths = store.data_paths(data)
    if paths:
        return import_paths(paths, folder, edition="sample" if store.is_sample(paths) else "full",
                            on_conflict=on_conflict)
    manifest = {"edition": store.DEMO, "synthetic": True, "inputs": _demo_inputs()}
    if not store.is_current(folder, manifest):
        flows, totals = synthetic.generate()
        save(folder, flows, totals, manifest)
    return folder
