"""backprop.settings: each setting's rule, and the same words for the same bad value wherever
it is given (train, init_params, the sweeps, the playground, a URL preset); the defaults and
the controls' ranges that the widgets take from it."""

import numpy as np
import pytest

import backprop as bp
from backprop import settings, sweeps, widgets
from backprop.settings import DEFAULT_RUN, GRID
from backprop.widgets import _draw_digit, _presets


@pytest.fixture(scope="module")
def tiny():
    """A few hundred MNIST rows: enough to build panels and start trainings."""
    return bp.load_mnist(200, 100, 0)


# --- each rule: good values pass unchanged, bad ones are rejected in words --------------------

GOOD = {
    "lr": [1e-4, 0.5, 3, 10.0, np.float32(0.1), np.int64(2)],
    "hidden": [1, 110, 300, np.int64(5)],
    "n_epochs": [0, 1, 200],
    "batch_size": [1, 10, 60000],
    "seed": [0, 7, 10**6],
    "n_train": [1, 3000],
    "n_val": [0, 10000],
    "loss": ["mse", "cross_entropy"],
    "init": ["normal_scaled", "normal"],
}

BAD = [
    ("lr", 0, ValueError, "lr must be a finite number > 0, got 0"),
    ("lr", -1, ValueError, "lr must be a finite number > 0, got -1"),
    ("lr", float("nan"), ValueError, "lr must be a finite number > 0, got nan"),
    ("lr", float("inf"), ValueError, "lr must be a finite number > 0, got inf"),
    ("lr", "0.1", TypeError, "lr must be a number, got '0.1'"),
    ("lr", True, TypeError, "lr must be a number, got True"),
    ("hidden", 0, ValueError, "hidden must be a finite number >= 1, got 0"),
    ("hidden", 2.5, TypeError, "hidden must be an int, got 2.5"),
    ("n_epochs", -1, ValueError, "n_epochs must be a finite number >= 0, got -1"),
    ("n_epochs", 2.5, TypeError, "n_epochs must be an int, got 2.5"),
    ("batch_size", 0, ValueError, "batch_size must be a finite number >= 1, got 0"),
    ("batch_size", "10", TypeError, "batch_size must be an int, got '10'"),
    ("seed", -3, ValueError, "seed must be a finite number >= 0, got -3"),
    ("seed", 1.0, TypeError, "seed must be an int, got 1.0"),
    ("n_train", 0, ValueError, "n_train must be a finite number >= 1, got 0"),
    ("n_val", -1, ValueError, "n_val must be a finite number >= 0, got -1"),
    ("loss", "hinge", ValueError, "loss must be one of ('mse', 'cross_entropy'), got 'hinge'"),
    ("loss", "cross-entropy", ValueError,
     "loss must be one of ('mse', 'cross_entropy'), got 'cross-entropy'"),  # aliases: URL only
    ("init", "xavier", ValueError,
     "init must be one of ('normal_scaled', 'normal'), got 'xavier'"),
    ("init", None, ValueError, "init must be one of ('normal_scaled', 'normal'), got None"),
]


@pytest.mark.parametrize("name, value", [(n, v) for n, vs in GOOD.items() for v in vs])
def test_good_values_pass_unchanged(name, value):
    assert settings.check(name, value) is value


@pytest.mark.parametrize("name, value, exc, words", BAD)
def test_bad_values_are_rejected_in_words(name, value, exc, words):
    with pytest.raises(exc) as raised:
        settings.check(name, value)
    assert str(raised.value) == words
    assert type(raised.value) is exc


def test_every_setting_has_good_and_bad_values_here():
    assert set(GOOD) == set(settings.NAMES) == {name for name, *_ in BAD}


def test_an_unknown_setting_is_named():
    with pytest.raises(ValueError, match="unknown setting 'speed'"):
        settings.check("speed", 1)


