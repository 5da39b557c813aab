"""A full refresh from UN Comtrade+: planned from the product table, safe against the API's limits.

`plan` derives every request the chapter needs (bilateral trade of the focus economies, world
trade and Chinese Taipei's mirror flows per code, totals of all goods, release dates), each
batched under the per-call record cap. `refresh` runs a plan: one cached JSON file per request,
written only when the whole response has arrived (so a re-run fetches only what is missing, and
an interrupted refresh resumes), retries with exponential backoff and jitter on 429, 5xx and
timeouts (honouring Retry-After), and a request that comes back at the record cap is split and
asked again rather than kept truncated.

The HTTP calls go through urllib3 to the documented endpoints rather than through the official
`comtradeapicall` client, which prints responses (and URLs that carry the key) instead of
returning status codes, and so cannot honour Retry-After. The subscription key comes from
$COMTRADE_KEY or `.env` and travels in the `Ocp-Apim-Subscription-Key` header, never in a URL;
it is never written to a file, a log or a message. Without a key, `preview=True` uses the
public preview endpoint (500 records per call).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import http.client
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import config, countries, products, store
from .paths import DATA, ROOT

ENV_KEY = "COMTRADE_KEY"
ENV_BASE_URL = "COMTRADE_BASE_URL"      # a mirror or a test server instead of the public API
CACHE = DATA / "raw" / "comtrade"
BASE_URL = "https://comtradeapi.un.org"
# Documented limits of the API (UN Comtrade help centre, 2025): with a free subscription key,
# 500 calls a day and 100,000 records per call; the keyless preview returns at most 500 records.
RECORDS_PER_CALL = 100_000
PREVIEW_RECORDS = 500
CALLS_PER_DAY = 500
SECONDS_PER_CALL = 1.0          # the API asks for no more than about one call a second
REPORTERS_ALL = 200             # economies that report in a typical year, for estimates
MAX_RETRIES = 6
MAX_PERIODS = 12                # periods one call may ask for
MAX_WAIT = 300.0                # the longest wait before a retry, whatever Retry-After asks (seconds)
REQUEST_SECONDS = 600.0         # one request, body included, ends within this time
READ_SECONDS = 60.0             # the longest silence within a request
RUN_SECONDS = 6 * 3600.0        # a whole refresh ends within this time (what was fetched is kept)
MAX_BODY_BYTES = 1 << 30        # a response larger than this once decompressed is refused (100,000 records ≈ 150 MB)
CHUNK_BYTES = 1 << 16
AGAIN = "run the refresh again later: what was fetched is kept and only the rest is asked for"


class ComtradeError(RuntimeError):
    """A download failed; the message never contains the key."""


def subscription_key(env_file: Path = ROOT / ".env") -> str | None:
    """$COMTRADE_KEY, else the COMTRADE_KEY line of a .env file, else None."""
    if os.environ.get(ENV_KEY):
        return os.environ[ENV_KEY].strip()
    if env_file.exists():
        for line in env_file.read_text().splitlines():
            name, _, value = line.partition("=")
            if name.strip() == ENV_KEY and value.strip():
                return value.strip().strip("'\"")
    return None


def redact(text: str, key: str | None) -> str:
    """Remove the key from any text that might be shown."""
    return text.replace(key, "***") if key else text


def _m49(iso: str) -> str:
    table = countries.table().set_index("iso3")
    if iso not in table.index or not table.loc[iso, "comtrade_code"]:
        raise ComtradeError(f"no Comtrade code for economy {iso!r} in data/reference/countries.csv")
    return str(table.loc[iso, "comtrade_code"])


# --- the plan ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Request:
    """One API call: what it asks for, why, and how many records it should return at most."""

    purpose: str
    endpoint: str                  # "get" (final data), "preview" (keyless) or "availability"
    reporters: tuple[str, ...]     # Comtrade codes; () = all reporters
    partners: tuple[str, ...]      # Comtrade codes; () = all partners
    codes: tuple[str, ...]
    flows: tuple[str, ...]
    years: tuple[int, ...]

    @property
    def estimate(self) -> int:
        """Records the call returns at most (one per reporter, partner, code, flow and year)."""
        if self.endpoint == "availability":
            return REPORTERS_ALL * len(self.years)
        reporters = len(self.reporters) or REPORTERS_ALL
        partners = len(self.partners) or REPORTERS_ALL
        return reporters * partners * len(self.codes) * len(self.flows) * len(self.years)

    def params(self) -> dict[str, str]:
        """The query parameters (the key is not among them)."""
        out = {"period": ",".join(str(y) for y in self.years)}
        if self.reporters:
            out["reporterCode"] = ",".join(self.reporters)
        if self.endpoint == "availability":
            return out
        out |= {"cmdCode": ",".join(self.codes), "flowCode": ",".join(self.flows), "partner2Code": "0",
                "customsCode": "C00", "motCode": "0", "includeDesc": "true", "breakdownMode": "classic"}
        if self.partners:
            out["partnerCode"] = ",".join(self.partners)
        return out

    @property
    def name(self) -> str:
        """The cache file name: purpose, years and a hash of the parameters."""
        digest = hashlib.sha256(json.dumps([self.endpoint, self.params()], sort_keys=True).encode()).hexdigest()[:12]
        years = f"{self.years[0]}-{self.years[-1]}" if len(self.years) > 1 else str(self.years[0])
        return f"{self.purpose}-{years}-{digest}.json"

    def split(self) -> list["Request"]:
        """Two halves of a request that is too large: by years, codes, flows, partners, then reporters."""
        for attr in ("years", "codes", "flows", "partners", "reporters"):
            values = getattr(self, attr)
            if len(values) > 1:
                mid = len(values) // 2
                return [dataclasses.replace(self, **{attr: values[:mid]}),
                        dataclasses.replace(self, **{attr: values[mid:]})]
        raise ComtradeError(f"request {self.name} cannot be split further but returns more than the record cap")


def _batched(request: Request, cap: int) -> list[Request]:
    """Split a request until every part's estimate is under the cap (and its years under MAX_PERIODS)."""
    if request.estimate <= cap and len(request.years) <= MAX_PERIODS:
        return [request]
    return [part for half in request.split() for part in _batched(half, cap)]


