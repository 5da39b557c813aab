"""`make preview`: the website served on 127.0.0.1 and rebuilt as the authors edit.

    python -m analysis.preview [--data FOLDER ...] [--port 8000] [--root PROJECT]

Watches the chapters, `_quarto.yml`, `index.qmd`, `references.bib`, the package and the data. A
change re-renders the book with the built-in renderer, which executes only the chapters whose
inputs changed (the others come from the freeze) in one kernel kept warm between edits; a
change to the package or the data restarts that kernel. Pages reload themselves when the site
changes (each page served carries a small script that asks for the site's version). No PDF.
Ctrl-C stops the server and the kernel.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from . import pipeline, store
from .edition import ENV_EDITION, SYNTHETIC_LABEL
from .paths import FIGURES_ENV, ROOT
from .render import book, execute

VERSION_PATH = "/__preview/version"
RELOAD = ("<script>(function(){var v=null;setInterval(function(){fetch('" + VERSION_PATH + "').then(function(r)"
          "{return r.text()}).then(function(t){if(v!==null&&t!==v){location.reload()}v=t}).catch(function(){})},300)})()"
          "</script>")
WATCHED = ("chapters", "analysis", "_quarto.yml", "index.qmd", "references.bib")


def snapshot(paths: list[Path]) -> dict[str, float]:
    """Modification time of every file under the watched paths (caches and hidden files left out)."""
    out = {}
    for base in paths:
        files = [base] if base.is_file() else base.rglob("*") if base.is_dir() else []
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts and not f.name.startswith("."):
                out[str(f)] = f.stat().st_mtime_ns
    return out


def changed(before: dict[str, float], after: dict[str, float]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


class Site:
    """The book being previewed: its edition, its output folder and the version pages poll."""

    def __init__(self, root: Path, data: store.Data, out: Path) -> None:
        self.root, self.data, self.out = root, data, out
        self.version = 0
        self.lock = threading.Lock()
        self.folder = self.prepare()

    def prepare(self) -> Path:
        folder = pipeline.prepare(self.data)
        os.environ[ENV_EDITION] = str(folder)   # the kernel started next reads this edition
        return folder

    def render(self, jobs: int) -> book.BuildResult:
        """Render the website (no PDF); only chapters whose inputs changed are executed."""
        manifest = json.loads((self.folder / "manifest.json").read_text())
        result = book.build(self.root, self.out, edition_dir=self.folder, jobs=jobs, pdf=False,
                            label=SYNTHETIC_LABEL if manifest.get("synthetic") else "",
                            edition_name=str(manifest.get("edition", "full")),
                            freeze=self.root / "_freeze" / self.folder.name)
        with self.lock:
            self.version += 1
        return result

    def update(self, paths: list[str]) -> tuple[book.BuildResult, float]:
        """Rebuild after a change; the kernel restarts when the package or the data changed."""
        start = time.perf_counter()
        restart = [p for p in paths if Path(p).suffix not in (".qmd", ".yml", ".bib")]   # package or data
        if restart:
            execute.stop_kernels()
            self.folder = self.prepare()
        return self.render(jobs=0), time.perf_counter() - start


def handler(site: Site) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, directory=str(site.out), **kwargs)

        def log_message(self, *args) -> None:   # quiet: the preview prints what it rebuilds
            pass

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            if path == VERSION_PATH:
                return self.send_text(str(site.version), "text/plain")
            target = Path(self.translate_path(path))
            if target.is_dir():
                target = target / "index.html"
            if target.suffix == ".html" and target.is_file():
                text = target.read_text(encoding="utf-8").replace("</body>", RELOAD + "</body>", 1)
                return self.send_text(text, "text/html; charset=utf-8")
            return super().do_GET()

        def send_text(self, text: str, kind: str) -> None:
            body = text.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    return Handler


def serve(root: Path, data: store.Data, port: int, out: Path | None = None, interval: float = 0.2) -> None:
    """Render once, serve, and rebuild on every change until Ctrl-C."""
    os.environ.setdefault(FIGURES_ENV, str(root / "figures"))
    site = Site(root, data, out or root / "_book")
    watched = [root / w for w in WATCHED] + store.data_paths(data)
    seen = snapshot(watched)
    first = site.render(jobs=0)   # in the kernel kept for the edits, which then reuse its outputs
    print(f"rendered {len(first.pages)} pages ({len(first.executed)} executed, {len(first.reused)} from the freeze)",
          flush=True)
    server = ThreadingHTTPServer(("127.0.0.1", port), handler(site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"preview: http://127.0.0.1:{server.server_address[1]}/  (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(interval)
            now = snapshot(watched)
            paths = changed(seen, now)
            if not paths:
                continue
            seen = now
            try:
                result, seconds = site.update(paths)
            except Exception as exc:  # a broken edit is reported and the preview keeps running
                print(f"error: {' '.join(str(exc).split())[:500]}", flush=True)
                continue
            print(f"rebuilt in {seconds:.2f} s after {len(paths)} change(s): executed {', '.join(result.executed) or 'none'}",
                  flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
        execute.stop_kernels()
        print("preview stopped", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.preview", description=__doc__.split("\n")[0])
    parser.add_argument("--data", action="append", help="'demo' or a folder of raw data (repeatable)")
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--root", "--report", type=Path, default=ROOT,
                        help="the report (where its _quarto.yml is): the project's own, or e.g. examples/batteries")
    parser.add_argument("--data-words", default="", help="the data folders as one line, split as a shell splits "
                                                          "words (what `make preview DATA=...` passes); overrides --data")
    args = parser.parse_args(argv)
    from .__main__ import one_line, split_words
    from .build import use_report

    try:
        data = (split_words(args.data_words) if args.data_words.strip() else None) or args.data or ["demo"]
        serve(use_report(args.root), data[0] if data == ["demo"] else data, args.port)
    except (ValueError, OSError, RuntimeError) as exc:   # a bad folder or option: one line, no traceback
        print(f"error: {one_line(exc)}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
