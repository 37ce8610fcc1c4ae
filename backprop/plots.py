"""The figures, under their old name: a thin facade over :mod:`backprop.figures`.

The notebooks write ``from backprop import plots; plots.learning_curves(...)``; every name
here is re-exported from :mod:`backprop.figures` (which says which module holds what), and
nothing is defined here. Code inside the package imports from :mod:`backprop.figures`.

What the names return: the plotting functions (:func:`learning_curves`, :func:`sweep_plot`,
:func:`digit_grid`, :func:`confusion_plot`, :func:`network_diagram`, :func:`results_table`,
:func:`backprop_step`) return ``fig, ax`` (``fig, axes`` for :func:`image_grid`,
:func:`weight_grid`, :func:`digit_reading` and :func:`teach_step`; ``fig, view`` for
:func:`inside_figure`); the live figure classes (:class:`LiveCurves`, :class:`DigitReading`,
:class:`InsideView`) return PNG bytes from their ``png`` and ``pngs`` methods, as does
:func:`panel_pngs`;
:func:`confusion_matrix` returns the counts, :func:`curve_limits` the axes' limits and
:func:`weight_limit` a colour scale. The rest are colours and sizes.
"""

from .figures import *  # noqa: F403 (the facade is exactly backprop.figures' public names)
from .figures import __all__  # noqa: F401
