"""The demo edition: a deterministic synthetic trade panel.

Not real trade statistics. A seeded generator draws a "true" shipment matrix
T[exporter, importer, code, year] from simple gravity-style shares; each economy then
"reports" it with noise, exporters at FOB and importers with a CIF margin, so the panel is
mirror-consistent the way real data are. Magnitudes are of a plausible order; nothing is
tuned to any published value.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from .products import HS6, REVISION_YEARS, load_products, revision_for_year
from .schema import FLOW_COLUMNS, WORLD, validate_flows, validate_totals

SOURCE = "synthetic"
SEED = 20070101
FIRST_YEAR, LAST_YEAR = 2007, 2024

# Exports of all goods in 2007 (USD bn) and a rough semiconductor weight: order of magnitude only.
ECONOMIES: dict[str, tuple[float, float]] = {
    "KOR": (370, 1.6), "CHN": (1220, 1.2), "JPN": (710, 1.3), "USA": (1160, 1.2),
    "TWN": (250, 1.7), "DEU": (1320, 0.6), "NLD": (480, 0.6), "SGP": (300, 1.0),
    "MYS": (180, 0.9), "VNM": (50, 0.5), "PHL": (50, 0.6), "HKG": (350, 0.8),
}
REST = "rest of world"
REST_SIZE = 8000.0

# World trade of each HS6 line in 2007 (USD bn) and its yearly growth.
MARKETS: dict[str, tuple[float, float]] = {
    "854232": (70, 0.06), "854231": (150, 0.05), "854233": (15, 0.04), "854239": (120, 0.06),
    "854290": (10, 0.03), "848610": (3, 0.07), "848620": (35, 0.08), "848630": (8, 0.02),
    "848640": (4, 0.08), "848690": (15, 0.08), "903082": (5, 0.05), "903141": (3, 0.05), "381800": (15, 0.05),
    "280461": (5, 0.04), "281111": (1, 0.04), "370790": (6, 0.04), "811292": (1, 0.03),
}
# Who makes and who buys each sector: (supply, demand) weights from the industry's broad structure
# (memory made in the ROK; equipment in Japan, the United States and the Netherlands and bought by
# the fabs of the ROK, Chinese Taipei and China; China assembling with imported chips). Broad roles
# only, typed from public knowledge of the industry, not fitted to any statistic or published value.
ROLES: dict[str, dict[str, tuple[float, float]]] = {
    "memory": {"KOR": (6.0, 1.0), "CHN": (1.0, 3.0), "JPN": (0.8, 0.8), "USA": (1.0, 0.8), "TWN": (1.5, 1.2),
               "HKG": (0.6, 2.0), "VNM": (0.3, 1.5)},
    "system": {"KOR": (1.2, 1.3), "CHN": (0.7, 3.0), "JPN": (1.0, 0.9), "USA": (2.0, 0.8), "TWN": (4.0, 1.0),
               "MYS": (1.5, 1.2), "SGP": (1.5, 1.0), "HKG": (0.6, 2.0)},
    "equipment": {"KOR": (0.4, 3.0), "CHN": (0.2, 3.5), "JPN": (5.0, 0.6), "USA": (4.0, 0.8), "NLD": (4.0, 0.5),
                  "TWN": (0.3, 3.0), "SGP": (1.0, 1.0)},
    "materials": {"KOR": (0.8, 1.8), "CHN": (1.5, 2.0), "JPN": (3.0, 0.8), "USA": (1.5, 0.8), "DEU": (1.5, 0.7),
                  "TWN": (0.8, 2.0)},
}
MEMORY_LINES = "HSK"  # national memory lines simulated for every economy, using these codes


def _years() -> np.ndarray:
    return np.arange(FIRST_YEAR, LAST_YEAR + 1)


def generate(seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (flows, totals) of the demo edition; the same seed gives the same tables."""
    rng = np.random.default_rng(seed)
    names = list(ECONOMIES) + [REST]
    n, years = len(names), _years()
    tt = years - FIRST_YEAR
    codes = list(MARKETS)
    sector_of = dict(zip(load_products()["code"], load_products()["sector"]))
    size = np.array([v[0] for v in ECONOMIES.values()] + [REST_SIZE])
    semi = np.array([v[1] for v in ECONOMIES.values()] + [0.8])

    # Totals of all goods: each economy grows on its own path.
    growth = rng.normal(0.05, 0.02, n)
    wobble = np.cumsum(rng.normal(0, 0.04, (n, len(years))), axis=1)
    exports_all = size[:, None] * 1e9 * np.exp(growth[:, None] * tt + wobble)
    imports_all = exports_all * rng.uniform(0.85, 1.1, n)[:, None]

    # True shipments T[e, i, k, t] = market * exporter share * destination share.
    T = np.zeros((n, n, len(codes), len(years)))
    for k, code in enumerate(codes):
        base, g = MARKETS[code]
        cycle = 1 + (0.15 * np.sin(2 * np.pi * tt / 4) if code == "854232" else 0)
        market = base * 1e9 * np.exp(g * tt) * cycle
        roles = ROLES.get(sector_of.get(code, ""), {})
        supply = np.array([roles.get(e, (1.0, 1.0))[0] for e in names])
        demand = np.array([roles.get(e, (1.0, 1.0))[1] for e in names])
        strength = semi * supply * rng.lognormal(0, 0.5, n)
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

    reporters = list(ECONOMIES)
    frames = [_bilateral_rows(X, M, names, reporters, codes, years)]
    frames.append(_world_rows(X, M, names, reporters, codes, years))
    flows = pd.concat(frames, ignore_index=True)
    flows = pd.concat([flows, _memory_lines(flows, rng)], ignore_index=True)
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


