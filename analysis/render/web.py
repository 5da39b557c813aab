"""The website's figures and tables after pandoc: each figure as inline SVG whose marks carry their
values (a `<title>` and a keyboard stop per marker), its description, caption and links to its
data and images; each table in a box of its own that scrolls on a narrow screen.

Pure functions on text; the print PDF keeps the plain SVG of each figure.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)
HREF = f"{{{XLINK_NS}}}href"
MIN_TEXT_PX = 9.0   # the smallest chart text on any screen: below it the box scrolls instead of shrinking
FIGURE = re.compile(r'<figure id="(fig-[A-Za-z0-9_-]+)">\s*<img src="[^"]*"\s+alt="[^"]*"\s*/>\s*'
                    r'<figcaption(?: aria-hidden="true")?>(.*?)</figcaption>\s*</figure>', re.S)
TABLE = re.compile(r"<table\b.*?</table>", re.S)
FILES = (("csv", "Data (CSV)"), ("json", "About the data (JSON)"), ("svg", "SVG"), ("png", "PNG"))


@dataclass
class Chart:
    """What the website shows of one figure: its SVG, the titles of its marks, its description."""

    label: str
    svg: bytes
    marks: dict[str, list[str]]
    smallest_text_pt: float
    description: str


def load_chart(label: str, svg: bytes, folder: Path) -> Chart:
    """A figure's chart from its SVG and the files the kernel wrote beside its images (if any)."""
    marks_file, about_file = folder / f"{label}.marks.json", folder / f"{label}.json"
    marks = json.loads(marks_file.read_text(encoding="utf-8")) if marks_file.exists() else {}
    about = json.loads(about_file.read_text(encoding="utf-8")) if about_file.exists() else {}
    return Chart(label, svg, marks.get("marks", {}), float(marks.get("smallest_text_pt") or 0),
                 str(about.get("description", "")))


def _prefix_ids(root: ET.Element, prefix: str) -> None:
    """Make every id unique on a page holding several figures, and the references to them."""
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    url = re.compile(r"url\(#([^)]+)\)")
    for el in root.iter():
        if el.get("id"):
            el.set("id", prefix + el.get("id"))
        ref = el.get(HREF)
        if ref and ref.startswith("#") and ref[1:] in ids:
            el.set(HREF, "#" + prefix + ref[1:])
        for attr in ("clip-path", "style", "mask", "filter"):
            value = el.get(attr)
            if value and "url(#" in value:
                el.set(attr, url.sub(lambda m: f"url(#{prefix}{m.group(1)})" if m.group(1) in ids else m.group(0),
                                     value))


def _mark_up(root: ET.Element, marks: dict[str, list[str]]) -> int:
    """Wrap each marker of a registered line in a focusable group titled with its values; returns
    how many markers got a title. A line whose markers do not match its titles one to one is left
    as drawn (the unit tests check that they match)."""
    done = 0
    parents = {child: parent for parent in root.iter() for child in parent}
    for group in list(root.iter(f"{{{SVG_NS}}}g")):
        titles = marks.get(group.get("id", ""))
        if not titles:
            continue
        uses = [el for el in group.iter(f"{{{SVG_NS}}}use")]
        if len(uses) != len(titles):
            continue
        for use, title in zip(uses, titles):
            parent = parents[use]
            mark = ET.Element(f"{{{SVG_NS}}}g", {"class": "mark", "tabindex": "0", "role": "img",
                                                   "aria-label": title})
            ET.SubElement(mark, f"{{{SVG_NS}}}title").text = title
            parent.insert(list(parent).index(use), mark)
            parent.remove(use)
            mark.append(use)
            done += 1
    return done


