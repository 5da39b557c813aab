"""How to cite the book, from _quarto.yml and the edition's manifest: the website's "Cite this"
block, a BibTeX file, the PDF's document metadata and the back of its title page. Every value is
text: escaped for HTML, BibTeX and Typst (as string literals) where it is written."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Citation:
    title: str
    subtitle: str
    authors: str
    edition: str
    date: str          # the build date, ISO
    vintage: str       # the data's vintage in words
    licence: str       # "" when _quarto.yml states none
    keywords: tuple[str, ...] = ()   # report: keywords in _quarto.yml

    @property
    def full_title(self) -> str:
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title

    @property
    def licence_text(self) -> str:
        return self.licence or "not stated (set license: in _quarto.yml)"

    def text(self) -> str:
        """The citation in one line of plain text."""
        return (f"{self.authors} ({self.date[:4]}). {self.full_title}. Edition: {self.edition}, built {self.date}; "
                f"data: {self.vintage}. Licence: {self.licence_text}.")


def vintage(manifest: dict) -> str:
    """An edition's data vintage in words: the newest release date of its inputs, if recorded."""
    released = [v.get("last_released") for v in (manifest.get("vintage") or {}).values() if v.get("last_released")]
    return f"data released up to {max(released)}" if released else "release dates not recorded"


def citation(cfg: dict, edition_dir: Path | None, date: str) -> Citation:
    """The citation of this build of the book."""
    book = cfg.get("book") or {}
    manifest_path = edition_dir / "manifest.json" if edition_dir else None
    manifest = json.loads(manifest_path.read_text()) if manifest_path and manifest_path.exists() else {}
    author = book.get("author", "")
    authors = " and ".join(author) if isinstance(author, list) else str(author)
    return Citation(str(book.get("title", "")), str(book.get("subtitle", "")), authors,
                    str(manifest.get("edition", "full")), date, vintage(manifest),
                    str(cfg.get("license") or book.get("license") or ""),
                    tuple(str(k) for k in (cfg.get("report") or {}).get("keywords") or ()))


def _bib(value: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", value)


def bibtex(c: Citation) -> str:
    """A BibTeX entry for the book (names kept whole in braces: 'JEONG Hyung-gon' is one name)."""
    fields = {"author": "{" + _bib(c.authors) + "}", "title": "{" + _bib(c.full_title) + "}",
              "year": c.date[:4], "edition": _bib(c.edition), "note": _bib(f"Built {c.date}; {c.vintage}"),
              "copyright": _bib(c.licence_text)}
    key = re.sub(r"[^a-z0-9]", "", (c.authors.split() or ["book"])[0].lower()) + c.date[:4]
    body = ",\n".join(f"  {k} = {{{v}}}" if k != "author" and k != "title" else f"  {k} = {v}"
                      for k, v in fields.items())
    return f"@book{{{key},\n{body}\n}}\n"


def html_block(c: Citation, bib_href: str) -> str:
    """The website's "Cite this" block."""
    e = html.escape
    return (f'<section class="cite" aria-labelledby="cite-this"><h2 id="cite-this" class="unnumbered">Cite this</h2>\n'
            f"<p>{e(c.text())}</p>\n"
            f'<dl class="cite-facts"><dt>Authors</dt><dd>{e(c.authors)}</dd><dt>Title</dt><dd>{e(c.full_title)}</dd>'
            f"<dt>Edition</dt><dd>{e(c.edition)}</dd><dt>Built</dt><dd>{e(c.date)}</dd>"
            f"<dt>Data vintage</dt><dd>{e(c.vintage)}</dd><dt>Licence</dt><dd>{e(c.licence_text)}</dd></dl>\n"
            f'<p><a href="{e(bib_href)}" download>Download the citation (BibTeX)</a></p></section>')


def typst_string(value: str) -> str:
    """A Typst string literal: whatever the text holds, it stays text."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def typst_document(c: Citation) -> str:
    """The PDF's metadata: Title, Author, Subject (the subtitle) and Keywords."""
    keywords = ", ".join(typst_string(k) for k in c.keywords)
    return (f"#set document(title: {typst_string(c.full_title)}, author: ({typst_string(c.authors)},), "
            f"description: {typst_string(c.subtitle or c.title)}, keywords: ({keywords}))")


def typst_block(c: Citation) -> str:
    """The back of the PDF's title page: how to cite this edition."""
    rows = [("Authors", c.authors), ("Title", c.full_title), ("Edition", c.edition), ("Built", c.date),
            ("Data vintage", c.vintage), ("Licence", c.licence_text)]
    cells = ", ".join(f"strong({typst_string(k)}), text({typst_string(v)})" for k, v in rows)
    return ("#align(bottom)[#set text(size: 9pt)\n"
            f"#heading(outlined: false, numbering: none, level: 2)[Cite this]\n"
            f"#text({typst_string(c.text())})\n"
            f"#v(0.5em)\n#grid(columns: (auto, 1fr), column-gutter: 1em, row-gutter: 0.45em, {cells})]")
