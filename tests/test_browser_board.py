"""The class's board in a real browser, updating while two students' runs finish (issue 21).

Two Voila servers as ``make app`` starts them (the playground, and ``app/board.ipynb`` on a
second port), over temporary copies of the notebooks and one temporary store; the teacher's
board page is opened with the teacher's key, then two students open the playground with
different settings in their addresses. The board must show both runs within a few of its
polls, and a third student asking for the first one's settings gets a replay. A board page
without the key has no "New class" button; the teacher's does, and it empties the board.
"""

from __future__ import annotations

import secrets
import shutil

import pytest
import tasks
from browser_helpers import (
    BIN,
    NOTEBOOK,
    RUN_DONE,
    SERVER_START,
    WIDGETS_SHOWN,
    Playground,
    Server,
    free_port,
    isolated_env,
    leaving,
    record_requests,
    screenshot,
    screenshot_on_failure,
    wait_until,
)

BOARD_SEES = 15  # s for a finished run to reach the board (it polls every 2 s)


@pytest.fixture
def app_pair(tmp_path):
    """The playground's and the board's Voila, one store; yields their URLs and keys."""
    folder = tmp_path / "app"
    folder.mkdir()
    for name in ("playground.ipynb", "board.ipynb", "voila.json"):
        shutil.copy(NOTEBOOK.with_name(name), folder / name)
    token, key = secrets.token_hex(16), secrets.token_hex(8)
    ports = free_port(), free_port()
    env = tasks.app_env(isolated_env(tmp_path / "home"))
    env["BACKPROP_STORE"] = str(tmp_path / "runs.sqlite")
    env.pop("BACKPROP_TEACHER_KEY", None)
    base = [f"http://127.0.0.1:{port}" for port in ports]
    board_env = {**env, "BACKPROP_TEACHER_KEY": key, "BACKPROP_PLAYGROUND_URL": f"{base[0]}/"}
    servers = []
    try:
        for name, args, port, server_env in (("voila-playground", tasks.VOILA_ARGS, ports[0],
                                              env),
                                             ("voila-board", tasks.BOARD_ARGS, ports[1],
                                              board_env)):
            cmd = [str(BIN / "voila"), *args, f"--port={port}", "--Voila.ip=127.0.0.1",
                   f"--token={token}"]
            servers.append(Server(name, cmd, cwd=folder, env=server_env))
        for server, url in zip(servers, base, strict=True):
            server.wait_http(f"{url}/voila/static/favicon.ico?token={token}", SERVER_START)
        yield {"playground": base[0], "board": base[1], "token": token, "key": key}
    finally:
        for server in servers:
            server.stop()


def student(browser, app_pair, query: str):
    """A student's page (a browser context of its own), its playground's first run ended."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.goto(f"{app_pair['playground']}/?{query}&token={app_pair['token']}",
              timeout=WIDGETS_SHOWN * 1000)
    return context, page


def test_the_board_updates_while_two_students_runs_finish(browser, app_pair):
    board_context = browser.new_context(viewport={"width": 1280, "height": 1000})
    board = board_context.new_page()
    urls = record_requests(board)
    contexts = [board_context]
    try:
        with screenshot_on_failure(board, "board"):
            board.goto(f"{app_pair['board']}/?teacher={app_pair['key']}"
                       f"&token={app_pair['token']}", timeout=WIDGETS_SHOWN * 1000)
            counts = board.locator(".bp-board-counts").first
            counts.wait_for(state="visible", timeout=WIDGETS_SHOWN * 1000)
            board.locator(".bp-board-new-class").first.wait_for(state="visible")

            def says(text):
                return lambda: text in (counts.text_content() or "")

            wait_until(says("0 runs"), BOARD_SEES, lambda: counts.text_content())
            screenshot(board, "board-1-empty")
            pages = []
            for query in ("lr=0.1&hidden=30&epochs=3", "lr=0.2&hidden=30&epochs=3"):
                context, page = student(browser, app_pair, query)
                contexts.append(context)
                pages.append(page)
            for page in pages:
                pg = Playground(page, "body")
                wait_until(lambda pg=pg: pg.status().startswith(("finished", "error")),
                           WIDGETS_SHOWN + RUN_DONE, pg.describe)
                pg.check_not_error()
            wait_until(says("2 runs"), BOARD_SEES, lambda: counts.text_content())
            assert "2 students" in counts.text_content()
            grid = board.locator(".bp-board-grid").first
            wait_until(lambda: "0.2" in grid.text_content() and "0.1" in grid.text_content(),
                       BOARD_SEES, lambda: grid.text_content())
            assert "Best so far" in board.locator(".bp-board-best").first.text_content()
            link = board.locator(".bp-board-best a").first.get_attribute("href")
            assert link.startswith(app_pair["playground"]) and "hidden=30" in link
            screenshot(board, "board-2-two-runs")

            # A third student asks for the first one's settings: a replay, on the board too.
            context, page = student(browser, app_pair, "lr=0.1&hidden=30&epochs=3")
            contexts.append(context)
            pg = Playground(page, "body")
            wait_until(lambda: pg.status().startswith("finished"), WIDGETS_SHOWN + RUN_DONE,
                       pg.describe)
            assert "from the class's runs" in pg.status(), pg.status()
            wait_until(says("1 replays"), BOARD_SEES, lambda: counts.text_content())
            screenshot(board, "board-3-replay")

            # A student's board page (a guessed key) has no teacher's controls at all.
            other = board_context.new_page()
            other.goto(f"{app_pair['board']}/?teacher=guess&token={app_pair['token']}",
                       timeout=WIDGETS_SHOWN * 1000)
            other.locator(".bp-board-counts").first.wait_for(state="visible",
                                                             timeout=WIDGETS_SHOWN * 1000)
            assert "1 replays" in other.locator(".bp-board-counts").first.text_content()
            assert other.locator(".bp-board-new-class").count() == 0
            assert other.get_by_role("button", name="New class").count() == 0
            other.close()

            # The teacher starts a new class: the board is empty again.
            board.locator(".bp-board-new-class").first.click()
            wait_until(says("0 runs"), BOARD_SEES, lambda: counts.text_content())
            assert not leaving(urls), f"the board requested {leaving(urls)}"
    finally:
        for context in contexts:
            context.close()
