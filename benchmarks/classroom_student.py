"""One student of the classroom benchmark (bench_classroom.py), at the protocol level.

A :class:`Student` does what a browser does with the Voila app's page: loads it (with a seed
in the address, as a teacher's link carries one), opens the kernel's websocket, learns the
widgets' state, finds the playground's own widgets by their stable classes, moves the
learning-rate slider and records when each status line and picture arrives.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
import urllib.request
import uuid

import websocket  # websocket-client, installed with jupyter_server
from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)

PROTOCOL = "v1.kernel.websocket.jupyter.org"  # the kernel websocket protocol JupyterLab uses
# The playground's own widgets, by the stable classes they carry (backprop.widgets).
CLASSES = {"lr": "bp-playground-lr", "seed": "bp-playground-seed",
           "status": "bp-playground-status",
           "loss": "bp-playground-curve-loss", "accuracy": "bp-playground-curve-accuracy"}
REPLAY_WORDS = "from the class's runs"  # the status line of a run served by the run store
WAITING = "waiting"  # the status line while a page follows the run another page trains

def text_of(value: str) -> str:
    """An HTML widget's value as the page shows it: without tags, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", value))



class Student:
    """One browser's worth of protocol: the page, the kernel's websocket, the widgets."""

    def __init__(self, base: str, token: str, seed: int):
        self.base, self.token, self.seed = base, token, seed
        self.session = uuid.uuid4().hex
        self.lock = threading.Lock()
        self.status = ""
        self.events: list[tuple[float, str, str]] = []  # (time, "status" | kind, status)
        self.states: dict | None = None
        self.ids: dict[str, str] = {}  # CLASSES' keys -> the widget's model id
        self.moved_at = 0.0
        self.address_missed = False  # the page's kernel did not get ?seed= in time

    def open(self) -> float:
        """Load the page and connect; returns seconds until the widgets' state is known."""
        start = time.perf_counter()
        with urllib.request.urlopen(f"{self.base}/?token={self.token}&seed={self.seed}",
                                    timeout=600) as page:
            text = page.read().decode()
        self.kernel_id = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', text).group(1)
        self.ws = websocket.create_connection(
            f"{self.base.replace('http', 'ws')}/api/kernels/{self.kernel_id}/channels"
            f"?session_id={self.session}&token={self.token}", timeout=300,
            subprotocols=[PROTOCOL])
        self.ws.settimeout(None)
        threading.Thread(target=self._receive, daemon=True).start()
        control = uuid.uuid4().hex
        self._send("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control",
                                 "data": {}}, {"version": "1.0.0"})  # control protocol
        deadline, asked = time.monotonic() + 300, 0.0
        while self.states is None:
            if time.monotonic() > deadline:
                raise TimeoutError("no widget state from the kernel")
            # ask again now and then: the kernel may handle the request before the comm_open
            if time.monotonic() - asked > 1.0:
                self._send("comm_msg", {"comm_id": control,
                                        "data": {"method": "request_states"}})
                asked = time.monotonic()
            time.sleep(0.01)
        found: dict[str, list[str]] = {key: [] for key in CLASSES}
        for model_id, model in self.states.items():
            classes = model["state"].get("_dom_classes", [])
            for key, cls in CLASSES.items():
                if cls in classes:
                    found[key].append(model_id)
        wrong = {CLASSES[k]: len(v) for k, v in found.items() if len(v) != 1}
        if wrong:
            raise RuntimeError(f"the page must have exactly one widget with each of the "
                               f"playground's classes; found {wrong}")
        self.ids = {key: ids[0] for key, ids in found.items()}
        self.status = text_of(self.states[self.ids["status"]]["state"]["value"])
        # The page's address reaches the kernel through the app's PageAddress widget, whose
        # view (in a browser) reports window.location's query: do what that view does.
        address = [model_id for model_id, model in self.states.items()
                   if "query" in model["state"] and "_esm" in model["state"]]
        if len(address) != 1:
            raise RuntimeError(f"the page must have exactly one PageAddress widget; found "
                               f"{len(address)}")
        self._send("comm_msg", {"comm_id": address[0], "data": {
            "method": "update", "state": {"query": f"token={self.token}&seed={self.seed}"},
            "buffer_paths": []}})
        return time.perf_counter() - start

    def _send(self, msg_type: str, content: dict, metadata: dict | None = None) -> None:
        msg = {"header": {"msg_id": uuid.uuid4().hex, "username": "student",
                          "session": self.session, "msg_type": msg_type, "version": "5.3",
                          "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
               "parent_header": {}, "metadata": metadata or {}, "content": content}
        frame = serialize_msg_to_ws_v1(msg, "shell", pack=lambda part: json.dumps(part).encode())
        self.ws.send(frame, opcode=websocket.ABNF.OPCODE_BINARY)

    def _receive(self) -> None:
        try:
            while True:
                frame = self.ws.recv()
                now = time.perf_counter()
                if not isinstance(frame, bytes):  # not a kernel message (the v1 protocol's
                    continue  # are binary frames)
                channel, parts = deserialize_msg_from_ws_v1(frame)
                if channel != "iopub" or json.loads(parts[0])["msg_type"] != "comm_msg":
                    continue
                content = json.loads(parts[3])
                data, comm_id = content["data"], content["comm_id"]
                if data.get("method") == "update_states":
                    self.states = data["states"]
                elif data.get("method") == "update" and self.ids:
                    state, paths = data.get("state", {}), data.get("buffer_paths", [])
                    with self.lock:
                        if comm_id == self.ids["status"] and "value" in state:
                            self.status = text_of(state["value"])
                            self.events.append((now, "status", self.status))
                        elif ["value"] in paths or "value" in state:
                            for kind in ("loss", "accuracy"):
                                if comm_id == self.ids[kind]:
                                    self.events.append((now, kind, self.status))
        except (websocket.WebSocketConnectionClosedException, OSError):
            pass

    def wait_finished(self, timeout: float) -> None:
        """Wait for the first run to finish, with this student's seed.

        A preheated kernel that did not get the page's address in time (seen at load 60 on
        2 cores) starts the initial settings' run instead: the seed is then set as a student
        would set it, and that run waited for too.
        """
        deadline = time.monotonic() + timeout
        for attempt in range(2):
            while not self.status.startswith(("finished", "error")):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"status still {self.status!r}")
                time.sleep(0.05)
            if not self.status.startswith("error") and f"seed {self.seed} " in self.status:
                return
            if attempt == 0:
                self.address_missed = True
                with self.lock:
                    self.status = ""
                self._send("comm_msg", {"comm_id": self.ids["seed"], "data": {
                    "method": "update", "state": {"value": self.seed}, "buffer_paths": []}})
        raise RuntimeError(f"the first run did not finish with seed {self.seed}: "
                           f"{self.status!r}")

    def move(self, lr: float) -> None:
        with self.lock:
            self.moved_at = time.perf_counter()
            self.events.clear()
        self._send("comm_msg", {"comm_id": self.ids["lr"], "data": {
            "method": "update", "state": {"value": lr}, "buffer_paths": []}})

    def result(self) -> tuple[float | None, float | None, str]:
        """(move -> first picture of the new run, move -> finished and drawn, how).

        How the run came: "live" (trained on this page), "replay" (from the class's store at
        once) or "followed" (another page was training the same settings: this one waited
        for that run, then showed it from the store).

        "Finished and drawn": the status line says finished and both curves' pictures have
        come after it, or showed every epoch before it (the panel sends no new picture when
        the last ones already showed them all).
        """
        first = finished = None
        complete = dict.fromkeys(("loss", "accuracy"))
        with self.lock:
            events = list(self.events)
        for t, kind, status in events:
            if kind == "status" and status.startswith("finished") and finished is None:
                finished = t - self.moved_at
            # a picture of the new run: an epoch of a live run, or a replay's whole run
            if kind == "status" or not re.search(rf"epoch \d+/|^finished|^{REPLAY_WORDS}",
                                                 status):
                continue
            if first is None:
                first = t - self.moved_at
            if complete[kind] is None and (status.startswith(("finished", REPLAY_WORDS))
                                           or re.search(r"epoch (\d+)/\1\b", status)):
                complete[kind] = t - self.moved_at
        how = "live" if REPLAY_WORDS not in self.status else "followed" if any(
            kind == "status" and status.startswith(WAITING) for _, kind, status in events) \
            else "replay"
        if finished is None or None in complete.values():
            return first, None, how
        return first, max(finished, *complete.values()), how

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001
            pass
