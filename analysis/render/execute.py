"""Execute a parsed chapter in a Jupyter kernel and turn its outputs into markdown.

Figures and tables are emitted with placeholders (`@@FIG:label@@`, `@@TBL:label@@`,
`@@IMG:path@@`) that the book step fills once every chapter's labels are numbered.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from ..escape import markdown
from .qmd import Cell, Document, fill_inline

INLINE_MARK = "\x1eINLINE"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
SETUP = """\
%matplotlib inline
%config InlineBackend.figure_formats = ['svg']
%config InlineBackend.print_figure_kwargs = {'bbox_inches': 'tight', 'dpi': 170}
"""
DEFAULTS = {"echo": True, "output": True, "include": True, "warning": True, "eval": True}
# Between two chapters in one kernel: no variable, figure or option of the last one survives.
RESET = """\
%reset -f
import matplotlib.pyplot as _plt
_plt.close("all")
del _plt
"""
_KERNELS: dict[str, tuple[KernelManager, str]] = {}


def shared_kernel(cwd: Path) -> KernelManager:
    """One kernel per process and folder, started once and reused by every chapter run there: the
    package and its libraries are imported once, not once per chapter. Stopped when the process ends."""
    key = str(cwd)
    if key not in _KERNELS:
        sockets = tempfile.mkdtemp(prefix="kernel-")
        km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "k"))
        km.start_kernel(cwd=key)
        _KERNELS[key] = (km, sockets)
        if len(_KERNELS) == 1:
            atexit.register(stop_kernels)
    return _KERNELS[key][0]


def stop_kernels() -> None:
    """Stop the kernels this process started."""
    while _KERNELS:
        _key, (km, sockets) = _KERNELS.popitem()
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        shutil.rmtree(sockets, ignore_errors=True)


class RenderError(RuntimeError):
    """A chapter failed to execute; the message names the file and line."""


@dataclass
class Executed:
    """A chapter after execution: markdown with placeholders and the images it produced."""

    markdown: str
    images: dict[str, bytes] = field(default_factory=dict)   # file name -> content
    labels: list[str] = field(default_factory=list)          # fig-/tbl- labels in order


def _inline_code(exprs: list[str]) -> str:
    """Kernel code printing each inline value as [is markdown, text]: a value that offers markdown
    (an `analysis.escape.Markup`, an IPython `Markdown`) is kept as markdown, any other is text."""
    items = ", ".join(f"_v(({e}))" for e in exprs)
    as_pair = ('lambda x: (lambda m: [True, m[0] if isinstance(m, tuple) else m] if m is not None else '
               '[False, str(x)])(x._repr_markdown_() if callable(getattr(x, "_repr_markdown_", None)) else None)')
    return f'(lambda _v: print({INLINE_MARK!r} + __import__("json").dumps([{items}])))({as_pair})'


def inline_values(pairs: list[list]) -> list[str]:
    """The inline values as markdown: text escaped (`analysis.escape.markdown`), markdown as it is."""
    return [str(text) if is_markdown else markdown(text) for is_markdown, text in pairs]


def _text_block(text: str) -> str:
    """Text output as a code block, fenced by more backticks than any run inside it."""
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
    return f"{fence}\n" + text.rstrip("\n") + f"\n{fence}"


def _outputs_to_markdown(cell: Cell, outputs: list, opts: dict, stem: str, ex: Executed) -> list[str]:
    label = str(opts.get("label", ""))
    parts: list[str] = []
    n_images = 0
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream":
            if out["name"] == "stderr" and not opts["warning"]:
                continue
            text = out["text"]
            parts.append(text if opts["output"] == "asis" else _text_block(text))
        elif kind in ("display_data", "execute_result"):
            data = out.get("data", {})
            if "image/svg+xml" in data or "image/png" in data:
                # Figures come as SVG (one render serves the website and the PDF); PNG is kept
                # where a cell gives only that.
                n_images += 1
                name = label if label and n_images == 1 else f"{label or 'cell'}-{cell.line}-{n_images}"
                if "image/svg+xml" in data:
                    svg = data["image/svg+xml"]
                    ex.images[f"{name}.svg"] = (svg if isinstance(svg, str) else "".join(svg)).encode()
                else:
                    ex.images[f"{name}.png"] = base64.b64decode(data["image/png"])
                path = f"@@IMG:{stem}_files/{name}@@"
                if label.startswith("fig-") and n_images == 1:
                    cap = opts.get("fig-cap", "")
                    parts.append(f"![@@FIG:{label}@@ {cap}]({path}){{#{label}}}")
                    ex.labels.append(label)
                else:
                    parts.append(f"![]({path})")
            elif "text/markdown" in data:
                parts.append(data["text/markdown"])
            elif "text/plain" in data and kind == "execute_result":
                text = data["text/plain"]
                parts.append(text if opts["output"] == "asis" else _text_block(text))
        elif kind == "error":
            raise RenderError("\n".join(ANSI.sub("", line) for line in out.get("traceback", [])))
    if label.startswith("tbl-"):
        cap = opts.get("tbl-cap", "")
        body = "\n\n".join(parts)
        parts = [f"::: {{#{label}}}\n\n{body}\n\n: @@TBL:{label}@@ {cap}\n\n:::"]
        ex.labels.append(label)
    return parts


def execute(doc: Document, path: Path, stem: str, defaults: dict | None = None, cwd: Path | None = None,
            timeout: int = 600, reuse: bool = False, outputs: Path | None = None, salt: str = "") -> Executed:
    """Run every cell of a chapter in a kernel and assemble its markdown.

    With `reuse`, the process's shared kernel runs it after a reset (see `shared_kernel`);
    otherwise a fresh kernel is started and stopped for this chapter alone. With `outputs` (a
    folder), the cells' outputs are kept there under the hash of the code run and `salt` (what
    else they depend on: package, data, options), so that an edit of the prose alone runs nothing.
    """
    base = {**DEFAULTS, **(defaults or {}), **(doc.front.get("execute") or {})}
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(RESET + SETUP))
    plan: list[tuple[str, int, object]] = []   # (kind, notebook cell index, block)
    for block in doc.blocks:
        if isinstance(block, Cell):
            opts = {**base, **block.options}
            if opts["eval"] is False:
                plan.append(("skipped", -1, block))
                continue
            nb.cells.append(nbformat.v4.new_code_cell(block.code))
            plan.append(("cell", len(nb.cells) - 1, block))
        elif block.inline:
            nb.cells.append(nbformat.v4.new_code_cell(_inline_code(block.inline)))
            plan.append(("inline", len(nb.cells) - 1, block))
        else:
            plan.append(("text", -1, block))
    folder = Path(cwd or path.parent)
    kept = _kept_outputs(outputs, salt, nb)
    if kept is not None:
        for cell, cell_outputs in zip(nb.cells, kept):
            cell.outputs = [nbformat.from_dict(o) for o in cell_outputs]
        return _assemble(plan, nb, base, path, stem)
    if reuse:
        km, sockets = shared_kernel(folder), None
    else:
        sockets = tempfile.mkdtemp(prefix="kernel-")
        km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "k"))
    client = NotebookClient(nb, km=km, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        index = next((i for i, c in enumerate(nb.cells) if any(o.get("output_type") == "error"
                                                                  for o in c.get("outputs", []))), None)
        where = next((b for k, i, b in plan if i == index), None)
        line = where.line if isinstance(where, Cell) else "inline code"
        raise RenderError(f"{path}:{line}: {ANSI.sub('', str(exc)).strip().splitlines()[-1]}") from None
    finally:
        if client.kc is not None:
            client.kc.stop_channels()
        if sockets is not None:
            if km.has_kernel:
                km.shutdown_kernel(now=True)
            shutil.rmtree(sockets, ignore_errors=True)
    if outputs is not None:
        outputs.mkdir(parents=True, exist_ok=True)
        (outputs / _outputs_key(salt, nb)).write_text(json.dumps([c.outputs for c in nb.cells]), encoding="utf-8")
    return _assemble(plan, nb, base, path, stem)


def _outputs_key(salt: str, nb: nbformat.NotebookNode) -> str:
    digest = hashlib.sha256(salt.encode())
    for cell in nb.cells:
        digest.update(cell.source.encode() + b"\x00")
    return digest.hexdigest()


def _kept_outputs(outputs: Path | None, salt: str, nb: nbformat.NotebookNode) -> list | None:
    """The outputs kept for exactly this code (and salt), if any."""
    if outputs is None or not (outputs / _outputs_key(salt, nb)).is_file():
        return None
    kept = json.loads((outputs / _outputs_key(salt, nb)).read_text(encoding="utf-8"))
    return kept if len(kept) == len(nb.cells) else None


def _assemble(plan: list, nb: nbformat.NotebookNode, base: dict, path: Path, stem: str) -> Executed:
    """The chapter's markdown from its text blocks and its cells' outputs."""
    ex = Executed("")
    pieces: list[str] = []
    for kind, index, block in plan:
        if kind == "text":
            pieces.append(block.text)
        elif kind == "inline":
            stdout = "".join(o.get("text", "") for o in nb.cells[index].outputs if o.get("name") == "stdout")
            values = inline_values(json.loads(stdout.split(INLINE_MARK, 1)[1]))
            pieces.append(fill_inline(block.text, values))
        elif kind == "cell":
            opts = {**base, **block.options}
            if not opts["include"]:
                continue
            if opts["echo"]:
                pieces.append("```python\n" + block.code + "\n```")
            if opts["output"] is not False:
                try:
                    pieces.extend(_outputs_to_markdown(block, nb.cells[index].outputs, opts, stem, ex))
                except RenderError as err:
                    raise RenderError(f"{path}:{block.line}: {err}") from None
    ex.markdown = "\n\n".join(p.strip("\n") for p in pieces) + "\n"
    return ex
