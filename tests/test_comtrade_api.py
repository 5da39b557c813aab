"""Comtrade refresh, offline: a local HTTP server on 127.0.0.1 replays the API's JSON shape,
including 429 with Retry-After, 500, an empty result, a truncated body and a record-limit response."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from analysis import comtrade_api as api
from analysis import importers
from analysis.comtrade_api import ComtradeError

KEY = "secret-key-123"


def record(year: int, reporter: str, partner: str, code: str, flow: str, value: float) -> dict:
    return {"refYear": year, "reporterCode": int(reporter), "reporterISO": "", "flowCode": flow,
            "partnerCode": int(partner), "partnerISO": "", "partner2Code": 0, "customsCode": "C00", "motCode": 0,
            "cmdCode": code, "classificationCode": "H6", "primaryValue": value}


class Api:
    """A scripted stand-in for the API: `script` maps a call number to a misbehaviour."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.keys: list[str | None] = []
        self.script: dict[int, str] = {}
        self.cap: int | None = None
        self.empty_for: set[str] = set()

    def respond(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlparse(handler.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.calls.append({"path": url.path, **params})
        self.keys.append(handler.headers.get("Ocp-Apim-Subscription-Key"))
        what = self.script.get(len(self.calls), "ok")
        if what == "429":
            return self._send(handler, 429, b"rate limited", {"Retry-After": "0"})
        if what == "500":
            return self._send(handler, 500, b"oops")
        if what == "truncated":
            return self._send(handler, 200, b'{"data": [{"refYear": 20')
        if what == "401":
            return self._send(handler, 401, f"invalid key {handler.headers.get('Ocp-Apim-Subscription-Key')}".encode())
        if url.path.endswith("getDa/C/A/HS"):
            data = [{"reporterCode": 410, "period": params["period"], "lastReleased": "2025-06-30T00:00:00"}]
            return self._json(handler, data)
        years = [int(y) for y in params["period"].split(",")]
        reporters = params.get("reporterCode", "410,156").split(",")
        partners = params.get("partnerCode", "0").split(",")
        codes = params["cmdCode"].split(",")
        flows = params["flowCode"].split(",")
        data = [record(y, r, p, c, f, 1000.0 + y) for y in years for r in reporters for p in partners for c in codes
                for f in flows if p != r and params.get("cmdCode") not in self.empty_for]
        if self.cap is not None and len(data) >= self.cap:
            data = data[: self.cap]        # the API truncates silently at its record limit
        return self._json(handler, data)

    @staticmethod
    def _json(handler, data) -> None:
        Api._send(handler, 200, json.dumps({"elapsedTime": "0.1 secs", "count": len(data), "data": data}).encode())

    @staticmethod
    def _send(handler, status: int, body: bytes, headers: dict | None = None) -> None:
        handler.send_response(status)
        for k, v in (headers or {}).items():
            handler.send_header(k, v)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


@pytest.fixture
def server():
    fake = Api()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            fake.respond(self)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield fake
    httpd.shutdown()
    httpd.server_close()


def transport(fake: Api, key: str | None = KEY, retries: int = 3) -> api.Transport:
    waits: list[float] = []
    t = api.Transport(key, base_url=fake.url, retries=retries, backoff=0.001, timeout=5, sleep=waits.append)
    t.waits = waits
    return t


def small_plan(years=(2021, 2022), preview: bool = False) -> list[api.Request]:
    return api.plan(years, preview=preview, codes=["854232", "854231"])


# --- the plan ----------------------------------------------------------------------------------------

def test_plan_covers_what_the_chapter_needs():
    requests = api.plan(range(2007, 2025))
    purposes = {r.purpose for r in requests}
    assert purposes == {"bilateral", "world", "totals", "availability"}
    bilateral = [r for r in requests if r.purpose == "bilateral"]
    assert {r.reporters for r in bilateral} == {("410",), ("156",), ("392",)}
    assert {"0", "490", "842", "156", "392"} <= set(bilateral[0].partners)
    world = [r for r in requests if r.purpose == "world"]
    assert all(r.reporters == () and r.partners == ("0", "490") for r in world)
    assert {"854232", "848620", "381800", "8542"} <= set(world[0].codes)
    assert sorted({y for r in world for y in r.years}) == list(range(2007, 2025))
    assert any(r.codes == ("TOTAL",) for r in requests)
    assert all(r.estimate <= api.RECORDS_PER_CALL and len(r.years) <= api.MAX_PERIODS for r in requests)


def test_preview_plan_stays_under_the_preview_cap():
    requests = api.plan([2022], preview=True)
    assert requests and all(r.estimate <= api.PREVIEW_RECORDS for r in requests)
    assert all(r.endpoint == "preview" for r in requests)


def test_dry_run_prints_the_plan(capsys):
    from analysis.__main__ import main

    assert main(["fetch", "--years", "2007-2024", "--dry-run"]) == 0
    out = capsys.readouterr()
    text = " ".join((out.out + out.err).split())
    assert "calls, at most" in text and "daily quota of 500 calls" in text


def test_fetch_help_documents_every_option(capsys):
    from analysis.__main__ import main

    main(["fetch", "--help"])
    text = capsys.readouterr().out
    for option in ("--years", "--codes", "--dry-run", "--preview", "--refresh", "--out"):
        assert option in text


# --- running it --------------------------------------------------------------------------------------

def test_refresh_writes_one_file_per_request_and_the_files_import(server, tmp_path):
    requests = small_plan()
    report = api.refresh(requests, tmp_path, key=KEY, transport=transport(server))
    assert report.calls == len(requests) and len(list(tmp_path.glob("*.json"))) == len(requests)
    assert set(server.keys) == {KEY}                                  # the key travels in a header
    assert all("subscription-key" not in json.dumps(c) for c in server.calls)
    flows, totals, _ = importers.combine([importers.read(f) for f in importers.raw_files([tmp_path])])
    assert {"KOR", "CHN", "TWN", "WLD"} <= set(flows["partner"])
    assert len(totals) and set(totals["year"]) == {2021, 2022}
    assert api.vintage(tmp_path)["last_released"] == "2025-06-30"
    bilateral = {b["parameters"]["reporterCode"]: b for b in (json.loads(f.read_text())
                                                               for f in tmp_path.glob("bilateral-*.json"))}
    assert bilateral["410"]["last_released"] == "2025-06-30" and bilateral["410"]["fetched_at"]
    assert bilateral["156"]["last_released"] is None          # no release date known: none invented


def test_retries_honour_retry_after_and_5xx(server, tmp_path):
    server.script = {1: "429", 2: "500", 3: "truncated"}
    t = transport(server)
    report = api.refresh(small_plan()[-1:], tmp_path, key=KEY, transport=t)
    assert report.retries == 3 and report.calls == 1 and len(server.calls) == 4
    assert len(t.waits) == 3 and all(w >= 0 for w in t.waits)


def test_retry_after_sets_the_wait(server, tmp_path):
    server.script = {1: "429"}
    t = transport(server)
    t.backoff = 0.0
    server_headers = {"Retry-After": "7"}

    orig = server._send

    def with_header(handler, status, body, headers=None):
        return orig(handler, status, body, {**(headers or {}), **(server_headers if status == 429 else {})})

    server._send = with_header
    api.refresh(small_plan()[:1], tmp_path, key=KEY, transport=t)
    assert t.waits[0] >= 7


def test_record_limit_responses_are_split_not_kept(server, tmp_path, monkeypatch):
    request = api.Request("world", "get", (), ("0", "490"), ("854232", "854231"), ("X", "M"), (2021, 2022))
    monkeypatch.setattr(api, "RECORDS_PER_CALL", 8)
    server.cap = 8
    report = api.refresh([request], tmp_path, key=KEY, transport=transport(server))
    assert report.splits >= 1
    rows = sum(len(json.loads(f.read_text())["data"]) for f in tmp_path.glob("*.json"))
    assert rows == 2 * 2 * 2 * 2 * 2 and report.rows == rows      # nothing lost to the cap
    assert all(len(json.loads(f.read_text())["data"]) < server.cap for f in tmp_path.glob("*.json"))


def test_empty_results_are_reported_as_gaps(server, tmp_path):
    server.empty_for = {"TOTAL"}
    report = api.refresh([r for r in small_plan() if r.purpose == "totals"], tmp_path, key=KEY,
                         transport=transport(server))
    assert report.gaps and "totals" in report.gaps[0]


def test_interrupted_refresh_commits_nothing_partial_and_resumes(server, tmp_path):
    requests = small_plan()
    first = sum(r.purpose == "availability" for r in requests) + 2
    server.script = {first: "500", first + 1: "500", first + 2: "500", first + 3: "500"}
    with pytest.raises(ComtradeError, match="after 4 attempts"):
        api.refresh(requests, tmp_path, key=KEY, transport=transport(server))
    done = sorted(tmp_path.glob("*.json"))
    assert len(done) == first - 1 and not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*"))
    for f in done:
        json.loads(f.read_text())                                     # every committed file is whole
    calls_before = len(server.calls)
    report = api.refresh(requests, tmp_path, key=KEY, transport=transport(server))
    assert report.cached == first - 1 and report.calls == len(requests) - (first - 1)
    assert len(server.calls) - calls_before == len(requests) - (first - 1)   # only the missing ones were asked
    again = api.refresh(requests, tmp_path, key=KEY, transport=transport(server), refresh_cache=True)
    assert again.calls == len(requests) and again.cached == 0


def test_preview_sends_no_key(server, tmp_path):
    requests = small_plan([2022], preview=True)
    api.refresh(requests, tmp_path, key=None, preview=True, transport=transport(server, key=None))
    assert set(server.keys) == {None} and all(c["path"].startswith("/public/v1/preview") for c in server.calls)


def test_missing_key_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv(api.ENV_KEY, raising=False)
    monkeypatch.setattr(api, "subscription_key", lambda: None)
    with pytest.raises(ComtradeError, match="no Comtrade subscription key.*--preview"):
        api.refresh(small_plan(), tmp_path)


def test_key_from_environment_or_env_file(tmp_path, monkeypatch):
    monkeypatch.delenv(api.ENV_KEY, raising=False)
    env = tmp_path / ".env"
    assert api.subscription_key(env) is None
    env.write_text(f"OTHER=1\n{api.ENV_KEY}='{KEY}'\n")
    assert api.subscription_key(env) == KEY
    monkeypatch.setenv(api.ENV_KEY, "from-env")
    assert api.subscription_key(env) == "from-env"


@pytest.mark.parametrize("outcome", ["ok", "401", "500"])
@pytest.mark.parametrize("where", ["environment", "dotenv"])
def test_the_key_appears_in_no_output_and_no_file(server, tmp_path, monkeypatch, capfd, caplog, outcome, where):
    monkeypatch.delenv(api.ENV_KEY, raising=False)
    env = tmp_path / ".env"
    if where == "environment":
        monkeypatch.setenv(api.ENV_KEY, KEY)
    else:
        env.write_text(f"{api.ENV_KEY}={KEY}\n")
    key = api.subscription_key(env)
    if outcome != "ok":
        server.script = {i: outcome for i in range(1, 20)}
    folder = tmp_path / "cache"
    try:
        api.refresh(small_plan()[:2], folder, key=key, transport=transport(server, key=key))
    except ComtradeError as exc:
        assert outcome != "ok" and KEY not in str(exc)
        if outcome == "401":
            assert "***" in str(exc)                                  # the server echoed it; we did not
    out, err = capfd.readouterr()
    assert KEY not in out + err and KEY not in caplog.text
    for path in Path(tmp_path).rglob("*"):
        if path.is_file() and path != env:
            assert KEY not in path.read_text(errors="replace")
