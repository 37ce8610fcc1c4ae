"""Colour in the figures (issue 20, WCAG 2.1 1.4.1 and 1.4.3): no meaning carried by colour
alone, text at 4.5:1 or more, and the colours that carry meaning still told apart by readers
with the common colour-vision deficiencies.

The deficiencies are simulated with the matrices of Machado, Oliveira & Fernandes (2009), "A
Physiologically-based Model for Simulation of Color Vision Deficiency", IEEE Transactions on
Visualization and Computer Graphics 15(6), 1291-1298, doi:10.1109/TVCG.2009.113: the published
matrices for severity 1.0 (full protanopia, deuteranopia, tritanopia), which act on linear RGB.
Two simulated colours are compared by their CIELAB distance (CIE 1976 ΔE*ab, sRGB with D65
white). About 2.3 is a just noticeable difference (Sharma, Digital Color Imaging Handbook,
2003); a pair whose colour is the only cue must stay :data:`ALONE` = 20 apart (about nine of
those: different at a glance, for thin lines and small marks), a pair that also has another cue
(a marker, a hatch, words) :data:`WITH_CUE` = 10 apart.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402

from backprop import figures  # noqa: E402
from backprop.figures import audit  # noqa: E402
from backprop.figures.style import contrast  # noqa: E402

MACHADO = {  # severity 1.0; rows give the simulated linear R, G, B
    "protanopia": [[0.152286, 1.052583, -0.204868],
                   [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968],
                     [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779],
                   [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}
ALONE, WITH_CUE = 20.0, 10.0
SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805],
                        [0.2126, 0.7152, 0.0722],
                        [0.0193, 0.1192, 0.9505]])
D65 = np.array([0.95047, 1.0, 1.08883])
WEIGHTS = matplotlib.colormaps["RdBu_r"]  # weight_grid's and teach_step's default

# (what the colours tell apart, colour a, colour b, the other cue or None)
PAIRS = [
    ("training / validation curves", figures.TRAIN_COLOR, figures.VAL_COLOR,
     "filled circles / open squares (split_style)"),
    ("predicted digit / other outputs", figures.PREDICTED_COLOR, figures.OUTPUT_COLOR, None),
    ("true label / other outputs", figures.TARGET_COLOR, figures.OUTPUT_COLOR, None),
    ("predicted digit / true label", figures.PREDICTED_COLOR, figures.TARGET_COLOR,
     "the digit's number under each bar, the words said/true; notebook 01 hatches the label"),
    ("right / wrong reading", figures.RIGHT_TEXT_COLOR, figures.WRONG_TEXT_COLOR,
     "the words: 'said 3, true 3'"),
    # the line colours of notebooks 02, 04 and 05 (each line also has its own line style)
    ("notebook lines: purple / green", "tab:purple", "tab:green", "line style"),
    ("notebook lines: black / purple", "black", "tab:purple", "line style"),
    ("notebook lines: black / green", "black", "tab:green", "line style"),
] + [  # a weight's sign: +w against -w, at a quarter, half and all of the colour scale
    (f"weight +{f:g} / -{f:g} of the scale", WEIGHTS(0.5 + f / 2), WEIGHTS(0.5 - f / 2), None)
    for f in (0.25, 0.5, 1.0)
]


def simulate(color, matrix=None) -> np.ndarray:
    """The linear RGB a viewer with the deficiency ``matrix`` (None: none) sees."""
    c = np.asarray(to_rgb(color), dtype=float)
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear if matrix is None else np.clip(np.asarray(matrix) @ linear, 0, 1)


def lab(linear: np.ndarray) -> np.ndarray:
    t = SRGB_TO_XYZ @ linear / D65
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a, b, matrix=None) -> float:
    return float(np.linalg.norm(lab(simulate(a, matrix)) - lab(simulate(b, matrix))))


def test_the_simulation_is_the_published_one():
    # white and black stay themselves (each row sums to 1), greys stay grey
    for matrix in MACHADO.values():
        np.testing.assert_allclose(np.sum(matrix, axis=1), 1, atol=2e-6)
        np.testing.assert_allclose(simulate("0.5", matrix), simulate("0.5"), atol=1e-5)
    # the classic confusion: a protanope or deuteranope hardly tells red from green, and a
    # tritanope blue from green, while each tells them apart by the other axis
    assert delta_e("#ff0000", "#00ff00") > 80
    assert delta_e("#d62728", "#2ca02c", MACHADO["deuteranopia"]) < ALONE
    assert delta_e("#1f77b4", "#2ca02c", MACHADO["tritanopia"]) < ALONE
    assert delta_e("#d62728", "#2ca02c", MACHADO["tritanopia"]) > 2 * ALONE


@pytest.mark.parametrize("name,a,b,cue", PAIRS, ids=[p[0] for p in PAIRS])
def test_colours_that_carry_meaning_stay_apart(name, a, b, cue):
    floor = ALONE if cue is None else WITH_CUE
    seen = {vision: delta_e(a, b, matrix) for vision, matrix in
            {"normal": None, **MACHADO}.items()}
    low = {vision: round(d, 1) for vision, d in seen.items() if d < floor}
    assert not low, f"{name}: ΔE*ab below {floor} for {low} (all: {seen})"


def test_training_and_validation_differ_by_more_than_colour():
    history = {"train_loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.6, 0.5],
               "train_acc": [0.5, 0.8, 0.9], "val_acc": [0.5, 0.7, 0.8]}
    fig, (ax_loss, ax_acc) = figures.learning_curves(history)
    for ax in (ax_loss, ax_acc):
        train, val = ax.lines
        assert train.get_marker() == figures.TRAIN_MARKER != val.get_marker()
        assert val.get_markerfacecolor() in ("white", (1.0, 1.0, 1.0, 1.0))
    # the legend shows the markers too, so a reader matches curve and name by shape
    legend = ax_loss.get_legend()
    assert [h.get_marker() for h in legend.legend_handles] == [figures.TRAIN_MARKER,
                                                                figures.VAL_MARKER]
    plt.close(fig)


def test_a_weights_sign_is_written_on_its_colour_bar(rng):
    W = rng.normal(size=(784, 6))
    fig, axes = figures.weight_grid(W, range(6), limit=1.0)
    fig.canvas.draw()
    bar = next(ax for ax in fig.axes if ax not in axes.flat)
    ticks = [t.get_text() for t in bar.get_yticklabels() if t.get_text()]
    assert any(t.startswith("+") for t in ticks) and any(t.startswith("−") for t in ticks)
    assert "0" in ticks, ticks
    plt.close(fig)


def test_text_contrast_is_measured_as_wcag_says():
    assert contrast("black", "white") == pytest.approx(21)
    assert contrast("white", "white") == pytest.approx(1)
    assert contrast("#767676", "white") == pytest.approx(4.54, abs=0.01)  # the known AA grey
    for color in (figures.RIGHT_TEXT_COLOR, figures.WRONG_TEXT_COLOR):
        assert contrast(color, "white") >= 4.5
    fig, ax = plt.subplots()
    ax.text(0.5, 0.5, "pale", color="0.7")
    ax.text(0.2, 0.2, "dark", color="0.2")
    problems = audit.figure_problems(fig)
    assert len(problems) == 1 and "'pale'" in problems[0].what and "dark" not in str(problems)
    plt.close(fig)
