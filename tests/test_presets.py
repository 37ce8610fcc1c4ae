"""Presets for the teacher (backprop.widgets: lock, hide, settings in the app's URL, the link
of the current settings)."""

import html

import pytest

from backprop import widgets
from backprop.widgets import _presets


def test_lock_and_hide_fix_or_leave_out_controls(small_mnist):
    panel = widgets.playground(small_mnist, lr=0.1, lock=["lr"], hide=["loss", "batch_size"])
    assert panel.controls["lr"].disabled and not panel.controls["hidden"].disabled
    assert panel.controls["loss"].layout.display == "none"
    assert panel.controls["batch_size"].layout.display == "none"
    assert panel.controls["lr"].layout.display != "none"
    assert panel.locked_controls == ["lr"] and panel.hidden_controls == ["batch_size", "loss"]
    with pytest.raises(ValueError, match="unknown control"):
        widgets.playground(small_mnist, lock=["learning_rate"])
    with pytest.raises(TypeError, match="list of control names"):
        widgets.playground(small_mnist, hide="loss")


def test_the_url_sets_locks_and_hides_and_bad_values_become_notes(small_mnist):
    panel = widgets.playground(small_mnist, n_epochs=2, hidden=20)
    note = widgets.PresetNote()
    query = ("lr=0.01&hidden=30&epochs=abc&batch_size=7&loss=quadratic&seed=-3&speed=9"
             "&hide=loss,batch_size,colour&lock=lr&token=secret")
    applied = note.apply(panel, query)
    panel.wait()
    assert applied == {"lr": 0.01, "hidden": 30, "loss": "mse"}
    assert panel.controls["lr"].value == pytest.approx(0.01)
    assert panel.controls["hidden"].value == 30 and panel.controls["loss"].value == "mse"
    assert panel.controls["n_epochs"].value == 2  # "abc" ignored
    assert len(panel.runs) == 1, "several settings at once start one run, not one each"
    assert panel.runs[0].config["hidden"] == 30 and panel.runs[0].outcome == "finished"
    assert panel.controls["lr"].disabled and panel.hidden_controls == ["batch_size", "loss"]
    assert note.layout.display is None
    shown = note.value
    for bad in ("epochs=abc: not a whole number", "batch_size=7: not one of",
                "seed=-3: seed must be a finite number >= 0, got -3", "speed: not a setting",
                "hide=colour"):
        assert html.escape(bad) in shown, bad
    assert "token" not in shown


def test_a_clean_url_leaves_no_note_and_an_empty_one_changes_nothing(small_mnist):
    panel = widgets.playground(small_mnist, n_epochs=2)
    note = widgets.PresetNote()
    assert note.apply(panel, "") == {} and panel.runs == []
    assert note.layout.display == "none"
    note.apply(panel, "lr=0.3")
    panel.wait()
    assert note.layout.display == "none" and panel.controls["lr"].value == pytest.approx(0.3)


def test_the_link_holds_the_current_settings_and_reads_back_the_same(small_mnist):
    panel = widgets.playground(small_mnist, lr=0.02, hidden=40, n_epochs=2, lock=["hidden"],
                               hide=["seed"])
    query = _presets.settings_query(panel, token="abc")
    assert query.startswith("lr=0.02&hidden=40&epochs=2&batch_size=10&loss=cross_entropy")
    assert "lock=hidden" in query and "hide=seed" in query and query.endswith("token=abc")
    settings, lock, hide, notes = _presets.parse_query(query)
    assert notes == [] and lock == ["hidden"] and hide == ["seed"]
    assert settings == {k: w.value for k, w in panel.controls.items()}


def test_after_a_run_the_status_line_offers_the_link_only_when_asked(small_mnist):
    panel = widgets.playground(small_mnist, n_epochs=1, hidden=10)
    panel.start()
    panel.wait()
    assert "bp-settings-link" not in panel.status.value  # JupyterLab: no page address
    panel.offer_link = True
    panel.controls["lr"].value = 0.2
    panel.wait()
    assert panel.status.value.startswith('<span style="color:inherit">finished')
    assert 'href="?lr=0.2&amp;hidden=10&amp;epochs=1' in panel.status.value


def test_outside_voila_the_url_presets_do_nothing(monkeypatch, small_mnist):
    monkeypatch.delenv("VOILA_KERNEL_ID", raising=False)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    panel = widgets.playground(small_mnist)
    assert widgets.PresetNote().apply_from_voila(panel) is None and not panel.offer_link
