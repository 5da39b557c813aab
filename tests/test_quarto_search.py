"""Quarto's search index renumbered like its pages (runs without the CLI: the names are the book's)."""

from __future__ import annotations

from analysis.paths import ROOT
from analysis.render.quarto_post import quarto_names, renumber_search


def test_quarto_search_index_takes_the_books_numbers():
    names = quarto_names(ROOT)
    assert names["Figure 2.1"] == "Figure V.1" and names["Table 6.1"] == "Table V.1" and names["Table A.1"] == "Table A.1"
    entries = [{"objectID": "x", "href": "chapters/memory.html#fig-2.1", "title": "Figure\xa02.1",
                "text": "See Figure\xa02.3 and Table 6.2; Figure 9.9 stays; Figure 2.10 is not Figure 2.1."}]
    out = renumber_search(entries, names)
    assert out[0]["text"] == "See Figure V.3 and Table V.2; Figure 9.9 stays; Figure 2.10 is not Figure V.1."
    assert out[0]["href"] == entries[0]["href"] and out[0]["title"] == "Figure V.1"
    assert renumber_search(out, names) == out
