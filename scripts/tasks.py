"""The set-up behind ``make lab``, ``make app`` and ``make test``: the one implementation.

The Makefile calls this script; where there is no ``make`` (Windows), call it yourself::

    python scripts/tasks.py lab       # = make lab: create .venv, install, open JupyterLab
    python scripts/tasks.py lab --notebooks student/self-study   # the student edition
    python scripts/tasks.py app       # = make app: serve the playground and the board
    python scripts/tasks.py test      # = make test: lint and run every test
    python scripts/tasks.py install   # only create .venv and install (make install)
    python scripts/tasks.py lint      # ruff (make lint)
    python scripts/tasks.py browser   # find or get the browser for the browser tests
    python scripts/tasks.py hub       # = make hub: the course on a JupyterHub (127.0.0.1:8000)

Settings come from the environment (``make`` passes ``make app APP_PORT=8867`` on as one) or
from the options, which win: ``LAB_PORT`` / ``--port`` and ``NOTEBOOKS`` / ``--notebooks`` for
lab, ``APP_IP`` / ``--ip``, ``APP_PORT`` / ``--port``, ``BOARD_PORT`` and ``APP_STORE`` for
app, ``PYTEST_ARGS`` or arguments
after ``--`` for test, ``CHROMIUM`` for the browser tests' browser.

It uses only the standard library and runs under the machine's Python (3.10 or newer), which
also creates ``.venv``. The project is (re)installed only when ``pyproject.toml`` changed: the
stamp file ``.venv/.installed-<hash>`` is named by the SHA-256 of its bytes. Every failure a
fresh machine can meet ends with one line that says what to do, not a traceback.
"""

from __future__ import annotations

import sys

MIN_PYTHON = (3, 10)


def python_too_old(version=sys.version_info, executable: str = sys.executable) -> str | None:
    """The message for a Python older than ``MIN_PYTHON`` (macOS's own python3 is 3.9), or None."""
    if tuple(version[:2]) >= MIN_PYTHON:
        return None
    have = ".".join(str(part) for part in version[:3])
    need = ".".join(str(part) for part in MIN_PYTHON)
    return (f"backprop: this needs Python {need} or newer, and {executable} is {have}: install "
            f"a newer one (python.org, Homebrew, apt) and run `make lab PYTHON=python3.12` "
            f"(or that python with scripts/tasks.py)")


if __name__ == "__main__" and python_too_old():
    print(python_too_old(), file=sys.stderr)
    sys.exit(1)

import argparse  # noqa: E402  (after the version check, which must run on any python3)
import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import shlex  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
WINDOWS = os.name == "nt"

# The Voila command of `make app`: the notebook and the options of the command line, in this
# one list (the address and port are added from APP_IP and APP_PORT). Voila runs in app/, so
# that it reads app/voila.json: the classroom settings (preheated kernels, idle kernels culled),
# which the benchmarks and the browser tests read too.
APP_DIR = ROOT / "app"
# The kernels' ZeroMQ traffic is encrypted (CurveZMQ keys made by jupyter_client for each kernel
# whose kernelspec supports it, as ipykernel's does), instead of ipykernel's warning "Kernel is
# running over TCP without encryption". The kernels listen on 127.0.0.1 only, also when make app
# serves the page on 0.0.0.0. (IPC transport would do too, but not on Windows, and its socket
# files' paths must stay under about 100 characters.)
KERNEL_ARGS = ["--KernelManager.transport_encryption=auto"]
# The app's page template (app/jupyter/voila/templates/backprop): Voila's own without the links
# to a CDN. Voila looks for templates in the Jupyter data path, which app_env() extends by this.
APP_DATA_PATH = APP_DIR / "jupyter"
VOILA_ARGS = [
    "playground.ipynb",
    "--no-browser",
    "--Voila.port_retries=0",  # a port in use is an error, not a silent move to another port
    "--VoilaConfiguration.template=backprop",
    *KERNEL_ARGS,
]
APP_IP, APP_PORT = "127.0.0.1", 8866
# The class's board (app/board.ipynb), a second Voila on the next port (BOARD_PORT): the
# students' address stays the playground's. Its kernels are light and few (the projector's
# page), so none is preheated. Both servers share the class's store (APP_STORE, default
# app/class-runs.sqlite), given to their kernels as $BACKPROP_STORE.
BOARD_ARGS = [
    "board.ipynb",
    "--no-browser",
    "--Voila.port_retries=0",
    "--VoilaConfiguration.template=backprop",
    "--VoilaConfiguration.preheat_kernel=False",
    *KERNEL_ARGS,
]
APP_STORE = APP_DIR / "class-runs.sqlite"

