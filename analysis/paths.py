"""Where things live in the project tree."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "analysis"
DATA = ROOT / "data"
REFERENCE = DATA / "reference"
PROCESSED = DATA / "processed"
FIGURES = ROOT / "figures"
CHAPTERS = ROOT / "chapters"
BOOK = ROOT / "_book"
SHARED_SAMPLE = ROOT.parent / "shared" / "data" / "real-sample"
