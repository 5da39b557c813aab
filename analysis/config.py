"""Report configuration, read from the `report:` block of _quarto.yml (one place for it)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from .paths import ROOT


@dataclass(frozen=True)
class ReportConfig:
    chapter_number: str = "V"
    reporter: str = "KOR"
    focus: tuple[str, ...] = ("KOR", "CHN", "JPN")
    quadrant_extra: tuple[str, ...] = ()
    partners: tuple[str, ...] = ("CHN", "JPN", "USA", "TWN", "WLD")
    quadrant_from: int = 2008
    recent_years: int = 6
    # No judgement is drawn from a bilateral flow smaller than this (USD a year).
    materiality_usd: float = 10e6


@lru_cache(maxsize=1)
def load() -> ReportConfig:
    """The `report:` block of _quarto.yml, with defaults for anything it leaves out."""
    path = ROOT / "_quarto.yml"
    block = (yaml.safe_load(path.read_text()) or {}).get("report", {}) if path.exists() else {}
    kwargs = {}
    for key, value in block.items():
        field = key.replace("-", "_")
        if field not in ReportConfig.__dataclass_fields__:
            raise ValueError(f"_quarto.yml: unknown key report.{key}")
        kwargs[field] = tuple(value) if isinstance(value, list) else value
    if "materiality_usd" in kwargs:
        kwargs["materiality_usd"] = float(kwargs["materiality_usd"])   # YAML reads 10e6 as a string
    return ReportConfig(**kwargs)
