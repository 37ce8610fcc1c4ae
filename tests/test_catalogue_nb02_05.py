"""The catalogue of notebooks 02-05 (tests/catalogue/nb02_05.py) under the catalogue's rules:
each wrong entry raises CheckFailed with every phrase of ``says`` and ``fix`` and none of
``never_says``; each right entry passes. (tests/test_check_catalogue.py runs every module of
the catalogue the same way; this file runs notebooks 02-05's alone, for their checks.)"""

import pytest
from catalogue import nb02_05

from backprop.checks import CheckFailed


@pytest.mark.parametrize("entry", nb02_05.WRONG, ids=lambda e: f"{e.check}: {e.mistake}")
def test_wrong_work_is_rejected_and_named(entry):
    with pytest.raises(CheckFailed) as info:
        entry.run()
    message = str(info.value)
    for phrase in (*entry.says, entry.fix):
        assert phrase in message, f"{phrase!r} not in:\n{message}"
    for phrase in entry.never_says:
        assert phrase not in message, f"{phrase!r} in:\n{message}"


@pytest.mark.parametrize("entry", nb02_05.RIGHT, ids=lambda e: f"{e.check}: {e.variant}")
def test_right_work_passes(entry, capsys):
    entry.run()
    assert capsys.readouterr().out.strip()  # a one-line verdict


def test_every_check_has_five_wrong_entries_and_a_right_one():
    checks = {e.check.split()[0] for e in nb02_05.WRONG}
    assert checks == {"check_sgd_epoch", "check_trained", "check_tuning_choice",
                      "check_test_accuracy", "check_answer"}
    for check in checks:
        entries = [e for e in nb02_05.WRONG if e.check.split()[0] == check]
        assert len(entries) >= 5 and any(e.gaming for e in entries), check
        assert any(r.check.split()[0] == check for r in nb02_05.RIGHT), check
    for exercise in ("01-6", "01-7", "02-4", "02-7", "03-5", "04-2", "04-5"):
        assert sum(e.check == f"check_answer {exercise}" for e in nb02_05.WRONG) >= 5
