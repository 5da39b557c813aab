"""The website's pure pieces: appendix letters, citation in HTML, BibTeX and Typst, search entries."""

from __future__ import annotations

from analysis.render import book, cite, web


def test_appendix_sections_take_their_letter():
    page = ('<section id="sec-x" class="level1" data-number="1"><h1 data-number="1"><span class="header-section-number">1'
            '</span> X</h1><span class="toc-section-number">1.2</span> 11 items, 1.5 m')
    out = web.letter_sections(page, "C")
    assert 'data-number="C"' in out and '"header-section-number">C</span>' in out
    assert '"toc-section-number">C.2</span>' in out and "11 items, 1.5 m" in out


HOSTILE = cite.Citation('A "quoted" <b>title</b> & 100% {x}', "", 'O\'Brien \\ #set', "demo", "2026-01-02",
                        "data released up to 2025-06-30", "")


def test_citation_is_text_in_html_bibtex_and_typst():
    block = cite.html_block(HOSTILE, "citation.bib")
    assert "<b>" not in block and "&lt;b&gt;title&lt;/b&gt; &amp; 100%" in block
    assert "Licence</dt><dd>not stated" in block and "data released up to 2025-06-30" in block
    bib = cite.bibtex(HOSTILE)
    assert "100\\% \\{x\\}" in bib and "\\&" in bib and "year = {2026}" in bib
    typ = cite.typst_document(HOSTILE)
    assert 'title: "A \\"quoted\\" <b>title</b> & 100% {x}"' in typ and 'author: ("O\'Brien \\\\ #set",)' in typ


def test_vintage_is_the_newest_release_or_says_it_is_not_recorded():
    assert cite.vintage({}) == "release dates not recorded"
    manifest = {"vintage": {"a": {"last_released": "2024-05-01"}, "b": {"last_released": "2025-01-31"}}}
    assert cite.vintage(manifest) == "data released up to 2025-01-31"


def test_search_has_one_entry_per_section_linking_to_it():
    page = ('<main><nav class="toc">On this page</nav><section id="sec-a" class="level1"><h1>1 A</h1><p>Intro.</p>'
            '<section id="sec-b" class="level2"><h2>1.1 B</h2><p>Grubel–Lloyd <svg><title>mark</title></svg></p>'
            '</section></section></main>')
    entries = book.search_entries("A", "chapters/a.html", page)
    assert [(e["heading"], e["href"], e["text"]) for e in entries] == [
        ("1 A", "chapters/a.html", "Intro."), ("1.1 B", "chapters/a.html#sec-b", "Grubel–Lloyd")]
