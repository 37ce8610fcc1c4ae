"""Live widgets for the classroom: the only part of the package that imports ipywidgets.

One module per widget: :mod:`._playground` (:class:`Playground`, made by :func:`playground`)
trains the network in a background thread while students move sliders (its runs and their
threads are :mod:`._runs`'s ``Run`` and ``Runner``, its controls are built by :mod:`._controls`
from :mod:`backprop.settings`); :mod:`._sweep_explorer`
(:class:`SweepExplorer`, made by :func:`sweep_explorer`) flips through a precomputed grid of
runs; :mod:`._step_through` (:class:`StepThrough`, made by :func:`step_through`) walks
notebook 01's 2-2-1 hand example through backprop with Back and Next; :mod:`._draw_digit`
(:class:`DrawDigit`, made by :func:`draw_digit`) reads a digit drawn on a canvas and teaches
it with one backprop step; :mod:`._presets` (:class:`PresetNote`) gives the teacher locked
or hidden controls and settings in the Voila app's address; :mod:`._shared` links a
playground to the class's store (:mod:`backprop.store`) and :mod:`._board`
(:class:`ClassBoard`, made by :func:`class_board`) shows the class's runs on the projector.

They draw with matplotlib in the kernel and send PNGs to ``ipywidgets.Image`` widgets, so they
need no front-end extension and nothing from a CDN: they work wherever ipywidgets do
(JupyterLab, Voila, VS Code, Colab). The one exception is the drawing canvas
(:mod:`._canvas`), an ``anywidget`` whose ES module ships in this package: JupyterLab and
Voila load anywidget's front end from the installed package, but VS Code's Jupyter extension
fetches the front end of any widget library other than ipywidgets from a CDN, so in VS Code
the canvas needs the internet (offline it shows an error instead of the canvas). The same
holds for each panel's accessibility helper (:mod:`._a11y`'s ``Announcer``, a live region that
also puts each picture's text on its ``alt`` and names the sliders' handles): without it the
panel works as before and its pictures are still named, by their ``title``.
"""

from ._board import ClassBoard, class_board
from ._draw_digit import DrawDigit, draw_digit
from ._playground import Playground, live_splits, playground
from ._presets import PageAddress, PresetNote
from ._runs import Run, Runner
from ._step_through import StepThrough, step_through
from ._sweep_explorer import SweepExplorer, sweep_explorer

__all__ = ["ClassBoard", "DrawDigit", "PageAddress", "Playground", "PresetNote", "Run",
           "Runner", "StepThrough", "SweepExplorer", "class_board", "draw_digit", "live_splits",
           "playground", "step_through", "sweep_explorer"]
