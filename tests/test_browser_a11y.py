"""Accessibility (WCAG 2.1 AA, issue 20) of the Voila app and of notebook 02's playground in
JupyterLab, in a real browser: axe-core's WCAG 2.0/2.1 A and AA rules, the keyboard alone, and
the pictures' text alternatives.

axe-core comes from the PyPI package ``axe-playwright-python`` (it bundles ``axe.min.js``: no
node, nothing from the internet). One Voila server serves the tests of this module; each test
opens its own page (its own kernel). Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import re
import secrets
import shutil

import pytest
import tasks
from browser_helpers import (
    BIN,
    LAB_PANEL,
    NOTEBOOK,
    RUN_DONE,
    SERVER_START,
    WIDGETS_SHOWN,
    Playground,
    Server,
    browser_page,
    free_port,
    isolated_env,
    screenshot,
    screenshot_on_failure,
    wait_until,
)

from backprop.data import load_mnist

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 1000}
PHONE = {"width": 390, "height": 844}
# A 1280-px window zoomed to 200 % lays the page out in 640 CSS pixels.
ZOOM_200 = {"width": 640, "height": 500}
NOTEBOOK_02 = NOTEBOOK.parents[1] / "notebooks" / "02_training.ipynb"

# Violations in markup the project does not control, each named with why it is upstream:
# (rule id, a piece of the offending node's HTML, why). JupyterLab's own page is checked
# whole and these are the ones it has; everything else must be clean.
UPSTREAM = [
    ("aria-allowed-attr", "<jp-button",
     "JupyterLab 4's toolbar buttons (the jp-button web component) carry aria-pressed without a "
     "role that allows it: the notebook's and the file browser's toolbars, and the buttons "
     "Voila's and nbgrader's extensions add to them"),
    ("aria-input-field-name", 'class="cm-content"',
     "JupyterLab's cell editors (CodeMirror 6, role=textbox) have no accessible name"),
    ("aria-required-children", "jp-WindowedPanel-viewport",
     "JupyterLab's notebook list of cells is role=feed, its cells are not role=article"),
]


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    """Voila serving a copy of the app for this module's tests; yields (base URL, token)."""
    folder = tmp_path_factory.mktemp("a11y-app")
    shutil.copy(NOTEBOOK, folder / "playground.ipynb")
    shutil.copy(NOTEBOOK.with_name("voila.json"), folder / "voila.json")
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    cmd = [str(BIN / "voila"), *tasks.VOILA_ARGS, f"--port={port}", "--Voila.ip=127.0.0.1",
           f"--token={token}"]
    server = Server("voila-a11y", cmd, cwd=folder,
                    env=tasks.app_env(isolated_env(folder / "home")))
    try:
        server.wait_http(f"{base}/voila/static/favicon.ico?token={token}", SERVER_START)
        # The pages then get kernels that have run the notebook already (make app's pool).
        wait_until(lambda: "is filled with" in server.log_tail(100_000), 2 * SERVER_START,
                   lambda: f"Voila's kernel pool is not filled; its log {server.log_path}")
        yield base, token
    finally:
        server.stop()


@pytest.fixture
def app_dir(tmp_path):
    """For the ``lab`` fixture: notebook 02 in a temporary folder."""
    folder = tmp_path / "lab"
    folder.mkdir()
    shutil.copy(NOTEBOOK_02, folder / NOTEBOOK_02.name)
    return folder


PATIENCE = 3  # the page waits this many times make app's usual limits (a busy shared machine)


def open_app(page, server) -> Playground:
    """The Voila app opened, its first run ended (as browser_helpers.open_app, more patient:
    these tests open three pages in a row, each a kernel of its own)."""
    base, token = server
    page.goto(f"{base}/?token={token}", timeout=PATIENCE * WIDGETS_SHOWN * 1000)
    pg = Playground(page, "body")
    pg.root.wait_for(state="visible", timeout=PATIENCE * WIDGETS_SHOWN * 1000)
    pg.plot.wait_for(state="visible")
    wait_until(lambda: pg.status().startswith(("finished", "error")), PATIENCE * RUN_DONE,
               pg.describe)
    pg.check_not_error()
    return pg


