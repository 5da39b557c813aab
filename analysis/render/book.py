"""The built-in renderer: a Quarto book into _book/ (HTML pages and one PDF) without Quarto.

Reads _quarto.yml, executes each chapter (or reuses its frozen result when the chapter, the
analysis package and the data manifest are unchanged), numbers figures and tables as
"Figure V.n", resolves cross references, and calls pandoc (HTML, citations) and Typst (PDF).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pypandoc
import yaml

from .. import escape
from ..paths import FIGURES_FROM_SVG_ENV, PACKAGE, PREVIOUS_ENV, REFERENCE, ROOT, figures_dir, report_root
from . import cite, web
from .execute import Executed, RenderError, execute
from .qmd import parse
from .svg import from_svg

TEMPLATES = Path(__file__).parent / "templates"
REF = re.compile(r"(?<![\w@/?\\])@((?:fig|tbl|sec)-[A-Za-z0-9_-]*[A-Za-z0-9_])")
SEC = re.compile(r"^(#{1,6})\s+(.+?)\s*\{[^}]*#(sec-[A-Za-z0-9_-]+)[^}]*\}\s*$", re.M)
H1 = re.compile(r"^#\s+(.+?)\s*(\{[^}]*\})?\s*$", re.M)


@dataclass
class Chapter:
    source: Path          # relative to the project root
    appendix: bool
    executed: Executed | None = None
    reused: bool = False

    @property
    def stem(self) -> str:
        return self.source.with_suffix("").as_posix().replace("/", "-")

    @property
    def html_path(self) -> Path:
        return self.source.with_suffix(".html")

    @property
    def title(self) -> str:
        m = H1.search(self.executed.markdown) if self.executed else None
        return re.sub(r"\s+", " ", m.group(1)).strip() if m else self.source.stem


@dataclass
class BuildResult:
    out: Path
    pages: list[Path]
    pdf: Path | None
    executed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def load_config(root: Path = ROOT) -> dict:
    """The parsed _quarto.yml; a clear error if it is missing or has no chapters."""
    path = root / "_quarto.yml"
    if not path.exists():
        raise RenderError(f"{path} not found: the book needs a _quarto.yml")
    cfg = yaml.safe_load(path.read_text()) or {}
    if not (cfg.get("book") or {}).get("chapters"):
        raise RenderError(f"{path}: book.chapters lists no chapter")
    return cfg


def _chapters(cfg: dict, root: Path) -> list[Chapter]:
    book = cfg["book"]
    chapters = [Chapter(Path(p), False) for p in book["chapters"]] + \
               [Chapter(Path(p), True) for p in book.get("appendices", [])]
    for ch in chapters:
        if not (root / ch.source).exists():
            raise RenderError(f"_quarto.yml lists {ch.source}, which does not exist")
    return chapters


def _hash_files(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for p in sorted(paths):
        digest.update(p.as_posix().encode())
        digest.update(p.read_bytes())
    return digest.hexdigest()


def freeze_key(chapter_text: str, cfg: dict, edition_dir: Path | None, package: Path = PACKAGE) -> str:
    """What a chapter's result depends on: its source, the package, the data manifest, the options."""
    digest = hashlib.sha256(chapter_text.encode())
    digest.update(_hash_files([p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                               and p.suffix in (".py", ".csv", ".typ", ".html", ".css")]).encode())
    tables = {*REFERENCE.glob("*.csv"), *(report_root() / "data" / "reference").glob("*.csv")}
    digest.update(_hash_files(list(tables)).encode())
    manifest = edition_dir / "manifest.json" if edition_dir else None
    digest.update(manifest.read_bytes() if manifest and manifest.exists() else b"no-manifest")
    previous = os.environ.get(PREVIOUS_ENV)   # the edition the changes appendix compares with
    if previous and (Path(previous) / "manifest.json").exists():
        digest.update((Path(previous) / "manifest.json").read_bytes())
    digest.update(json.dumps({"execute": cfg.get("execute"), "report": cfg.get("report")}, sort_keys=True).encode())
    digest.update(str(edition_dir).encode())
    return digest.hexdigest()


