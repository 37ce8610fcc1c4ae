"""Write an nbgrader course's ``source/`` assignments from the teacher's notebooks.

    python scripts/make_nbgrader.py ~/course                     # notebooks 01-04
    python scripts/make_nbgrader.py ~/course notebooks/01_derivation.ipynb

Each teacher's notebook with exercises becomes one assignment, named by the notebook:
``<course>/source/01_derivation/01_derivation.ipynb`` and so on. Then, in ``<course>``,
``nbgrader generate_assignment 01_derivation`` writes the version students get
(``release/``), and ``nbgrader autograde 01_derivation`` grades what they hand in
(TEACHING.md, "Graded work with nbgrader", has the whole round).

The teacher's notebooks stay the one source. Their exercise regions already sit between
nbgrader's markers (``### BEGIN SOLUTION`` / ``### END SOLUTION``) in cells whose nbgrader
metadata makes them autograded answers, and each check cell is an autograder test, locked,
worth the ``points`` in its nbgrader metadata; the notebook's metadata
``nbgrader.total_points`` holds the total. From each notebook this script:

* leaves out the worked solutions of the closing exercises (cells tagged ``solution``),
  which nbgrader would otherwise hand out as they are;
* runs the cells tagged ``needs-exercises`` inside ``skip_if_unfinished()``, as the student
  edition does (``make student``), so that they skip politely while an exercise is a stub;
* clears outputs and nbval's markers, and adds a note on what to do and the points;
* refuses a notebook whose check cells' points do not add up to its ``total_points``.

It writes ``<course>/nbgrader_config.py`` too when the course has none: its stub for an
exercise says ``raise NotImplementedError("exercise above")``, which the skipping cells know.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_student  # noqa: E402  (a sibling script: the same rules as the student edition)

ROOT = Path(__file__).resolve().parents[1]
SourceError = make_student.SourceError

STUB = '# YOUR CODE HERE\nraise NotImplementedError("exercise above")'
CONFIG = '''\
# nbgrader's settings for this course (written by backprop's scripts/make_nbgrader.py).
c = get_config()  # noqa: F821  (nbgrader provides it)
c.CourseDirectory.course_id = "backprop"
# Autograding runs each notebook top to bottom; notebook 02 trains for ten epochs and
# notebook 04 evaluates saved models, which can take minutes on a slow machine.
c.Execute.timeout = 600
# nbgrader's stub, with a message: cells that need an unfinished exercise then skip politely
# (backprop.checks.skip_if_unfinished knows a stub by a message that starts with "exercise").
''' + f"c.ClearSolutions.code_stub = {{'python': {STUB!r}}}\n"

NOTE = (
    "> **Assignment.** Where a code cell says `# YOUR CODE HERE`, replace that line and the "
    "`raise NotImplementedError(...)` below it with your code, then run the check cell that "
    "follows: it prints one line when your code is right and says what is wrong when it is "
    "not. Cells that need an exercise you have not done yet say so and skip. Do not change "
    "the check cells: they are graded as they are. {points}")


def points(nb) -> dict[str, float]:
    """The points of each graded cell of ``nb``, by its nbgrader ``grade_id``."""
    found = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            found[meta["grade_id"]] = meta.get("points", 0)
    return found


def total_points(nb, name: str = "notebook") -> float:
    """The notebook's ``nbgrader.total_points``, checked against its cells' points."""
    total = nb.metadata.get("nbgrader", {}).get("total_points")
    if total is None:
        raise SourceError(f"{name}: the notebook's metadata has no nbgrader.total_points")
    found = points(nb)
    if sum(found.values()) != total:
        raise SourceError(f"{name}: the graded cells' points add up to "
                          f"{sum(found.values())}, but nbgrader.total_points is {total}")
    return total


def _points_sentence(nb, name: str) -> str:
    total = total_points(nb, name)
    parts = [f"{gid.replace('-', ' ')}: {_num(p)}" for gid, p in points(nb).items()]
    return f"Points, {_num(total)} in all, for the check cells: {'; '.join(parts)}."


def _num(value: float) -> str:
    return f"{value:g}"


def source_notebook(nb, name: str):
    """The nbgrader source version of the teacher's notebook ``nb`` (file name ``name``)."""
    out = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "solution" in tags:
            continue
        cell = make_student.clean(cell)
        where = f"{name}, cell {cell.get('id', '?')}"
        if cell.cell_type == "code" and "needs-exercises" in tags:
            cell.source = make_student.wrap_in_skip(cell.source, where)
        if cell.cell_type == "code" and make_student.BEGIN in cell.source and not \
                cell.metadata.get("nbgrader", {}).get("solution"):
            raise SourceError(f"{where}: an exercise region needs nbgrader metadata that "
                              "makes its cell an autograded answer (solution: true)")
        cells.append(cell)
    note = new_markdown_cell(NOTE.format(points=_points_sentence(nb, name)),
                             id="nbgrader-note")
    cells.insert(1 if cells and cells[0].cell_type == "markdown" else 0, note)
    out.cells = cells
    out.metadata.pop("widgets", None)
    nbformat.validate(out)
    return out


def has_exercises(nb) -> bool:
    return any(cell.metadata.get("nbgrader", {}).get("grade") for cell in nb.cells)


def write_course(paths: list[Path], course: Path) -> list[Path]:
    """Write ``course/source/<stem>/<name>`` for each notebook with exercises; return them."""
    written = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if not has_exercises(nb):
            continue
        target = course / "source" / path.stem / path.name
        make_student.write_atomic(source_notebook(nb, path.name), target)
        written.append(target)
    config = course / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG, encoding="utf-8")
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("course", type=Path, help="the nbgrader course folder (made if needed)")
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="teacher's notebooks (default: notebooks/NN_*.ipynb with exercises)")
    args = parser.parse_args(argv)
    try:
        written = write_course(args.notebooks or make_student.teacher_notebooks(), args.course)
    except SourceError as exc:
        print(f"make_nbgrader: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"{path}: assignment {path.parent.name}, "
              f"{_num(total_points(nbformat.read(path, as_version=4)))} points")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
