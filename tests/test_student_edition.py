"""The student edition (scripts/make_student.py): in step, reproducible, failing only at stubs."""

import importlib.util
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("make_student", ROOT / "scripts" / "make_student.py")
make_student = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_student)

TEACHER = make_student.teacher_notebooks()
COMMITTED = ROOT / "student" / "self-study"


def regions(nb):
    """(label, solution source) of every exercise cell of a teacher's notebook."""
    return [(c.metadata["backprop"]["exercise"], c.source) for c in nb.cells
            if c.cell_type == "code" and make_student.BEGIN in c.source]


def solution_lines(source):
    """The non-trivial lines between the markers (what must not leak into the stubs)."""
    inside, lines = False, []
    for line in source.split("\n"):
        if line.strip() in (make_student.BEGIN, make_student.END):
            inside = line.strip() == make_student.BEGIN
        elif inside and len(line.strip()) > 12:
            lines.append(line.strip())
    return lines


def test_the_committed_self_study_edition_is_in_step_with_the_teachers_notebooks(tmp_path):
    make_student.make(TEACHER, tmp_path, ("self-study",))
    fresh = sorted(p.name for p in (tmp_path / "self-study").glob("*.ipynb"))
    committed = sorted(p.name for p in COMMITTED.glob("*.ipynb"))
    assert committed == fresh, "student/self-study is out of step: run `make student`"
    for name in fresh:
        assert (tmp_path / "self-study" / name).read_bytes() == (COMMITTED / name).read_bytes(), \
            f"student/self-study/{name} is out of step with notebooks/{name}: run `make student`"


def test_make_student_twice_gives_byte_identical_files(tmp_path):
    first = make_student.make(TEACHER, tmp_path / "a")
    second = make_student.make(TEACHER, tmp_path / "b")
    assert len(first) == 2 * len(TEACHER)
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


@pytest.mark.parametrize("flavour", make_student.FLAVOURS)
def test_stubs_replace_the_solutions_outputs_are_cleared_checks_stay(tmp_path, flavour):
    make_student.make(TEACHER, tmp_path, (flavour,))
    for path in TEACHER:
        teacher = nbformat.read(path, as_version=4)
        student = nbformat.read(tmp_path / flavour / path.name, as_version=4)
        code = "\n".join(c.source for c in student.cells if c.cell_type == "code")
        assert make_student.BEGIN not in code and make_student.END not in code
        for cell in student.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None
        for label, source in regions(teacher):
            assert f'raise NotImplementedError("exercise {label}' in code
            for line in solution_lines(source):
                assert line not in code, f"{path.name} exercise {label} leaks {line!r}"
        checks_teacher = [c.source for c in teacher.cells if c.cell_type == "code"
                          and c.metadata.get("nbgrader", {}).get("grade")]
        checks_student = [c.source for c in student.cells if c.cell_type == "code"
                          and c.metadata.get("nbgrader", {}).get("grade")]
        assert checks_student == checks_teacher  # every check cell kept, unchanged
        everything = json.dumps(student)
        hidden = [c.source for c in teacher.cells if "solution" in c.metadata.get("tags", [])
                  and not c.source.startswith("#")]
        if flavour == "classroom":
            for source in hidden:
                assert source.strip()[:200] not in everything
            for _, source in regions(teacher):
                for line in solution_lines(source):
                    assert line not in everything
        else:  # folded into collapsed <details> blocks, not in code cells
            for source in hidden:
                text = "\n".join(x for x in source.split("\n")
                                 if not x.startswith("# NBVAL_")).strip()
                assert text[:200] not in code
                assert any(text[:200] in c.source and c.source.startswith("<details>")
                           for c in student.cells if c.cell_type == "markdown")


def test_the_teachers_notebook_01_has_every_exercise_of_the_issue():
    nb = nbformat.read(ROOT / "notebooks" / "01_derivation.ipynb", as_version=4)
    labels = [label for label, _ in regions(nb)]
    assert labels == ["1", "2", "3", "4a", "4b", "4c", "4d", "4e", "4f", "4g", "5"]
    sources = "\n".join(c.source for c in nb.cells)
    for step in ["d_u5", "d_W2", "d_b2", "d_u3", "d_u2", "d_W1", "d_b1"]:
        assert f'checks.check_backward_step("{step}"' in sources


@pytest.mark.parametrize(("name", "labels", "calls"), [
    ("02_training", ["1", "2"], ["checks.check_forward(plain_forward)",
                                 "checks.check_backward(plain_backward)",
                                 "checks.check_sgd_epoch(plain_sgd_epoch)",
                                 "checks.check_trained(own, data)"]),
    ("03_hyperparameter_tuning", ["1"], ["checks.check_tuning_choice(tune, grid_runs)"]),
    ("04_test_evaluation", ["1"], ["checks.check_test_accuracy(accuracy_of, "]),
])
def test_the_teachers_notebooks_02_to_04_have_their_exercises_and_checks(name, labels, calls):
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    assert [label for label, _ in regions(nb)] == labels
    check_cells = "\n".join(c.source for c in nb.cells if c.cell_type == "code"
                            and c.metadata.get("nbgrader", {}).get("grade"))
    for call in calls:
        assert call in check_cells
    assert any("solution" in c.metadata.get("tags", []) for c in nb.cells)  # worked solutions


