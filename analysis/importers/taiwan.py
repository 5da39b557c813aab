"""Taiwan customs (Customs Administration, Ministry of Finance), in two layouts.

What the source looks like:

- CCC lines by destination: `Year, Country, HS Code, Description, Export Value (USD)`, one row
  per 11-digit CCC line × destination × year, destinations named in Traditional Chinese
  (e.g. 中國大陸, 韓國), values in USD, exports only.
- The trade statistics portal's export: `Imports/Exports, Time, Commodity Code, Description of
  Good, Country(Area), Value(USD$ 1000)`, HS6 codes, partners in English, values in thousands.

Quirks handled here:

- names are matched exactly against the reference (ISO names in English and Traditional Chinese
  and the aliases of data/reference/countries.csv); an unknown name stops the import;
- CCC lines are summed to their HS6 code and kept beside it;
- the portal lists Taiwan's re-imports of its own goods with Taiwan as the partner: left out and
  reported, as is any row whose partner is the reporter;
- the world is the sum over destinations (neither layout has a World row).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import DataImportError
from ..products import HS6, revision_for_year
from ..schema import FLOW_COLUMNS
from . import base
from .base import Format, Imported

SOURCE = "taiwan-customs"


def read_ccc(path: Path) -> Imported:
    """Taiwan customs exports by destination, CCC 11-digit lines, destinations in Chinese."""
    df = base.read_csv(path)
    base.require(df, path, ["Year", "Country", "HS Code", "Export Value (USD)"])
    years = base.years(df["Year"], path, "Year")
    code = df["HS Code"].str.strip()
    bad = ~code.str.fullmatch(r"[0-9]{11}")
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise DataImportError(f"{path}: line {base.line(df, row)}: HS Code is not an 11-digit CCC line: "
                              f"{code.iloc[row]!r}")
    partner = base.economies(df["Country"], path, "Country")
    lines = base.frame(SOURCE, year=years, reporter=base.reporter_of("taiwan-ccc"), partner=partner, flow="X", code=code.to_numpy(),
                       code_system="CCC", hs_revision=[revision_for_year(y) for y in years],
                       value_usd=base.values(df["Export Value (USD)"], path, "Export Value (USD)"))
    lines, notes = base.self_trade(lines)
    flows = base.with_world(base.with_hs6(lines))
    out = Imported(path, "Taiwan customs CCC lines by destination", flows[FLOW_COLUMNS], notes=notes)
    out.notes.append("the reporter's exports to the world are the sums over all destinations")
    return out


def read_portal(path: Path) -> Imported:
    """Taiwan customs portal export: HS6 by partner, values in thousand USD."""
    df = base.read_csv(path)
    base.require(df, path, ["Imports/Exports", "Time", "Commodity Code", "Country(Area)", "Value(USD$ 1000)"])
    years = base.years(df["Time"], path, "Time")
    flow = df["Imports/Exports"].str.strip().map({"Imports": "M", "Exports": "X"})
    if flow.isna().any():
        row = int(flow.isna().to_numpy().nonzero()[0][0])
        raise DataImportError(f"{path}: line {base.line(df, row)}: Imports/Exports must be Imports or Exports, "
                              f"not {df['Imports/Exports'].iloc[row]!r}")
    partner = base.economies(df["Country(Area)"], path, "Country(Area)")
    flows = base.frame(SOURCE, year=years, reporter=base.reporter_of("taiwan-portal"), partner=partner, flow=flow.to_numpy(),
                       code=base.codes(df["Commodity Code"], path, "Commodity Code", HS6).to_numpy(), code_system=HS6,
                       hs_revision=[revision_for_year(y) for y in years],
                       value_usd=base.values(df["Value(USD$ 1000)"], path, "Value(USD$ 1000)", scale=1000))
    flows, notes = base.self_trade(flows)   # re-imports of own goods are not trade with a partner
    flows = base.sum_rows(flows)
    out = Imported(path, "Taiwan customs portal (thousand USD)", base.with_world(flows)[FLOW_COLUMNS], notes=notes)
    out.notes.append("values converted from thousand USD; the reporter's trade with the world is the sum over partners")
    return out


FORMATS = [
    Format("taiwan-ccc", lambda h: "Export Value (USD)" in h and "HS Code" in h, read_ccc),
    Format("taiwan-portal", lambda h: "Value(USD$ 1000)" in h, read_portal),
]
