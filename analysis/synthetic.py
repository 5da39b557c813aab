"""The demo edition: a deterministic synthetic trade panel.

Not real trade statistics. A seeded generator draws a "true" shipment matrix
T[exporter, importer, code, year] from simple gravity-style shares; each economy then
"reports" it with noise, exporters at FOB and importers with a CIF margin, so the panel is
mirror-consistent the way real data are. Magnitudes are of a plausible order; nothing is
tuned to any published value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .paths import reference
from .products import HEADINGS, HS6, REVISION_YEARS, load_products, revision_for_year
from .schema import FLOW_COLUMNS, WORLD, validate_flows, validate_totals

SOURCE = "synthetic"
SEED = 20070101
FIRST_YEAR, LAST_YEAR = 2007, 2024
REST = "rest of world"
TABLES = ("demo_economies.csv", "demo_markets.csv", "demo_roles.csv")
"""The report's demo tables (data/reference/): which economies trade and how large they are, how large
and how fast-growing the world market of each code is (and how a line splits into national lines),
and who supplies and who buys each sector. Broad roles only, typed from public knowledge of the
industry, not fitted to any statistic or published value."""


@dataclass(frozen=True)
class Demo:
    """The demo tables of a report, read and checked."""

    economies: pd.DataFrame   # economy (REST last), exports_usd_bn (all goods, first year), sector_weight
    markets: pd.DataFrame     # HS6 code -> world_usd_bn (first year), growth, cycle (4-year amplitude)
    lines: pd.DataFrame       # national line -> split_of (its HS6 code), mix (its weight in the split)
    roles: dict[str, dict[str, tuple[float, float]]]   # sector -> economy -> (supply, demand)

    @classmethod
    def load(cls) -> "Demo":
        eco, mk, ro = (pd.read_csv(reference(n), dtype={"economy": str, "code": str, "split_of": str,
                                                           "sector": str}, keep_default_na=False) for n in TABLES)
        if list(eco["economy"])[-1:] != [REST]:
            raise ValueError(f"{reference(TABLES[0])}: its last row is the economy {REST!r} (the rest of the world)")
        split = mk["split_of"] != ""
        products = load_products()
        missing = sorted(set(products.loc[products["code_system"] == HS6, "code"]) - set(mk.loc[~split, "code"])
                         - set(products.loc[products["sector"] == HEADINGS, "code"]))
        if missing:
            raise ValueError(f"{reference(TABLES[1])}: no demo market for code(s) {', '.join(missing)} of the "
                             "product table; add a row with its world_usd_bn, growth and cycle")
        markets = mk[~split].astype({"world_usd_bn": float, "growth": float, "cycle": float})
        lines = mk[split].astype({"mix": float})
        roles: dict[str, dict[str, tuple[float, float]]] = {}
        for row in ro.itertuples():
            roles.setdefault(row.sector, {})[row.economy] = (float(row.supply), float(row.demand))
        return cls(eco.astype({"exports_usd_bn": float, "sector_weight": float}), markets, lines, roles)

    @property
    def reporters(self) -> list[str]:
        return list(self.economies["economy"])[:-1]


def _years() -> np.ndarray:
    return np.arange(FIRST_YEAR, LAST_YEAR + 1)


def generate(seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (flows, totals) of the demo edition from the report's demo tables; the same seed and
    tables give the same tables."""
    demo = Demo.load()
    rng = np.random.default_rng(seed)
    names = list(demo.economies["economy"])
    n, years = len(names), _years()
    tt = years - FIRST_YEAR
    codes = list(demo.markets["code"])
    sector_of = dict(zip(load_products()["code"], load_products()["sector"]))
    size = demo.economies["exports_usd_bn"].to_numpy()
    weight = demo.economies["sector_weight"].to_numpy()

    # Totals of all goods: each economy grows on its own path.
    growth = rng.normal(0.05, 0.02, n)
    wobble = np.cumsum(rng.normal(0, 0.04, (n, len(years))), axis=1)
    exports_all = size[:, None] * 1e9 * np.exp(growth[:, None] * tt + wobble)
    imports_all = exports_all * rng.uniform(0.85, 1.1, n)[:, None]

    # True shipments T[e, i, k, t] = market * exporter share * destination share.
    T = np.zeros((n, n, len(codes), len(years)))
    for k, market_row in enumerate(demo.markets.itertuples()):
        cycle = 1 + (market_row.cycle * np.sin(2 * np.pi * tt / 4) if market_row.cycle else 0)
        market = market_row.world_usd_bn * 1e9 * np.exp(market_row.growth * tt) * cycle
        roles = demo.roles.get(sector_of.get(market_row.code, ""), {})
        supply = np.array([roles.get(e, (1.0, 1.0))[0] for e in names])
        demand = np.array([roles.get(e, (1.0, 1.0))[1] for e in names])
        strength = weight * supply * rng.lognormal(0, 0.5, n)
        drift = rng.normal(0, 0.04, n)[:, None] * tt + np.cumsum(rng.normal(0, 0.06, (n, len(years))), axis=1)
        share = strength[:, None] * np.exp(drift)
        share /= share.sum(axis=0)
        affinity = rng.lognormal(0, 0.5, (n, n)) * (size[None, :] ** 0.7) * demand[None, :]
        np.fill_diagonal(affinity, 0)
        dest_drift = np.exp(np.cumsum(rng.normal(0, 0.05, (n, n, len(years))), axis=2))
        dest = affinity[:, :, None] * dest_drift
        dest /= dest.sum(axis=1, keepdims=True)
        T[:, :, k, :] = market[None, None, :] * share[:, None, :] * dest
    cif = rng.uniform(0.03, 0.08, n)
    X = T * (1 + rng.normal(0, 0.02, T.shape))
    M = T * (1 + cif[None, :, None, None]) * (1 + rng.normal(0, 0.03, T.shape))

    reporters = demo.reporters
    frames = [_bilateral_rows(X, M, names, reporters, codes, years)]
    frames.append(_world_rows(X, M, names, reporters, codes, years))
    flows = pd.concat(frames, ignore_index=True)
    # A line has no trade before the HS revision that created it (HS2017's electric cars, say).
    first = {r.code: REVISION_YEARS[r.hs_revisions.split()[0]] for r in load_products().itertuples() if r.hs_revisions}
    flows = flows[flows["year"] >= flows["code"].map(first).fillna(FIRST_YEAR)].reset_index(drop=True)
    for parent, lines in demo.lines.groupby("split_of", sort=False):
        flows = pd.concat([flows, _national_lines(flows, str(parent), lines, rng)], ignore_index=True)
    totals = _totals(exports_all, imports_all, names, reporters, years)
    return validate_flows(flows), validate_totals(totals)


