"""Comtrade refresh, offline: a local HTTP server on 127.0.0.1 replays the API's JSON shape,
including 429 with Retry-After, 500, an empty result, a truncated body and a record-limit response."""

from __future__ import annotations

import gzip
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis import comtrade_api as api
from analysis import importers
from analysis.comtrade_api import ComtradeError

KEY = "secret-key-123"
BOMB = gzip.compress(b"0" * (64 << 20))


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
        self.override: tuple[int, bytes, dict] | None = None   # every response: status, body, headers

    def respond(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlparse(handler.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.calls.append({"path": url.path, **params})
        self.keys.append(handler.headers.get("Ocp-Apim-Subscription-Key"))
        if self.override is not None:
            return self._send(handler, *self.override)
        what = self.script.get(len(self.calls), "ok")
        if what == "trickle":             # a body that never ends: one byte every 0.1 s
            handler.send_response(200)
            handler.send_header("Content-Length", "100000")
            handler.end_headers()
            try:
                for _ in range(300):
                    handler.wfile.write(b" ")
                    handler.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass
            return None
        if what == "bomb":                # 64 MB of zeros in 64 KB of gzip
            return self._send(handler, 200, BOMB, {"Content-Encoding": "gzip"})
        if what == "gzip":
            body = gzip.compress(json.dumps({"count": 0, "data": []}).encode())
            return self._send(handler, 200, body, {"Content-Encoding": "gzip"})
        if what == "miscount":
            return self._send(handler, 200, json.dumps({"count": 5, "data": [{"refYear": 2021}]}).encode())
        if what == "huge-retry-after":
            return self._send(handler, 429, b"slow down", {"Retry-After": "1000000000"})
        if what == "429":
            return self._send(handler, 429, b"rate limited", {"Retry-After": "0"})
        if what == "500":
            return self._send(handler, 500, b"oops")
        if what == "truncated":
            return self._send(handler, 200, b'{"data": [{"refYear": 20')
        if what == "401-late":      # the key echoed past the part of the body a message shows
            return self._send(handler, 401, ("x" * 190 + handler.headers.get("Ocp-Apim-Subscription-Key", "")).encode())
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
        if "Content-Type" not in (headers or {}):
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
    httpd.daemon_threads = True
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


# --- hostile servers and a damaged key ---------------------------------------------------------------

@pytest.mark.parametrize("key", ["abc\ndef-secret", "abc\r\nX-Evil: 1", "tab\tsecret", "null\x00secret", "é-secret"])
def test_a_key_with_control_characters_is_refused_unprinted(server, tmp_path, monkeypatch, capfd, key):
    with pytest.raises(ComtradeError, match="contains a space, a line break") as err:
        api.refresh(small_plan()[:1], tmp_path, key=key)
    assert key not in str(err.value) and "secret" not in str(err.value)
    if "\x00" in key:
        return                                # the environment cannot hold it
    monkeypatch.setenv(api.ENV_KEY, key)
    from analysis.__main__ import main

    assert main(["fetch", "--years", "2022", "--out", str(tmp_path / "cli")]) != 0
    out, errs = capfd.readouterr()
    assert "secret" not in out + errs and not server.calls


def test_retry_after_and_backoff_are_capped(server, tmp_path):
    server.script = {1: "429"}
    t = transport(server)
    t.backoff = 1e6
    told = []
    t.notify = told.append
    api.refresh(small_plan()[:1], tmp_path, key=KEY, transport=t)
    assert t.waits == [api.MAX_WAIT]                                      # backoff capped
    assert len(told) == 1 and "HTTP 429; retry 1 of" in told[0] and f"in {api.MAX_WAIT:.0f} s" in told[0]


def test_a_retry_after_beyond_the_cap_fails_at_once_and_says_why(server, tmp_path):
    server.script = {1: "huge-retry-after"}
    t = transport(server)
    with pytest.raises(ComtradeError, match=r"asks to wait \d+ s before trying again, more than the 300 s"):
        api.refresh(small_plan()[:1], tmp_path, key=KEY, transport=t)
    assert t.waits == [] and not list(tmp_path.glob("*.json"))
    assert api.retry_after("1000000000", 300) == 300 and api.retry_after("9" * 5000, 300) == 300
    assert api.retry_after("Wed, 21 Oct 2099 07:28:00 GMT", 300) == 300
    assert api.retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 300) == 0
    for junk in ("-5", "1e9", "²", "nan", "soon", ""):
        assert api.retry_after(junk, 300) == 0


def test_a_trickling_body_ends_at_the_request_deadline(server, tmp_path):
    server.script = {1: "trickle"}
    t = api.Transport(KEY, base_url=server.url, retries=0, timeout=1.0, sleep=lambda s: None)
    start = time.monotonic()
    with pytest.raises(ComtradeError, match="did not arrive within the time limit"):
        api.refresh(small_plan()[:1], tmp_path, key=KEY, transport=t)
    assert time.monotonic() - start < 5 and not list(tmp_path.glob("*.json"))


def test_the_run_has_a_deadline(server, tmp_path):
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    server.script = {i: "429" for i in range(1, 50)}
    t = api.Transport(KEY, base_url=server.url, retries=40, backoff=10.0, sleep=sleep, run_timeout=100.0,
                      clock=lambda: now[0])
    with pytest.raises(ComtradeError, match="time limit is reached"):
        api.refresh(small_plan()[:1], tmp_path, key=KEY, transport=t)
    assert now[0] <= 100.0 and len(server.calls) < 10


def test_a_gzip_bomb_is_refused_and_gzip_is_read(server, tmp_path):
    server.script = {1: "gzip"}
    t = api.Transport(KEY, base_url=server.url, retries=0, max_bytes=1 << 20, sleep=lambda s: None)
    assert api.refresh(small_plan()[:1], tmp_path, key=KEY, transport=t).calls == 1
    server.script = {2: "bomb"}
    with pytest.raises(ComtradeError, match="larger than 1,048,576 bytes"):
        api.refresh(small_plan()[1:2], tmp_path, key=KEY, transport=t)


def test_a_count_that_disagrees_with_the_records_is_a_failed_response(server, tmp_path):
    server.script = {1: "miscount", 2: "miscount"}
    with pytest.raises(ComtradeError, match="count \\(5\\) disagrees with its 1 records"):
        api.refresh(small_plan()[:1], tmp_path, key=KEY, transport=transport(server, retries=1))
    assert not list(tmp_path.glob("*.json"))                      # never cached as complete
    server.script = {3: "miscount"}
    report = api.refresh(small_plan()[:1], tmp_path, key=KEY, transport=transport(server, retries=1))
    assert report.retries == 1 and len(list(tmp_path.glob("*.json"))) == 1


def test_base_url_from_the_environment(server, tmp_path, monkeypatch):
    monkeypatch.setenv(api.ENV_BASE_URL, server.url + "/")
    t = api.Transport(KEY, backoff=0.0, sleep=lambda s: None)
    api.refresh(small_plan()[:1], tmp_path, key=KEY, transport=t)
    assert len(server.calls) == 1 and server.keys == [KEY]
    monkeypatch.delenv(api.ENV_BASE_URL)
    assert api.Transport(KEY).base_url == api.BASE_URL


@pytest.mark.parametrize("url, problem", [
    ("ftp://mirror.example.org", "must be an http"), ("javascript:alert(1)", "must be an http"),
    ("https://mirror.example.org/?key=1", "must be an http"), ("https://mir ror.example.org", "must be an http"),
    ("http://mirror.example.org", "travel unencrypted"),
])
def test_a_bad_base_url_is_refused(url, problem, monkeypatch):
    monkeypatch.setenv(api.ENV_BASE_URL, url)
    with pytest.raises(ComtradeError, match=problem):
        api.Transport(KEY)


def test_a_plain_http_mirror_is_fine_without_a_key(monkeypatch):
    monkeypatch.setenv(api.ENV_BASE_URL, "http://mirror.example.org/api")
    assert api.Transport(None).base_url == "http://mirror.example.org/api"


_json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                       max_size=3), max_leaves=8)
_bodies = st.one_of(
    st.binary(max_size=200),
    st.builds(lambda v: json.dumps(v).encode(), _json_values),
    st.builds(lambda data, count: json.dumps({"count": count, "data": data}).encode(),
              st.lists(st.dictionaries(st.sampled_from(["refYear", "reporterCode", "period", "lastReleased"]),
                                       _json_values, max_size=4) | _json_values, max_size=4),
              st.one_of(st.none(), st.integers(-2, 6), st.text(max_size=3), st.floats())),
)
DEEP = b"[" * 100_000 + b"]" * 100_000
HUGE_NUMBER = b'{"count": 1, "data": [{"refYear": 1' + b"0" * 5000 + b'}]}'


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status=st.sampled_from([200, 200, 200, 204, 301, 400, 404, 429, 500, 503]),
       retry_after=st.one_of(st.none(), st.text(max_size=12), st.integers(-10, 10 ** 12).map(str)),
       encoding=st.sampled_from([None, "gzip", "gzip", "identity", "br", "deflate", "gzip, gzip"]),
       body=_bodies, endpoint=st.sampled_from(["get", "availability"]))