def _freeze_dir(freeze: Path, ch: Chapter) -> Path:
    return freeze / ch.stem


def _load_frozen(freeze: Path, ch: Chapter, key: str) -> Executed | None:
    folder = _freeze_dir(freeze, ch)
    meta_path = folder / "meta.json"
    if not meta_path.exists():
        return None
    meta = json.loads(meta_path.read_text())
    if meta.get("key") != key:
        return None
    images = {name: (folder / "images" / name).read_bytes() for name in meta["images"]
              if (folder / "images" / name).exists()}
    if len(images) != len(meta["images"]):
        return None
    exported = figures_dir()
    for name in meta["figures"]:
        frozen = folder / "figures" / name
        if not frozen.exists():
            return None
        # Always restore: another edition's build may have written a figure of the same name.
        exported.mkdir(parents=True, exist_ok=True)
        shutil.copy2(frozen, exported / name)
    return Executed((folder / "chapter.md").read_text(), images, meta["labels"])


def _save_frozen(freeze: Path, ch: Chapter, key: str, ex: Executed, figures: list[str], seconds: float = 0.0) -> None:
    folder = _freeze_dir(freeze, ch)
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "images").mkdir(parents=True)
    (tmp / "figures").mkdir()
    (tmp / "chapter.md").write_text(ex.markdown)
    for name, data in ex.images.items():
        (tmp / "images" / name).write_bytes(data)
    for name in figures:
        shutil.copy2(figures_dir() / name, tmp / "figures" / name)
    (tmp / "meta.json").write_text(json.dumps({"key": key, "images": sorted(ex.images), "labels": ex.labels,
                                               "figures": figures, "seconds": round(seconds, 2)}, indent=1))
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)


def _run_chapter(root: str, source: str, stem: str, defaults: dict, outputs: Path | None = None,
                 salt: str = "") -> tuple[Executed, list[str], float]:
    """Execute one chapter (in a worker process, in its shared kernel) and list the exported figures
    named after its labels; also how long it took. `outputs`: see `execute`."""
    start = time.perf_counter()
    path = Path(root) / source
    ex = execute(parse(path.read_text(encoding="utf-8"), str(path)), path, stem, defaults, cwd=Path(root), reuse=True,
                 outputs=outputs, salt=salt)
    for label in ex.labels:   # the figure files, from the one SVG the kernel drew
        if label.startswith("fig-") and f"{label}.svg" in ex.images:
            from_svg(ex.images[f"{label}.svg"], label, figures_dir())
    exported = sorted(p.name for label in ex.labels for p in figures_dir().glob(f"{label}.*"))
    return ex, exported, time.perf_counter() - start


def _expected_seconds(freeze: Path, ch: Chapter, text: str) -> float:
    """How long a chapter should take: its last run, else the number of Python expressions in it."""
    meta = _freeze_dir(freeze, ch) / "meta.json"
    if meta.exists():
        seconds = json.loads(meta.read_text()).get("seconds")
        if seconds:
            return float(seconds)
    return text.count("{python") * 0.5


