"""Injection strings from data, file names and folder names reach the book as literal text.

A corpus of HTML, Typst, Markdown, LaTeX, SQL and shell injections is fed through every path into
the book: a data folder's name and its file names (the data appendix, the PDF), table cells and
inline results (where economy names and codes appear), the page and PDF templates, economy codes
in data. Each must appear as literal text in the parsed HTML and in the PDF's text, and nothing
may execute.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from analysis import escape, schema
from analysis.render.execute import inline_values

CORPUS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert('x')</script>",
    '#text(fill: red)[typst-ran]',
    "`#emph[x]`{=typst}",
    "$1$ @fig-memory-quadrant <b>bold</b>",
    "[click](javascript:alert(1)) **strong** _em_ ~sub~ ^sup^",
    "\\input{/etc/passwd} \\textbf{tex}",
    "'); COPY (SELECT 1) TO 'pwned.csv'; --",
    "$(touch pwned-shell) `touch pwned-tick` | rm -rf x",
    "# Heading {#sec-evil} ::: {.callout} <!-- comment --> &amp; &lt;",
    "1. list? - item > quote [^note] [@balassa1965]",
]
FILE_SAFE = [s.replace("/", "∕") for s in CORPUS]   # a file name cannot hold a slash


class _Text(HTMLParser):
    """The text of an HTML document as a browser shows it, and every element it would create."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.parts.append(data)


def parse_html(text: str) -> tuple[str, list[tuple[str, dict]]]:
    parser = _Text()
    parser.feed(text)
    return " ".join(" ".join(parser.parts).split()), parser.tags


def one_line(text: str) -> str:
    return " ".join(text.split())


TEMPLATE_INLINE_SCRIPTS = 1   # page.html's own: marks the page as scripted, before the sidebar is drawn


def no_injected_elements(tags: list[tuple[str, dict]]) -> None:
    assert not [t for t, a in tags if t in ("img", "script") and a.get("src") == "x"]
    assert len([t for t, a in tags if t == "script" and not a]) <= TEMPLATE_INLINE_SCRIPTS
    assert not any(k.startswith("on") for _t, a in tags for k in a)
    assert not any(str(a.get("href", "")).startswith("javascript:") for _t, a in tags)


def pandoc(markdown: str, to: str) -> str:
    import pypandoc

    proc = subprocess.run([pypandoc.get_pandoc_path(), "--from=markdown", f"--to={to}"], input=markdown,
                          capture_output=True, text=True, check=True)
    return proc.stdout


def pdf_text(typst_source: str, folder: Path) -> str:
    import typst

    (folder / "doc.typ").write_text(typst_source, encoding="utf-8")
    typst.compile(str(folder / "doc.typ"), output=str(folder / "doc.pdf"))
    return one_line(" ".join(p.extract_text() or "" for p in PdfReader(str(folder / "doc.pdf")).pages))


# --- the escaping functions, through pandoc and Typst -------------------------------------------------

def test_markdown_text_is_literal_in_html_and_pdf(tmp_path):
    from analysis.tables import pipe_table

    paragraphs = [f"Value: {v} (end)" for v in inline_values([[False, s] for s in CORPUS])]
    table = pipe_table(pd.DataFrame({"Economy": CORPUS, "Code": [escape.Markup("ok")] * len(CORPUS)}))
    note = "[" + escape.markdown(CORPUS[0]) + "]{.fig-source}"
    markdown = "\n\n".join(paragraphs + [table, note])
    text, tags = parse_html(pandoc(markdown, "html5"))
    no_injected_elements(tags)
    printed = pdf_text(pandoc(markdown, "typst"), tmp_path)
    for s in CORPUS:
        assert f"Value: {s} (end)" in text
        assert one_line(s) in printed, s
    assert "typst-ran" not in printed.replace(CORPUS[2], "")


def test_markup_is_passed_deliberately_and_only_markup():
    assert inline_values([[True, "see @fig-a"], [False, "see @fig-a"]]) == ["see @fig-a", "see \\@fig\\-a"]
    deliberate = escape.Markup("see @fig-a")
    assert escape.markdown(deliberate) is deliberate and deliberate._repr_markdown_() == "see @fig-a"
    assert escape.markdown("a\nb\x00c") == "a b c"                      # no new block, no control character


def test_inline_results_are_escaped_in_the_kernel_protocol():
    """The kernel side of inline results: a str is text, a Markup or an IPython Markdown is markdown."""
    from IPython.display import Markdown

    from analysis.render.execute import INLINE_MARK, _inline_code

    namespace = {"Markup": escape.Markup, "Markdown": Markdown}
    code = _inline_code(["'<b>' + 'x'", "Markup('@fig-a')", "Markdown('**b**')", "3"])
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, namespace)
    pairs = json.loads(out.getvalue().split(INLINE_MARK, 1)[1])
    assert pairs == [[False, "<b>x"], [True, "@fig-a"], [True, "**b**"], [False, "3"]]


