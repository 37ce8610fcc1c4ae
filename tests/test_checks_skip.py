"""backprop.checks.skip: skip_if_unfinished skips cells that need an unfinished exercise."""

import pytest

from backprop import checks
from backprop.checks import skip


def test_skip_if_unfinished_skips_stubs_only(capsys):
    def stub():
        raise NotImplementedError("exercise 2: plain_forward")
    with checks.skip_if_unfinished():
        stub()
    assert "Skipped: this cell needs exercise 2: plain_forward" in capsys.readouterr().out
    with pytest.raises(ZeroDivisionError), checks.skip_if_unfinished():
        1 / 0  # noqa: B018
    with pytest.raises(NotImplementedError), checks.skip_if_unfinished():
        raise NotImplementedError("something else")


def test_skip_if_unfinished_skips_cells_that_need_a_skipped_cells_results(capsys,
                                                                            monkeypatch):
    monkeypatch.setattr(skip, "_SKIPPED", [])
    with pytest.raises(NameError), checks.skip_if_unfinished():
        undefined_name  # noqa: B018, F821  (nothing skipped yet: a real error)
    with checks.skip_if_unfinished():
        raise NotImplementedError("exercise 4a: d_u5_from")
    with checks.skip_if_unfinished():
        undefined_name  # noqa: B018, F821
    out = capsys.readouterr().out
    assert "needs 'undefined_name', which a cell above did not define because it was " \
        "skipped (exercise 4a: d_u5_from was not written yet)" in out


def test_a_graded_cell_fails_with_one_calm_line(monkeypatch):
    monkeypatch.setattr(skip, "_SKIPPED", [])
    with pytest.raises(checks.ExerciseNotWritten) as info, \
            checks.skip_if_unfinished(graded=True):
        raise NotImplementedError("exercise 2: plain_sgd_epoch")
    assert info.value._render_traceback_() == [
        "exercise 2 is not written yet: write `plain_sgd_epoch` above, then run this cell"]
    with pytest.raises(checks.ExerciseNotWritten, match="an exercise this cell needs"), \
            checks.skip_if_unfinished(graded=True):
        raise NotImplementedError  # nbgrader's bare stub
    with pytest.raises(checks.ExerciseNotWritten, match="needs 'own'"), \
            checks.skip_if_unfinished(graded=True):
        own  # noqa: B018, F821
    with pytest.raises(ZeroDivisionError), checks.skip_if_unfinished(graded=True):
        1 / 0  # noqa: B018
