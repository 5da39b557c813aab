"""Korea Customs Service (K-stat / customs data portal) extracts of HSK lines.

What the source looks like: one row per 10-digit HSK line × country × year, exports and imports
side by side in USD: `year, hsk, country, export_usd, import_usd`, or the Korean headers of the
portal (년도/기간, 품목코드/HS코드, 국가, 수출금액, 수입금액). Countries are named (Korean or English).

Quirks handled here:

- HSK codes are often written with dots or dashes (8542.32-1010): separators are removed, then
  the code must be exactly 10 ASCII digits;
- a line listed twice for one country and year is refused, not summed;
- HSK lines are summed to HS6 and kept beside it; the world is the sum over countries unless
  the extract has a World row; a row whose country is Korea itself is left out and reported.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataImportError
from ..products import revision_for_year
from ..schema import FLOW_COLUMNS, WORLD
from . import base
from .base import Format, Imported

SOURCE = "korea-customs"
COLUMNS = {"year": ["year", "년도", "기간"], "hsk": ["hsk", "hsk_code", "품목코드", "HS코드"],
           "country": ["country", "국가"], "export_usd": ["export_usd", "수출금액", "수출 금액"],
           "import_usd": ["import_usd", "수입금액", "수입 금액"]}


def read(path: Path) -> Imported:
    """Korea Customs Service extract: HSK 10-digit lines by country, exports and imports in USD."""
    df = base.read_csv(path)
    rename = {}
    for canon, names in COLUMNS.items():
        found = [c for c in df.columns if c in names]
        if not found:
            raise DataImportError(f"{path}: line 1: missing column {canon} (one of {', '.join(names)})")
        if len(found) > 1:
            raise DataImportError(f"{path}: line 1: columns {', '.join(found)} all name {canon}; keep one")
        rename[found[0]] = canon
    df = df.rename(columns=rename)
    years = base.years(df["year"], path, "year")
    code = df["hsk"].str.replace(r"[.\-\s]", "", regex=True)
    bad = ~code.str.fullmatch(r"[0-9]{10}")
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise DataImportError(f"{path}: line {base.line(df, row)}: HSK code is not 10 digits: {df['hsk'].iloc[row]!r}")
    raw_key = pd.DataFrame({"year": years, "code": code, "country": df["country"].str.strip()})
    dup = raw_key.duplicated(keep=False)
    if dup.any():
        row = int(dup.to_numpy().nonzero()[0][1])
        raise DataImportError(f"{path}: line {base.line(df, row)}: conflicting duplicate row for {code.iloc[row]} "
                              f"{df['country'].iloc[row]} {years[row]}; remove one")
    partner = base.economies(df["country"], path, "country")
    revs = [revision_for_year(y) for y in years]
    parts = [base.frame(SOURCE, year=years, reporter=base.reporter_of("korea-customs"), partner=partner, flow=flow, code=code.to_numpy(),
                        code_system="HSK", hs_revision=revs, value_usd=base.values(df[col], path, col))
             for flow, col in (("X", "export_usd"), ("M", "import_usd"))]
    flows, notes = base.self_trade(pd.concat(parts, ignore_index=True))
    flows = base.with_hs6(flows)
    if not (flows["partner"] == WORLD).any():
        flows = base.with_world(flows)
    return Imported(path, "Korea Customs Service HSK extract", flows[FLOW_COLUMNS], notes=notes)


FORMATS = [Format("korea-customs", lambda h: bool(h & set(COLUMNS["hsk"])), read)]