@example(status=200, retry_after=None, encoding=None, body=DEEP, endpoint="get")
@example(status=200, retry_after=None, encoding="gzip", body=HUGE_NUMBER, endpoint="get")
@example(status=200, retry_after=None, encoding=None, body=b'{"count": 1, "data": [5]}', endpoint="availability")
@example(status=429, retry_after="\u00b2", encoding=None, body=b"", endpoint="get")
def test_fuzzed_responses_raise_only_comtrade_errors(server, tmp_path_factory, status, retry_after, encoding, body,
                                                      endpoint):
    headers = {k: v for k, v in (("Retry-After", retry_after), ("Content-Encoding", encoding)) if v is not None
               and all(32 <= ord(c) < 127 for c in v)}
    if encoding and encoding.startswith("gzip"):
        body = gzip.compress(body)
    server.override = (status, body, headers)
    request = api.Request("world", endpoint, (), ("0",), ("854232",), ("X",), (2021,))
    folder = tmp_path_factory.mktemp("fuzz")
    t = api.Transport(KEY, base_url=server.url, retries=1, backoff=0.0, timeout=5, sleep=lambda s: None,
                      max_bytes=1 << 20)
    try:
        report = api.refresh([request], folder, key=KEY, transport=t)
    except ComtradeError as exc:
        assert KEY not in str(exc)
    else:
        assert status == 200 and report.calls == 1
        for f in folder.glob("*.json"):
            records = json.loads(f.read_text())["data"]
            assert isinstance(records, list) and all(isinstance(r, dict) for r in records)


def test_a_key_echoed_late_in_a_body_is_redacted_before_the_message_is_cut(server, tmp_path):
    server.script = {1: "401-late"}
    with pytest.raises(ComtradeError) as got:
        api.refresh(small_plan()[:1], tmp_path, key=KEY, transport=transport(server))
    message = str(got.value)
    assert "HTTP 401" in message and KEY[:8] not in message and KEY[-8:] not in message


@pytest.mark.parametrize("codes, why", [(["85423A"], "'85423A'"), ([""], "''"), ([], "none given")])
def test_codes_to_fetch_are_hs_codes(codes, why):
    with pytest.raises(ComtradeError, match=r"an HS code is 2, 4 or 6 digits \(" + re.escape(why)):
        api.plan([2022], codes=codes)