# --------------------------------------------------------------------------------- axe-core
def axe(page, where: str) -> list[dict]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on ``page``, each with its nodes' HTML."""
    from axe_playwright_python.sync_playwright import Axe

    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(Axe().axe_script)
    found = page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                         resultTypes: ['violations']})
            .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                          html: n.html.slice(0, 300)}))})))""", AXE_TAGS)
    for violation in found:
        violation["where"] = where
    return found


def ours(violations: list[dict]) -> list[str]:
    """The violations not named in :data:`UPSTREAM`, one line per node, to assert empty."""
    lines = []
    for v in violations:
        for node in v["nodes"]:
            where = node["html"] + " " + node["target"]
            upstream = "bp-" not in where and any(
                v["id"] == rule and piece in where
                for rule, piece, _ in UPSTREAM)
            if not upstream:
                lines.append(f"{v['where']}: {v['id']} ({v['impact']}: {v['help']}) at "
                             f"{node['target']}: {node['html']}")
    return lines


def assert_clean(page, where: str, viewports=(DESKTOP, PHONE)) -> None:
    """Zero axe violations at each of ``viewports`` (the page re-laid out at each width)."""
    found = []
    for viewport in viewports:
        page.set_viewport_size(viewport)
        page.wait_for_timeout(300)  # the layout's container queries settle
        found += axe(page, f"{where} at {viewport['width']} px")
    page.set_viewport_size(DESKTOP)
    problems = ours(found)
    assert not problems, "axe-core found:\n" + "\n".join(problems)


def assert_fits(page, where: str) -> None:
    """Nothing lost at this width: no sideways scrolling, every control and picture shown
    within the page's width."""
    lost = page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const out = [];
        const scrolled = document.documentElement.scrollWidth;
        if (scrolled > width + 1) out.push(`the page scrolls sideways: ${scrolled} > ${width}`);
        const shown = '.bp-panel button, .bp-panel select, .bp-panel input, ' +
                      '.bp-panel .noUi-handle, .bp-panel img.bp-plot';
        for (const el of document.querySelectorAll(shown)) {
            if (!el.offsetParent && el.tagName !== 'BUTTON') continue;  // hidden on purpose
            const r = el.getBoundingClientRect();
            if (!r.width) continue;
            if (r.left < -1 || r.right > width + 1)
                out.push(`${el.outerHTML.slice(0, 80)} spans ${r.left}-${r.right} of ${width}`);
        }
        return out;
    }""")
    assert not lost, f"{where}: " + "; ".join(lost)


def read_test_digit(page, index: int | None = None) -> str:
    """Press *read test digit* (test image ``index``) and wait for its reading."""
    panel = page.locator(".bp-draw-digit")
    if index is not None:
        panel.locator(".widget-text input").fill(str(index))
        panel.locator(".widget-text input").press("Tab")
    before = panel.locator(".bp-draw-status").text_content()
    panel.get_by_role("button", name="read test digit").click()
    wait_until(lambda: "test image" in (panel.locator(".bp-draw-status").text_content() or "")
               and panel.locator(".bp-draw-status").text_content() != before, 60,
               lambda: f"draw-a-digit status {panel.locator('.bp-draw-status').text_content()!r}")
    return panel.locator(".bp-draw-status").text_content()


def show_inside(page) -> None:
    page.get_by_role("button", name="inside the network").click()
    caption = page.locator(".bp-inside-caption")
    wait_until(lambda: "finished run" in (caption.text_content() or ""),
               PATIENCE * RUN_DONE,
               lambda: f"inside caption {caption.text_content()!r}")


# ------------------------------------------------------------------------------------ tests
def test_axe_finds_nothing_in_the_app(app_server, browser):
    """After the first run, with the inside view on, after a digit is read: zero violations at
    desktop and phone width; and at 200 % zoom nothing is lost."""
    with browser_page(browser, "a11y-axe", viewport=DESKTOP) as page, \
            screenshot_on_failure(page, "a11y-axe"):
        open_app(page, app_server)
        assert_clean(page, "after the first run")
        show_inside(page)
        assert_clean(page, "inside view on")
        read_test_digit(page, 3)
        assert_clean(page, "a test digit read")
        page.set_viewport_size(ZOOM_200)
        page.wait_for_timeout(300)
        assert_fits(page, "at 200 % zoom (640 CSS px)")
        screenshot(page, "a11y-zoom-200")


FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return {where: 'body'};
    const style = getComputedStyle(el);
    const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
        || (style.boxShadow && style.boxShadow !== 'none');
    const name = el.getAttribute('aria-label') || (el.textContent || '').trim().slice(0, 40)
        || el.getAttribute('title') || el.tagName;
    return {where: el.closest('.bp-panel') ? 'panel' : 'page', name, tag: el.tagName, ring,
            html: el.outerHTML.slice(0, 120)};
}"""


