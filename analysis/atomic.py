"""Builds that are all or nothing: one build at a time, output staged and switched in whole.

A build takes an exclusive lock; a second one is refused with a clear message. Each output
folder (an edition's processed tables, the site) is written under a staging name beside its
final place and switched in only when complete, so a build killed at any point leaves the
previous complete output. Leftovers of a killed build are removed by the next one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from pathlib import Path
from typing import Iterator

STAGING, RETIRED = ".building-", ".retired-"


class BuildLocked(RuntimeError):
    """Another build holds the lock."""


@contextlib.contextmanager
def build_lock(path: Path, wait: bool = False) -> Iterator[None]:
    """Hold an exclusive lock on `path` for the duration. By default refuse at once if another
    process has it; with `wait`, queue behind it (for short steps such as saving an edition)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = open(path, "a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        fh.seek(0)
        holder = fh.read().strip() or "another process"
        fh.close()
        raise BuildLocked(f"another build is running ({holder}); wait for it to finish, then build again") from None
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}")
        fh.flush()
        yield
    finally:
        fh.seek(0)
        fh.truncate()
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def staging(final: Path) -> Path:
    """A fresh staging folder beside `final` (removed first if a killed build left it)."""
    stage = final.parent / f".{final.name}{STAGING}{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    return stage


def switch(stage: Path, final: Path) -> None:
    """Put a complete staged folder in place of `final`; the old one is removed afterwards."""
    retired = final.parent / f".{final.name}{RETIRED}{os.getpid()}"
    if final.exists():
        os.replace(final, retired)
    os.replace(stage, final)
    shutil.rmtree(retired, ignore_errors=True)


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove staging and retired folders and temporary files that a killed build left in `folder`.

    Call it only while holding the build lock: then no other build is writing there.
    """
    removed = []
    if not folder.is_dir():
        return removed
    for path in folder.iterdir():
        name = path.name
        if STAGING in name or RETIRED in name or (name.startswith(".") and name.endswith(".tmp")):
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
            removed.append(path)
    return removed


class ForeignFolder(ValueError):
    """An output folder holds files the project did not write: it is never replaced."""


def refuse_foreign(final: Path, markers: tuple[str, ...], what: str, expected: tuple[str, ...] = ()) -> None:
    """Refuse to replace `final` when it is a non-empty folder without any of the `markers` (the
    files the project writes into its own outputs), or a file: only our own outputs are replaced.
    With `expected` (glob patterns of every name the project writes at the folder's top), a folder of
    ours that also holds anything else is refused too, naming what would be lost."""
    import fnmatch

    final = Path(final)
    if final.exists() and not final.is_dir():
        raise ForeignFolder(f"{final}: is a file, not a folder; choose another output folder for {what}")
    if not final.is_dir() or not any(final.iterdir()):
        return
    if any((final / m).exists() for m in markers):
        others = sorted(p.name for p in final.iterdir() if expected and not any(
            fnmatch.fnmatch(p.name, pat) for pat in expected))
        if others:
            raise ForeignFolder(f"{final}: holds {', '.join(others[:3])}{' …' if len(others) > 3 else ''}, which "
                                f"this project did not write there; replacing {what} would delete it, so move it "
                                "out first or choose another folder")
        return
    raise ForeignFolder(f"{final}: the folder is not empty and is not {what} written by this project (no "
                        f"{' or '.join(markers)}); it would be replaced in whole, so choose an empty or new folder")