def test_the_defaults_obey_the_rules_and_lie_on_the_controls():
    for name, value in DEFAULT_RUN.items():
        settings.check(name, value)
        assert settings.on_grid(name, value) is None, name
    assert settings.complete({}, settings.SWEEP_DEFAULTS) == settings.SWEEP_DEFAULTS


# --- the same bad value, the same words everywhere ---------------------------------------------

def _raised(call):
    """(type, words) of what ``call()`` raises."""
    with pytest.raises((TypeError, ValueError)) as raised:
        call()
    return type(raised.value), str(raised.value)


def _train(tiny, **bad):
    kwargs = dict(lr=0.1, n_epochs=1, batch_size=10, loss="mse")
    kwargs.update(bad)
    params = bp.init_params([784, 4, 10], np.random.default_rng(0))
    return bp.train(params, tiny.train, tiny.val, rng=np.random.default_rng(0),
                    progress=False, **kwargs)


# name, the bad value, its text in a URL (None: the URL cannot say it), train takes it?
SAME_WORDS = [
    ("lr", -1, "-1", True),
    ("lr", 0, "0", True),
    ("lr", "0.1", None, True),
    ("n_epochs", -1, "-1", True),
    ("batch_size", 0, "0", True),
    ("loss", "hinge", "hinge", True),
    ("hidden", 0, "0", False),
    ("seed", -3, "-3", False),
    ("init", "xavier", "xavier", False),
]


@pytest.mark.parametrize("name, value, text, in_train", SAME_WORDS)
def test_the_same_bad_value_gets_the_same_words_everywhere(tiny, name, value, text, in_train):
    expected = _raised(lambda: settings.check(name, value))
    assert _raised(lambda: sweeps.full_config({name: value})) == expected
    assert _raised(lambda: widgets.playground(tiny, **{name: value})) == expected
    if in_train:
        assert _raised(lambda: _train(tiny, **{name: value})) == expected
    if name == "init":
        assert _raised(lambda: bp.init_params([784, 4, 10], np.random.default_rng(0),
                                              init=value)) == expected
    if text is not None:
        # a URL's text is a float or an int first: the words then show the parsed value
        url_name = _presets.CONTROL_URL_NAMES[name]
        applied, _, _, notes = _presets.parse_query(f"{url_name}={text}")
        parsed = {"lr": float, "loss": str, "init": str}.get(name, int)(text)
        assert applied == {}
        assert notes == [f"{url_name}={text}: {_raised(lambda: settings.check(name, parsed))[1]}"]


def test_a_bad_url_value_is_noted_in_trains_words_on_the_page(tiny):
    panel = widgets.playground(tiny, n_epochs=1, hidden=5)
    note = widgets.PresetNote()
    assert note.apply(panel, "lr=-1&seed=abc&loss=hinge") == {}
    assert note.notes == ["lr=-1: lr must be a finite number > 0, got -1.0",
                          "seed=abc: not a whole number",
                          "loss=hinge: loss must be one of ('mse', 'cross_entropy'), got 'hinge'"]
    assert panel.runs == [] and note.layout.display is None


def test_a_valid_value_off_the_controls_names_their_range(tiny):
    with pytest.raises(ValueError) as raised:
        widgets.playground(tiny, lr=100)
    assert str(raised.value) == "lr=100 lies off the playground's control: outside 0.0001 to 10"
    with pytest.raises(ValueError, match=r"n_epochs=0 lies off .*: outside 1 to 200"):
        widgets.playground(tiny, n_epochs=0)  # train(n_epochs=0) is fine; the slider is not
    with pytest.raises(ValueError, match=r"batch_size=7 lies off .*: not one of 1, 5, 10"):
        widgets.playground(tiny, batch_size=7)


def test_draw_digit_rejects_a_bad_loss_in_the_same_words():
    expected = _raised(lambda: settings.check("loss", "hinge"))
    assert _raised(lambda: widgets.draw_digit(loss="hinge")) == expected


# --- parse: a URL's text ------------------------------------------------------------------------