def plan(years: Iterable[int], *, preview: bool = False, codes: Iterable[str] | None = None,
         focus: Iterable[str] | None = None, partners: Iterable[str] | None = None) -> list[Request]:
    """Every request a full edition needs, batched under the per-call record cap.

    Codes default to the product table's HS codes (optional segments included); focus economies
    and partners to the report's configuration.
    """
    import re

    cfg = config.load()
    years = tuple(sorted(set(int(y) for y in years)))
    table = products.load_products()
    if codes is not None:
        codes = [str(c).strip() for c in codes]
        bad = [c for c in codes if not re.fullmatch(r"[0-9]{2}|[0-9]{4}|[0-9]{6}", c)]
        if not codes or bad:
            raise ComtradeError(f"--codes {','.join(codes)!r}: an HS code is 2, 4 or 6 digits "
                                f"({'none given' if not codes else repr(bad[0])}), e.g. --codes 854232,8486")
    codes = tuple(codes or sorted(table.loc[table["code_system"].str.startswith("HS"), "code"]))
    focus = tuple(_m49(e) for e in (focus or cfg.focus))
    partner_iso = [p for p in dict.fromkeys([*(partners or cfg.partners), *cfg.focus]) if p not in ("WLD", countries.non_reporter())]
    taipei = countries.non_reporter_code()   # "Other Asia, nes": the non-reporter as a partner in others' reports
    partner_codes = tuple(sorted({_m49(p) for p in partner_iso} | {"0", taipei}))
    endpoint = "preview" if preview else "get"
    cap = PREVIEW_RECORDS if preview else RECORDS_PER_CALL
    wanted = [
        # The focus economies' trade with the chapter's partners, Chinese Taipei (490) and the world.
        *(Request("bilateral", endpoint, (r,), partner_codes, codes, ("X", "M"), years) for r in focus),
        # Every reporter against the world and against Chinese Taipei: world totals per code, and
        # Chinese Taipei's trade from its partners' reports (mirror flows).
        Request("world", endpoint, (), ("0", taipei), codes, ("X", "M"), years),
        # Totals of all goods of every reporter, for RCA and RSCA.
        Request("totals", endpoint, (), ("0",), ("TOTAL",), ("X", "M"), years),
    ]
    out = [part for r in wanted for part in _batched(r, cap)]
    if not preview:   # release dates of every reporter and year first: each response records its vintage
        out = [Request("availability", "availability", (), (), (), (), (y,)) for y in years] + out
    return out


