"""Grading with nbgrader, end to end: release, four submissions, autograde, the scores.

In a temporary course folder: scripts/make_nbgrader.py writes the source assignments from
the teacher's notebooks, ``nbgrader generate_assignment`` releases them (they must hold no
solution), four students hand in their work, ``nbgrader autograde`` grades it, and the
gradebook must give what a teacher would: full marks for the teacher's solutions (notebooks
01 and 03), 01's full marks less the two steps' points for two wrong backward steps, 03's
full marks less the tuning's points for a choice made on training accuracy, and nothing
for 01 handed in as released (whose other cells must skip politely). The commands
are the ones TEACHING.md gives a teacher. Notebooks 02 and 04 are released but not
autograded here (they train and evaluate for a minute each; their checks have their own
tests).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import make_nbgrader
import make_student
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
TEACHER = {path.stem: path for path in make_student.teacher_notebooks()}
GRADED = ("01_derivation", "03_hyperparameter_tuning")  # the assignments autograded here

# Each wrong submission: (assignment, exercise cell's grade_id, the teacher's line, the
# student's line), and the check cells that must then fail.
TWO_STEPS_WRONG = [
    ("01_derivation", "exercise-4b", "return u3.T @ d_u5", "return d_u5.T @ u3"),  # transposed
    ("01_derivation", "exercise-4g", "return d_u2.sum(axis=0)", "return d_u2"),  # not summed
]
TUNED_ON_TRAINING = [
    ("03_hyperparameter_tuning", "exercise-1",
     'means = runs.groupby(["lr", "hidden"])["val_acc"].mean()',
     'means = runs.groupby(["lr", "hidden"])["train_acc"].mean()'),
]
# Each student: the assignments handed in, the mistakes made, and the check cells that must
# fail (each hands in only what the mistakes need, to keep autograding short).
NOT_STARTED = [("01_derivation", None, None, None)]  # hands in the released notebook as it is
STUDENTS = {
    "all-correct": (GRADED, [], set()),
    "not-started": (("01_derivation",), NOT_STARTED, None),  # None: every check fails
    "two-steps-wrong": (("01_derivation",), TWO_STEPS_WRONG,
                        {("01_derivation", "check-4b"), ("01_derivation", "check-4g")}),
    "tuned-on-training": (("03_hyperparameter_tuning",), TUNED_ON_TRAINING,
                          {("03_hyperparameter_tuning", "check-1")}),
}

# make test installs the grading extra; under CI=true a missing nbgrader fails, not skips
needs_nbgrader = pytest.mark.skipif(
    not os.environ.get("CI") and importlib.util.find_spec("nbgrader") is None,
    reason="nbgrader is not installed: pip install -e .[grading] (make test installs it)")


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run ``nbgrader *args`` in ``course`` as a teacher would, in this Python's environment."""
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)  # nbgrader runs `alembic` from the PATH
    env["PATH"] = os.pathsep.join([bin_dir, env.get("PATH", "")])
    # the kernels that autograding starts import this checkout's backprop
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                            capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stderr[-4000:]}"
    return result


def solution(cell) -> str:
    """The teacher's cell as a student who solved it hands it in: the markers removed."""
    return "\n".join(line for line in cell.source.split("\n")
                     if line.strip() not in (make_student.BEGIN, make_student.END))


