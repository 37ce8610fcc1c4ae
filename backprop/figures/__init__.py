"""Every figure of the notebooks and the widgets, one module per idea.

======================  =====================================================================
module                  holds
======================  =====================================================================
:mod:`.style`           the shared look: colours (``TRAIN_COLOR``, ``OUTPUT_COLOR``, ...),
                        training's and validation's markers (:func:`split_style`: colour is
                        never the only sign), sizes (``PANEL_WIDTH``, ``LIVE_WIDTH``,
                        ``CURVES_SIZE``), round axis steps, and :func:`figure_axes`
:mod:`.alt`             text alternatives: :func:`describe` gives a figure its description,
                        :func:`enable_alt_text` (a notebook's first cell) shows every figure
                        as an HTML ``<img>`` whose ``alt`` is that description
:mod:`.pixels`          a drawn figure as PNG bytes, whole or cut into its sub-figures
                        (:func:`panel_pngs`; ``to_png``, ``canvas_rgb``, ``panel_pieces``
                        for the live figures)
:mod:`.notebook`        the static notebook figures (each returns ``fig, ax``):
                        learning curves, sweeps, digit and image grids, confusion matrix,
                        network diagram, results table; the curves' limits and styling,
                        which the live curves share
:mod:`.live_curves`     :class:`LiveCurves`, the learning curves redrawn after every epoch
:mod:`.step_graph`      :func:`backprop_step`, one step of backprop on the 2-2-1 example
:mod:`.digit_reading`   :class:`DigitReading` / :func:`digit_reading`, one image through the
                        network, and :func:`teach_step`, one backprop step on it
:mod:`.inside_view`     :class:`InsideView` / :func:`inside_figure`, weights, outputs,
                        gradient sizes and saturation as a network trains
:mod:`.weights`         :func:`weight_grid`, hidden units' weights as 28x28 images on one
                        colour scale centred on 0, with a colour bar
:mod:`.audit`           checks a drawn figure for blank panels and text too small to read
                        (``figures.audit.figure_problems(fig)``; not re-exported: it is a
                        tool for whoever draws, run on every notebook figure by the tests)
======================  =====================================================================

Figures only draw: the caller computes the network's values (outputs, hidden activations,
gradients) and hands them over, so the maths lives in :mod:`backprop.nn` alone.

A new widget's figure goes in a module of its own here (e.g. ``figures/my_view.py``), built
like :class:`InsideView`: a class that builds one figure with a fixed layout, laid out as
sub-figures of at most :data:`PANEL_WIDTH` pixels, whose ``png``/``pngs`` methods redraw
what changes and return PNG bytes with the helpers of :mod:`.pixels`; plus, if a notebook
shows it, a function that draws it once. Import only public names from the other modules
(never ``_private`` ones: ``tests/test_package_layout.py`` checks it), re-export its public
names below (``backprop.plots`` then has them too) and test it in
``tests/test_figures_<module>.py``. The widget itself goes in :mod:`backprop.widgets`.
"""

from .alt import alt_text_enabled, describe, description, enable_alt_text
from .digit_reading import (
    READING_HEIGHT,
    READING_PANELS,
    READING_SIZE,
    TEACH_SIZE,
    DigitReading,
    describe_reading,
    describe_teach,
    digit_reading,
    teach_step,
)
from .inside_view import (
    GRAD_RANGE,
    INSIDE_ROWS,
    INSIDE_SIZE,
    INSIDE_UNITS,
    LAYER_COLORS,
    InsideView,
    describe_inside,
    inside_figure,
    weight_limit,
)
from .live_curves import LiveCurves, describe_curves
from .notebook import (
    confusion_matrix,
    confusion_plot,
    curve_limits,
    digit_grid,
    image_grid,
    learning_curves,
    network_diagram,
    results_table,
    style_curve_axes,
    sweep_plot,
)
from .pixels import panel_pngs
from .step_graph import (
    STEP_BOX,
    STEP_BOX_NARROW,
    STEP_COLORS,
    STEP_EDGES,
    STEP_GRAPH,
    STEP_GRAPH_NARROW,
    STEP_LABELS,
    STEP_LIMITS,
    STEP_SIZE,
    STEP_SIZE_NARROW,
    backprop_step,
    describe_step,
)
from .style import (
    CURVES_SIZE,
    LIVE_WIDTH,
    NICE_STEPS,
    OUTPUT_COLOR,
    PANEL_WIDTH,
    PREDICTED_COLOR,
    RIGHT_TEXT_COLOR,
    TARGET_COLOR,
    TRAIN_COLOR,
    TRAIN_MARKER,
    VAL_COLOR,
    VAL_MARKER,
    WRONG_TEXT_COLOR,
    split_style,
)
from .weights import weight_grid

__all__ = [
    "CURVES_SIZE",
    "GRAD_RANGE",
    "INSIDE_ROWS",
    "INSIDE_SIZE",
    "INSIDE_UNITS",
    "LAYER_COLORS",
    "LIVE_WIDTH",
    "NICE_STEPS",
    "OUTPUT_COLOR",
    "PANEL_WIDTH",
    "PREDICTED_COLOR",
    "READING_HEIGHT",
    "READING_PANELS",
    "READING_SIZE",
    "RIGHT_TEXT_COLOR",
    "STEP_BOX",
    "STEP_BOX_NARROW",
    "STEP_COLORS",
    "STEP_EDGES",
    "STEP_GRAPH",
    "STEP_GRAPH_NARROW",
    "STEP_LABELS",
    "STEP_LIMITS",
    "STEP_SIZE",
    "STEP_SIZE_NARROW",
    "TARGET_COLOR",
    "TEACH_SIZE",
    "TRAIN_COLOR",
    "TRAIN_MARKER",
    "VAL_COLOR",
    "VAL_MARKER",
    "WRONG_TEXT_COLOR",
    "alt_text_enabled",
    "describe",
    "description",
    "enable_alt_text",
    "DigitReading",
    "InsideView",
    "LiveCurves",
    "backprop_step",
    "confusion_matrix",
    "confusion_plot",
    "curve_limits",
    "describe_curves",
    "describe_inside",
    "describe_reading",
    "describe_step",
    "describe_teach",
    "digit_grid",
    "digit_reading",
    "image_grid",
    "inside_figure",
    "learning_curves",
    "network_diagram",
    "panel_pngs",
    "results_table",
    "style_curve_axes",
    "split_style",
    "sweep_plot",
    "teach_step",
    "weight_grid",
    "weight_limit",
]