def _execute_all(root: Path, freeze: Path, todo: list[Chapter], keys: dict[str, str], defaults: dict,
                 jobs: int, salt: str = "") -> None:
    """Run the chapters that must run, longest first over `jobs` worker processes (each with one
    kernel it reuses; with `jobs` 0, in this process's kernel, kept warm between builds, reusing the
    outputs of code already run with the same `salt`: the preview, whose figures folder stays put),
    and freeze what they give. The kernels draw each figure once, as SVG; the workers write the
    figure files from it ($TRADE_REPORT_FIGURES_FROM_SVG, for this step only)."""
    before = os.environ.get(FIGURES_FROM_SVG_ENV)
    os.environ[FIGURES_FROM_SVG_ENV] = "1"
    try:
        if jobs == 0:   # in this process, in its kernel, kept warm between builds (the preview)
            for ch in todo:
                ex, figs, seconds = _run_chapter(str(root), ch.source.as_posix(), ch.stem, defaults,
                                                 freeze / "_cells", salt)
                _save_frozen(freeze, ch, keys[ch.stem], ex, figs, seconds)
                ch.executed = ex
            return
        # "spawn": a forked child would inherit a half-copied Jupyter event-loop thread and hang.
        with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo))),
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            order = sorted(todo, key=lambda c: -_expected_seconds(freeze, c, (root / c.source).read_text(encoding="utf-8")))
            futures = {ch.stem: pool.submit(_run_chapter, str(root), ch.source.as_posix(), ch.stem, defaults)
                       for ch in order}
            for ch in todo:
                ex, figs, seconds = futures[ch.stem].result()
                _save_frozen(freeze, ch, keys[ch.stem], ex, figs, seconds)
                ch.executed = ex
    finally:
        if before is None:
            os.environ.pop(FIGURES_FROM_SVG_ENV, None)
        else:
            os.environ[FIGURES_FROM_SVG_ENV] = before


def number_floats(labels: list[tuple[str, str]], prefix: str) -> dict[str, str]:
    """'Figure V.1', 'Table V.2', …: figures and tables numbered through the chapter (`prefix`), and
    those of an appendix by its letter ('Table A.1'). `labels` are (label, appendix letter or '')."""
    names, counts = {}, {}
    for label, letter in labels:
        kind = "Figure" if label.startswith("fig-") else "Table"
        key = (letter or prefix, kind)
        counts[key] = counts.get(key, 0) + 1
        names[label] = f"{kind} {key[0]}.{counts[key]}"
    return names


def number_labels(chapters: list[Chapter], prefix: str) -> tuple[dict[str, str], dict[str, str]]:
    """Number figures and tables ('Figure V.1', …; 'Table A.1' in appendix A) and collect section titles.

    Returns (label -> display text, label -> chapter html path).
    """
    numbers = chapter_numbers(chapters)
    names = number_floats([(label, numbers[ch.stem] if ch.appendix else "")
                           for ch in chapters for label in ch.executed.labels], prefix)
    where = {label: ch.html_path.as_posix() for ch in chapters for label in ch.executed.labels}
    for ch in chapters:
        for m in SEC.finditer(ch.executed.markdown):
            names[m.group(3)] = re.sub(r"\s+", " ", m.group(2)).strip()
            where[m.group(3)] = ch.html_path.as_posix()
    return names, where


def resolve(markdown: str, names: dict[str, str], href: dict[str, str], warnings: list[str], origin: str) -> str:
    """Fill numbering placeholders and turn @fig-/@tbl-/@sec- references into links."""
    markdown = re.sub(r"@@(?:FIG|TBL):([\w-]+)@@", lambda m: names.get(m.group(1), "??") + ":", markdown)

    def link(m: re.Match) -> str:
        label = m.group(1)
        if label not in names:
            warnings.append(f"{origin}: unresolved cross reference @{label}")
            return f"?@{label}"
        return f"[{names[label]}]({href[label]}#{label})"

    return REF.sub(link, markdown)


def _relative(target: str, page: Path) -> str:
    return os.path.relpath(target, page.parent.as_posix() or ".") if target else ""


def chapter_numbers(chapters: list[Chapter]) -> dict[str, str]:
    """Each chapter's number as the PDF prints it: 1, 2, … for chapters, A, B, … for appendices,
    none for an unnumbered chapter (so the website and the PDF number sections alike)."""
    out, n, letter = {}, 0, 0
    for ch in chapters:
        first = ch.executed.markdown.lstrip().split("\n", 1)[0] if ch.executed else ""
        if ".unnumbered" in first:
            out[ch.stem] = ""
        elif ch.appendix:
            out[ch.stem] = chr(ord("A") + letter)
            letter += 1
        else:
            n += 1
            out[ch.stem] = str(n)
    return out


