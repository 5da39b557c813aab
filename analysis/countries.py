"""Country reference: Comtrade M49 codes, ISO3, the names used by Comtrade and Taiwan customs."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .paths import REFERENCE

UNKNOWN = "OTH"


@lru_cache(maxsize=1)
def table() -> pd.DataFrame:
    """The reference table (one row per economy)."""
    return pd.read_csv(REFERENCE / "countries.csv", dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def _by_code() -> dict[str, str]:
    out: dict[str, str] = {}
    for row in table().itertuples():
        for code in (row.m49, row.comtrade_code):
            if code:
                out[str(int(code))] = row.iso3
    return out


@lru_cache(maxsize=1)
def _by_name() -> dict[str, str]:
    out: dict[str, str] = {}
    for row in table().itertuples():
        names = [row.iso3, row.name, row.name_zh] + [a for a in row.aliases.split(";") if a]
        for name in names:
            out[name.strip().casefold()] = row.iso3
    return out


def iso3_from_code(code: object) -> str | None:
    """ISO3 of a Comtrade reporter/partner code (490 -> TWN, 842 -> USA, 0 -> WLD)."""
    try:
        return _by_code().get(str(int(float(str(code)))))
    except ValueError:
        return None


def iso3_from_name(name: object) -> str | None:
    """ISO3 of a name (English, Comtrade's, Taiwan customs' Chinese) or of an ISO3 / Comtrade ISO code."""
    return _by_name().get(str(name).strip().casefold())