# The JupyterLab command of `make lab` (the folder comes from NOTEBOOKS, the port from LAB_PORT;
# --allow-root as root). Nothing in it reaches for the internet: no news feed, no update check.
NOTEBOOKS = "notebooks"
FIRST_NOTEBOOK = "00_overview.ipynb"  # what make lab opens, rather than JupyterLab's Launcher
LAB_ARGS = [
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    # notebook_shim only carries the classic Notebook's config over to Jupyter Server; the
    # project has none, and its link step reads the deprecated ServerApp.token, which logs
    # "ServerApp.token config is deprecated" at every start.
    "--ServerApp.jpserver_extensions=notebook_shim=False",
    *KERNEL_ARGS,
]
# This project's JupyterLab defaults (the .venv's own settings, not the user's): no "Would you
# like to get notified about official Jupyter news?" toast.
LAB_OVERRIDES = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}

NBVAL_ARGS = ["--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout=1800",
              "--nbval-sanitize-with", "notebooks/nbval_sanitize.cfg"]
PIP_MIN = (24,)  # the Makefile always asked for pip>=24
# The optional extras of pyproject.toml that make installs: the tests' tools, nbgrader for
# tests/test_grading.py (a teacher who grades uses the same .venv), and JupyterHub with the
# PostgreSQL driver for make hub and tests/test_hub.py.
EXTRAS = ("test", "grading", "hub")


class TaskError(Exception):
    """A failure the user can fix; its message is the one line that says how."""


def say(message: str) -> None:
    print(f"backprop: {message}", flush=True)


def venv_python(venv: Path = VENV, windows: bool = WINDOWS) -> Path:
    return venv / "Scripts" / "python.exe" if windows else venv / "bin" / "python"


def stamp_path(pyproject: Path = ROOT / "pyproject.toml", venv: Path = VENV) -> Path:
    """``.venv/.installed-<first 16 hex digits of SHA-256(pyproject.toml)>``."""
    digest = hashlib.sha256(pyproject.read_bytes()).hexdigest()[:16]
    return venv / f".installed-{digest}"


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _run(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in cmd], cwd=ROOT, **kwargs)


def _venv_works(python: Path) -> bool:
    """The .venv's python runs, is new enough and has pip (a failed ``venv`` leaves none)."""
    check = (f"import sys, pip; sys.exit(0 if sys.version_info[:2] >= {MIN_PYTHON!r} else 1)")
    try:
        return _run([python, "-c", check], stdin=subprocess.DEVNULL,
                    capture_output=True).returncode == 0
    except OSError:
        return False


def _venv_hint() -> str:
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    return (f"on Debian/Ubuntu run `sudo apt-get install python3-venv` (or python{version}-venv),"
            f" elsewhere install Python from python.org, then run the command again")


def create_venv(venv: Path = VENV) -> None:
    """Create ``venv`` with this Python; a half-made one is removed, with the way to fix it."""
    try:
        import ensurepip  # noqa: F401  (Debian and Ubuntu ship it apart, in python3-venv)
        import venv as _venv  # noqa: F401
    except ImportError:
        raise TaskError(f"{sys.executable} cannot create a virtual environment (no "
                        f"ensurepip/venv module): {_venv_hint()}") from None
    say(f"creating {venv.name} with {sys.executable} (Python {sys.version.split()[0]})")
    result = _run([sys.executable, "-m", "venv", venv], stdin=subprocess.DEVNULL)
    if result.returncode != 0 or not _venv_works(venv_python(venv)):
        shutil.rmtree(venv, ignore_errors=True)
        raise TaskError(f"`{sys.executable} -m venv {venv.name}` failed: {_venv_hint()}")


def pip_version(python: Path) -> tuple[int, ...]:
    result = _run([python, "-m", "pip", "--version"], stdin=subprocess.DEVNULL,
                  capture_output=True, text=True)
    words = result.stdout.split()
    if result.returncode != 0 or len(words) < 2:
        return (0,)
    return tuple(int(part) for part in words[1].split(".")[:2] if part.isdigit())


