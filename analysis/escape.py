"""Text meets markup here: one escaping function per output language.

Every string that comes from data, a file name, a reference table or the command line is *text*:
it is shown character for character and never read as Markdown, HTML or Typst. Markdown that the
project writes on purpose (a cross reference `@fig-…`, a footnote, emphasis) is a `Markup`; the
renderer passes a `Markup` (or an IPython `Markdown` object) through and escapes every other value.
"""

from __future__ import annotations

import html
import re

# ASCII control characters other than tab: a line break inside a value would start a new block.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]+")
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


class Markup(str):
    """Markdown written deliberately by the project; passed to the renderer as it is.

    Build it from literals and `markdown()`-escaped values only: `Markup(f"see @{label}: {markdown(name)}")`.
    """

    def _repr_markdown_(self) -> str:
        return str(self)


def markdown(value: object) -> Markup:
    """`value` as Markdown text (pandoc): every ASCII punctuation character backslash-escaped, so
    that nothing in it is emphasis, math, a citation, a link, raw HTML or Typst, a list or a table
    cell boundary; line breaks and control characters become spaces. A `Markup` is returned as is."""
    return value if isinstance(value, Markup) else Markup(_backslashed(value))


def html_text(value: object) -> str:
    """`value` as HTML text or a double-quoted attribute value (`&`, `<`, `>`, `"`, `'` escaped)."""
    return html.escape(str(value), quote=True)


def typst_text(value: object) -> str:
    """`value` as Typst markup text: every ASCII punctuation character backslash-escaped (nothing is
    a function call, math, a label, a reference or a comment); line breaks become spaces."""
    return _backslashed(value)


def _backslashed(value: object) -> str:
    """Both pandoc Markdown and Typst markup read a backslash before any ASCII punctuation as that
    character, literally."""
    return _PUNCTUATION.sub(r"\\\1", _CONTROL.sub(" ", str(value)))
