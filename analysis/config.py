"""Report configuration, read from the `report:` block of the report's _quarto.yml (one place for it)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .paths import report_root

REQUIRED = ("reporter", "focus", "partners")


@dataclass(frozen=True)
class ReportConfig:
    reporter: str                      # the economy whose bilateral trade the GL and IT figures read
    focus: tuple[str, ...]             # the economies compared in every lens
    partners: tuple[str, ...]          # the partners of the GL and IT figures (the world as WLD)
    chapter_number: str = "V"
    quadrant_extra: tuple[str, ...] = ()
    quadrant_from: int = 2008
    recent_years: int = 6
    # No judgement is drawn from a bilateral flow smaller than this (USD a year).
    materiality_usd: float = 10e6
    keywords: tuple[str, ...] = ()     # the PDF's Keywords and the page descriptions


def load() -> ReportConfig:
    """The `report:` block of the report's _quarto.yml, with defaults for what it may leave out."""
    return _read(report_root() / "_quarto.yml")


@lru_cache(maxsize=4)
def _read(path: Path) -> ReportConfig:
    block = (yaml.safe_load(path.read_text()) or {}).get("report", {}) if path.exists() else {}
    kwargs = {}
    for key, value in block.items():
        field = key.replace("-", "_")
        if field not in ReportConfig.__dataclass_fields__:
            raise ValueError(f"{path}: unknown key report.{key}")
        kwargs[field] = tuple(value) if isinstance(value, list) else value
    missing = [k for k in REQUIRED if k not in kwargs]
    if missing:
        raise ValueError(f"{path}: the report: block must name {', '.join(k.replace('_', '-') for k in missing)} "
                         "(e.g. reporter: KOR, focus: [KOR, CHN, JPN], partners: [CHN, JPN, WLD])")
    if kwargs["reporter"] not in kwargs["focus"]:
        raise ValueError(f"{path}: report.reporter {kwargs['reporter']!r} is not one of report.focus")
    if "materiality_usd" in kwargs:
        kwargs["materiality_usd"] = float(kwargs["materiality_usd"])   # YAML reads 10e6 as a string
    return ReportConfig(**kwargs)
