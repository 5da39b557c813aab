"""Where things live in the project tree (figures/ and the real sample can be moved by environment)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "analysis"
DATA = ROOT / "data"
REFERENCE = DATA / "reference"
PROCESSED = Path(os.environ.get("TRADE_REPORT_PROCESSED") or DATA / "processed")


FIGURES_ENV = "TRADE_REPORT_FIGURES"
# Set by the built-in renderer for its kernels: it writes the figure files from each figure's SVG
# output itself, so the kernels draw every figure once.
FIGURES_FROM_SVG_ENV = "TRADE_REPORT_FIGURES_FROM_SVG"
PREVIOUS_ENV = "TRADE_REPORT_PREVIOUS"   # a processed edition to compare with (the changes appendix)


def figures_dir() -> Path:
    """Where exported figures go: $TRADE_REPORT_FIGURES or figures/ (read at call time)."""
    return Path(os.environ.get(FIGURES_ENV) or ROOT / "figures")


CHAPTERS = ROOT / "chapters"
BOOK = ROOT / "_book"
SHARED_SAMPLE = Path(os.environ.get("TRADE_REPORT_SAMPLE") or ROOT.parent / "shared" / "data" / "real-sample")