def install(venv: Path = VENV, pyproject: Path = ROOT / "pyproject.toml") -> Path:
    """Make sure ``venv`` exists and holds this project as pyproject.toml says; its python.

    Nothing here touches the network when the stamp is current, so an installed checkout
    works offline.
    """
    python = venv_python(venv)
    if venv.exists() and not _venv_works(python):
        say(f"{venv.name} is broken or from another Python; making a new one")
        shutil.rmtree(venv)
    if not venv.exists():
        create_venv(venv)
    stamp = stamp_path(pyproject, venv)
    if stamp.exists():
        return python
    offline = ("is this machine offline? pip needs PyPI: connect to the internet, "
               "then run the command again")
    have = pip_version(python)
    if have < PIP_MIN:
        need = ".".join(str(part) for part in PIP_MIN)
        say(f"upgrading pip in {venv.name} (it has {'.'.join(map(str, have))}, needs {need})")
        if _run([python, "-m", "pip", "install", "--quiet", "--upgrade", f"pip>={need}"],
                stdin=subprocess.DEVNULL).returncode != 0:
            raise TaskError(f"could not upgrade the old pip in {venv.name} (see pip's message "
                            f"above); {offline}")
    say(f"installing backprop and its dependencies into {venv.name} "
        f"(the first time takes a minute or two)")
    # setuptools explains its editable install in a boxed "Editable installation ... Please be
    # careful" note (an InformationOnly warning, not a problem); this filter hides that one
    # message, in pip and in the build backend it starts, and nothing else.
    env = dict(os.environ)
    env["PYTHONWARNINGS"] = ",".join(filter(None, [env.get("PYTHONWARNINGS"),
                                                  "ignore:Editable installation"]))
    if _run([python, "-m", "pip", "install", "--quiet", "-e", f".[{','.join(EXTRAS)}]"],
            stdin=subprocess.DEVNULL, env=env).returncode != 0:
        raise TaskError(f"installing into {venv.name} failed (see pip's message above); "
                        f"{offline}")
    for old in venv.glob(".installed-*"):
        old.unlink()
    stamp.touch()
    return python


def port_in_use(ip: str, port: int) -> bool:
    """Whether a server already listens on ``ip:port`` (bound as Tornado binds, SO_REUSEADDR)."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        if not WINDOWS:  # on Windows SO_REUSEADDR would let two servers share a port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((ip, port))
        except OSError:
            return True
    return False


def _port(value: str | int | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise TaskError(f"{name} must be a port number from 1 to 65535, got {value!r}")
    return port


def notebooks_folder(value: str | None = None) -> Path:
    """The folder ``make lab`` serves: ``value`` (NOTEBOOKS), relative to the checkout or
    absolute, which must hold notebooks; ``notebooks/`` by default."""
    folder = Path(value or NOTEBOOKS)
    folder = folder if folder.is_absolute() else ROOT / folder
    if not folder.is_dir() or not any(folder.glob("*.ipynb")):
        raise TaskError(f"NOTEBOOKS={value!r} is not a folder of notebooks: give one such as "
                        f"notebooks or student/self-study (make lab NOTEBOOKS=student/self-study)")
    return folder


def _shown(folder: Path) -> str:
    """``folder`` as the user would type it: relative to the checkout when inside it."""
    try:
        return f"{folder.relative_to(ROOT).as_posix()}/"
    except ValueError:
        return str(folder)


def lab_command(python: Path, port: int | None = None, root: bool | None = None,
                folder: Path | None = None) -> list[str]:
    """The ``jupyter lab`` command of ``make lab`` on ``folder`` (default notebooks/);
    ``--allow-root`` only for root; it opens ``00_overview.ipynb`` when the folder has one."""
    folder = folder or ROOT / NOTEBOOKS
    cmd = [str(python), "-m", "jupyterlab", _shown(folder), *LAB_ARGS, *notary_args()]
    if (folder / FIRST_NOTEBOOK).exists():
        cmd.append(f"--LabApp.default_url=/lab/tree/{FIRST_NOTEBOOK}")
    if port is not None:
        cmd += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if is_root() if root is None else root:
        cmd.append("--allow-root")  # Jupyter refuses to start as root without it
    return cmd


def lab_settings(venv: Path = VENV) -> Path:
    """Write ``LAB_OVERRIDES`` into the JupyterLab settings of ``venv`` (its overrides.json,
    which only the JupyterLab of that .venv reads), keeping whatever else is there."""
    path = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    try:
        overrides = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except ValueError:
        overrides = {}  # a broken file would make JupyterLab ignore all of it anyway
    merged = dict(overrides)
    for plugin, settings in LAB_OVERRIDES.items():
        merged[plugin] = {**overrides.get(plugin, {}), **settings}
    if merged != overrides:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(merged, indent=2) + "\n", encoding="utf-8")
    nbgrader_config(venv)
    return path


def nbgrader_config(venv: Path = VENV) -> Path:
    """An empty nbgrader_config.py in ``venv``'s Jupyter config folder.

    nbgrader (the ``grading`` extra) adds a server extension to JupyterLab that warns twice at
    every start when it finds no config file; a teacher's course folder brings its own
    (TEACHING.md), which nbgrader reads on top of this one."""
    path = venv / "etc" / "jupyter" / "nbgrader_config.py"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# nbgrader's defaults; a course folder's own nbgrader_config.py adds to "
                        "them (TEACHING.md).\n", encoding="utf-8")
    return path


def notary_dir(venv: Path = VENV) -> Path:
    """Where the app's notebook signature is kept: in .venv, not in the user's Jupyter data."""
    return venv / "share" / "jupyter" / "notary"


def notary_args(venv: Path = VENV) -> list[str]:
    # The files themselves: `jupyter trust` passes its own data_dir to the notary.
    folder = notary_dir(venv)
    return [f"--NotebookNotary.db_file={folder / 'nbsignatures.db'}",
            f"--NotebookNotary.secret_file={folder / 'notebook_secret'}"]


def app_command(python: Path, ip: str = APP_IP, port: int = APP_PORT,
                venv: Path = VENV) -> list[str]:
    """The ``voila`` command of ``make app``."""
    return [str(python), "-m", "voila", *VOILA_ARGS, *notary_args(venv), f"--Voila.ip={ip}",
            f"--port={port}"]


def board_command(python: Path, ip: str = APP_IP, port: int = APP_PORT + 1,
                  venv: Path = VENV) -> list[str]:
    """The ``voila`` command of ``make app``'s class board."""
    return [str(python), "-m", "voila", *BOARD_ARGS, *notary_args(venv), f"--Voila.ip={ip}",
            f"--port={port}"]