def _frame(year, reporter, partner, flow, code, value) -> pd.DataFrame:
    df = pd.DataFrame({"year": year, "reporter": reporter, "partner": partner, "flow": flow,
                       "code": code, "value_usd": value})
    df["code_system"] = HS6
    df["hs_revision"] = df["year"].map(revision_for_year)
    df["source"] = SOURCE
    df["mirror"] = False
    df["coverage"] = SOURCE
    return df[FLOW_COLUMNS]


def _bilateral_rows(X, M, names, reporters, codes, years) -> pd.DataFrame:
    n_rep = len(reporters)
    e, i, k, t = np.meshgrid(np.arange(n_rep), np.arange(n_rep), np.arange(len(codes)), np.arange(len(years)),
                             indexing="ij")
    keep = e != i
    e, i, k, t = e[keep], i[keep], k[keep], t[keep]
    rep, par = np.array(names)[e], np.array(names)[i]
    code = np.array(codes)[k]
    year = years[t]
    exports = _frame(year, rep, par, "X", code, X[e, i, k, t])
    imports = _frame(year, par, rep, "M", code, M[e, i, k, t])
    return pd.concat([exports, imports], ignore_index=True)


def _world_rows(X, M, names, reporters, codes, years) -> pd.DataFrame:
    """Each reporter's trade with the world, and world totals as reporter WLD."""
    n_rep = len(reporters)
    x_world = X.sum(axis=1)[:n_rep]          # [e, k, t]
    m_world = M.sum(axis=0)[:n_rep]          # [i, k, t]
    e, k, t = np.meshgrid(np.arange(n_rep), np.arange(len(codes)), np.arange(len(years)), indexing="ij")
    e, k, t = e.ravel(), k.ravel(), t.ravel()
    rep = np.array(names)[e]
    rows = [
        _frame(years[t], rep, WORLD, "X", np.array(codes)[k], x_world[e, k, t]),
        _frame(years[t], rep, WORLD, "M", np.array(codes)[k], m_world[e, k, t]),
    ]
    k, t = np.meshgrid(np.arange(len(codes)), np.arange(len(years)), indexing="ij")
    k, t = k.ravel(), t.ravel()
    rows.append(_frame(years[t], WORLD, WORLD, "X", np.array(codes)[k], X.sum(axis=(0, 1))[k, t]))
    rows.append(_frame(years[t], WORLD, WORLD, "M", np.array(codes)[k], M.sum(axis=(0, 1))[k, t]))
    return pd.concat(rows, ignore_index=True)


