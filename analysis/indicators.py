"""The indicator engine: TSI, RCA/RSCA, GL, export and import intensity, market share.

Pure functions on the canonical tables. Internally the flows become dense arrays indexed
(year, reporter, partner, product); every formula is then one vectorised expression, and
the result is one tidy table: year, reporter, partner, group, indicator, variant, value,
reason. A value that cannot be computed is missing, with the reason, never 0 or an error.

`FORMULAS` documents every indicator once; the methods appendix prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from .products import Group, report_groups as default_groups
from .schema import WORLD

@dataclass(frozen=True)
class Formula:
    """One indicator as the methods appendix prints it."""

    name: str
    title: str
    latex: str
    meaning: str


FORMULAS: dict[str, Formula] = {
    "TSI": Formula(
        "TSI",
        "Trade Specialization Index",
        r"TSI_{cp} = \frac{X_{cp} - M_{cp}}{X_{cp} + M_{cp}}",
        "Net exports of product group p as a share of c's trade in p; in [-1, 1]. Bands: very "
        "strong 0.5 to 1, strong 0 to 0.5, neutral 0, weak -0.5 to 0, very weak -1 to -0.5.",
    ),
    "RCA": Formula(
        "RCA",
        "Revealed Comparative Advantage (Balassa)",
        r"RCA_{cp} = \frac{X_{cp} / X_{c}}{X_{wp} / X_{w}}",
        "Share of p in c's exports of all goods relative to p's share in world exports of all goods.",
    ),
    "RSCA": Formula(
        "RSCA",
        "Revealed Symmetric Comparative Advantage",
        r"RSCA_{cp} = \frac{RCA_{cp} - 1}{RCA_{cp} + 1}",
        "RCA mapped onto [-1, 1]; positive values mean a comparative advantage.",
    ),
    "GL": Formula(
        "GL",
        "Grubel-Lloyd index of intra-industry trade",
        r"GL_{cdp} = 1 - \frac{|X_{cdp} - M_{cdp}|}{X_{cdp} + M_{cdp}}",
        "Share of two-way trade in c's trade with partner d in p; in [0, 1]. Variant `sum` applies "
        "the formula to the group's summed flows; variant `lines` is the aggregate over the "
        "group's lines k: $\\sum_k (X_k + M_k - |X_k - M_k|) / \\sum_k (X_k + M_k)$.",
    ),
    "EI": Formula(
        "EI",
        "Export intensity",
        r"EI_{cdp} = \frac{X_{cdp} / X_{cp}}{M_{dp} / M_{wp}}",
        "Partner d's share in c's exports of p relative to d's share in world imports of p; 1 means "
        "d weighs in c's exports as much as in world trade. Variant `excl-reporter` uses "
        "$M_{wp} - M_{cp}$ as the world total.",
    ),
    "II": Formula(
        "II",
        "Import intensity",
        r"II_{cdp} = \frac{M_{cdp} / M_{cp}}{X_{dp} / X_{wp}}",
        "Partner d's share in c's imports of p relative to d's share in world exports of p. "
        "Variant `excl-reporter` uses $X_{wp} - X_{cp}$ as the world total.",
    ),
    "share": Formula(
        "share",
        "World market share",
        r"S_{cp} = \frac{X_{cp}}{X_{wp}}",
        "c's exports of p as a share of world exports of p.",
    ),
}
NOTATION = (
    "X = exports, M = imports, c = reporter, d = partner, p = product group, w = world, "
    "t = year (omitted). Values in USD; a group's flows are the sum over its codes; $X_c$ and $X_w$ "
    "are exports of all goods."
)

# How "the world" of an indicator is defined; every computation takes one, named in the output.
WORLDS: dict[str, str] = {
    "reported": "world as the source reports it (its World rows, and the World total of all goods)",
    "reporters": "world = the sum over the coverage's own reporters (for RCA and RSCA, the reporters of the "
                 "product that also have a total of all goods, summed the same way)",
    "panel": "world = every economy of a closed panel (a file of the economies' trade with each other), "
             "whether or not it has a flow of the product: a flow the file leaves out is below its reporting "
             "floor and counts as none; for RCA and RSCA, every such economy with a total of all goods",
}

OUTPUT_COLUMNS = ["year", "reporter", "partner", "group", "indicator", "variant", "value", "reason"]
INDICATORS = ["TSI", "RCA", "RSCA", "GL", "EI", "II", "share"]
VARIANTS = ["standard", "sum", "lines", "excl-reporter"]
# Why a value is missing; arrays carry the position in this list (0 = not missing).
REASONS = [
    "", "no flow reported", "exports missing", "imports missing", "0/0: no trade", "no line with both flows",
    "0/0: zero denominator", "0/0: no exports", "0/0: no world exports",
    "X_cp missing", "X_c (all goods) missing", "X_wp missing", "X_w (all goods) missing", "X_cdp missing",
    "M_cdp missing", "M_cp missing", "M_dp (partner's imports) missing", "X_dp (partner's exports) missing",
    "M_wp missing", "incomplete year: fewer reporters than the source's other years",
]
_REASON = {r: i for i, r in enumerate(REASONS)}


def tsi_band(value: float) -> str:
    """Name the TSI band of a value: 0.5 and above very strong, down to -0.5 and below very weak."""
    if value is None or not np.isfinite(value):
        return "not available"
    if value == 0:
        return "neutral"
    if value >= 0.5:
        return "very strong"
    if value > 0:
        return "strong"
    if value > -0.5:
        return "weak"
    return "very weak"


def _labels(values: pd.Series) -> list[str]:
    """Distinct labels of a column (a categorical's categories, without scanning its rows)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [str(v) for v in values.cat.categories]
    return [str(v) for v in values.unique()]


def _positions(index: pd.Index, values: pd.Series) -> np.ndarray:
    """Positions of values in an index; categorical columns are mapped once per category."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        lookup = index.get_indexer(values.cat.categories.astype(str)).astype(np.int32)
        return lookup[values.cat.codes.to_numpy()]
    return index.get_indexer(values.astype(str)).astype(np.int32)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    out[~np.isfinite(out)] = np.nan
    return out


class Panel:
    """Dense arrays of a flows table: X and M indexed [year, reporter, partner, product].

    Missing cells are NaN (no row in the data), which is different from a reported zero.
    """

    def __init__(self, flows: pd.DataFrame, totals: pd.DataFrame | None, products: list[Group] | None,
                 level: str = "group"):
        if level not in ("group", "code"):
            raise ValueError(f"level must be 'group' or 'code', not {level!r}")
        self.level = level
        year = flows["year"].to_numpy()
        first = int(year.min())
        present_years = np.bincount(year - first) > 0
        self.years = np.flatnonzero(present_years) + first
        econ = pd.Index(sorted(set(_labels(flows["reporter"])) | set(_labels(flows["partner"])) | {WORLD}))
        self.econ = econ
        codes = pd.Index(sorted(set(_labels(flows["code"]))))
        self.codes = codes
        t = (np.cumsum(present_years) - 1)[year - first]
        c = _positions(econ, flows["reporter"])
        d = _positions(econ, flows["partner"])
        k = _positions(codes, flows["code"])
        # National tariff lines (HSK, CCC, ...) have no world total unless the data give one.
        national = set()
        if "code_system" in flows:
            systems = flows.drop_duplicates("code")[["code", "code_system"]]
            national = {str(c) for c, sysname in zip(systems["code"], systems["code_system"])
                        if not str(sysname).startswith("HS")}
        self.national_codes = np.array([c in national for c in codes], bool)
        shape = (len(self.years), len(econ), len(econ), len(codes))
        n = int(np.prod(shape))
        # One pass for both flows: (0 for X, 1 for M) * cells + cell index, built in place.
        flat = (flows["flow"] != "X").to_numpy().astype(np.int64)
        flat *= shape[0]
        flat += t
        for step, pos in ((shape[1], c), (shape[2], d), (shape[3], k)):
            flat *= step
            flat += pos
        sums = np.bincount(flat, weights=flows["value_usd"].to_numpy(dtype=float), minlength=2 * n).astype(float)
        seen = np.zeros(2 * n, bool)
        seen[flat] = True
        sums[~seen] = np.nan
        code_cube = {"X": sums[:n].reshape(shape), "M": sums[n:].reshape(shape)}
        if level == "code":
            self.products = list(codes)
            self.X, self.M = code_cube["X"], code_cube["M"]
            self.lines_X = self.lines_M = None
            self.national = self.national_codes
        else:
            groups = [g for g in (products or default_groups()) if any(code in codes for code in g.codes)]
            self.products = [g.key for g in groups]
            member = np.zeros((len(codes), len(groups)))
            for j, g in enumerate(groups):
                pos = codes.get_indexer(list(g.codes))
                member[pos[pos >= 0], j] = 1.0
            # A group is national when none of its codes in the data is an HS code.
            self.national = member[~self.national_codes].sum(axis=0) == 0
            self.X = self._aggregate(code_cube["X"], member)
            self.M = self._aggregate(code_cube["M"], member)
            self.lines_X, self.lines_M, self.member = code_cube["X"], code_cube["M"], member
        self.totals = self._totals(totals)

    @staticmethod
    def _aggregate(cube: np.ndarray, member: np.ndarray) -> np.ndarray:
        """Sum codes into groups; a group cell is missing only if all its codes are."""
        missing = np.isnan(cube)
        present = (~missing).astype(float) @ member
        out = np.where(missing, 0.0, cube) @ member
        out[present == 0] = np.nan
        return out

    def _totals(self, totals: pd.DataFrame | None) -> dict[str, np.ndarray]:
        """Totals of all goods per [year, economy]; world from WLD rows or the sum of reporters."""
        out = {}
        for flow in ("X", "M"):
            arr = np.full((len(self.years), len(self.econ)), np.nan)
            if totals is not None and len(totals):
                sub = totals[(totals["flow"] == flow) & totals["year"].isin(self.years)]
                sub = sub.groupby(["year", "reporter"], as_index=False)["value_usd"].sum()
                t = np.searchsorted(self.years, sub["year"].to_numpy())
                e = self.econ.get_indexer(sub["reporter"])
                ok = e >= 0
                arr[t[ok], e[ok]] = sub["value_usd"].to_numpy()[ok]
                w = self.econ.get_loc(WORLD)
                missing_world = np.isnan(arr[:, w])
                others = np.delete(arr, w, axis=1)
                arr[missing_world, w] = np.nansum(others, axis=1)[missing_world]
            out[flow] = arr
        return out

    def world_flow(self, cube: np.ndarray) -> np.ndarray:
        """[year, economy, product] flow with the world: the partner-WLD slice."""
        return cube[:, :, self.econ.get_loc(WORLD), :]

    def summed_world(self, cube: np.ndarray, among: np.ndarray | None = None) -> np.ndarray:
        """[year, product] sum over reporters of their flow with the world (`among`: a [year, economy,
        product] mask of the reporters to include). Never for national lines."""
        w = self.econ.get_loc(WORLD)
        slice_ = self.world_flow(cube).copy()
        slice_[:, w, :] = np.nan
        if among is not None:
            slice_[~among] = np.nan
        summed = np.nansum(slice_, axis=1)
        summed[np.all(np.isnan(slice_), axis=1)] = np.nan
        summed[:, self.national] = np.nan  # a sum of national lines over reporters is no world total
        return summed

    def world_total(self, cube: np.ndarray) -> np.ndarray:
        """[year, product] world flow: reporter WLD rows, else the sum over reporters."""
        w = self.econ.get_loc(WORLD)
        explicit = cube[:, w, w, :]
        return np.where(np.isnan(explicit), self.summed_world(cube), explicit)


def _reason_bilateral(x: np.ndarray, m: np.ndarray) -> np.ndarray:
    labels = ["no flow reported", "exports missing", "imports missing", "0/0: no trade"]
    return np.select([np.isnan(x) & np.isnan(m), np.isnan(x), np.isnan(m), (x + m) == 0],
                     [np.int8(_REASON[r]) for r in labels], np.int8(0)).astype(np.int8)


@dataclass
class _Part:
    """One indicator array and the cells of it that go into the output."""

    value: np.ndarray
    reason: np.ndarray
    keep: np.ndarray
    indicator: str
    variant: str
    partner_axis: bool


def _frame(panel: Panel, parts: list[_Part]) -> pd.DataFrame:
    """Write every part's kept cells straight into the output columns (no concatenation)."""
    sizes = [int(np.count_nonzero(p.keep)) for p in parts]
    total = sum(sizes)
    dtypes = {"year": np.int16, "reporter": np.int16, "partner": np.int16, "group": np.int16,
              "indicator": np.int8, "variant": np.int8, "value": np.float64, "reason": np.int8}
    cols = {name: np.empty(total, dtype) for name, dtype in dtypes.items()}
    n_econ, world = len(panel.econ), panel.econ.get_loc(WORLD)
    start = 0
    for part, size in zip(parts, sizes):
        sl = slice(start, start + size)
        flat = np.flatnonzero(part.keep)
        shape = part.value.shape
        vals = part.value.reshape(-1)[flat]
        cols["value"][sl] = vals
        reason = np.broadcast_to(part.reason, shape)
        why = reason.reshape(-1)[flat] if reason.flags.c_contiguous else reason[np.unravel_index(flat, shape)]
        cols["reason"][sl] = np.where(np.isnan(vals), why, 0)
        rest, cols["group"][sl] = np.divmod(flat, shape[-1])
        if part.partner_axis:
            rest, cols["partner"][sl] = np.divmod(rest, n_econ)
        else:
            cols["partner"][sl] = world
        t, cols["reporter"][sl] = np.divmod(rest, n_econ)
        cols["year"][sl] = panel.years[t]
        cols["indicator"][sl] = INDICATORS.index(part.indicator)
        cols["variant"][sl] = VARIANTS.index(part.variant)
        start += size
    categories = {"reporter": panel.econ, "partner": panel.econ, "group": pd.Index(panel.products),
                  "indicator": INDICATORS, "variant": VARIANTS, "reason": REASONS}
    for name, cats in categories.items():
        cols[name] = pd.Categorical.from_codes(cols[name], categories=cats, validate=False)
    return pd.DataFrame(cols, copy=False)[OUTPUT_COLUMNS]


def _undefined(values: np.ndarray, inputs: list[tuple[np.ndarray, str]], fallback: str) -> np.ndarray:
    """Reason code for each cell: the first missing input, else `fallback` where the value is undefined."""
    conds = [np.isnan(arr) for arr, _ in inputs] + [np.isnan(values)]
    codes = [np.int8(_REASON[f"{label} missing"]) for _, label in inputs] + [np.int8(_REASON[fallback])]
    return np.select(conds, codes, np.int8(0)).astype(np.int8)


def compute(flows: pd.DataFrame, totals: pd.DataFrame | None = None, *, level: str = "group",
            products: list[Group] | None = None, reporters: Iterable[str] | None = None,
            partners: Iterable[str] | None = None, years: Iterable[int] | None = None,
            world: str = "reported") -> pd.DataFrame:
    """All indicators for the panel, as one tidy table (see `OUTPUT_COLUMNS`).

    `level` is "group" (sectors and segments of the product table) or "code" (each code).
    Reporters, partners and years filter the output, not the inputs (world totals need all).
    `world` names the world every denominator uses (see `WORLDS`); the flows must be one coverage.
    """
    panel = Panel(flows, totals, products, level)
    return compute_panel(panel, reporters=reporters, partners=partners, years=years, world=world)


def compute_panel(panel: Panel, *, reporters: Iterable[str] | None = None, partners: Iterable[str] | None = None,
                  years: Iterable[int] | None = None, world: str = "reported") -> pd.DataFrame:
    """Indicators from an already built `Panel`."""
    if world not in WORLDS:
        raise ValueError(f"world must be one of {', '.join(WORLDS)}, not {world!r}")
    X, M = panel.X, panel.M
    Xc, Mc = panel.world_flow(X), panel.world_flow(M)          # [t, c, p]
    tot_x = panel.totals["X"]                                   # [t, c]
    w = panel.econ.get_loc(WORLD)
    if world == "reported":
        Xw, Mw = panel.world_total(X), panel.world_total(M)    # [t, p]
        xw_rca = Xw
        txw_rca = np.broadcast_to(tot_x[:, w][:, None], Xw.shape)
    else:
        Xw, Mw = panel.summed_world(X), panel.summed_world(M)
        # RCA's world: the reporters of p (of any product, in a closed panel) that also have a total of
        # all goods, both summed alike.
        reports = ~np.isnan(Xc)
        if world == "panel":
            reports = np.broadcast_to(reports.any(axis=2, keepdims=True), Xc.shape)
        among = reports & ~np.isnan(tot_x)[:, :, None]
        among[:, w, :] = False
        xw_rca = panel.summed_world(X, among)
        txw_rca = np.where(among, tot_x[:, :, None], 0.0).sum(axis=1)
        txw_rca[np.isnan(xw_rca)] = np.nan
    rep_mask = np.ones(len(panel.econ), bool)
    rep_mask[w] = False
    if reporters is not None:
        rep_mask &= panel.econ.isin(list(reporters))
    par_mask = np.ones(len(panel.econ), bool) if partners is None else panel.econ.isin(list(partners))
    year_mask = np.ones(len(panel.years), bool) if years is None else np.isin(panel.years, list(years))
    sel3 = year_mask[:, None, None] & rep_mask[None, :, None]
    sel4 = sel3[..., None] & par_mask[None, None, :, None]
    parts: list[_Part] = []

    # Reporter-level indicators against the world (partner = WLD).
    has_world = ~(np.isnan(Xc) & np.isnan(Mc)) & sel3
    rca = _ratio(_ratio(Xc, tot_x[:, :, None]), _ratio(xw_rca, txw_rca)[:, None, :])
    rsca = _ratio(rca - 1, rca + 1)
    share = _ratio(Xc, Xw[:, None, :])
    xw_b = np.broadcast_to(Xw[:, None, :], Xc.shape)
    tx_b = np.broadcast_to(tot_x[:, :, None], Xc.shape)
    txw_b = np.broadcast_to(txw_rca[:, None, :], Xc.shape)
    rca_inputs = [(Xc, "X_cp"), (tx_b, "X_c (all goods)"), (np.broadcast_to(xw_rca[:, None, :], Xc.shape), "X_wp"),
                  (txw_b, "X_w (all goods)")]
    rca_reason = _undefined(rca, rca_inputs, "0/0: no exports")
    parts += [
        _Part(rca, rca_reason, has_world, "RCA", "standard", False),
        _Part(rsca, rca_reason, has_world, "RSCA", "standard", False),
        _Part(share, _undefined(share, [(Xc, "X_cp"), (xw_b, "X_wp")], "0/0: no world exports"),
              has_world, "share", "standard", False),
    ]

    # Bilateral indicators (partner WLD included: TSI and GL against the world).
    has_pair = ~(np.isnan(X) & np.isnan(M)) & sel4
    pair_reason = _reason_bilateral(X, M)
    parts.append(_Part(_ratio(X - M, X + M), pair_reason, has_pair, "TSI", "standard", True))
    gl = 1 - _ratio(np.abs(X - M), X + M)
    parts.append(_Part(gl, pair_reason, has_pair, "GL", "sum", True))
    if panel.lines_X is not None:
        lx, lm = panel.lines_X, panel.lines_M
        both = ~np.isnan(lx) & ~np.isnan(lm)
        overlap = np.where(both, lx + lm - np.abs(lx - lm), 0.0) @ panel.member
        volume = np.where(both, lx + lm, 0.0) @ panel.member
        gl_lines = _ratio(overlap, volume)
        lines_reason = np.where(pair_reason == 0, np.int8(_REASON["no line with both flows"]), pair_reason)
        parts.append(_Part(gl_lines, lines_reason, has_pair, "GL", "lines", True))

    # Trade intensity: partner d's own trade with the world as the benchmark.
    Md = np.broadcast_to(Mc[:, None, :, :], X.shape)     # M_dp: imports of partner d from world
    Xd = np.broadcast_to(Xc[:, None, :, :], X.shape)     # X_dp
    Xcw = np.broadcast_to(Xc[:, :, None, :], X.shape)    # X_cp
    Mcw = np.broadcast_to(Mc[:, :, None, :], X.shape)    # M_cp
    Mw_b = np.broadcast_to(Mw[:, None, None, :], X.shape)
    Xw_b = np.broadcast_to(Xw[:, None, None, :], X.shape)
    not_world = np.ones(len(panel.econ), bool)
    not_world[w] = False
    has_x = ~np.isnan(X) & sel4 & not_world[None, None, :, None]
    has_m = ~np.isnan(M) & sel4 & not_world[None, None, :, None]
    for variant, m_world, x_world in (("standard", Mw_b, Xw_b), ("excl-reporter", Mw_b - Mcw, Xw_b - Xcw)):
        ei = _ratio(_ratio(X, Xcw), _ratio(Md, m_world))
        ei_reason = _undefined(ei, [(X, "X_cdp"), (Xcw, "X_cp"), (Md, "M_dp (partner's imports)"),
                                    (m_world, "M_wp")], "0/0: zero denominator")
        parts.append(_Part(ei, ei_reason, has_x, "EI", variant, True))
        ii = _ratio(_ratio(M, Mcw), _ratio(Xd, x_world))
        ii_reason = _undefined(ii, [(M, "M_cdp"), (Mcw, "M_cp"), (Xd, "X_dp (partner's exports)"),
                                    (x_world, "X_wp")], "0/0: zero denominator")
        parts.append(_Part(ii, ii_reason, has_m, "II", variant, True))

    return _frame(panel, parts)

