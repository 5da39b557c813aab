"""The Quarto CLI post-render step: one numbering of figures and tables through the book."""

from __future__ import annotations

from analysis.paths import ROOT
from analysis.render.quarto_post import book_numbers, renumber

# What Quarto 1.6 writes for a book chapter (per-chapter numbers, a space after the prefix).
PAGE = """<div id="fig-system-gl" class="quarto-float quarto-figure quarto-figure-center anchored">
<figure class="quarto-float quarto-float-fig figure">
<figcaption class="quarto-float-caption-bottom quarto-float-caption quarto-float-fig" id="fig-system-gl-caption-0ceaefa1">
Figure V.&nbsp;2: Intra-industry trade in system semiconductors
</figcaption></figure></div>
<p>See <a href="#fig-system-gl" class="quarto-xref">Figure&nbsp;<span>2</span></a> and
<a href="../chapters/memory.html#fig-memory-it" class="quarto-xref">Figure&nbsp;<span>3</span></a>;
<a href="appendix-formulas.html" class="quarto-xref"><span>Section C</span></a>.</p>"""


def test_every_figure_and_table_is_numbered_once_through_the_book():
    names = book_numbers(ROOT)
    figures = [v for k, v in names.items() if k.startswith("fig-")]
    assert figures == [f"Figure V.{n}" for n in range(1, 13)]
    assert names["fig-memory-quadrant"] == "Figure V.1" and names["fig-system-gl"] == "Figure V.5"
    assert sorted(v for k, v in names.items() if k.startswith("tbl-"))[-2:] == ["Table V.1", "Table V.2"]
    assert names["tbl-inputs"] == "Table A.1" and names["tbl-panel"] == "Table A.2"      # appendix A: data


def test_captions_and_references_are_rewritten_by_id():
    out = renumber(PAGE, {"fig-system-gl": "Figure V.5", "fig-memory-it": "Figure V.3"})
    assert "Figure V.5: Intra-industry trade in system semiconductors" in out
    assert '<a href="#fig-system-gl" class="quarto-xref">Figure V.5</a>' in out
    assert '<a href="../chapters/memory.html#fig-memory-it" class="quarto-xref">Figure V.3</a>' in out
    assert "<span>Section C</span></a>." in out and "&nbsp;2" not in out
    assert renumber(out, {"fig-system-gl": "Figure V.5", "fig-memory-it": "Figure V.3"}) == out   # idempotent
