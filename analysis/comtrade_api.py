"""UN Comtrade+ downloads through the official `comtradeapicall` client, cached on disk.

The subscription key comes from $COMTRADE_KEY or a `.env` file (which git ignores); it is
never written to a file, a log or an error message. Each request is saved as JSON under
data/raw/comtrade/ named after its parameters, so a repeated request reads the cache and the
importers treat the files like any other Comtrade+ JSON. Documented limits of the API apply
(records per call, calls per day for the key's tier); a response at the record limit is
refused rather than silently truncated.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

from . import countries, store
from .paths import DATA, ROOT

ENV_KEY = "COMTRADE_KEY"
MAX_RECORDS = 250_000
CACHE = DATA / "raw" / "comtrade"


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


class _Redacting(logging.Filter):
    """A logging filter that takes the key out of every record before any handler sees it."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self.key)
        record.args = ()
        return True


@contextlib.contextmanager
def quiet_client(key: str, echo: Callable[[str], None] | None = None) -> Iterator[None]:
    """Run third-party client code with everything it prints or logs captured and redacted.

    The official client prints request URLs (which carry the subscription key) with `print`; here
    its stdout and stderr go to a buffer, and logging records pass a redacting filter. What was
    printed is handed to `echo` (default: stderr) only after the key has been removed.
    """
    buffer = io.StringIO()
    filt = _Redacting(key)
    root = logging.getLogger()
    handlers = list(root.handlers)
    for h in handlers:
        h.addFilter(filt)
    root.addFilter(filt)
    try:
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            yield
    finally:
        root.removeFilter(filt)
        for h in handlers:
            h.removeFilter(filt)
        text = redact(buffer.getvalue(), key).strip()
        if text:
            (echo or (lambda t: print(t, file=sys.stderr)))(text)


def _m49(iso: str) -> str:
    table = countries.table().set_index("iso3")
    if iso not in table.index or not table.loc[iso, "comtrade_code"]:
        raise ComtradeError(f"no Comtrade code for economy {iso!r} in data/reference/countries.csv")
    return table.loc[iso, "comtrade_code"]


def fetch(reporters: list[str], years: list[int], codes: list[str], *, partners: list[str] | None = None,
          flows: str = "X,M", folder: Path = CACHE, key: str | None = None,
          client: Callable[..., Any] | None = None) -> list[Path]:
    """Download annual HS data, one cached JSON file per year; returns the files."""
    key = key or subscription_key()
    if not key:
        raise ComtradeError(f"no Comtrade subscription key: set {ENV_KEY} in the environment or in .env")
    if client is None:
        import comtradeapicall

        client = comtradeapicall.getFinalData
    params = {"typeCode": "C", "freqCode": "A", "clCode": "HS",
              "reporterCode": ",".join(_m49(r) for r in reporters), "cmdCode": ",".join(codes),
              "flowCode": flows, "partnerCode": ",".join(_m49(p) for p in partners) if partners else None,
              "partner2Code": "0", "customsCode": "C00", "motCode": "0"}
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for year in years:
        request = {**params, "period": str(year)}
        name = hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()[:16]
        path = folder / f"comtrade-{year}-{name}.json"
        if not path.exists():
            try:
                with quiet_client(key):
                    df = client(key, maxRecords=MAX_RECORDS, format_output="JSON", includeDesc=True,
                                breakdownMode="classic", **request)
            except Exception as exc:  # the client raises many kinds; none may leak the key
                raise ComtradeError(f"Comtrade request for {year} failed: {redact(str(exc), key)}") from None
            if df is None:
                raise ComtradeError(f"Comtrade returned no data for {year} (check the key's quota and the codes)")
            if len(df) >= MAX_RECORDS:
                raise ComtradeError(f"Comtrade request for {year} hit the {MAX_RECORDS:,}-record limit; "
                                    "split it by reporter or code")
            records = json.loads(df.to_json(orient="records"))
            store.write_json({"parameters": request, "data": records}, path)
        out.append(path)
    return out
