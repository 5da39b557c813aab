"""Parse a Quarto .qmd file: YAML front matter, python cells with `#|` options, inline code."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

FENCE = re.compile(r"^```+\s*\{python[^}]*\}\s*$")
INLINE = re.compile(r"`\{python\}\s+([^`]+?)`")
OPTION = re.compile(r"^#\|\s?(.*)$")
KNOWN_OPTIONS = {"label", "fig-cap", "tbl-cap", "echo", "output", "include", "warning", "eval"}


class QmdError(ValueError):
    """A .qmd source that cannot be parsed; the message names the file and line."""


@dataclass
class Cell:
    """A python code cell with its options."""

    code: str
    options: dict
    line: int


@dataclass
class Markdown:
    """A block of markdown; `inline` lists the `{python}` expressions it contains, in order."""

    text: str
    inline: list[str] = field(default_factory=list)


@dataclass
class Document:
    front: dict
    blocks: list[Cell | Markdown]


def _options(lines: list[str], path: str, line: int) -> tuple[dict, list[str]]:
    opts_lines, i = [], 0
    while i < len(lines) and OPTION.match(lines[i]):
        opts_lines.append(OPTION.match(lines[i]).group(1))
        i += 1
    try:
        options = (yaml.safe_load("\n".join(opts_lines)) or {}) if opts_lines else {}
    except yaml.YAMLError as exc:
        raise QmdError(f"{path}:{line}: cell options are not valid YAML: {exc}") from None
    if not isinstance(options, dict):
        raise QmdError(f"{path}:{line}: cell options must be `#| key: value` lines")
    unknown = set(options) - KNOWN_OPTIONS
    if unknown:
        raise QmdError(f"{path}:{line}: unsupported cell option(s): {', '.join(sorted(unknown))}")
    return options, lines[i:]


def parse(text: str, path: str = "<qmd>") -> Document:
    """Split a .qmd source into front matter, markdown blocks and python cells."""
    front: dict = {}
    lines = text.splitlines()
    start = 0
    if lines and lines[0].strip() == "---":
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        except StopIteration:
            raise QmdError(f"{path}:1: front matter is not closed by '---'") from None
        try:
            front = yaml.safe_load("\n".join(lines[1:end])) or {}
        except yaml.YAMLError as exc:
            raise QmdError(f"{path}: front matter is not valid YAML: {exc}") from None
        start = end + 1
    blocks: list[Cell | Markdown] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            md = "\n".join(buf)
            blocks.append(Markdown(md, [m.group(1).strip() for m in INLINE.finditer(md)]))
            buf.clear()

    i = start
    while i < len(lines):
        if FENCE.match(lines[i]):
            ticks = len(lines[i]) - len(lines[i].lstrip("`"))
            try:
                end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == "`" * ticks)
            except StopIteration:
                raise QmdError(f"{path}:{i + 1}: python cell is not closed") from None
            flush()
            options, code = _options(lines[i + 1:end], path, i + 1)
            blocks.append(Cell("\n".join(code).strip("\n"), options, i + 1))
            i = end + 1
            continue
        buf.append(lines[i])
        i += 1
    flush()
    return Document(front, blocks)


def fill_inline(text: str, values: list[str]) -> str:
    """Replace the inline expressions of a markdown block by their values, in order."""
    it = iter(values)
    return INLINE.sub(lambda _m: next(it), text)