@pytest.mark.parametrize("name, text, value", [
    ("loss", "ce", "cross_entropy"), ("loss", "cross-entropy", "cross_entropy"),
    ("loss", " CE ", "cross_entropy"), ("loss", "quadratic", "mse"), ("loss", "MSE", "mse"),
    ("loss", "cross_entropy", "cross_entropy"), ("init", "normal", "normal"),
    ("lr", "0.01", 0.01), ("lr", "1e-4", 1e-4), ("hidden", "30", 30), ("n_epochs", "1", 1),
    ("batch_size", "100", 100), ("seed", "0", 0),
])
def test_parse_reads_aliases_and_numbers(name, text, value):
    parsed = settings.parse(name, text)
    assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize("name, text, words", [
    ("lr", "abc", "not a number"), ("seed", "abc", "not a whole number"),
    ("hidden", "2.5", "not a whole number"), ("n_epochs", "0", "outside 1 to 200"),
    ("lr", "100", "outside 0.0001 to 10"), ("hidden", "1000", "outside 5 to 300"),
    ("batch_size", "7", "not one of 1, 5, 10, 20, 50, 100"),
    ("lr", "-1", "lr must be a finite number > 0, got -1.0"),
    ("lr", "nan", "lr must be a finite number > 0, got nan"),
    ("loss", "hinge", "loss must be one of ('mse', 'cross_entropy'), got 'hinge'"),
])
def test_parse_rejects_in_words(name, text, words):
    with pytest.raises(ValueError) as raised:
        settings.parse(name, text)
    assert str(raised.value) == words


# --- the widgets take their defaults, ranges and labels from settings ---------------------------

def test_the_playground_starts_from_the_default_run(tiny):
    panel = widgets.playground(tiny)
    assert panel.config() == DEFAULT_RUN
    assert widgets.Playground(tiny).config() == DEFAULT_RUN


def test_the_playgrounds_controls_are_the_grid(tiny):
    c = widgets.playground(tiny).controls
    low, high, factor = GRID["lr"]
    lr = c["lr"]
    assert lr.base ** lr.min == pytest.approx(low) and lr.base ** lr.max == pytest.approx(high)
    assert lr.base ** lr.step == pytest.approx(factor)
    for name in ("hidden", "n_epochs", "seed"):
        assert (c[name].min, c[name].max, c[name].step) == GRID[name], name
    assert list(c["batch_size"].options) == list(GRID["batch_size"])
    assert [value for _, value in c["loss"].options] == list(GRID["loss"])
    assert dict(c["loss"].options) == {v: k for k, v in settings.LOSS_LABELS.items()}
    assert dict(c["init"].options) == {v: k for k, v in settings.INIT_LABELS.items()}
    assert not hasattr(widgets, "LOSSES")  # the options are the settings', not a second list


def test_the_status_line_says_the_loss_as_students_see_it(tiny):
    panel = widgets.playground(tiny, n_epochs=1, hidden=5, loss="mse")
    panel.start()
    panel.wait()
    assert f", {settings.LOSS_LABELS['mse']}, seed 0" in panel.status.value


def test_draw_digit_trains_the_default_run_when_it_has_no_network(tiny, monkeypatch):
    seen = {}

    def fake_train(params, train, val, **kwargs):
        seen.update(kwargs, shape=params["W1"].shape)
        return params, {"val_acc": [0.5]}

    monkeypatch.setattr(_draw_digit, "train", fake_train)
    monkeypatch.setitem(DEFAULT_RUN, "hidden", 15)  # read when it trains, not copied before
    panel = widgets.draw_digit(data=tiny)
    panel.show()  # reads the (empty) drawing: the network is trained first
    assert seen["shape"] == (784, 15) and panel.params["W1"].shape == (784, 15)
    for key in ("lr", "n_epochs", "batch_size", "loss"):
        assert seen[key] == DEFAULT_RUN[key], key
    assert (f"a network trained just now (784-15-10, {DEFAULT_RUN['n_epochs']} epochs"
            in panel.status.value)