def test_keyboard_alone_drives_the_app(app_server, browser):
    """Tab, the arrow keys, Enter and Space only: change the learning rate (a run starts),
    switch to the inside view, read a test digit and do one teaching step; focus is always
    visible, and Tab leaves the last control (no trap)."""
    with browser_page(browser, "a11y-keyboard", viewport=DESKTOP) as page, \
            screenshot_on_failure(page, "a11y-keyboard"):
        pg = open_app(page, app_server)
        visited: list[dict] = []

        def tab_to(name: str, limit: int = 60) -> dict:
            for _ in range(limit):
                page.keyboard.press("Tab")
                focus = page.evaluate(FOCUS)
                visited.append(focus)
                if focus["where"] == "panel":
                    assert focus["ring"], f"no visible focus ring on {focus['html']}"
                if focus.get("name") == name:
                    return focus
            raise AssertionError(f"Tab never reached {name!r}; visited "
                                 f"{[f.get('name') for f in visited]}")

        tab_to("learning rate")
        screenshot(page, "a11y-focus-ring")
        before = pg.value("learning rate")
        page.keyboard.press("ArrowRight")
        wait_until(lambda: pg.value("learning rate") != before, 10,
                   lambda: f"learning rate still {pg.value('learning rate')}")
        after = pg.value("learning rate")
        wait_until(lambda: pg.finished_with({"learning rate": after}), PATIENCE * RUN_DONE,
                   pg.describe)

        tab_to("inside the network")
        page.keyboard.press("Space")
        caption = page.locator(".bp-inside-caption")
        wait_until(lambda: "finished run" in (caption.text_content() or ""),
               PATIENCE * RUN_DONE,
                   lambda: f"inside caption {caption.text_content()!r}")

        tab_to("read test digit")
        page.keyboard.press("Enter")
        status_line = page.locator(".bp-draw-status")
        wait_until(lambda: "test image 0" in (status_line.text_content() or ""), 60,
                   lambda: f"draw-a-digit status {status_line.text_content()!r}")
        tab_to("one step")
        page.keyboard.press("Space")
        teach = page.locator("img.bp-draw-teach").first
        wait_until(lambda: teach.is_visible() and (teach.get_attribute("alt") or "")
                   .startswith("One backprop step"), 30,
                   lambda: f"teaching step not shown (alt {teach.get_attribute('alt')!r})")

        # On to the end: focus leaves the last control, then comes back round (no trap).
        for _ in range(60):
            page.keyboard.press("Tab")
            focus = page.evaluate(FOCUS)
            visited.append(focus)
            if focus["where"] == "panel":
                assert focus["ring"], f"no visible focus ring on {focus['html']}"
            else:
                break
        else:
            raise AssertionError("focus never left the panels: a keyboard trap")
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate(FOCUS)["where"] == "panel":
                break
        else:
            raise AssertionError("Tab never came back to the panels")
        names = {f.get("name") for f in visited}
        for control in ("hidden units", "epochs", "Train", "Stop", "Clear", "learning curves",
                        "random test digit", "Reset", "Next"):
            assert control in names, f"Tab never reached {control!r}: {sorted(map(str, names))}"