def app_env(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of ``make app``'s Voila: the Jupyter data path begins with the app's
    own folder, where Voila finds the page template ``backprop``."""
    env = dict(os.environ if environ is None else environ)
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(APP_DATA_PATH),
                                                        env.get("JUPYTER_PATH")]))
    return env


def trust(python: Path, notebooks: list[Path], venv: Path = VENV) -> None:
    """Sign ``notebooks`` as trusted (``jupyter trust``), so that Jupyter and Voila show their
    saved outputs without warning "Notebook ... is not trusted": they are the checkout's own
    notebooks, opened by the checkout's own command. The signatures (of their current contents)
    are kept in .venv, not in the user's Jupyter data; a notebook changed since is untrusted
    again until the next start."""
    notary_dir(venv).mkdir(parents=True, exist_ok=True)  # nbformat makes no folder
    result = _run([python, "-m", "nbformat.sign", *notary_args(venv), *notebooks],
                  stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if result.returncode != 0:  # they work untrusted too: say so, and go on
        detail = (result.stderr.strip().splitlines() or ["no message"])[-1]
        say(f"could not sign the notebooks as trusted ({detail}); Jupyter will say that they "
            f"are not trusted")


def _exec(cmd: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> int:
    """Become ``cmd`` in ``cwd`` with ``env`` (POSIX), so that Ctrl-C and signals to the
    process group reach it alone.

    Windows has no exec that keeps the console: wait for it instead.
    """
    if cwd != ROOT:
        print(f"+ cd {shlex.quote(str(cwd.relative_to(ROOT)))}", flush=True)
    print("+ " + " ".join(shlex.quote(part) for part in cmd), flush=True)
    os.chdir(cwd)
    env = dict(os.environ) if env is None else env
    if WINDOWS:
        proc = subprocess.Popen(cmd, env=env)
        while True:
            try:
                return proc.wait()
            except KeyboardInterrupt:
                continue  # the console sent Ctrl-C to the server too; let it shut down
    os.execve(cmd[0], cmd, env)
    return 1  # not reached


def lab(port: str | int | None = None, notebooks: str | None = None) -> int:
    port = _port(port if port is not None else os.environ.get("LAB_PORT"), "LAB_PORT")
    folder = notebooks_folder(notebooks or os.environ.get("NOTEBOOKS"))
    if port is not None and port_in_use("127.0.0.1", port):
        raise TaskError(f"port {port} is in use (another Jupyter?): stop it, or choose "
                        f"another port: make lab LAB_PORT={port + 1}")
    python = install()
    lab_settings()
    trust(python, sorted(folder.glob("*.ipynb")))
    say(f"starting JupyterLab on {_shown(folder)}; it opens in your browser "
        f"(Ctrl-C, then y, stops it)")
    return _exec(lab_command(python, port, folder=folder))


def app(ip: str | None = None, port: str | int | None = None) -> int:
    ip = ip or os.environ.get("APP_IP") or APP_IP
    port = _port(port if port is not None else os.environ.get("APP_PORT"), "APP_PORT") \
        or APP_PORT
    if port_in_use(ip, port):
        raise TaskError(f"port {port} on {ip} is in use (is make app already running?): stop "
                        f"it, or choose another port: make app APP_PORT={port + 1}")
    board_port = _port(os.environ.get("BOARD_PORT"), "BOARD_PORT") or port + 1
    if port_in_use(ip, board_port):
        raise TaskError(f"port {board_port} on {ip} (the class's board) is in use: choose "
                        f"another: make app BOARD_PORT={board_port + 1}")
    store = Path(os.environ.get("APP_STORE") or APP_STORE).resolve()
    python = install()
    trust(python, [APP_DIR / "playground.ipynb", APP_DIR / "board.ipynb"])
    host = socket.gethostname() if ip in ("0.0.0.0", "::") else ip
    where = f"http://{host}:{port}/"
    board = f"http://{host}:{board_port}/"
    env = app_env()
    env["BACKPROP_STORE"] = str(store)
    # The teacher's key: only a board page opened with ?teacher=KEY shows "New class".
    key = env.get("BACKPROP_TEACHER_KEY") or secrets.token_urlsafe(12)
    board_env = {**env, "BACKPROP_TEACHER_KEY": key, "BACKPROP_PLAYGROUND_URL": where}
    env.pop("BACKPROP_TEACHER_KEY", None)  # the students' kernels never see it
    say(f"the playground: open {where}"
        f"{' (or this machine' + chr(39) + 's address)' if host != ip else ''} in a browser "
        f"(Ctrl-C stops it)")
    say(f"the class's board (for the projector): {board}; the teacher's board, with the New "
        f"class button (keep this link to yourself): {board}?teacher={key}")
    say(f"the class's runs are kept in {store}")
    return _serve([(app_command(python, ip, port), env),
                   (board_command(python, ip, board_port), board_env)], cwd=APP_DIR)


def _serve(servers: list[tuple[list[str], dict[str, str]]], cwd: Path) -> int:
    """Run several servers until one ends, Ctrl-C or SIGTERM; then stop them all (SIGTERM,
    then SIGKILL after 20 s). Returns the first one's exit status if it ended by itself, and
    0 for a stop that was asked for (Ctrl-C or SIGTERM), as a single server's clean stop
    gives: make then prints no error."""
    os.chdir(cwd)
    print(f"+ cd {shlex.quote(str(cwd.relative_to(ROOT)))}", flush=True)

    stopping = False

    def stop(*_: object) -> None:
        # One stop only: SIGTERM to make's process group reaches us twice (directly, and
        # forwarded by make), and a second one in the clean-up below would cut it short.
        nonlocal stopping
        if not stopping:
            stopping = True
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, stop)
    if not WINDOWS:
        signal.signal(signal.SIGTERM, stop)
    procs = []
    try:
        for cmd, env in servers:
            print("+ " + " ".join(shlex.quote(part) for part in cmd), flush=True)
            procs.append(subprocess.Popen(cmd, env=env))
        while True:
            for proc in procs:
                if proc.poll() is not None:
                    return proc.returncode
            time.sleep(0.5)
    except KeyboardInterrupt:  # Ctrl-C (the console sent it to the servers too) or SIGTERM
        return 0
    finally:
        stopping = True
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def lint() -> int:
    python = install()
    return _run([python, "-m", "ruff", "check", "."]).returncode


def browser(python: Path | None = None, install_it: bool = True) -> str | None:
    """The browser for the browser tests (found, downloaded or installed), or None.

    Prints one line either way; the tests then use it, or skip (fail under CI=true).
    """
    sys.path.insert(0, str(ROOT / "scripts"))
    import find_browser

    python = python or venv_python()
    try:
        found = (find_browser.acquire if install_it else find_browser.find)(
            python=str(python))
    except find_browser.BadSetting as exc:
        raise TaskError(str(exc)) from None
    if found is None:
        rule = "they fail, since CI=true" if find_browser.ci() else "they are skipped"
        say(f"{find_browser.how_to_get()} ({rule})")
        return None
    say(f"browser tests use {found.path} ({found.source})")
    return found.path


def hub(ip: str | None = None, port: str | int | None = None) -> int:
    """``make hub``: JupyterHub with the course (deploy/jupyterhub/), see scripts/hub_tasks.py."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import hub_tasks

    port = _port(port if port is not None else os.environ.get("HUB_PORT"), "HUB_PORT")
    ip = ip or os.environ.get("HUB_IP") or hub_tasks.HUB_IP
    if port_in_use(ip, port or hub_tasks.HUB_PORT):
        raise TaskError(f"port {port or hub_tasks.HUB_PORT} on {ip} is in use (is make hub "
                        f"already running?): stop it, or choose another: make hub HUB_PORT=8010")
    python = install()
    try:
        cmd, env, state = hub_tasks.hub(python, ip, port)
    except hub_tasks.HubError as exc:
        raise TaskError(str(exc)) from None
    return _exec(cmd, cwd=ROOT, env=env)


def test(pytest_args: list[str] | None = None) -> int:
    python = install()
    if lint() != 0:
        raise TaskError("ruff found problems (listed above): fix them, then run make test again")
    sys.path.insert(0, str(ROOT / "scripts"))
    import hub_tasks

    # The hub test's proxy (npm) and the store's throwaway PostgreSQL (Debian's package);
    # without them their tests say why, and fail under CI=true.
    for need in (hub_tasks.ensure_proxy, hub_tasks.ensure_postgres):
        try:
            need()
        except hub_tasks.HubError as exc:
            say(f"some tests cannot run: {exc}")
    env = dict(os.environ)
    env.setdefault("BACKPROP_CACHE", str(ROOT / ".cache" / "sweeps"))
    found = browser(python)
    if found:
        env["CHROMIUM"] = found
    extra = shlex.split(env.get("PYTEST_ARGS", ""), posix=not WINDOWS)
    cmd = [python, "-m", "pytest", "tests", "notebooks", *NBVAL_ARGS, *extra,
           *(pytest_args or [])]
    print("+ " + " ".join(shlex.quote(str(part)) for part in cmd), flush=True)
    return _run(cmd, env=env).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python scripts/tasks.py",
                                     description="The project's set-up (what make runs).")
    sub = parser.add_subparsers(dest="task", required=True)
    sub.add_parser("install", help="create .venv and install the project (when needed)")
    p_lab = sub.add_parser("lab", help="install, then open JupyterLab on notebooks/")
    p_lab.add_argument("--port", help="the port (default: $LAB_PORT, else Jupyter's 8888 or "
                                      "the next free one)")
    p_lab.add_argument("--notebooks", help=f"the folder of notebooks to open, e.g. "
                                           f"student/self-study (default: $NOTEBOOKS, else "
                                           f"{NOTEBOOKS}/)")
    p_app = sub.add_parser("app", help="install, then serve the playground and the class's "
                                       "board with Voila")
    p_app.add_argument("--ip", help=f"the address to serve on (default: $APP_IP, else {APP_IP};"
                                    f" 0.0.0.0 opens it to your network)")
    p_app.add_argument("--port", help=f"the port (default: $APP_PORT, else {APP_PORT})")
    p_test = sub.add_parser("test", help="install, lint, get a browser, run every test")
    p_test.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --)")
    sub.add_parser("lint", help="ruff check")
    p_hub = sub.add_parser("hub", help="install, then start the course's JupyterHub")
    p_hub.add_argument("--ip", help="the address (default: $HUB_IP, else 127.0.0.1)")
    p_hub.add_argument("--port", help="the port (default: $HUB_PORT, else 8000)")
    p_browser = sub.add_parser("browser", help="find (or download/install) the test browser")
    p_browser.add_argument("--no-install", action="store_true",
                           help="only look, download and install nothing")
    args = parser.parse_args(argv)
    try:
        if args.task == "install":
            install()
            return 0
        if args.task == "lab":
            return lab(args.port, args.notebooks)
        if args.task == "app":
            return app(args.ip, args.port)
        if args.task == "test":
            return test(args.pytest_args)
        if args.task == "lint":
            return lint()
        if args.task == "hub":
            return hub(args.ip, args.port)
        if args.task == "browser":
            python = install() if not args.no_install else venv_python()
            return 0 if browser(python, install_it=not args.no_install) else 1
    except TaskError as exc:
        print(f"backprop: {exc}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("backprop: interrupted", file=sys.stderr, flush=True)
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
