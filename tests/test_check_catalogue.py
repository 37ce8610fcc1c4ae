"""The check catalogue (tests/catalogue): every wrong answer is rejected with its named
message, every right variant passes, and every check has at least five wrong answers
(issue 19).

The entries come from each module of ``catalogue.MODULES``; a module not written yet is
skipped, so that each notebook's entries can land on their own.
"""

import contextlib
import io
from collections import Counter

import pytest
from catalogue import MODULES, Wrong, load, notebook_of

from backprop.checks import CheckFailed

LOADED = {name: module for name in MODULES if (module := load(name)) is not None}
WRONG = [(name, w) for name, module in LOADED.items() for w in module.WRONG]
RIGHT = [(name, r) for name, module in LOADED.items() for r in module.RIGHT]

# every check of notebook 01, each of which must have its five wrong answers
NOTEBOOK01 = ("check_sigmoid", "check_forward", "check_loss mse", "check_loss cross_entropy",
              *(f"check_backward_step {s}" for s in ("d_u5", "d_W2", "d_b2", "d_u3", "d_u2",
                                                      "d_W1", "d_b1")),
              "check_backward", "check_numerical_gradient")


def _id(entry):
    name, item = entry
    return f"{name}:{item.check}:{item.mistake if isinstance(item, Wrong) else item.variant}"


def message_of(wrong: Wrong) -> str:
    """The CheckFailed message the check gives for ``wrong`` (its success lines muted)."""
    with pytest.raises(CheckFailed) as info, contextlib.redirect_stdout(io.StringIO()):
        wrong.run()
    return str(info.value)


@pytest.mark.parametrize("entry", WRONG, ids=[_id(e) for e in WRONG])
def test_every_wrong_answer_is_rejected_by_name(entry):
    _, wrong = entry
    message = message_of(wrong)
    missing = [phrase for phrase in wrong.says if phrase not in message]
    assert not missing, f"{wrong.mistake}: the message lacks {missing}:\n{message}"
    assert not wrong.fix or wrong.fix in message, \
        f"{wrong.mistake}: the message does not lead to the fix {wrong.fix!r}:\n{message}"
    shown = [phrase for phrase in wrong.never_says if phrase in message]
    assert not shown, f"{wrong.mistake}: the message gives away {shown}:\n{message}"


@pytest.mark.parametrize("entry", RIGHT, ids=[_id(e) for e in RIGHT])
def test_every_right_variant_passes(entry, capsys):
    _, right = entry
    right.run()
    out = capsys.readouterr().out  # the check's success line(s), each ending in "right"
    assert out.strip() and all("right" in line for line in out.strip().splitlines()), out


def test_every_check_has_five_wrong_answers_and_a_right_one():
    wrong = Counter(w.check for _, w in WRONG)
    assert wrong and all(n >= 5 for n in wrong.values()), \
        {check: n for check, n in wrong.items() if n < 5}
    right = {r.check for _, r in RIGHT}
    assert {check.split(" ")[0] for check in wrong} <= {check.split(" ")[0] for check in right}


def test_notebook01_has_every_check_with_a_way_to_game_it():
    nb01 = [w for name, w in WRONG if name == "nb01"]
    counts = Counter(w.check for w in nb01)
    assert {check: counts[check] for check in NOTEBOOK01 if counts[check] < 5} == {}
    gamed = {w.check for w in nb01 if w.gaming}
    assert [check for check in NOTEBOOK01 if check not in gamed] == []
    assert {notebook_of(w.check) for w in nb01} == {"01"}


def test_entries_are_distinct():
    keys = [(w.check, w.mistake) for _, w in WRONG]
    assert [k for k, n in Counter(keys).items() if n > 1] == []


def test_teaching_lists_the_mistakes_of_the_catalogue():
    """TEACHING.md's list is generated from the catalogue: rerun
    ``python scripts/simulate_students.py --write-teaching`` when an entry changes."""
    import simulate_students  # scripts/, on the path by pytest's pythonpath setting

    text = simulate_students.TEACHING.read_text(encoding="utf-8")
    section = simulate_students.teaching_section(LOADED)
    assert section in text, "TEACHING.md's list of mistakes is out of date: run " \
        "python scripts/simulate_students.py --write-teaching"
    assert simulate_students.with_section(text, section) == text


def test_the_simulation_counts_and_lists_what_gets_through():
    import simulate_students

    def accepted():
        pass  # a check that accepted the wrong answer

    fooled = Wrong("check_sigmoid", "a mistake the check misses", accepted, ("sigmoid",), "")
    outcome = simulate_students.run_wrong("nb01", fooled)
    assert (outcome.notebook, outcome.rejected, outcome.named) == ("01", False, False)
    named = simulate_students.run_wrong("nb01", WRONG[0][1])
    assert named.rejected and named.named
    text = simulate_students.report([outcome, named], [], 1)
    assert "gets through (accepted, or the check crashed): 1" in text
    assert "check_sigmoid: a mistake the check misses" in text
    assert text.splitlines()[1].split()[:4] == ["01", "2", "1", "1"]