def _memory_lines(flows: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Split 854232 into the national memory lines, from the year those lines are valid.

    Each exporter has its own product mix (DRAM, SRAM, flash, MCP), tilted by each trading
    pair's taste and drifting over time; both reports of a shipment use the same split, so mirror
    consistency holds.
    """
    products = load_products()
    lines = products[(products["code_system"] == MEMORY_LINES)]
    first_year = max(FIRST_YEAR, REVISION_YEARS[lines["hs_revisions"].iloc[0].split()[0]])
    memory = flows[(flows["code"] == "854232") & (flows["year"] >= first_year)].copy()
    exporter = np.where(memory["flow"] == "X", memory["reporter"], memory["partner"])
    economies = sorted(set(exporter))
    mix = rng.dirichlet([6, 1, 4, 2], len(economies))
    mix_of = dict(zip(economies, mix))
    importer = np.where(memory["flow"] == "X", memory["partner"], memory["reporter"])
    pairs = sorted(set(zip(exporter, importer)))
    taste_of = dict(zip(pairs, rng.lognormal(0, 0.5, (len(pairs), len(lines)))))
    out = []
    for j, code in enumerate(lines["code"]):
        part = memory.copy()
        part["code"] = code
        part["code_system"] = MEMORY_LINES
        weight = np.array([mix_of[e][j] * taste_of[(e, i)][j] for e, i in zip(exporter, importer)])
        tilt = 1 + 0.03 * (part["year"].to_numpy() - first_year) * (j - 1.5) / 1.5
        part["value_usd"] = part["value_usd"].to_numpy() * weight * tilt
        out.append(part)
    result = pd.concat(out, ignore_index=True)
    # Keep each flow's lines summing to its 854232 value.
    key = ["year", "reporter", "partner", "flow"]
    result["value_usd"] *= (memory.set_index(key)["value_usd"].reindex(pd.MultiIndex.from_frame(result[key])).to_numpy()
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
    """n distinct three-letter codes, the real focus economies first."""
    head = ["KOR", "CHN", "JPN", "USA", "TWN", "DEU", "NLD", "SGP", "MYS", "VNM"]
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    rest = (f"Z{a}{b}" for a in letters for b in letters)
    return (head + [next(rest) for _ in range(max(0, n - len(head)))])[:n]
