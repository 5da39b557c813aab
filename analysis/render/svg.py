"""Figure files from a figure's SVG, for the built-in renderer: the kernel draws each figure once
(as SVG) and its print PDF and web PNG are typeset from that by Typst. Kept apart from
`analysis.figures` so that the renderer's processes never import matplotlib."""

from __future__ import annotations

import tempfile
from pathlib import Path


def from_svg(svg: bytes, name: str, folder: Path, ppi: int = 200) -> list[Path]:
    """PDF (vector) and PNG (`ppi`) of a figure from its SVG, typeset by Typst at the figure's own size."""
    import typst

    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.pdf", folder / f"{name}.png"]
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "figure.svg").write_bytes(svg)
        source = Path(tmp) / "figure.typ"
        source.write_text('#set page(width: auto, height: auto, margin: 0pt)\n#image("figure.svg")\n')
        typst.compile(str(source), output=str(paths[0]), root=tmp)
        typst.compile(str(source), output=str(paths[1]), root=tmp, format="png", ppi=ppi)
    return paths
