"""Every figure the notebooks show is checked while nbval runs them (``make test``).

Why here: ``make test`` already executes every notebook once, with nbval (``pytest tests
notebooks --nbval-lax ...``, ~3-5 minutes with the sweep cache warm). Running them a second
time in a test of their own would double the slowest part of the suite on a 2-core machine,
so this plugin rides along with nbval's run instead, and costs only the checks (a few ms per
figure: nothing is drawn twice).

How: before nbval starts a notebook's kernel, ``IPYTHONDIR`` points to a fresh IPython
profile whose startup script (:data:`STARTUP`) wraps ``IPython.core.pylabtools.print_figure``.
That is the one function that turns a figure into the PNG of a cell's output, whichever way
it got there: the inline backend's flush after the cell, ``plt.show()`` (which also closes
the figure), ``display(fig)`` or a figure as the cell's value (the inline backend binds its
formatters to it when ``%matplotlib inline`` runs, after the startup script). The wrapper
records the texts drawn into that PNG (:func:`backprop.figures.audit.drawn_texts`), then
checks the figure as drawn (:func:`backprop.figures.audit.figure_problems`) with its text
scaled by the PNG's real width against the notebook column and for a text alternative that
reaches the page (:func:`backprop.figures.audit.alt_problems`), and appends one JSON line per
figure to a file the plugin reads after each cell: a cell that showed a faulty figure fails,
with the notebook, the cell and what is wrong. Widgets' pictures are not figures shown by
the notebook: ``tests/test_figure_audit.py`` checks those figures directly.

Run one notebook the same way: ``pytest notebooks/02_training.ipynb --nbval-lax
--nbval-current-env``; the summary at the end says how many figures each notebook showed
and how many were checked.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

ENV_RECORD = "BACKPROP_FIGURE_AUDIT"  # the file the kernel appends its findings to
STARTUP = '''\
"""Written by notebooks/conftest.py: check every figure this kernel shows (see there)."""
import json as _json
import os as _os

from IPython.core import pylabtools as _pylabtools

_original_print_figure = _pylabtools.print_figure


def _audited_print_figure(fig, fmt="png", *args, **kwargs):
    from backprop.figures import alt, audit

    with audit.drawn_texts() as texts:
        data = _original_print_figure(fig, fmt, *args, **kwargs)
    if data is None or fmt not in ("png", "retina"):
        return data
    record = {"title": fig.get_suptitle(), "problems": []}
    try:
        # retina: drawn at twice the dpi, shown at half its pixels
        record["width"] = audit.png_width(data) / (2 if fmt == "retina" else 1)
        record["problems"] = [str(p) for p in audit.figure_problems(
            fig, scale=audit.shown_scale(record["width"]), texts=texts)]
        record["problems"] += [str(p) for p in audit.alt_problems(
            fig, alt.alt_text_enabled())]
    except Exception as error:  # a broken check must fail the test, not the notebook
        record["problems"] = [f"the figure check itself failed: {error!r}"]
    with open(_os.environ["''' + ENV_RECORD + '''"], "a", encoding="utf-8") as fh:
        fh.write(_json.dumps(record) + "\\n")
    return data


_pylabtools.print_figure = _audited_print_figure
'''

_SHOWN: dict[str, list[int]] = {}  # notebook -> [figures checked, figures with problems]
_FOLDER = pytest.StashKey[Path]()  # the temporary folder: the IPython profile, the records


def _is_notebook_cell(item: pytest.Item) -> bool:
    """An nbval cell: its parent holds the notebook (``nb``) and starts its kernel."""
    return hasattr(item, "cell") and hasattr(item.parent, "nb")


def pytest_configure(config: pytest.Config) -> None:
    folder = Path(tempfile.mkdtemp(prefix="backprop-figure-audit-"))
    startup = folder / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "50-figure-audit.py").write_text(STARTUP, encoding="utf-8")
    config.stash[_FOLDER] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    if _FOLDER in config.stash:
        shutil.rmtree(config.stash[_FOLDER], ignore_errors=True)


def _record_file(item: pytest.Item) -> Path:
    return item.config.stash[_FOLDER] / f"{Path(str(item.parent.path)).stem}.jsonl"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    """Start the notebook's kernel (nbval does, in the first cell's set-up) with the profile
    that checks figures; the environment of the tests is left as it was."""
    if not _is_notebook_cell(item):
        return (yield)
    saved = {key: os.environ.get(key) for key in ("IPYTHONDIR", ENV_RECORD)}
    os.environ["IPYTHONDIR"] = str(item.config.stash[_FOLDER] / "ipython")
    os.environ[ENV_RECORD] = str(_record_file(item))
    try:
        return (yield)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Run the cell, then fail it if a figure it showed has a blank panel, tiny text or no
    text alternative."""
    if not _is_notebook_cell(item):
        return (yield)
    record = _record_file(item)
    start = record.stat().st_size if record.exists() else 0
    result = yield  # the cell's own error, if any, wins
    if not record.exists():
        return result
    with record.open(encoding="utf-8") as fh:
        fh.seek(start)
        figures = [json.loads(line) for line in fh if line.strip()]
    counts = _SHOWN.setdefault(str(item.parent.path.name), [0, 0])
    counts[0] += len(figures)
    faulty = [(n, fig) for n, fig in enumerate(figures, start=1) if fig["problems"]]
    counts[1] += len(faulty)
    if faulty:
        cells = item.parent.nb.cells
        index = next(i for i, cell in enumerate(cells) if cell is item.cell)
        first = item.cell.source.strip().splitlines()[0] if item.cell.source.strip() else ""
        lines = [f"{item.parent.path.name}, cell {index} ({first!r}): "
                 f"{len(faulty)} of the {len(figures)} figure(s) it shows have problems"]
        for n, fig in faulty:
            title = f" {fig['title']!r}" if fig.get("title") else ""
            lines.append(f"figure {n}{title}, {fig.get('width', 0):.0f} px wide:")
            lines += [f"  - {problem}" for problem in fig["problems"]]
        raise AssertionError("\n".join(lines))
    return result


def pytest_terminal_summary(terminalreporter) -> None:
    if _SHOWN:
        terminalreporter.write_sep("-", "figures checked in the notebooks")
        for name, (checked, faulty) in _SHOWN.items():
            terminalreporter.write_line(f"{name}: {checked} figures checked, {faulty} faulty")
