"""The processed store of an edition: parquet tables and a manifest, written atomically.

Raw inputs are only read. An edition's folder under data/processed/ holds flows.parquet,
totals.parquet, indicators.parquet and manifest.json; every file is written to a temporary
name and moved into place, so a failed build never leaves a half-written table.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import pandas as pd

from . import atomic, coverage
from .paths import SHARED_SAMPLE

DEMO = "demo"


def sha256(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write a table atomically."""
    _atomic(path, lambda tmp: df.to_parquet(tmp, index=False))


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write a CSV table atomically (Arrow's writer: ten times pandas' speed on the indicator table;
    fields quoted only where needed, missing values empty), gzip-compressed when the name ends in .gz."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = pa.Table.from_pandas(df, preserve_index=False)
    options = pacsv.WriteOptions(quoting_style="needed")

    def write(tmp: Path) -> None:
        if path.suffix != ".gz":
            pacsv.write_csv(table, tmp, write_options=options)
            return
        with pa.CompressedOutputStream(str(tmp), "gzip") as sink:
            pacsv.write_csv(table, sink, write_options=options)

    _atomic(path, write)


def write_json(obj: Any, path: Path) -> None:
    """Write JSON atomically, keys sorted so identical content gives identical bytes."""
    _atomic(path, lambda tmp: tmp.write_text(json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n"))


@dataclass(frozen=True)
class Stored:
    """The processed tables of one edition."""

    folder: Path
    flows: pd.DataFrame
    totals: pd.DataFrame
    indicators: pd.DataFrame
    manifest: dict


Data = str | Path | Sequence[str | Path]


def data_paths(data: Data) -> list[Path]:
    """The folders or files of an edition's data ("demo" gives none)."""
    items = [data] if isinstance(data, (str, Path)) else list(data)
    if [str(i) for i in items] == [DEMO]:
        return []
    if DEMO in [str(i) for i in items]:
        raise ValueError("'demo' cannot be combined with data folders")
    return [Path(i) for i in items]


def is_sample(paths: list[Path]) -> bool:
    """True when the data include the shared real sample (the sample edition)."""
    return SHARED_SAMPLE.resolve() in [p.resolve() for p in paths]


def edition_name(data: Data) -> str:
    """The folder name of an edition under data/processed/."""
    paths = data_paths(data)
    if not paths:
        return DEMO
    resolved = [p.resolve() for p in paths]
    if resolved == [SHARED_SAMPLE.resolve()]:
        return "sample"
    digest = hashlib.sha256("\n".join(str(p) for p in resolved).encode()).hexdigest()[:8]
    stem = "sample" if is_sample(paths) else resolved[0].name
    return f"{stem}-{digest}"


def describe(df: pd.DataFrame) -> dict:
    """Rows, years and reporters of a flows table, for the manifest."""
    return {
        "rows": int(len(df)),
        "years": sorted(int(y) for y in df["year"].unique()),
        "reporters": sorted(str(r) for r in df["reporter"].unique()),
    }


def write(folder: Path, flows: pd.DataFrame, totals: pd.DataFrame, table: pd.DataFrame, manifest: dict,
          re_flows: pd.DataFrame | None = None) -> Stored:
    """Write an edition's tables and manifest (last), staged and switched in whole: a save killed
    half-way leaves the previous edition, never new flows beside an old manifest."""
    with atomic.build_lock(folder.parent / ".save.lock", wait=True):
        return _save_staged(folder, flows, totals, table, manifest, re_flows)


def _save_staged(folder: Path, flows: pd.DataFrame, totals: pd.DataFrame, table: pd.DataFrame, manifest: dict,
                 re_flows: pd.DataFrame | None) -> Stored:
    stage = atomic.staging(folder)
    write_parquet(flows, stage / "flows.parquet")
    write_parquet(totals, stage / "totals.parquet")
    if re_flows is not None and len(re_flows):
        write_parquet(re_flows.astype({"year": "int16", "value_usd": "float64"}), stage / "re_flows.parquet")
    write_parquet(table, stage / "indicators.parquet")
    manifest = {**manifest, "flows": describe(flows), "totals_rows": int(len(totals)),
                "coverages": coverage.describe(flows),
                "totals_sources": sorted(str(s) for s in totals["source"].unique()),
                "tables": {f.name: sha256(f) for f in sorted(stage.glob("*.parquet"))}}
    write_json(manifest, stage / "manifest.json")
    atomic.switch(stage, folder)
    return Stored(folder, flows, totals, table, manifest)


def is_current(folder: Path, manifest: dict) -> bool:
    """True when the folder holds complete tables whose manifest agrees with `manifest` and whose
    content hashes match the manifest's (tables changed or damaged since are rebuilt, never served)."""
    path = folder / "manifest.json"
    if not path.exists():
        return False
    try:
        old = json.loads(path.read_text())
    except json.JSONDecodeError:
        return False
    tables = old.get("tables") or {}
    if not all(n in tables for n in ("flows.parquet", "totals.parquet", "indicators.parquet")):
        return False
    for name, digest in tables.items():
        if not (folder / name).exists() or sha256(folder / name) != digest:
            return False
    return all(old.get(k) == v for k, v in manifest.items())


class TamperedEdition(ValueError):
    """A processed edition whose tables no longer match their manifest's content hashes."""


def verify(folder: Path) -> dict:
    """An edition's manifest, after checking every table against its SHA-256 in it; a table changed or
    damaged since it was written is refused, never compared or served."""
    path = Path(folder) / "manifest.json"
    if not path.exists():
        raise FileNotFoundError(f"{folder}: not a processed edition (no manifest.json); give a folder under "
                                "data/processed/ written by `python -m analysis build` or `import`")
    try:
        manifest = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise TamperedEdition(f"{path}: damaged ({exc}); build that edition again") from None
    tables = manifest.get("tables") or {}
    if "indicators.parquet" not in tables:
        raise TamperedEdition(f"{path}: lists no content hashes for its tables, so they cannot be checked; build "
                              "that edition again")
    for name, digest in sorted(tables.items()):
        table = Path(folder) / name
        if not table.exists():
            raise TamperedEdition(f"{table}: missing, though the manifest lists it; build that edition again")
        if sha256(table) != digest:
            raise TamperedEdition(f"{table}: its content does not match the SHA-256 in {path.name} (changed or "
                                  "damaged since it was written); build that edition again rather than compare it")
    return manifest


def load(folder: Path) -> Stored:
    """Read an edition's processed tables."""
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        raise FileNotFoundError(f"{folder} holds no processed edition (no manifest.json); run "
                                "`python -m analysis build` or `python -m analysis import` first")
    return Stored(
        folder,
        pd.read_parquet(folder / "flows.parquet"),
        pd.read_parquet(folder / "totals.parquet"),
        pd.read_parquet(folder / "indicators.parquet"),
        json.loads(manifest_path.read_text()),
    )
