"""Presets for the teacher (backprop.widgets: lock, hide, settings in the app's URL, the link
of the current settings)."""

import functools
import html
import json
from pathlib import Path

import pytest
import voila.utils

from backprop import widgets
from backprop.settings import DEFAULT_RUN
from backprop.widgets import _presets

APP = Path(__file__).resolve().parents[1] / "app" / "playground.ipynb"


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
    note = widgets.PresetNote()
    assert not note.in_voila
    assert note.apply_from_voila(panel) is None and not panel.offer_link and panel.runs == []


def app_code() -> tuple[str, str]:
    """The app notebook's first code cell (builds the note and the playground) and its last
    (applies the page's address)."""
    cells = json.loads(APP.read_text(encoding="utf-8"))["cells"]
    code = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
    return code[0], code[-1]


def run_app(monkeypatch, small_mnist, voila_query: str | None) -> tuple[dict, list]:
    """Execute the app's first and last code cells as Voila would (``voila_query``: the page's
    address, with a preheated kernel; the page then shows the last cell's output, whose view
    reports the address) or as JupyterLab would (None). Returns the cells' namespace and the
    runs that had started before the page reported its address."""
    for name in ("VOILA_KERNEL_ID", "VOILA_PREHEAT"):
        monkeypatch.delenv(name, raising=False)
    if voila_query is not None:
        monkeypatch.setenv("VOILA_PREHEAT", "True")  # as a pool's kernel has it
        monkeypatch.setenv("VOILA_KERNEL_ID", "kernel-under-test")
    # Voila's own blocking wait for the address must not be used: a stop with kernels
    # waiting in it printed a traceback
    monkeypatch.setattr(voila.utils, "get_query_string",
                        lambda *a: pytest.fail("blocked in get_query_string"))
    # the small sample and few epochs, else the notebook's own call
    monkeypatch.setattr(widgets, "playground",
                        functools.partial(widgets.playground, small_mnist, n_epochs=3))
    first, last = app_code()
    namespace: dict = {}
    exec(first, namespace)
    address = eval(compile(last, "app-last-cell", "eval"), namespace)  # the cell's output
    before = list(namespace["panel"].runs)
    if voila_query is not None:
        assert isinstance(address, widgets.PageAddress) and address.query is None
        address.query = voila_query  # what its view does when the page shows it
    else:
        assert address is None
    namespace["panel"].wait()
    return namespace, before


@pytest.mark.parametrize("query, lr", [("lr=0.01&hidden=30", 0.01), ("", DEFAULT_RUN["lr"]),
                                       (f"lr={DEFAULT_RUN['lr']}", DEFAULT_RUN["lr"])])
def test_in_voila_the_app_trains_only_the_run_its_address_asks_for(monkeypatch, small_mnist,
                                                                   query, lr):
    # the preheated kernel builds the panel but trains nothing before the address is known;
    # then exactly one run: the address's, or the initial settings' when it sets nothing new
    namespace, before = run_app(monkeypatch, small_mnist, query)
    panel = namespace["panel"]
    assert before == [], "a run started before the page's address was known"
    assert panel.page_query == query
    assert [run.config["lr"] for run in panel.runs] == [pytest.approx(lr)]
    assert panel.runs[0].outcome == "finished" and panel.offer_link
    assert panel.status.value.startswith('<span style="color:inherit">finished: learning '
                                         f"rate {lr:.3g}, ")
    assert "bp-earlier-runs-0" in panel.plots._dom_classes  # no faded curve behind it


def test_outside_voila_the_app_starts_its_first_run_by_itself(monkeypatch, small_mnist):
    namespace, before = run_app(monkeypatch, small_mnist, None)
    panel = namespace["panel"]
    assert len(before) == 1 and panel.runs == before and panel.runs[0].outcome == "finished"
    assert not panel.offer_link


def test_the_curves_say_how_many_earlier_runs_they_show(small_mnist):
    panel = widgets.playground(small_mnist, n_epochs=2, hidden=10)
    assert "bp-earlier-runs-0" in panel.plots._dom_classes
    for lr in (0.2, 0.3, 0.4):
        panel.controls["lr"].value = lr
        panel.wait()
    marks = [c for c in panel.plots._dom_classes if c.startswith("bp-earlier-runs-")]
    assert marks == ["bp-earlier-runs-2"]
    panel.clear()
    assert [c for c in panel.plots._dom_classes if c.startswith("bp-earlier-runs-")] == \
        ["bp-earlier-runs-0"]


def test_the_settings_link_keeps_the_pages_token(monkeypatch, small_mnist):
    namespace, _ = run_app(monkeypatch, small_mnist, "token=abc123&lr=0.01")
    assert 'href="?lr=0.01&amp;' in namespace["panel"].status.value
    assert "token=abc123" in namespace["panel"].status.value