def submission(course: Path, assignment: str, mistakes: list[tuple[str, str, str, str]]):
    """The released notebook of ``assignment``, filled in with the teacher's solutions and
    then the ``mistakes`` (each must change its cell: a changed solution fails here)."""
    name = TEACHER[assignment].name
    source = nbformat.read(course / "source" / assignment / name, as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: solution(c) for c in source.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(course / "release" / assignment / name, as_version=4)
    if mistakes == NOT_STARTED:
        return nb
    for where, grade_id, right, wrong in mistakes:
        if where == assignment:
            assert right in answers[grade_id], f"{name} {grade_id} no longer has {right!r}"
            answers[grade_id] = answers[grade_id].replace(right, wrong)
    filled = 0
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            stub = make_nbgrader.STUB.split("\n")[-1]  # nbgrader's, as configured, indented
            assert stub in cell.source and make_student.BEGIN not in cell.source
            cell.source = answers[grade_id]
            filled += 1
    assert filled == len(answers) > 0
    return nb


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A course with every assignment made from the teacher's notebooks and released."""
    course = tmp_path_factory.mktemp("course")
    make_nbgrader.write_course(list(TEACHER.values()), course)
    nbgrader(course, "generate_assignment", "*")
    return course


@pytest.fixture(scope="module")
def graded(released):
    """The released course with the three students' work handed in and autograded."""
    for student, (assignments, mistakes, _) in STUDENTS.items():
        for assignment in assignments:
            target = released / "submitted" / student / assignment / TEACHER[assignment].name
            target.parent.mkdir(parents=True)
            nbformat.write(submission(released, assignment, mistakes), target)
    nbgrader(released, "autograde", "*")  # every assignment handed in, every student
    return released


def scores(course: Path, student: str) -> dict:
    """{(assignment, grade_id): (score, max_score)} of ``student`` from the gradebook."""
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for assignment in STUDENTS[student][0]:
            submitted = gradebook.find_submission(assignment, student)
            for nb in submitted.notebooks:
                for grade in nb.grades:
                    found[(assignment, grade.name)] = (grade.score, grade.max_score)
            assert submitted.max_score == sum(mx for (a, _), (_, mx) in found.items()
                                              if a == assignment)
    return found


def test_the_points_in_the_notebooks_add_up_to_their_totals():
    for assignment, path in TEACHER.items():
        nb = nbformat.read(path, as_version=4)
        if make_nbgrader.has_exercises(nb):
            points = make_nbgrader.points(nb)
            assert all(p > 0 for p in points.values()), assignment
            assert sum(points.values()) == make_nbgrader.total_points(nb, assignment)


@needs_nbgrader
def test_the_released_assignments_hold_no_solution(released):
    course = released
    released = sorted(p.parent.name for p in (course / "release").glob("*/*.ipynb"))
    assert released == sorted(a for a, p in TEACHER.items() if make_nbgrader.has_exercises(
        nbformat.read(p, as_version=4)))
    assert {"01_derivation", "02_training", "03_hyperparameter_tuning",
            "04_test_evaluation"} <= set(released)
    for assignment in released:
        teacher = nbformat.read(TEACHER[assignment], as_version=4)
        nb = nbformat.read(course / "release" / assignment / TEACHER[assignment].name,
                           as_version=4)
        everything = json.dumps(nb)
        regions = [c for c in teacher.cells if c.cell_type == "code"
                   and make_student.BEGIN in c.source]
        assert regions
        for cell in regions:
            inside = False
            for line in cell.source.split("\n"):
                if line.strip() in (make_student.BEGIN, make_student.END):
                    inside = line.strip() == make_student.BEGIN
                elif inside and len(line.strip()) > 12:  # a distinctive line of the answer
                    assert json.dumps(line.strip())[1:-1] not in everything, \
                        f"{assignment} leaks {line.strip()!r}"
        worked = [c.source for c in teacher.cells if "solution" in c.metadata.get("tags", [])
                  and c.cell_type == "code"]
        assert worked  # every notebook with exercises has worked solutions to leave out
        for source in worked:
            body = "\n".join(x for x in source.split("\n") if not x.startswith("#")).strip()
            assert json.dumps(body[:200])[1:-1] not in everything, assignment
        for cell in nb.cells:  # outputs cleared, check cells locked and worth their points
            if cell.cell_type == "code":
                assert cell.outputs == []
        graded = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
                  for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
        assert graded == make_nbgrader.points(teacher)


@needs_nbgrader
@pytest.mark.parametrize("student", list(STUDENTS))
def test_autograded_scores_are_what_a_teacher_would_give(graded, student):
    assignments, _, lost = STUDENTS[student]
    got = scores(graded, student)
    points = {}
    for assignment in assignments:
        teacher = nbformat.read(TEACHER[assignment], as_version=4)
        points.update({(assignment, gid): p for gid, p in make_nbgrader.points(teacher).items()})
    assert {key: mx for key, (_, mx) in got.items()} == points  # every check, its points
    failed = {key for key, (score, mx) in got.items() if score != mx}
    lost = set(points) if lost is None else lost
    assert failed == lost, f"{student}: lost points at {sorted(failed)}, expected {sorted(lost)}"
    full = sum(points.values())
    total = sum(score for score, _ in got.values())
    print(f"{student}: {total:g} of {full:g} points")
    assert total == full - sum(points[key] for key in lost)


@needs_nbgrader
def test_a_released_notebook_handed_in_unchanged_fails_only_at_its_check_cells(graded):
    """Cells that need an unfinished exercise skip politely; only the graded checks fail."""
    name = TEACHER["01_derivation"].name
    nb = nbformat.read(graded / "autograded" / "not-started" / "01_derivation" / name,
                       as_version=4)
    errors = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                errors[cell.metadata.get("nbgrader", {}).get("grade_id", cell.id)] = out.ename
    checks = {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
              if c.metadata.get("nbgrader", {}).get("locked")}  # graded or not
    assert set(make_nbgrader.points(nb)) <= set(errors) <= checks, \
        f"errors outside the check cells: {errors}"
    assert set(errors.values()) == {"ExerciseNotWritten"}  # one calm line each, no traceback
    skipped = [cell for cell in nb.cells if cell.cell_type == "code" and any(
        "Skipped: this cell needs exercise" in out.get("text", "")
        for out in cell.get("outputs", []))]
    assert skipped  # the cells tagged needs-exercises said so and skipped


def small_notebook(total):
    exercise = new_code_cell("def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n"
                             "    ### END SOLUTION", id="ex")
    exercise.metadata.nbgrader = {"grade": False, "grade_id": "exercise-1", "locked": False,
                                  "schema_version": 3, "solution": True, "task": False}
    check = new_code_cell("assert f(1) == 2", id="check")
    check.metadata.nbgrader = {"grade": True, "grade_id": "check-1", "locked": True,
                               "points": 2, "schema_version": 3, "solution": False,
                               "task": False}
    uses = new_code_cell("# NBVAL_CHECK_OUTPUT\nf(3)", id="uses")
    uses.metadata.tags = ["needs-exercises"]
    worked = new_code_cell("print('a worked solution')", id="worked")
    worked.metadata.tags = ["solution"]
    nb = new_notebook(cells=[new_markdown_cell("# Title", id="title"), exercise, check, uses,
                             worked])
    if total is not None:
        nb.metadata.nbgrader = {"total_points": total}
    return nb


def test_the_source_assignment_leaves_out_worked_solutions_and_skips_politely():
    nb = make_nbgrader.source_notebook(small_notebook(2), "small.ipynb")
    ids = [cell.id for cell in nb.cells]
    assert ids == ["title", "nbgrader-note", "ex", "check", "uses"]
    assert "Points, 2 in all, for the check cells: check 1: 2." in nb.cells[1].source
    uses = nb.cells[-1].source
    assert "with skip_if_unfinished():" in uses and "NBVAL" not in uses
    assert make_student.BEGIN in nb.cells[2].source  # nbgrader makes the stub


@pytest.mark.parametrize(("total", "message"), [
    (None, "no nbgrader.total_points"), (3, "add up to 2, but nbgrader.total_points is 3")])
def test_points_that_do_not_add_up_are_refused(total, message):
    with pytest.raises(make_nbgrader.SourceError, match=message):
        make_nbgrader.source_notebook(small_notebook(total), "small.ipynb")
