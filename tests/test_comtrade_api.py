"""Comtrade downloads: key handling, caching and errors, with a stand-in for the network client."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import comtrade_api, importers
from analysis.comtrade_api import ComtradeError

KEY = "secret-key-123"


def fake_client(calls: list):
    def client(key, **params):
        calls.append(params)
        return pd.DataFrame([{"refYear": int(params["period"]), "reporterCode": 410, "reporterISO": "KOR",
                              "flowCode": "X", "partnerCode": 0, "partnerISO": "W00", "partner2Code": 0,
                              "customsCode": "C00", "motCode": 0, "cmdCode": "854232",
                              "classificationCode": "H6", "primaryValue": 1.5e10}])
    return client


def test_key_from_environment_or_env_file(tmp_path, monkeypatch):
    monkeypatch.delenv(comtrade_api.ENV_KEY, raising=False)
    env = tmp_path / ".env"
    assert comtrade_api.subscription_key(env) is None
    env.write_text(f"OTHER=1\n{comtrade_api.ENV_KEY}='{KEY}'\n")
    assert comtrade_api.subscription_key(env) == KEY
    monkeypatch.setenv(comtrade_api.ENV_KEY, "from-env")
    assert comtrade_api.subscription_key(env) == "from-env"


def test_fetch_caches_and_files_import(tmp_path):
    calls: list = []
    files = comtrade_api.fetch(["KOR"], [2022, 2023], ["854232"], folder=tmp_path, key=KEY,
                               client=fake_client(calls))
    assert len(files) == 2 and len(calls) == 2
    assert calls[0]["reporterCode"] == "410" and calls[0]["customsCode"] == "C00"
    again = comtrade_api.fetch(["KOR"], [2022, 2023], ["854232"], folder=tmp_path, key=KEY,
                               client=fake_client(calls))
    assert again == files and len(calls) == 2            # served from the cache
    assert all(KEY not in f.read_text() for f in files)
    item = importers.read(files[0])
    assert item.flows["value_usd"].tolist() == [1.5e10] and item.flows["partner"].tolist() == ["WLD"]


def test_errors_never_show_the_key(tmp_path):
    def failing(key, **params):
        raise RuntimeError(f"401 for url https://example.invalid/?subscription-key={key}")

    with pytest.raises(ComtradeError) as err:
        comtrade_api.fetch(["KOR"], [2022], ["854232"], folder=tmp_path, key=KEY, client=failing)
    assert KEY not in str(err.value) and "***" in str(err.value)


def test_missing_key_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv(comtrade_api.ENV_KEY, raising=False)
    monkeypatch.setattr(comtrade_api, "subscription_key", lambda: None)
    with pytest.raises(ComtradeError, match="no Comtrade subscription key"):
        comtrade_api.fetch(["KOR"], [2022], ["854232"], folder=tmp_path)


def printing_client(fail: bool):
    """A client that prints and logs the request URL with the key, as the official client's code does."""
    import logging

    def client(key, **params):
        url = f"https://comtradeapi.example.invalid/data/v1/get/C/A/HS?subscription-key={key}"
        print("Request:", url)
        logging.getLogger("comtradeapicall").warning("calling %s", url)
        if fail:
            raise RuntimeError(f"HTTP Error 429 for url {url}")
        return fake_client([])(key, **params)
    return client


@pytest.mark.parametrize("fail", [False, True])
@pytest.mark.parametrize("where", ["environment", "dotenv"])
def test_the_key_appears_in_no_output_and_no_file(tmp_path, monkeypatch, capfd, caplog, fail, where):
    monkeypatch.delenv(comtrade_api.ENV_KEY, raising=False)
    env = tmp_path / ".env"
    if where == "environment":
        monkeypatch.setenv(comtrade_api.ENV_KEY, KEY)
    else:
        env.write_text(f"{comtrade_api.ENV_KEY}={KEY}\n")
    key = comtrade_api.subscription_key(env)
    assert key == KEY
    folder = tmp_path / "cache"
    try:
        comtrade_api.fetch(["KOR"], [2022], ["854232"], folder=folder, key=key, client=printing_client(fail))
    except ComtradeError as exc:
        assert fail and KEY not in str(exc)
    out, err = capfd.readouterr()
    assert "Request:" in out + err and "***" in out + err          # what the client printed is shown, redacted
    assert KEY not in out + err and KEY not in caplog.text
    for path in folder.rglob("*") if folder.exists() else []:
        assert KEY not in path.read_text()
