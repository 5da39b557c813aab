"""The .qmd parser: front matter, cell options, inline expressions, errors."""

from __future__ import annotations

import pytest

from analysis.render.qmd import Cell, Markdown, QmdError, fill_inline, parse

SOURCE = '''---
title: "A chapter"
execute:
  echo: false
---

# Heading {#sec-one}

Text with `{python} 1 + 1` and `{python} name`.

```{python}
#| label: fig-one
#| fig-cap: "A caption"
#| warning: false
x = 3
```

Plain text, `code` stays.
'''


def test_parse_front_matter_cells_and_inline():
    doc = parse(SOURCE, "ch.qmd")
    assert doc.front["title"] == "A chapter" and doc.front["execute"] == {"echo": False}
    kinds = [type(b) for b in doc.blocks]
    assert kinds == [Markdown, Cell, Markdown]
    assert doc.blocks[0].inline == ["1 + 1", "name"]
    cell = doc.blocks[1]
    assert cell.options == {"label": "fig-one", "fig-cap": "A caption", "warning": False}
    assert cell.code == "x = 3" and cell.line == 11
    assert doc.blocks[2].inline == []


def test_fill_inline_in_order():
    assert fill_inline("a `{python} x` b `{python} y`", ["1", "2"]) == "a 1 b 2"


@pytest.mark.parametrize("text, message", [
    ("```{python}\nx = 1\n", "ch.qmd:1: python cell is not closed"),
    ("```{python}\n#| colour: red\nx = 1\n```\n", "unsupported cell option"),
    ("---\ntitle: x\n", "front matter is not closed"),
    ("```{python}\n#| label: [unclosed\n```\n", "not valid YAML"),
])
def test_errors_name_file_and_line(text, message):
    with pytest.raises(QmdError, match=message):
        parse(text, "ch.qmd")