def alts(page, selector: str) -> list[str]:
    return page.locator(selector).evaluate_all("els => els.map(e => e.getAttribute('alt'))")


def number(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not in {text!r}"
    return match.group(1)


def test_every_picture_says_what_it_shows_with_current_numbers(app_server, browser):
    """Each picture's alt names what it shows and the numbers of the moment: they change with
    the run, the epoch, the digit and the step."""
    with browser_page(browser, "a11y-alts", viewport=DESKTOP) as page, \
            screenshot_on_failure(page, "a11y-alts"):
        pg = open_app(page, app_server)
        curves = ".bp-playground img.bp-plot:not(.bp-inside-plot)"
        first = alts(page, curves)
        val = number(r"validation (\d+\.\d) %", pg.status())
        epochs = int(number(r"after (\d+) epochs", pg.status()))
        assert first[0].startswith("Learning curves, loss per epoch") and \
            re.search(r"training loss \d", first[0]) and \
            f"epoch {epochs} of {epochs}" in first[0], first
        assert first[1].startswith("Learning curves, accuracy per epoch") and \
            f"validation accuracy {val} %" in first[1], (first, pg.status())

        # A shorter run: the curves' texts follow it
        pg.press("epochs", "ArrowLeft")
        wait_until(lambda: pg.finished_with({}) and f"after {epochs - 1} epochs" in pg.status(),
                   PATIENCE * RUN_DONE, pg.describe)
        wait_until(lambda: alts(page, curves) != first, 10, lambda: f"alts still {first}")
        second = alts(page, curves)
        val = number(r"validation (\d+\.\d) %", pg.status())
        assert f"epoch {epochs - 1} of {epochs - 1}" in second[0], second
        assert f"validation accuracy {val} %" in second[1], (second, pg.status())
        assert "earlier run drawn faded" in second[0], second

        show_inside(page)
        inside = alts(page, "img.bp-inside-plot")
        assert inside[0].startswith("Weights w1 of hidden units 0-15") and \
            f"after epoch {epochs - 1} of {epochs - 1}" in inside[0], inside
        assert re.search(r"5 validation digits .*: \d of 5 read right; true \d read as \d "
                         r"\(\d\.\d\d\)", inside[1]), inside
        assert re.search(rf"epoch {epochs - 1}: w1 [\d.e-]+, w2 [\d.e-]+", inside[2]), inside
        assert re.search(rf"epoch {epochs - 1}: hidden \d+ %, output \d+ %", inside[3]), inside

        labels = load_mnist(n_train=1, n_val=0, n_test=10).test.y
        reading = {}
        for index in (0, 1):
            status = read_test_digit(page, index)
            said = number(r"prediction: (\d)", status)
            texts = alts(page, "img.bp-draw-reading")
            assert f"test image {index}, labelled {labels[index]}" in texts[0], texts
            assert texts[1].startswith("110 hidden activations u3"), texts
            assert re.search(rf"the network reads {said} with \d\.\d\d; next \d with \d\.\d\d",
                             texts[2]), (texts, status)
            reading[index] = texts
        assert reading[0] != reading[1]

        page.locator(".bp-draw-digit").get_by_role("button", name="one step").click()
        teach = page.locator("img.bp-draw-teach").first
        wait_until(lambda: (teach.get_attribute("alt") or "").startswith("One backprop step"),
                   30, lambda: f"teach alt {teach.get_attribute('alt')!r}")
        step = alts(page, "img.bp-draw-teach")
        assert f"toward label {labels[1]} (learning rate 0.03)" in step[0], step
        assert re.search(rf"output {labels[1]} rose from \d\.\d\d\d? to \d\.\d\d\d?", step[0]), step
        assert step[1].startswith("d_W1 of the 8 hidden units"), step

        graph = "img.bp-step-wide"
        start = alts(page, graph)[0]
        assert "step 0 of 14" in start, start
        page.locator(".bp-step-through").get_by_role("button", name="Next").click()
        wait_until(lambda: "step 1 of 14" in alts(page, graph)[0], 10,
                   lambda: f"graph alt {alts(page, graph)}")
        assert "forward pass u1" in alts(page, graph)[0], alts(page, graph)

        # What a screen reader hears of the step-through: its new step
        wait_until(lambda: any(s.startswith("step 1 of 14: forward pass, u1") for s in
                               page.locator(".bp-announce").all_text_contents()), 10,
                   lambda: f"live regions say {page.locator('.bp-announce').all_text_contents()}")
        overlay_alts(page)
        screenshot(page, "a11y-alt-texts")


def overlay_alts(page) -> None:
    """Write each shown picture's alt over it (for the screenshot that shows them)."""
    page.evaluate("""() => {
        for (const img of document.querySelectorAll('img')) {
            if (!img.offsetParent || !img.alt) continue;
            const note = document.createElement('div');
            note.textContent = 'alt: ' + img.alt;
            Object.assign(note.style, {background: '#fffbe6', color: '#111',
                font: '12px sans-serif', border: '1px solid #b58900', padding: '3px',
                maxWidth: img.width + 'px'});
            img.insertAdjacentElement('afterend', note);
        }
    }""")


def test_axe_finds_nothing_of_ours_in_notebook_02_in_jupyterlab(lab, page):
    """Notebook 02 open in JupyterLab with its playground, after a run: no violation in the
    project's markup; JupyterLab's own ones (named in UPSTREAM) are left to JupyterLab."""
    base, token = lab
    page.goto(f"{base}/lab/tree/{NOTEBOOK_02.name}?reset&token={token}")
    page.locator(f"{LAB_PANEL} .jp-Notebook").wait_for(state="visible",
                                                         timeout=SERVER_START * 1000)
    page.wait_for_function(
        """() => {
            const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            const kernel = w && w.sessionContext && w.sessionContext.session
                && w.sessionContext.session.kernel;
            return kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
        }""", timeout=SERVER_START * 1000)
    # Only what the playground cell needs: the imports, the data, its learning rate.
    page.evaluate("""async () => {
        const panel = window.jupyterapp.shell.currentWidget;
        const cells = panel.content.widgets;
        const index = cells.findIndex(c => c.model.sharedModel.getSource()
                                             .startsWith('playground(data'));
        const kernel = panel.sessionContext.session.kernel;
        for (const i of [1, 3]) {  // the imports and the data
            await kernel.requestExecute({code: cells[i].model.sharedModel.getSource()}).done;
        }
        await kernel.requestExecute({code: 'TUNED = dict(lr=1.0)'}).done;
        panel.content.activeCellIndex = index;
        await window.jupyterapp.commands.execute('notebook:run-cell');
    }""")
    with screenshot_on_failure(page, "a11y-lab"):
        pg = Playground(page, LAB_PANEL)
        pg.root.wait_for(state="visible", timeout=WIDGETS_SHOWN * 1000)
        pg.root.scroll_into_view_if_needed()
        pg.root.get_by_role("button", name="Train").click()
        wait_until(lambda: pg.status().startswith(("finished", "error")), PATIENCE * RUN_DONE,
                   pg.describe)
        pg.check_not_error()
        found = axe(page, "notebook 02 in JupyterLab")
        problems = ours(found)
        assert not problems, "axe-core found:\n" + "\n".join(problems)
        # and the playground itself, alone, is clean without any exception
        playground = axe_in(page, f"{LAB_PANEL} .bp-playground")
        assert playground == [], playground
        screenshot(page, "a11y-lab")


def axe_in(page, selector: str) -> list[str]:
    """axe-core's violations inside the elements ``selector``, as "rule at node" lines."""
    return [f"{v['id']} at {n['target']}" for v in page.evaluate(
        """([selector, tags]) => axe.run({include: [[selector]]},
                                          {runOnly: {type: 'tag', values: tags},
                                           resultTypes: ['violations']})
            .then(r => r.violations.map(v => ({id: v.id,
                nodes: v.nodes.map(n => ({target: n.target.join(' ')}))})))""",
        [selector, AXE_TAGS]) for n in v["nodes"]]