@dataclass
class PlanSummary:
    calls: int
    records: int
    days: float
    minutes: float


def summarise(requests: list[Request], preview: bool = False) -> PlanSummary:
    """Calls, estimated records, days of the daily quota and time a plan costs."""
    calls = len(requests)
    return PlanSummary(calls, sum(r.estimate for r in requests),
                       calls / CALLS_PER_DAY if not preview else 0.0, calls * (SECONDS_PER_CALL + 2.0) / 60)


# --- running it -----------------------------------------------------------------------------------

@dataclass
class Report:
    """What a refresh did: calls made, rows received, retries, requests split, and gaps."""

    calls: int = 0
    cached: int = 0
    rows: int = 0
    retries: int = 0
    splits: int = 0
    gaps: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


class Transport:
    """GET with retries: exponential backoff with jitter on 429, 5xx, timeouts and failed responses,
    honouring Retry-After up to `max_wait`. Each request has a total deadline (`timeout`: a body that
    trickles in still ends) and the whole run another (`run_timeout`); a body larger than `max_bytes`
    once decompressed is refused. Returns the decoded JSON, checked (a `data` list of records whose
    length matches `count`); the key goes in a header and never into a message."""

    def __init__(self, key: str | None, base_url: str | None = None, retries: int = MAX_RETRIES,
                 backoff: float = 1.0, timeout: float = REQUEST_SECONDS, sleep: Callable[[float], None] = time.sleep,
                 *, run_timeout: float = RUN_SECONDS, max_bytes: int = MAX_BODY_BYTES, max_wait: float = MAX_WAIT,
                 clock: Callable[[], float] = time.monotonic, notify: Callable[[str], None] | None = None):
        import urllib3

        self.key = check_key(key)
        self.base_url = base_url_from(base_url, key)
        self.sleep = sleep
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_wait = max_wait
        self.clock = clock
        self.notify = notify       # told of every wait before a retry, so a slow server is never silent
        self.run_ends = clock() + run_timeout
        per_read = min(READ_SECONDS, timeout)
        self.http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=per_read, read=per_read), retries=False)
        self.retried = 0

    def url(self, request: Request) -> str:
        path = {"get": "data/v1/get/C/A/HS", "preview": "public/v1/preview/C/A/HS",
                "availability": "data/v1/getDa/C/A/HS"}[request.endpoint]
        return f"{self.base_url}/{path}"

    def get(self, request: Request) -> dict:
        import random

        import urllib3

        headers = {"Accept-Encoding": "gzip"}
        if self.key and request.endpoint != "preview":
            headers["Ocp-Apim-Subscription-Key"] = self.key
        for attempt in range(self.retries + 1):
            if self.clock() >= self.run_ends:
                raise ComtradeError(f"{request.name}: the run's time limit is reached; {AGAIN}")
            wait = min(self.backoff * 2 ** attempt * (0.5 + random.random()), self.max_wait)
            ends = min(self.clock() + self.timeout, self.run_ends)
            resp, body = None, None
            try:
                resp = self.http.request("GET", self.url(request), fields=request.params(), headers=headers,
                                         preload_content=False, decode_content=False, redirect=False)
                body = _read_body(resp, ends, self.max_bytes, self.clock)
            except _BodyError as exc:
                problem = str(exc)
            except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as exc:
                problem = f"network error ({type(exc).__name__})"
            else:
                if resp.status == 200:
                    payload, problem = _checked(body)
                    if payload is not None:
                        return payload
                elif resp.status == 429 or resp.status >= 500:
                    problem = f"HTTP {resp.status}"
                    asked = retry_after(resp.headers.get("Retry-After"), float("inf"))
                    if asked > self.max_wait:
                        raise ComtradeError(f"{request.name}: HTTP {resp.status}, and the server asks to wait "
                                            f"{min(asked, 1e9):.0f} s before trying again, more than the "
                                            f"{self.max_wait:.0f} s this client waits; {AGAIN}")
                    wait = max(wait, asked)
                else:
                    # the whole body is redacted before it is cut, so no part of the key survives the cut
                    text = redact(body.decode("utf-8", "replace"), self.key)[:200]
                    raise ComtradeError(f"{request.name}: HTTP {resp.status}: {' '.join(text.split())}")
            finally:
                if resp is not None:
                    if body is None:
                        resp.close()          # a body left unread: the connection is not reused
                    resp.release_conn()
            if attempt == self.retries:
                raise ComtradeError(f"{request.name}: {problem} after {self.retries + 1} attempts; {AGAIN}")
            if self.clock() + wait > self.run_ends:
                raise ComtradeError(f"{request.name}: {problem}, and the run's time limit is reached; {AGAIN}")
            self.retried += 1
            if self.notify:
                self.notify(f"{request.name}: {problem}; retry {attempt + 1} of {self.retries} in {wait:.0f} s")
            self.sleep(wait)
        raise AssertionError("unreachable")