def _nav(chapters: list[Chapter], current: Chapter) -> str:
    numbers = chapter_numbers(chapters)
    in_appendix = False
    out = ['<ul class="chapters">']
    for ch in chapters:
        if ch.appendix and not in_appendix:
            out.append('</ul><p class="part">Appendices</p><ul class="appendices">')
            in_appendix = True
        cls = ' class="current"' if ch is current else ""
        number = f'<span class="number">{numbers[ch.stem]}</span> ' if numbers[ch.stem] else ""
        out.append(f'<li{cls}><a href="{_relative(ch.html_path.as_posix(), current.html_path)}">'
                   f'{number}{html.escape(ch.title)}</a></li>')
    out.append("</ul>")
    return "\n".join(out)


class OutputCache:
    """What pandoc and Typst made, kept under the hash of everything they were made from (input
    text, arguments, templates, bibliography, images), so that a rebuild with nothing changed
    converts nothing. Entries a build does not use are removed at its end."""

    def __init__(self, folder: Path, *inputs: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()
        digest = hashlib.sha256(pypandoc.get_pandoc_path().encode())
        for path in sorted(p for p in inputs if p.is_file()):
            digest.update(path.name.encode() + path.read_bytes())
        self.base = digest.hexdigest()

    def key(self, *parts: str | bytes) -> str:
        digest = hashlib.sha256(self.base.encode())
        for part in parts:
            digest.update(part.encode() if isinstance(part, str) else part)
            digest.update(b"\x00")
        return digest.hexdigest()

    def get(self, key: str) -> bytes | None:
        if not (self.folder / key).exists():
            return None
        self.used.add(key)
        return (self.folder / key).read_bytes()

    def put(self, key: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{key}.tmp"
        tmp.write_bytes(data)
        tmp.replace(self.folder / key)
        self.used.add(key)

    def prune(self) -> None:
        if self.folder.is_dir():
            for f in self.folder.iterdir():
                if f.name not in self.used:
                    f.unlink()


def _pandoc(markdown: str, to: str, args: list[str], cwd: Path, warnings: list[str], origin: str,
            cache: OutputCache) -> str:
    """Run the pandoc binary shipped by pypandoc-binary; its warnings are kept for the build report."""
    key = cache.key(markdown, to, *args)
    if (hit := cache.get(key)) is not None:
        kept = json.loads(hit)
        warnings += kept["warnings"]
        return kept["output"]
    proc = subprocess.run([pypandoc.get_pandoc_path(), "--from=markdown", f"--to={to}", *args],
                          input=markdown, capture_output=True, text=True, cwd=cwd)
    if proc.returncode != 0:
        raise RenderError(f"pandoc failed on {origin}: {proc.stderr.strip()}")
    said = [f"{origin}: {line}" for line in proc.stderr.splitlines() if line.strip()]
    warnings += said
    cache.put(key, json.dumps({"output": proc.stdout, "warnings": said}).encode())
    return proc.stdout


def build(root: Path = ROOT, out: Path | None = None, *, edition_dir: Path | None = None, jobs: int = 2,
          pdf: bool = True, label: str = "", edition_name: str = "demo", freeze: Path | None = None) -> BuildResult:
    """Render the book. `label` is the edition's warning printed on every page (synthetic data).

    Executed chapters are kept in `freeze` (default _freeze/ beside _quarto.yml).
    """
    cfg = load_config(root)
    freeze = freeze or root / "_freeze"
    out = out or root / (cfg.get("project", {}).get("output-dir") or "_book")
    chapters = _chapters(cfg, root)
    defaults = {k: v for k, v in (cfg.get("execute") or {}).items() if k != "freeze"}
    prefix = str((cfg.get("report") or {}).get("chapter-number", "V"))
    result = BuildResult(out, [], None)

    keys = {}
    todo = []
    for ch in chapters:
        keys[ch.stem] = freeze_key((root / ch.source).read_text(encoding="utf-8"), cfg, edition_dir)
        ch.executed = _load_frozen(freeze, ch, keys[ch.stem])
        ch.reused = ch.executed is not None
        (result.reused if ch.reused else todo).append(ch if not ch.reused else ch.stem)
    if todo:
        _execute_all(root, freeze, todo, keys, defaults, jobs, salt=freeze_key("", cfg, edition_dir))
        result.executed += [ch.stem for ch in todo]

    names, where = number_labels(chapters, prefix)
    numbers = chapter_numbers(chapters)
    out.mkdir(parents=True, exist_ok=True)
    for asset in ("site.css", "site.js"):
        shutil.copy2(TEMPLATES / asset, out / asset)
    title = cfg["book"].get("title", "Report")
    bib = root / cfg["bibliography"] if cfg.get("bibliography") else None
    cite_args = ["--citeproc", f"--bibliography={bib}"] if bib else []
    pdf_name = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower() + ".pdf"
    cache = OutputCache(freeze / "_outputs", *sorted(TEMPLATES.iterdir()), *([bib] if bib else []))
    citation = cite.citation(cfg, edition_dir, dt.date.today().isoformat())
    (out / "citation.bib").write_text(cite.bibtex(citation), encoding="utf-8")
    shutil.copy2(TEMPLATES / "favicon.svg", out / "favicon.svg")

    for i, ch in enumerate(chapters):
        page = ch.html_path
        hrefs = {k: _relative(v, page) for k, v in where.items()}
        hrefs = {k: ("" if v == page.name else v) for k, v in hrefs.items()}
        md = resolve(ch.executed.markdown, names, hrefs, result.warnings, ch.source.as_posix())
        md = re.sub(r"@@IMG:([^@]+)@@", lambda m: m.group(1) + _image_suffix(ch.executed.images, m.group(1)), md)
        files = out / page.parent / f"{ch.stem}_files"
        files.mkdir(parents=True, exist_ok=True)
        for name, data in ch.executed.images.items():
            (files / name).write_bytes(data)
        up = "../" * len(page.parent.parts)
        meta = {
            "pagetitle": ch.title, "book-title": title, "root": up, "nav": _nav(chapters, ch),
            "edition-label": label, "pdf-name": pdf_name,
            "description": f"{ch.title}. {citation.full_title}",
            "og-title": f"{ch.title} – {title}",
            "built": f"Built {citation.date} from the {citation.edition} edition; data vintage: {citation.vintage}.",
        }
        if i > 0:
            meta |= {"prev-href": _relative(chapters[i - 1].html_path.as_posix(), page),
                     "prev-title": chapters[i - 1].title}
        if i + 1 < len(chapters):
            meta |= {"next-href": _relative(chapters[i + 1].html_path.as_posix(), page),
                     "next-title": chapters[i + 1].title}
        args = ["--standalone", f"--template={TEMPLATES / 'page.html'}", "--mathml", "--section-divs", "--toc", "--toc-depth=2",
                "--resource-path", str(root)] + cite_args
        if numbers[ch.stem]:   # sections numbered as in the PDF: 2, 2.1, …; appendix A, A.1, … (below)
            offset = int(numbers[ch.stem]) - 1 if numbers[ch.stem].isdigit() else 0
            args += ["--number-sections", f"--number-offset={offset}"]
        # pandoc puts variables into the template as they are: the page's are HTML-escaped here.
        args += [f"--variable={k}:{v if k == 'nav' else escape.html_text(v)}" for k, v in meta.items()]
        html_text = _pandoc(md, "html5", args, out / page.parent, result.warnings, ch.source.as_posix(), cache)
        html_text = web.scrolling_tables(web.figures(html_text, _charts(ch), up + "figures/"))
        if i == 0:   # the home page: how to cite the book
            html_text = html_text.replace('<nav class="pager"', cite.html_block(citation, "citation.bib")
                                          + '\n<nav class="pager"', 1)
        if numbers[ch.stem] and not numbers[ch.stem].isdigit():
            html_text = web.letter_sections(html_text, numbers[ch.stem])
        (out / page).write_text(html_text, encoding="utf-8")
        result.pages.append(out / page)
    write_search_index(out, [(ch.title, ch.html_path.as_posix(), out / ch.html_path) for ch in chapters])
    publish_figures(chapters, out / "figures")
    if pdf:
        result.pdf = _pdf(chapters, names, out, cfg, cite_args, label, edition_name, pdf_name, result.warnings,
                          cache, citation)
    cache.prune()
    return result


def _charts(ch: Chapter) -> dict[str, web.Chart]:
    """The chapter's figures drawn as SVG, with the marks and description the kernel wrote beside them."""
    return {label: web.load_chart(label, ch.executed.images[f"{label}.svg"], figures_dir())
            for label in ch.executed.labels if f"{label}.svg" in ch.executed.images}


def publish_figures(chapters: list[Chapter], folder: Path) -> list[Path]:
    """Each figure's files on the website: the values drawn (CSV), what they are (JSON), SVG and PNG."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for ch in chapters:
        for label in ch.executed.labels:
            if f"{label}.svg" not in ch.executed.images:
                continue
            (folder / f"{label}.svg").write_bytes(ch.executed.images[f"{label}.svg"])
            written.append(folder / f"{label}.svg")
            for ext in ("csv", "json", "png"):
                if (figures_dir() / f"{label}.{ext}").exists():
                    shutil.copyfile(figures_dir() / f"{label}.{ext}", folder / f"{label}.{ext}")
                    written.append(folder / f"{label}.{ext}")
    return written


def page_text(html_text: str) -> str:
    """The readable text of a page's main part (scripts, styles, navigation and charts left out)."""
    main = re.search(r"<main>(.*)</main>", html_text, re.S)
    return web.text_of(main.group(1) if main else html_text)


def search_entries(title: str, href: str, html_text: str) -> list[dict]:
    """A page's entries in the search index, one per section: the page's title, the section's
    heading, its text, and a link to the section (the page itself for its first section)."""
    main = re.search(r"<main>(.*)</main>", html_text, re.S)
    entries = []
    for anchor, heading, text in web.sections(main.group(1) if main else html_text):
        link = href if not entries or not anchor else f"{href}#{anchor}"
        entries.append({"id": len(entries), "title": title, "heading": heading, "href": link, "text": text})
    return entries


def write_search_index(out: Path, pages: list[tuple[str, str, Path]]) -> Path:
    """The client-side search index (a script, so that it also works from file://): one entry per
    section, searched by the vendored MiniSearch (search.js ranks titles and headings first)."""
    entries = [e for title, href, path in pages for e in search_entries(title, href, path.read_text(encoding="utf-8"))]
    for n, entry in enumerate(entries):
        entry["id"] = n
    index = out / "search-index.js"
    index.write_text("window.SEARCH_INDEX = " + json.dumps(entries, ensure_ascii=False) + ";\n", encoding="utf-8")
    shutil.copy2(TEMPLATES / "search.js", out / "search.js")
    (out / "vendor").mkdir(exist_ok=True)
    for name in ("minisearch.js", "minisearch-LICENSE.txt"):
        shutil.copy2(TEMPLATES / "vendor" / name, out / "vendor" / name)
    return index


def _image_suffix(images: dict[str, bytes], path: str) -> str:
    """'.svg' when a figure was rendered as SVG (the usual case), else '.png'."""
    return ".svg" if f"{Path(path).name}.svg" in images else ".png"


def _pdf(chapters: list[Chapter], names: dict[str, str], out: Path, cfg: dict, cite_args: list[str], label: str,
         edition_name: str, pdf_name: str, warnings: list[str], cache: OutputCache,
         citation: cite.Citation | None = None) -> Path:
    import typst

    parts = []
    appendix_started = False
    for ch in chapters:
        if ch.appendix and not appendix_started:
            parts.append('```{=typst}\n#counter(heading).update(0)\n#set heading(numbering: "A.1")\n```')
            appendix_started = True
        md = resolve(ch.executed.markdown, names, {k: "" for k in names}, warnings, ch.source.as_posix())
        folder = ch.html_path.parent / f"{ch.stem}_files"
        md = re.sub(r"@@IMG:[^@/]+_files/([^@]+)@@",
                    lambda m: (folder / m.group(1)).as_posix() + _image_suffix(ch.executed.images, m.group(1)), md)
        parts.append(keep_with_note(md))
    if cite_args:
        parts.append("# References {.unnumbered}\n\n::: {#refs}\n:::\n")
    book = cfg["book"]
    meta = {"book-title": book.get("title", ""), "book-subtitle": book.get("subtitle", ""),
            "book-author": book.get("author", ""), "edition-label": label, "edition-name": edition_name,
            "build-date": dt.date.today().isoformat()}
    if citation is not None:
        meta |= {"document-meta": cite.typst_document(citation), "cite-block": cite.typst_block(citation)}
    args = [f"--template={TEMPLATES / 'book.typ'}", "--columns=100"] + cite_args
    # Typst text, never code; the citation's two pieces are code whose values are string literals (cite.py)
    code = {"document-meta", "cite-block"}
    args += [f"--variable={k}:{v if k in code else escape.typst_text(v)}" for k, v in meta.items()]
    source = _pandoc("\n\n".join(parts), "typst", args, out, warnings, "the PDF", cache)
    typ = out / "book.typ"
    typ.write_text(source, encoding="utf-8")
    pdf_path = out / pdf_name
    images = [name.encode() + data for ch in chapters for name, data in sorted(ch.executed.images.items())]
    key = cache.key(source, typst.__version__, *images)
    if (hit := cache.get(key)) is not None:
        pdf_path.write_bytes(hit)
        return pdf_path
    try:
        typst.compile(str(typ), output=str(pdf_path), root=str(out))
    except Exception as exc:  # typst raises its own error type with the source location
        raise RenderError(f"Typst could not compile {typ}: {exc}") from None
    cache.put(key, pdf_path.read_bytes())
    return pdf_path


_FIGURE_AND_NOTE = re.compile(r"^(!\[[^\n]*\]\([^)\n]*\)\{#fig-[^}\n]*\})\n\n(\[[^\n]*\]\{\.fig-source\})$", re.M)


def keep_with_note(markdown: str) -> str:
    """Bind each figure to the source note under it in the PDF: one unbreakable block, the note set small,
    floated to the top or bottom of a page so that the text runs on instead of leaving a half-empty page."""
    return _FIGURE_AND_NOTE.sub(
        lambda m: ("```{=typst}\n#place(auto, float: true, clearance: 1.5em, block(breakable: false, width: 100%)[\n"
                   "```\n\n" + m.group(1)
                   + "\n\n```{=typst}\n#set text(size: 8.5pt)\n#set par(justify: false)\n#set align(left)\n```\n\n" + m.group(2)
                   + "\n\n```{=typst}\n])\n```"), markdown)


def quarto_available() -> bool:
    """True when the Quarto CLI is on PATH."""
    return shutil.which("quarto") is not None


def build_with_quarto(root: Path = ROOT, out: Path | None = None) -> None:
    """Render the website with the Quarto CLI (HTML only: the PDF is always the project's own Typst
    path, `build.print_pdf`), from the same sources into the same _book/ layout.

    Quarto's kernel runs this interpreter (QUARTO_PYTHON), so the chapters import the same package.
    """
    env = {**os.environ, "QUARTO_PYTHON": sys.executable}
    where = ["--output-dir", str(Path(out).resolve())] if out is not None else []
    proc = subprocess.run(["quarto", "render", str(root), "--to", "html", *where], cwd=root, env=env)
    if proc.returncode != 0:
        raise RenderError(f"quarto render failed with exit code {proc.returncode}")
