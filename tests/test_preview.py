"""`make preview`: a prose edit in one chapter shows up in the served page, and Ctrl-C stops it.

The latency from the edit to the page is measured and printed (run with -s), not asserted."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from analysis.paths import ROOT

SENTENCE = "A sentence added while the preview runs."


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


@pytest.fixture
def project(tmp_path):
    """A copy of the book's sources (the package itself is imported from the installed project)."""
    for name in ("_quarto.yml", "index.qmd", "references.bib"):
        shutil.copy2(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "chapters", tmp_path / "chapters")
    if (ROOT / "_freeze").is_dir():   # the chapters already executed for this package and data, if any
        shutil.copytree(ROOT / "_freeze", tmp_path / "_freeze")
    return tmp_path


def test_prose_edit_shows_in_the_served_page_and_ctrl_c_stops(project):
    env = {**os.environ, "TRADE_REPORT_FIGURES": str(project / "figures"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "analysis.preview", "--root", str(project), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=project)
    try:
        url = None
        for line in proc.stdout:
            if line.startswith("preview: http://127.0.0.1:"):
                url = line.split()[1]
                break
        assert url, "the preview printed no URL"
        page = get(url + "chapters/memory.html")
        assert "/__preview/version" in page and SENTENCE not in page
        version = get(url + "__preview/version")
        source = project / "chapters" / "memory.qmd"
        text = source.read_text(encoding="utf-8")
        first = text.index("\n\n", text.index("# ")) + 2
        start = time.perf_counter()
        source.write_text(text[:first] + SENTENCE + "\n\n" + text[first:], encoding="utf-8")
        while SENTENCE not in get(url + "chapters/memory.html"):
            assert proc.poll() is None and time.perf_counter() - start < 300, "the edit never showed"
            time.sleep(0.05)
        print(f"\nprose edit visible in the served page after {time.perf_counter() - start:.2f} s")
        while get(url + "__preview/version") == version:       # the open pages reload themselves
            assert time.perf_counter() - start < 300, "the site's version never changed"
            time.sleep(0.05)
        assert SENTENCE not in get(url + "chapters/system.html")
        proc.send_signal(signal.SIGINT)
        rest = proc.communicate(timeout=60)[0]
        assert proc.returncode == 0 and "preview stopped" in rest, rest
        assert "executed chapters-memory" in rest, rest              # only the edited chapter ran again
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