def test_html_and_typst_template_text(tmp_path):
    for s in CORPUS:
        text, tags = parse_html(f'<p title="{escape.html_text(s)}">{escape.html_text(s)}</p>')
        assert text == one_line(s) and tags == [("p", {"title": s})]
    printed = pdf_text("\n\n".join(f"[{escape.typst_text(s)}]" for s in CORPUS), tmp_path)
    for s in CORPUS:
        assert one_line(s) in printed


def test_text_output_cannot_close_its_code_block():
    from analysis.render.execute import _text_block

    block = _text_block("a\n```\n<img src=x onerror=alert(1)>\n````")
    _text, tags = parse_html(pandoc(block, "html5"))
    assert [t for t, _a in tags] == ["pre", "code"]


# --- economy codes -------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["ZZZ<img src=x onerror=alert(1)>", "KOR\n", "KORX", "M49:1$ @fig <b>",
                                  "M49:１２", "kor", "M49:"])
def test_economy_codes_are_checked_as_whole_strings(code):
    from tests.conftest import flows_frame, totals_frame

    flows = flows_frame([(2020, "KOR", "CHN", "X", "854232", 1.0), (2020, "KOR", code, "X", "854232", 2.0)])
    with pytest.raises(schema.SchemaError, match="economy code"):
        schema.validate_flows(flows)
    with pytest.raises(schema.SchemaError, match="economy code"):
        schema.validate_totals(totals_frame([(2020, code, "X", 1.0)]))


def test_codes_that_are_codes_pass():
    from tests.conftest import flows_frame

    flows = flows_frame([(2020, "KOR", "M49:490", "X", "854232", 1.0)])
    assert schema.validate_flows(flows)["partner"].tolist() == ["M49:490"]


# --- the whole book: folder and file names ---------------------------------------------------------------

YEARS = (2022, 2023)


def _comtrade_files(folder: Path) -> None:
    """The demo's panel for a few years as UN Comtrade+ JSON, spread over files named by the corpus."""
    from analysis import countries, synthetic

    flows, totals = synthetic.generate()
    flows = flows[flows["year"].isin(YEARS) & (flows["code_system"] == "HS6") & ~flows["mirror"]]
    totals = totals[totals["year"].isin(YEARS)]
    codes = countries.table().set_index("iso3")["comtrade_code"]

    def record(year, reporter, partner, flow, code, value):
        return {"refYear": int(year), "reporterCode": int(codes[reporter]), "flowCode": flow,
                "partnerCode": int(codes[partner]), "partner2Code": 0, "customsCode": "C00", "motCode": 0,
                "cmdCode": code, "classificationCode": "H6", "primaryValue": float(value)}

    records = [record(r.year, r.reporter, r.partner, r.flow, r.code, r.value_usd) for r in flows.itertuples()]
    records += [record(r.year, r.reporter, "WLD", r.flow, "TOTAL", r.value_usd) for r in totals.itertuples()]
    folder.mkdir(parents=True)
    for i, name in enumerate(FILE_SAFE):
        part = records[i::len(FILE_SAFE)]
        (folder / f"{name}.json").write_text(json.dumps({"count": len(part), "data": part}))


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory):
    """The book of a folder and files named by the corpus. Built by the renderer itself rather than
    `build.run`, whose project-wide build lock would refuse the other test files' builds meanwhile."""
    from analysis import pipeline
    from analysis.edition import ENV_EDITION
    from analysis.paths import PREVIOUS_ENV, ROOT
    from analysis.render import book

    tmp = tmp_path_factory.mktemp("injection")
    data = tmp / FILE_SAFE[0]
    _comtrade_files(data)
    folder = pipeline.prepare([data])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRADE_REPORT_FIGURES", str(tmp / "figures"))
        mp.setenv(ENV_EDITION, str(folder))
        mp.delenv(PREVIOUS_ENV, raising=False)
        mp.chdir(tmp)                       # a command that ran would leave its file here
        book.build(ROOT, tmp / "_book", edition_dir=folder, freeze=tmp / "_freeze", edition_name=FILE_SAFE[2],
                   label=CORPUS[0])          # the template variables: edition name and label
    yield tmp
    shutil.rmtree(folder, ignore_errors=True)     # its processed tables: named after a temporary folder


def test_file_and_folder_names_are_literal_in_the_site(hostile_book):
    page = (hostile_book / "_book" / "chapters" / "appendix-data.html").read_text(encoding="utf-8")
    text, tags = parse_html(page)
    no_injected_elements(tags)
    for name in FILE_SAFE:
        assert f"{FILE_SAFE[0]}/{name}.json" in text, name
    assert text.count(CORPUS[0]) >= 2 + len(FILE_SAFE)      # the edition label at the top and the foot
    index = (hostile_book / "_book" / "search-index.js").read_text(encoding="utf-8")
    entries = json.loads(index.removeprefix("window.SEARCH_INDEX = ").rstrip().rstrip(";"))
    data_page = next(e for e in entries if e["href"].endswith("appendix-data.html"))
    assert all(f"{name}.json" in data_page["text"] for name in FILE_SAFE)


