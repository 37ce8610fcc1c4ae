"""Execute the notebooks in place, so that their committed outputs are the current code's.

    python scripts/execute_notebooks.py                 # every notebooks/*.ipynb, in order
    python scripts/execute_notebooks.py notebooks/02_training.ipynb

Progress bars write many carriage-return updates; each stream output is reduced to what a
terminal would finally show, so the saved notebooks read cleanly on GitHub. A widget's output
keeps only its widget view, not its text repr (``Playground(children=(HBox(...``): where no
kernel runs the widget, the static figure the notebook shows before it stands in for it.
Each notebook is written atomically, and only when it ran without error.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def final_text(text: str) -> str:
    """What a terminal shows after ``text``: each line keeps what follows its last ``\\r``."""
    return "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))


def tidy_streams(nb) -> None:
    """Merge consecutive stream outputs of one kind and resolve carriage returns."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        merged = []
        for out in cell.outputs:
            if (out.output_type == "stream" and merged and merged[-1].output_type == "stream"
                    and merged[-1].name == out.name):
                merged[-1].text += out.text
            else:
                merged.append(out)
        for out in merged:
            if out.output_type == "stream":
                out.text = final_text(out.text)
        cell.outputs = merged


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def drop_widget_reprs(nb) -> None:
    """Keep only the widget view of a widget's output: its text repr means nothing to a reader."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type in ("display_data", "execute_result") and WIDGET_VIEW in out.data:
                out.data.pop("text/plain", None)


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=1800, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    tidy_streams(nb)
    drop_widget_reprs(nb)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".ipynb.tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        nbformat.write(nb, fh)
    os.chmod(tmp, path.stat().st_mode & 0o777)  # mkstemp makes it private; keep the old mode
    os.replace(tmp, path)
    return seconds


def main(argv: list[str]) -> None:
    paths = [Path(p) for p in argv] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        print(f"{path.name}: {execute(path):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