def inline_svg(chart: Chart, labelledby: str) -> tuple[str, float]:
    """The chart as inline SVG markup for the page, and the narrowest width (CSS px) at which its
    smallest text is still MIN_TEXT_PX."""
    root = ET.fromstring(chart.svg)
    for meta in root.findall(f"{{{SVG_NS}}}metadata"):
        root.remove(meta)
    marks = {chart.label + "-" + k: v for k, v in chart.marks.items()}
    _prefix_ids(root, chart.label + "-")
    _mark_up(root, marks)
    width_pt = float(re.sub(r"[^0-9.]", "", root.get("width", "0")) or 0)
    min_px = width_pt * MIN_TEXT_PX / chart.smallest_text_pt if chart.smallest_text_pt else 0.0
    for attr in ("width", "height"):
        root.attrib.pop(attr, None)
    root.set("role", "group")
    root.set("aria-labelledby", labelledby)
    root.set("class", "chart")
    root.set("data-smallest-text-pt", f"{chart.smallest_text_pt:g}")
    root.set("style", f"width: {width_pt * 4 / 3:.0f}px; min-width: {min(min_px, width_pt * 4 / 3):.0f}px")
    return ET.tostring(root, encoding="unicode"), min_px


def figures(page: str, charts: dict[str, Chart], files: str) -> str:
    """Every figure of a page as an inline, hoverable chart with its description, caption, a
    permanent link and links to its data and images (under `files`, relative to the page)."""

    def one(m: re.Match) -> str:
        label, caption = m.group(1), m.group(2)
        chart = charts.get(label)
        if chart is None:
            return m.group(0)
        svg, _ = inline_svg(chart, f"{label}-caption {label}-description")
        scroll = "" if chart.marks else ' tabindex="0"'
        links = " · ".join(f'<a href="{files}{label}.{ext}">{text}</a>' for ext, text in FILES)
        return (f'<figure id="{label}" class="chart-figure">\n'
                f'<div class="chart-box"{scroll}>{svg}</div>\n'
                f'<figcaption id="{label}-caption">{caption} '
                f'<a class="anchor" href="#{label}" aria-label="Permanent link to this figure">#</a></figcaption>\n'
                f'<p class="chart-description" id="{label}-description">{html.escape(chart.description)}</p>\n'
                f'<p class="chart-links">{links}</p>\n</figure>')

    return FIGURE.sub(one, page)


def scrolling_tables(page: str) -> str:
    """Each table in its own box that scrolls sideways on a narrow screen (and can be scrolled
    from the keyboard), so that the page itself never does."""

    def wrap(m: re.Match) -> str:
        caption = re.search(r"<caption>(.*?)</caption>", m.group(0), re.S)
        name = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", caption.group(1))).split()) if caption else "Table"
        return (f'<div class="table-scroll" role="region" tabindex="0" aria-label="{html.escape(name[:120])}">'
                f"{m.group(0)}</div>")

    return TABLE.sub(wrap, page)


SECTION = re.compile(r'<section id="([^"]+)"[^>]*>')
HEADING = re.compile(r"<h([1-6])[^>]*>(.*?)</h\1>", re.S)


def text_of(fragment: str) -> str:
    """The readable text of some HTML: scripts, styles, navigation and charts left out."""
    fragment = re.sub(r"<(script|style|nav|svg)\b.*?</\1>", " ", fragment, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def sections(main: str) -> list[tuple[str, str, str]]:
    """A page's main part cut at each section: (anchor, heading, text of the section itself, not
    of the sections inside it). Text before the first section has no anchor."""
    starts = [(m.start(), m.group(1)) for m in SECTION.finditer(main)]
    bounds = [(0, "")] + starts + [(len(main), None)]
    out = []
    for (start, anchor), (end, _) in zip(bounds, bounds[1:]):
        part = main[start:end]
        heading = HEADING.search(part)
        title = text_of(heading.group(2)) if heading else ("Notes" if anchor == "footnotes" else "")
        body = text_of(part[heading.end():] if heading else part)
        if body or title:
            out.append((anchor, title, body))
    return out


def letter_sections(page: str, letter: str) -> str:
    """An appendix page numbered by pandoc as chapter 1 ('1', '1.2') renumbered with its letter
    ('A', 'A.2'), in headings, their data-number and the page's contents, as the PDF numbers it."""
    page = re.sub(r'(class="(?:header|toc)-section-number">)1(?=[.<])', rf"\g<1>{letter}", page)
    return re.sub(r'(data-number=")1(?=[."])', rf"\g<1>{letter}", page)
