"""Country reference: Comtrade M49 codes, ISO3, the names used by Comtrade and Taiwan customs."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import pycountry

from .paths import reference


def table() -> pd.DataFrame:
    """The report's country table (one row per economy)."""
    return _read(reference("countries.csv"))


@lru_cache(maxsize=4)
def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _by_code() -> dict[str, str]:
    return _codes(reference("countries.csv"))


def _by_name() -> dict[str, str]:
    return _names(reference("countries.csv"))


@lru_cache(maxsize=4)
def _codes(_table: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for row in table().itertuples():
        for code in (row.m49, row.comtrade_code):
            if code:
                out[str(int(code))] = row.iso3
    return out


@lru_cache(maxsize=4)
def _names(_table: Path) -> dict[str, str]:
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


@lru_cache(maxsize=1)
def _iso_names() -> dict[str, str]:
    """ISO 3166 names (English, and their Traditional Chinese translations) from pycountry."""
    import gettext

    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_TW"], fallback=True)
    out: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                out.setdefault(value.casefold(), country.alpha_3)
                out.setdefault(zh.gettext(value).casefold(), country.alpha_3)
        out.setdefault(country.alpha_3.casefold(), country.alpha_3)
    return out


def iso3_from_name(name: object) -> str | None:
    """ISO3 of a name (English, Comtrade's, Taiwan customs' Chinese) or of an ISO3 / Comtrade ISO code.

    The project's table (data/reference/countries.csv) first, then ISO 3166 names in English and
    Traditional Chinese; no fuzzy matching, so a name either matches exactly or is unknown.
    """
    key = str(name).strip().casefold()
    return _by_name().get(key) or _iso_names().get(key)


@lru_cache(maxsize=512)
def iso3_from_m49(code: object) -> str | None:
    """ISO3 of a standard M49 / ISO 3166 numeric code (UNCTADstat: 840 USA, 158 TWN, 0 World).

    0 is the world; other codes come from ISO 3166 (pycountry). Comtrade's own codes (842, 490,
    251, ...) are not M49 and do not belong here: use `iso3_from_code` for those.
    """
    try:
        number = int(str(code).strip())
    except ValueError:
        return None
    if number == 0:
        return "WLD"
    found = pycountry.countries.get(numeric=f"{number:03d}")
    return found.alpha_3 if found else None


def non_reporter() -> str:
    """The economy that does not report to UN Comtrade (the table's `comtrade_reporter` = no: Chinese
    Taipei, whose trade comes from partners' mirror reports, Comtrade's partner code 490, and its own
    customs)."""
    found = table().loc[table()["comtrade_reporter"] == "no", "iso3"]
    return str(found.iloc[0]) if len(found) else ""


def non_reporter_code() -> str:
    """The Comtrade partner code under which others report their trade with the non-reporter (490)."""
    found = table().loc[table()["iso3"] == non_reporter(), "comtrade_code"]
    return str(found.iloc[0]) if len(found) else ""


def entrepot() -> tuple[str, str]:
    """(hub, economy it serves) from the table's `entrepot_for` (Hong Kong, China for China), or
    ('', '') when the table names none: the chapter reports the pair taken together."""
    rows = table().loc[table()["entrepot_for"] != "", ["iso3", "entrepot_for"]]
    return (str(rows.iloc[0, 0]), str(rows.iloc[0, 1])) if len(rows) else ("", "")