def executed(path, tmp_path):
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb


@pytest.mark.parametrize("flavour", make_student.FLAVOURS)
def test_student_notebooks_executed_as_they_are_fail_only_at_the_stubs(tmp_path, flavour):
    """Every error is a stub's, or a check's line about it; cells that need one skip politely.

    Only the notebooks with exercise regions are run: the others are the teacher's code
    unchanged, which nbval runs already.
    """
    make_student.make(TEACHER, tmp_path, (flavour,))
    ran = 0
    for path in TEACHER:
        labels = {label for label, _ in regions(nbformat.read(path, as_version=4))}
        if not labels:
            continue
        nb = executed(tmp_path / flavour / path.name, tmp_path)
        ran += 1
        errors, skipped = [], 0
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            for out in cell.outputs:
                if out.output_type == "error":
                    errors.append((cell.id, out.ename, out.evalue))
                if out.output_type == "stream" and out.text.startswith("Skipped: this cell"):
                    skipped += 1
        # a check meeting a stub says so in one calm line (ExerciseNotWritten); a cell that
        # calls the stub itself shows the stub's own NotImplementedError
        wrong = [e for e in errors if e[1] not in {"NotImplementedError", "ExerciseNotWritten"}
                 or not e[2].startswith("exercise ")]
        assert not wrong, f"{path.name}: cells failing for other reasons: {wrong}"
        failing = {re.match(r"exercise (\w+)", e[2]).group(1) for e in errors}
        assert failing == labels  # each exercise's check meets its stub
        assert skipped >= 1
    assert ran >= 1


# --------------------------------------------------------------------------- the transformation
def tiny_teacher_notebook():
    exercise = new_code_cell('def outer(a):\n    """Doc."""\n    def inner(b):\n'
                             '        ### BEGIN SOLUTION\n        return 2 * b\n'
                             '        ### END SOLUTION\n    return inner(a)', id="ex")
    exercise.metadata["backprop"] = {"exercise": "7b"}
    needs = new_code_cell("# NBVAL_CHECK_OUTPUT\nx = outer(1)\nx + 1", id="needs")
    needs.metadata["tags"] = ["needs-exercises"]
    head = new_markdown_cell("## Worked solutions", id="h")
    sol_md = new_markdown_cell("**Exercise 9.** Because.", id="s1")
    sol_code = new_code_cell("print(42)", id="s2")
    for cell in (head, sol_md, sol_code):
        cell.metadata["tags"] = ["solution"]
    return new_notebook(cells=[new_markdown_cell("# Title", id="t"), exercise, needs, head,
                               sol_md, sol_code])


def test_transformation_of_a_small_notebook():
    self_study = make_student.student_notebook(tiny_teacher_notebook(), "99.ipynb", "self-study")
    sources = {c.id: c.source for c in self_study.cells}
    assert list(sources) == ["t", "student-edition-note", "ex", "ex-stuck", "needs", "h",
                             "s1-folded"]
    assert sources["ex"].split("\n")[3:] == [
        "        # YOUR CODE HERE", '        raise NotImplementedError("exercise 7b: inner")',
        "    return inner(a)"]
    assert "return 2 * b" in sources["ex-stuck"] and "<summary>Stuck?" in sources["ex-stuck"]
    assert sources["needs"] == (
        "from backprop.checks import skip_if_unfinished\n\nwith skip_if_unfinished():  "
        "# skips politely while an exercise it needs is not done\n"
        "    x = outer(1)\n    display(x + 1)")
    assert sources["s1-folded"].startswith("<details>\n<summary>Worked solution to exercise 9")
    assert "```python\nprint(42)\n```" in sources["s1-folded"]
    classroom = make_student.student_notebook(tiny_teacher_notebook(), "99.ipynb", "classroom")
    assert [c.id for c in classroom.cells] == ["t", "student-edition-note", "ex", "needs"]


def test_badly_marked_regions_are_refused_with_the_cell_named():
    nb = tiny_teacher_notebook()
    del nb.cells[1].metadata["backprop"]
    with pytest.raises(make_student.SourceError, match="cell ex: .*backprop.exercise"):
        make_student.student_notebook(nb, "99.ipynb", "classroom")
    nb = tiny_teacher_notebook()
    nb.cells[1].source = nb.cells[1].source.replace("        ### END SOLUTION\n", "")
    with pytest.raises(make_student.SourceError, match="without ### END SOLUTION"):
        make_student.student_notebook(nb, "99.ipynb", "classroom")


def test_a_skipped_cell_displays_its_last_value_but_not_a_prose_check():
    shown = make_student.wrap_in_skip("x = 1\nx + 1", "test")
    assert shown.rstrip().endswith("display(x + 1)")
    for quiet in ('says("it is 2", num(x + 1, 0))', 'print(x)', 'display(x)'):
        wrapped = make_student.wrap_in_skip(f"x = 1\n{quiet}", "test")
        assert "display(says" not in wrapped and "display(print" not in wrapped \
            and "display(display" not in wrapped, wrapped