class _BodyError(Exception):
    """A response body that did not arrive whole within its limits (time, size, encoding)."""


def _read_body(resp, ends: float, max_bytes: int, clock: Callable[[], float]) -> bytes:
    """The whole body, decompressed (gzip), read chunk by chunk against the request's deadline and
    the size limit: neither a trickling body nor a decompression bomb can hold the run."""
    import zlib

    encoding = (resp.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip"):
        raise _BodyError(f"a response in an unsupported encoding ({encoding[:20]!r})")
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding == "gzip" else None
    out = bytearray()
    try:
        while True:
            if clock() > ends:
                raise _BodyError("a response that did not arrive within the time limit")
            chunk = resp.read1(CHUNK_BYTES, decode_content=False)
            if not chunk:
                break
            while chunk:
                if inflate is None:
                    part, chunk = chunk, b""
                else:
                    part = inflate.decompress(chunk, max_bytes + 1 - len(out))
                    chunk = inflate.unconsumed_tail
                out += part
                if len(out) > max_bytes:
                    raise _BodyError(f"a response larger than {max_bytes:,} bytes")
                if inflate is not None and not part and chunk:
                    break
    except zlib.error:
        raise _BodyError("a corrupt compressed response") from None
    if inflate is not None and not inflate.eof:
        raise _BodyError("a truncated compressed response")
    return bytes(out)


def _checked(body: bytes) -> tuple[dict | None, str]:
    """The response as JSON if it is whole: an object with a `data` list of records (objects) whose
    length matches its `count` when it gives one; else None and what is wrong."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, "a truncated or malformed response"
    records = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        return None, "a response without a list of records"
    count = payload.get("count", len(records))
    if type(count) is not int or count != len(records):
        return None, f"a response whose count ({str(count)[:20]}) disagrees with its {len(records)} records"
    return payload, ""


def retry_after(value: str | None, cap: float) -> float:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), at most `cap`; 0 if unreadable."""
    import email.utils
    import re

    if not value:
        return 0.0
    if m := re.fullmatch(r"\s*([0-9]+)\s*", value):
        return cap if len(m.group(1)) > 9 else min(float(m.group(1)), cap)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, min((when - dt.datetime.now(dt.timezone.utc)).total_seconds(), cap))


def check_key(key: str | None) -> str | None:
    """The key if it can travel in a header: printable ASCII only. A key with a line break or another
    control character (a damaged .env) is refused before use, and the message does not show it."""
    if key and not all("!" <= ch <= "~" for ch in key):
        raise ComtradeError(f"{ENV_KEY} contains a space, a line break or another character a subscription key "
                            "does not have: copy the key again into the environment or .env (it is not shown here)")
    return key