def test_file_and_folder_names_are_literal_in_the_pdf(hostile_book):
    pdf = next((hostile_book / "_book").glob("*.pdf"))
    printed = one_line(" ".join(p.extract_text() or "" for p in PdfReader(str(pdf)).pages))
    compact = re.sub(r"\s+", "", printed)
    for name in FILE_SAFE:   # long names wrap in a table cell: compare without white space
        assert re.sub(r"\s+", "", f"{name}.json") in compact, name
    assert re.sub(r"\s+", "", f"Edition: {FILE_SAFE[2]}") in compact and re.sub(r"\s+", "", CORPUS[0]) in compact
    assert "typst-ran" not in compact.replace(re.sub(r"\s+", "", FILE_SAFE[2]), "")
    source = (hostile_book / "_book" / "book.typ").read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)#(text\(fill: red|emph\[x)", source)          # only escaped: \#text(…


def test_nothing_ran(hostile_book):
    made = [p.name for p in hostile_book.rglob("pwned*")]
    assert made == [] and not list(Path.cwd().glob("pwned*")) and not Path("/etc/passwd").read_text() in (
        hostile_book / "_book" / "chapters" / "appendix-data.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("value", CORPUS + ["ZZZ<img src=x onerror=alert(1)>", "KOR<b>x</b>"])
@pytest.mark.parametrize("shape", ["comtrade-json", "tidy-csv"])
def test_a_hostile_partner_code_stops_the_import(tmp_path, capsys, value, shape):
    import csv

    from analysis import store
    from analysis.__main__ import main
    from analysis.paths import processed_dir

    folder = tmp_path / "raw"
    folder.mkdir()
    if shape == "comtrade-json":
        rows = [{"refYear": 2022, "reporterCode": 410, "flowCode": "X", "partnerCode": partner, "partnerISO": partner,
                 "cmdCode": "854232", "primaryValue": 5.0} for partner in ("156", value)]
        (folder / "a.json").write_text(json.dumps({"count": 2, "data": rows}))
    else:
        with open(folder / "a.csv", "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(["hs_code", "year", "reporter_code", "partner_code", "trade_value_usd"])
            out.writerows([["854232", 2022, "KOR", "CHN", 5], ["854232", 2022, "KOR", value, 7]])
    assert main(["import", str(folder)]) != 0
    said = capsys.readouterr()
    message = (said.out + said.err).replace("\n", "")        # the console wraps long lines
    assert "a.json" in message or "a.csv" in message or "economy code" in message
    assert not (processed_dir() / store.edition_name([folder])).exists()


_texts = st.lists(st.text(st.characters(exclude_categories=("Cs", "Co", "Cn"), exclude_characters="¶"), min_size=1,
                          max_size=30)
                  .filter(lambda t: t.strip()), min_size=1, max_size=12)


@settings(max_examples=25, deadline=None)
@given(texts=_texts)
def test_any_text_comes_out_as_itself(texts):
    """Whatever the text, escaped Markdown gives it back character for character (white space aside)
    in the HTML pandoc writes, as one paragraph each: no element, no block, no entity is made."""
    shown = [one_line(escape._CONTROL.sub(" ", t)) for t in texts]
    markdown = "\n\n".join(f"¶ {escape.markdown(t)} ¶" for t in texts)
    html_text, tags = parse_html(pandoc(markdown, "html5"))
    assert [one_line(p) for p in re.findall(r"¶(.*?)¶", html_text)] == shown
    assert [t for t, _a in tags] == ["p"] * len(texts)


@pytest.mark.parametrize("name", ["[/]x.csv", "[blink]x[/blink].csv", "[red]x.csv"])
def test_terminal_messages_show_paths_as_they_are(tmp_path, capsys, name):
    """The command line's messages are Rich text, not Rich markup: a path with brackets is shown whole."""
    from analysis.__main__ import main

    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("foo,bar\n1,2\n")
    assert main(["import", str(path)]) == 1
    said = capsys.readouterr()
    message = (said.out + said.err).replace("\n", "")
    assert str(path) in message and "header not recognised" in message and "Traceback" not in message


def test_names_in_figures_are_not_mathtext():
    """An economy name with dollar signs is drawn as it is (mathtext would typeset or refuse it)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis import style

    style.apply()
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="$\\notacommand{x}$ and $1$ @fig")
    ax.legend()
    fig.savefig(io.BytesIO(), format="svg")
    plt.close(fig)