def _national_lines(flows: pd.DataFrame, parent: str, lines: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Split an HS6 line into the national lines of the demo table (in the product table's order),
    from the year those lines are valid.

    Each exporter has its own product mix (drawn around the table's `mix` weights), tilted by each
    trading pair's taste and drifting over time; both reports of a shipment use the same split, so
    mirror consistency holds.
    """
    products = load_products().set_index("code")
    lines = lines.set_index("code").reindex([c for c in products.index if c in set(lines["code"])])
    systems = products.loc[lines.index, "code_system"]
    first_year = max(FIRST_YEAR, REVISION_YEARS[products.loc[lines.index[0], "hs_revisions"].split()[0]])
    part_of = flows[(flows["code"] == parent) & (flows["year"] >= first_year)].copy()
    exporter = np.where(part_of["flow"] == "X", part_of["reporter"], part_of["partner"])
    economies = sorted(set(exporter))
    mix = rng.dirichlet(lines["mix"].to_numpy(), len(economies))
    mix_of = dict(zip(economies, mix))
    importer = np.where(part_of["flow"] == "X", part_of["partner"], part_of["reporter"])
    pairs = sorted(set(zip(exporter, importer)))
    taste_of = dict(zip(pairs, rng.lognormal(0, 0.5, (len(pairs), len(lines)))))
    middle = (len(lines) - 1) / 2
    out = []
    for j, code in enumerate(lines.index):
        part = part_of.copy()
        part["code"] = code
        part["code_system"] = systems[code]
        weight = np.array([mix_of[e][j] * taste_of[(e, i)][j] for e, i in zip(exporter, importer)])
        tilt = 1 + 0.03 * (part["year"].to_numpy() - first_year) * ((j - middle) / middle if middle else 0.0)
        part["value_usd"] = part["value_usd"].to_numpy() * weight * tilt
        out.append(part)
    result = pd.concat(out, ignore_index=True)
    # Keep each flow's lines summing to its HS6 value.
    key = ["year", "reporter", "partner", "flow"]
    result["value_usd"] *= (part_of.set_index(key)["value_usd"].reindex(pd.MultiIndex.from_frame(result[key])).to_numpy()
                            / result.groupby(key)["value_usd"].transform("sum").to_numpy())
    return result


def _totals(exports_all, imports_all, names, reporters, years) -> pd.DataFrame:
    rows = []
    for e, name in enumerate(reporters):
        for flow, arr in (("X", exports_all), ("M", imports_all)):
            rows.append(pd.DataFrame({"year": years, "reporter": name, "flow": flow, "value_usd": arr[e]}))
    for flow, arr in (("X", exports_all), ("M", imports_all)):
        rows.append(pd.DataFrame({"year": years, "reporter": WORLD, "flow": flow, "value_usd": arr.sum(axis=0)}))
    df = pd.concat(rows, ignore_index=True)
    df["source"] = SOURCE
    return df


def baci_files(folder: Path, years: list[int], *, rows: int, economies: int = 200, codes: int = 5000,
               seed: int = 7) -> list[Path]:
    """Generated BACI-shaped yearly files (t, i, j, k, v, q) and their country_codes file, written by
    DuckDB so that tens of millions of rows take seconds. Not real trade statistics.

    Row r of a year is flow number (r × step) mod (codes × economies × (economies − 1)), a
    one-to-one walk over (exporter, importer ≠ exporter, code): no flow appears twice. With rows
    equal to that product every exporter ships every code to every other economy.
    """
    import duckdb

    space = codes * economies * (economies - 1)
    if rows > space:
        raise ValueError(f"at most {space} distinct flows with {economies} economies and {codes} codes")
    step = next(s for s in range(1_000_003, 10**9, 2) if math.gcd(s, space) == 1)
    folder.mkdir(parents=True, exist_ok=True)
    iso = _baci_isos(economies)
    codes_path = folder / "country_codes_V000000.csv"
    pd.DataFrame({"country_code": range(1, economies + 1), "country_name": iso, "country_iso2": [c[:2] for c in iso],
                  "country_iso3": iso}).to_csv(codes_path, index=False)
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET enable_progress_bar = false")
    out = []
    for year in years:
        path = folder / f"BACI_HS17_Y{year}_V000000.csv"
        con.sql(f"""
              WITH f AS (SELECT ((r * {step}) % {space}) AS c, r FROM range({rows}) t(r)),
              g AS (SELECT c % {codes} AS k, (c // {codes}) % {economies} AS i,
                           (c // {codes * economies}) AS jj, r FROM f)
              SELECT {year} AS t, i + 1 AS i, ((i + 1 + jj) % {economies}) + 1 AS j,
                     lpad(CAST(100000 + k * 7 AS VARCHAR), 6, '0') AS k,
                     round(((hash(r, {seed}, {year}) % 1000000) / 100.0) + 0.01, 3) AS v,
                     round((hash(r, {seed}) % 1000) / 10.0, 1) AS q
              FROM g""").write_csv(str(path), header=True, sep=",")
        out.append(path)
    con.close()
    return [codes_path, *out]


def _baci_isos(n: int) -> list[str]:
    """n distinct three-letter codes, the demo's economies first."""
    head = list(pd.read_csv(reference(TABLES[0]), dtype=str, keep_default_na=False)["economy"])[:-1]
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    rest = (f"Z{a}{b}" for a in letters for b in letters)
    return (head + [next(rest) for _ in range(max(0, n - len(head)))])[:n]