def base_url_from(value: str | None, key: str | None) -> str:
    """The API's address: `value`, else $COMTRADE_BASE_URL (a mirror or a test server), else the
    public API. It must be an http(s) URL without query; a key is sent over plain http only to this machine."""
    from urllib.parse import urlsplit

    url = (value or os.environ.get(ENV_BASE_URL) or BASE_URL).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or any(ord(ch) < 33 for ch in url):
        raise ComtradeError(f"{ENV_BASE_URL} must be an http(s) address such as {BASE_URL}, "
                            f"not {url[:80]!r}")
    if key and parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ComtradeError(f"{ENV_BASE_URL} {url[:80]!r} is plain http: the key would travel unencrypted; "
                            "use https")
    return url.rstrip("/")


def refresh(requests: list[Request], folder: Path = CACHE, *, key: str | None = None, preview: bool = False,
            refresh_cache: bool = False, transport: Transport | None = None,
            progress: Callable[[Request, str], None] | None = None,
            notify: Callable[[str], None] | None = None) -> Report:
    """Run a plan: each request cached as one JSON file, written only once complete (`notify` is told
    of every wait before a retry)."""
    key = key if key is not None else subscription_key()
    if not key and not preview:
        raise ComtradeError(f"no Comtrade subscription key: set {ENV_KEY} in the environment or in .env "
                            "(or try a small keyless refresh with --preview)")
    transport = transport or Transport(None if preview else key, notify=notify)
    cap = PREVIEW_RECORDS if preview else RECORDS_PER_CALL
    folder.mkdir(parents=True, exist_ok=True)
    report = Report()
    released: dict[tuple[str, str], str] = {}     # (reporter, year) -> lastReleased, from the availability calls
    queue = list(requests)
    while queue:
        request = queue.pop(0)
        path = folder / request.name
        if path.exists() and not refresh_cache:
            report.cached += 1
            report.files.append(path)
            if request.endpoint == "availability":
                released |= _released(json.loads(path.read_text()).get("data", []))
            if progress:
                progress(request, "cached")
            continue
        records = transport.get(request)["data"]
        report.calls += 1
        if request.endpoint != "availability" and len(records) >= cap:
            report.splits += 1   # at the cap: possibly truncated, so ask again in halves
            queue[:0] = request.split()
            if progress:
                progress(request, "split")
            continue
        if not records:
            report.gaps.append(f"{request.purpose} {request.years[0]}–{request.years[-1]}: no records")
        report.rows += len(records)
        fetched = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        if request.endpoint == "availability":
            released |= _released(records)
            last = max(released.values(), default=None)
        else:
            keys = {(str(r.get("reporterCode")), str(r.get("refYear"))) for r in records}
            last = max((released[k] for k in keys if k in released), default=None)
        store.write_json({"parameters": request.params(), "purpose": request.purpose, "endpoint": request.endpoint,
                          "fetched_at": fetched, "last_released": last, "data": records}, path)
        report.files.append(path)
        if progress:
            progress(request, "fetched")
    report.retries = transport.retried
    return report


def _released(records: list[dict]) -> dict[tuple[str, str], str]:
    """(reporter, year) -> release date (YYYY-MM-DD) from data-availability records."""
    return {(str(r.get("reporterCode")), str(r.get("period"))): str(r["lastReleased"])[:10]
            for r in records if r.get("lastReleased")}


def vintage(folder: Path) -> dict:
    """The release dates of the data in a cache folder: newest `lastReleased` and the fetch dates."""
    released, fetched = [], []
    for path in sorted(folder.glob("availability-*.json")):
        payload = json.loads(path.read_text())
        fetched.append(payload.get("fetched_at", ""))
        released += [str(r.get("lastReleased", ""))[:10] for r in payload.get("data", []) if r.get("lastReleased")]
    return {"last_released": max(released) if released else None,
            "fetched": [min(fetched), max(fetched)] if fetched else None}
