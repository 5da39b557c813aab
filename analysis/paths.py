"""Where things live: the package, the report being built and its reference tables (figures/ and the
real sample can be moved by environment).

A report is a folder holding `_quarto.yml` (its `report:` block), `chapters/` and, optionally,
`data/reference/` tables that override the project's own; a table it does not hold is inherited
from the project's `data/reference/`. The semiconductor chapter is the project's top level; another
report (examples/batteries) is chosen by `--report` (the build passes it on to its chapters'
kernels as $TRADE_REPORT_ROOT, as it passes the edition).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "analysis"
DATA = ROOT / "data"
REFERENCE = DATA / "reference"
REPORT_ENV = "TRADE_REPORT_ROOT"


def report_root() -> Path:
    """The report being built: $TRADE_REPORT_ROOT, else the project's top level (read at call time)."""
    return _resolved(os.environ.get(REPORT_ENV) or str(ROOT))


@lru_cache(maxsize=8)
def _resolved(folder: str) -> Path:
    return Path(folder).resolve()


def reference(name: str) -> Path:
    """A reference table of the report: its own `data/reference/<name>`, else the project's."""
    own = report_root() / "data" / "reference" / name
    return own if own.exists() else REFERENCE / name


def processed_dir() -> Path:
    """Where processed editions go: $TRADE_REPORT_PROCESSED, else the report's data/processed/."""
    return Path(os.environ.get("TRADE_REPORT_PROCESSED") or report_root() / "data" / "processed")


FIGURES_ENV = "TRADE_REPORT_FIGURES"
# Set by the built-in renderer for its kernels: it writes the figure files from each figure's SVG
# output itself, so the kernels draw every figure once.
FIGURES_FROM_SVG_ENV = "TRADE_REPORT_FIGURES_FROM_SVG"
PREVIOUS_ENV = "TRADE_REPORT_PREVIOUS"   # a processed edition to compare with (the changes appendix)


def figures_dir() -> Path:
    """Where exported figures go: $TRADE_REPORT_FIGURES or the report's figures/ (read at call time)."""
    return Path(os.environ.get(FIGURES_ENV) or report_root() / "figures")


def book_dir() -> Path:
    """The report's website and PDF: its _book/."""
    return report_root() / "_book"


SHARED_SAMPLE = Path(os.environ.get("TRADE_REPORT_SAMPLE") or ROOT.parent / "shared" / "data" / "real-sample")
