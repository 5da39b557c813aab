"""The built-in renderer: execution in a kernel, cell options, cross references, citations, freeze."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from analysis.render import book
from analysis.render.execute import RenderError, execute
from analysis.render.qmd import parse


def run(tmp_path: Path, source: str, defaults: dict | None = None):
    path = tmp_path / "ch.qmd"
    path.write_text(textwrap.dedent(source))
    return execute(parse(path.read_text(), str(path)), path, "ch", defaults or {}, cwd=tmp_path)


def test_cell_options_and_inline(tmp_path):
    ex = run(tmp_path, '''
        ```{python}
        #| include: false
        hidden = "HIDDEN-OUTPUT"
        print(hidden)
        value = 21
        ```

        The answer is `{python} value * 2`.

        ```{python}
        #| echo: true
        print("shown")
        ```

        ```{python}
        #| echo: false
        #| output: false
        print("NOT-SHOWN")
        ```

        ```{python}
        #| echo: false
        import warnings
        warnings.warn("A-WARNING")
        ```

        ```{python}
        #| echo: false
        #| warning: false
        import sys
        print("QUIET-WARNING", file=sys.stderr)
        ```
        ''')
    md = ex.markdown
    assert "The answer is 42." in md
    assert "HIDDEN-OUTPUT" not in md and "hidden =" not in md
    assert '```python\nprint("shown")\n```' in md and "shown" in md
    assert "NOT-SHOWN" not in md
    assert "A-WARNING" in md                       # warning: true (the default) shows stderr
    assert "QUIET-WARNING" not in md


def test_figure_cell_gives_labelled_image_and_table_cell(tmp_path):
    ex = run(tmp_path, '''
        ```{python}
        #| label: fig-demo
        #| fig-cap: "A demo figure"
        #| echo: false
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots()
        ax.plot([1, 2], [3, 4])
        ```

        ```{python}
        #| label: tbl-demo
        #| tbl-cap: "A demo table"
        #| echo: false
        from IPython.display import Markdown
        Markdown("| a | b |\\n|---|---|\\n| 1 | 2 |")
        ```
        ''')
    assert ex.labels == ["fig-demo", "tbl-demo"]
    assert "![@@FIG:fig-demo@@ A demo figure](@@IMG:ch_files/fig-demo@@){#fig-demo}" in ex.markdown
    assert set(ex.images) == {"fig-demo.svg"}                      # one render serves web and print
    assert ex.images["fig-demo.svg"].lstrip().startswith((b"<?xml", b"<svg"))
    assert "::: {#tbl-demo}" in ex.markdown and ": @@TBL:tbl-demo@@ A demo table" in ex.markdown


def test_error_names_file_and_line(tmp_path):
    with pytest.raises(RenderError, match=r"ch.qmd:2: ZeroDivisionError"):
        run(tmp_path, '''
            ```{python}
            1 / 0
            ```
            ''')


def test_cross_references_numbered_through_the_book(tmp_path):
    chapters = []
    for name, labels, text in (("a", ["fig-x", "tbl-t"], "# A {#sec-a}\n\nSee @fig-y and @tbl-t."),
                               ("b", ["fig-y"], "# B {#sec-b}\n\nBack to @sec-a, and @fig-missing.")):
        ch = book.Chapter(Path(f"chapters/{name}.qmd"), False)
        ch.executed = book.Executed(text, {}, labels)
        chapters.append(ch)
    names, where = book.number_labels(chapters, "V")
    assert names["fig-x"] == "Figure V.1" and names["fig-y"] == "Figure V.2" and names["tbl-t"] == "Table V.1"
    assert names["sec-a"] == "A"
    warnings: list[str] = []
    out_a = book.resolve(chapters[0].executed.markdown, names, {k: f"{v}" for k, v in where.items()}, warnings, "a")
    assert "[Figure V.2](chapters/b.html#fig-y)" in out_a and "[Table V.1](chapters/a.html#tbl-t)" in out_a
    out_b = book.resolve(chapters[1].executed.markdown, names, where, warnings, "b")
    assert "[A](chapters/a.html#sec-a)" in out_b
    assert "?@fig-missing" in out_b and warnings == ["b: unresolved cross reference @fig-missing"]
    assert book.resolve("@@FIG:fig-x@@ cap", names, where, [], "a") == "Figure V.1: cap"


def test_appendix_floats_carry_their_letter():
    chapters = []
    for name, appendix, labels in (("a", False, ["tbl-a"]), ("b", True, ["tbl-b", "fig-b"]), ("c", True, ["tbl-c"])):
        ch = book.Chapter(Path(f"chapters/{name}.qmd"), appendix)
        ch.executed = book.Executed(f"# {name.upper()}\n", {}, labels)
        chapters.append(ch)
    names, _ = book.number_labels(chapters, "V")
    assert [names[k] for k in ("tbl-a", "tbl-b", "fig-b", "tbl-c")] == ["Table V.1", "Table A.1", "Figure A.1", "Table B.1"]


def make_book(root: Path) -> None:
    (root / "chapters").mkdir(parents=True)
    (root / "_quarto.yml").write_text(textwrap.dedent('''
        project: {type: book, output-dir: _book}
        book:
          title: "Tiny book"
          chapters: [index.qmd, chapters/one.qmd]
        bibliography: references.bib
        execute: {echo: false, warning: false}
        report: {chapter-number: "IV"}
        '''))
    (root / "references.bib").write_text("@book{knuth1984, author={Knuth, Donald}, title={The TeXbook}, "
                                         "publisher={Addison-Wesley}, year={1984}}\n")
    (root / "index.qmd").write_text("# Preface {.unnumbered #sec-preface}\n\nSee @fig-line in @sec-one.\n")
    (root / "chapters" / "one.qmd").write_text(textwrap.dedent('''
        # One {#sec-one}

        As shown by @knuth1984 and [@knuth1984, p. 3], the value is `{python} 6 * 7`.

        ```{python}
        #| label: fig-line
        #| fig-cap: "A line"
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot([0, 1], [0, 1])
        ```
        '''))


def test_book_html_pdf_citations_and_freeze(tmp_path, monkeypatch):
    root = tmp_path / "proj"
    make_book(root)
    monkeypatch.setenv("TRADE_REPORT_FIGURES", str(tmp_path / "figs"))
    manifest_dir = tmp_path / "edition"
    manifest_dir.mkdir()
    (manifest_dir / "manifest.json").write_text('{"v": 1}')
    out = root / "_book"
    res = book.build(root, out, edition_dir=manifest_dir, jobs=1, label="TEST LABEL")
    assert sorted(res.executed) == ["chapters-one", "index"] and res.warnings == []
    index, one = (out / "index.html").read_text(), (out / "chapters" / "one.html").read_text()
    assert 'href="chapters/one.html#fig-line"' in index and "Figure IV.1" in index
    assert "Figure IV.1: A line" in one and "the value is 42" in one
    assert "Knuth" in one and "(1984" in one                       # citeproc resolved the citation
    assert "TEST LABEL" in index and "TEST LABEL" in one
    assert 'href="../index.html"' in one                            # navigation back to the start
    assert (out / "chapters" / "chapters-one_files" / "fig-line.svg").exists()
    assert res.pdf is not None and res.pdf.read_bytes()[:4] == b"%PDF"

    again = book.build(root, out, edition_dir=manifest_dir, jobs=1, label="TEST LABEL")
    assert again.executed == [] and sorted(again.reused) == ["chapters-one", "index"]

    # Changing a chapter re-executes that chapter only.
    (root / "index.qmd").write_text((root / "index.qmd").read_text() + "\nMore text.\n")
    changed = book.build(root, out, edition_dir=manifest_dir, jobs=1, pdf=False)
    assert changed.executed == ["index"]

    # Changing the data manifest re-executes everything.
    (manifest_dir / "manifest.json").write_text('{"v": 2}')
    data_changed = book.build(root, out, edition_dir=manifest_dir, jobs=1, pdf=False)
    assert sorted(data_changed.executed) == ["chapters-one", "index"]


def test_freeze_key_depends_on_package_code(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "mod.py").write_text("x = 1\n")
    cfg = {"execute": {}, "report": {}}
    first = book.freeze_key("chapter", cfg, None, package=pkg)
    assert book.freeze_key("chapter", cfg, None, package=pkg) == first
    (pkg / "mod.py").write_text("x = 2\n")
    assert book.freeze_key("chapter", cfg, None, package=pkg) != first
    assert book.freeze_key("chapter changed", cfg, None, package=pkg) != book.freeze_key("chapter", cfg, None, package=pkg)


def test_missing_chapter_is_a_clear_error(tmp_path):
    root = tmp_path / "proj"
    make_book(root)
    shutil.rmtree(root / "chapters")
    with pytest.raises(RenderError, match="chapters/one.qmd, which does not exist"):
        book.build(root, root / "_book")


def test_reused_chapter_restores_its_exported_figures(tmp_path, monkeypatch):
    root = tmp_path / "proj"
    make_book(root)
    (root / "chapters" / "one.qmd").write_text(textwrap.dedent('''
        # One {#sec-one}

        ```{python}
        #| label: fig-line
        #| fig-cap: "A line"
        import os
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot([0, 1], [0, 1])
        fig.savefig(os.path.join(os.environ["TRADE_REPORT_FIGURES"], "fig-line.png"))
        ```
        '''))
    figs = tmp_path / "figs"
    figs.mkdir()
    monkeypatch.setenv("TRADE_REPORT_FIGURES", str(figs))
    book.build(root, root / "_book", jobs=1, pdf=False)
    original = (figs / "fig-line.png").read_bytes()
    (figs / "fig-line.png").write_bytes(b"overwritten by another edition")
    again = book.build(root, root / "_book", jobs=1, pdf=False)
    assert again.executed == [] and (figs / "fig-line.png").read_bytes() == original
