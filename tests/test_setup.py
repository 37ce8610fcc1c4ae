"""The set-up on machines other than CI's Debian, simulated here (issues 7 and 12).

- Browser discovery (``scripts/find_browser.py``) in its order: ``CHROMIUM``, the system's
  Chromium or Chrome on Linux, macOS and Windows, Playwright's own browser, Debian's apt; fake
  browsers are small shell scripts that answer ``--version`` as the real ones do.
- The skip/fail rule: with no browser the browser tests are skipped with one line saying how to
  get one, and under ``CI=true`` they fail (the real test modules, run by a pytest inside).
- A macOS-like machine (no ``apt-get``, no ``sha256sum`` on PATH) runs the Makefile; the install
  stamp follows ``pyproject.toml``. A fake ``.venv`` python records what would be run, so these
  tests install nothing.
- The fresh-machine failures of issue 7 (no ``python3-venv``, an old pip, no network, a port in
  use) each end with one line that says what to do, not a traceback.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import find_browser  # scripts/, on the path by pytest's pythonpath setting
import pytest
import tasks
from browser_helpers import REPO, free_port

POSIX = os.name == "posix"
needs_posix = pytest.mark.skipif(not POSIX, reason="fake executables are POSIX shell scripts")


def write_exe(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + textwrap.dedent(body))
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def fake_browser(path: Path, name: str = "Chromium 131.0.6778.85") -> Path:
    return write_exe(path, f'[ "$1" = --version ] && echo "{name}" && exit 0\nexit 1\n')


def user_env(**settings: str) -> dict[str, str]:
    """This process's environment without make's, CI's or the browser's settings."""
    env = dict(os.environ)
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "CI", "CHROMIUM",
                 "PYTEST_ARGS", "LAB_PORT", "APP_IP", "APP_PORT"):
        env.pop(name, None)
    env.update(settings)
    return env


def run(cmd: list, cwd: Path = REPO, env: dict[str, str] | None = None, timeout: float = 120):
    return subprocess.run([str(part) for part in cmd], cwd=cwd, env=env or user_env(),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)


def one_clear_line(result: subprocess.CompletedProcess, *words: str) -> str:
    """The failure's own message: one ``backprop:`` line on stderr, with ``words``, no traceback."""
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    lines = [line for line in result.stderr.splitlines() if line.startswith("backprop:")]
    assert len(lines) == 1, output
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


# --- browser discovery -----------------------------------------------------------------------

@needs_posix
def test_chromium_variable_comes_first(tmp_path):
    mine = fake_browser(tmp_path / "my" / "chrome")
    other = fake_browser(tmp_path / "usr" / "chromium")
    found = find_browser.find({"CHROMIUM": str(mine), "PATH": ""}, "Linux", places=[str(other)],
                              python=None)
    assert (found.path, found.source) == (str(mine), "CHROMIUM")


def test_chromium_variable_naming_no_browser_is_said(tmp_path):
    with pytest.raises(find_browser.BadSetting, match="CHROMIUM=.*nothing-here"):
        find_browser.find({"CHROMIUM": str(tmp_path / "nothing-here")}, "Linux", places=[],
                          python=None)


@needs_posix
def test_linux_browser_on_path_then_usual_places(tmp_path):
    bin_dir = tmp_path / "bin"
    chrome = fake_browser(bin_dir / "google-chrome", "Google Chrome 131.0.6778.85")
    places = find_browser.system_places("Linux", {"PATH": str(bin_dir)})
    assert places[0] == str(chrome)
    assert "/usr/bin/chromium" in places
    found = find_browser.from_system({"PATH": str(bin_dir)}, "Linux")
    assert (found.path, found.source) == (str(chrome), "system")


@needs_posix
def test_ubuntu_snap_shim_is_passed_over(tmp_path):
    # Ubuntu's chromium-browser without snapd: a script that only says so.
    shim = write_exe(tmp_path / "chromium-browser",
                     'echo "Command \'/usr/bin/chromium-browser\' requires the chromium snap '
                     'to be installed." >&2\nexit 1\n')
    chrome = fake_browser(tmp_path / "google-chrome", "Google Chrome 131.0.6778.85")
    assert not find_browser.usable(str(shim), "Linux")
    found = find_browser.from_system({}, "Linux", places=[str(shim), str(chrome)])
    assert found.path == str(chrome)


@needs_posix
def test_snap_browsers_are_passed_over(tmp_path):
    # A snap has a /tmp of its own: it cannot open the profile Playwright makes in /tmp.
    wrapper = write_exe(tmp_path / "chromium-browser",
                        '[ "$1" = --version ] && echo "Chromium 131 snap" && exit 0\n'
                        'exec /snap/bin/chromium "$@"\n')
    link = tmp_path / "chromium"
    link.symlink_to("/usr/bin/snap")
    assert find_browser.is_snap(str(wrapper)) and find_browser.is_snap(str(link))
    assert not find_browser.usable(str(wrapper), "Linux")
    assert not find_browser.is_snap(str(fake_browser(tmp_path / "real")))


@needs_posix
def test_macos_places(tmp_path):
    places = find_browser.system_places("Darwin", {"HOME": str(tmp_path), "PATH": ""})
    assert "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" in places
    assert not any(place.startswith(("/usr/bin", "/snap")) for place in places)
    app = fake_browser(tmp_path / "Applications/Chromium.app/Contents/MacOS/Chromium")
    found = find_browser.from_system({"HOME": str(tmp_path), "PATH": ""}, "Darwin")
    if not Path("/Applications").exists():  # true here; a real Mac would find its own first
        assert found.path == str(app)


def test_windows_places(tmp_path):
    env = {"PROGRAMFILES": str(tmp_path / "pf"), "LOCALAPPDATA": str(tmp_path / "local"),
           "PATH": ""}
    places = find_browser.system_places("Windows", env)
    assert str(tmp_path / "pf/Google/Chrome/Application/chrome.exe") in places
    assert find_browser.from_system(env, "Windows") is None
    edge = tmp_path / "local/Microsoft/Edge/Application/msedge.exe"  # Edge comes with Windows
    edge.parent.mkdir(parents=True)
    edge.write_bytes(b"")
    assert find_browser.from_system(env, "Windows").path == str(edge)


@needs_posix
def test_playwright_own_browser_when_no_system_one(tmp_path):
    own = fake_browser(tmp_path / "ms-playwright/chromium-1/chrome-linux64/chrome")
    python = write_exe(tmp_path / "python", f'echo "{own}"\n')
    found = find_browser.find({"PATH": ""}, "Linux", places=[], python=str(python))
    assert (found.path, found.source) == (str(own), "playwright")


def fake_machine(tmp_path: Path, download_works: bool):
    """A fake .venv python (with Playwright) and fake apt-get and sudo that record their calls.

    Playwright's download puts a browser where Playwright keeps it; apt-get puts one in a
    stand-in for /usr/bin. Their PATH holds only these fakes, so they name cp by its path.
    """
    calls = tmp_path / "calls.log"
    own = tmp_path / "ms-playwright/chrome"
    system = tmp_path / "usr-bin/chromium"
    template = fake_browser(tmp_path / "template/chromium")
    cp, mkdir = shutil.which("cp"), shutil.which("mkdir")
    download = (f'{mkdir} -p "{own.parent}" && {cp} "{template}" "{own}"' if download_works
                else 'echo "Error: getaddrinfo ENOTFOUND" >&2; exit 1')
    python = write_exe(tmp_path / "venv/python", f"""\
        echo "python $*" >> "{calls}"
        case "$*" in
          "-m playwright install chromium") {download};;
          *) echo "{own}";;
        esac
        """)
    bin_dir = tmp_path / "bin"
    write_exe(bin_dir / "apt-get", f"""\
        echo "apt-get $* DEBIAN_FRONTEND=$DEBIAN_FRONTEND" >> "{calls}"
        if [ "$1" = install ]; then {mkdir} -p "{system.parent}" && {cp} "{template}" "{system}"; fi
        """)
    # sudo finds env(1) through its own secure_path, not the caller's PATH.
    write_exe(bin_dir / "sudo", '[ "$1" = -n ] && shift\nPATH=/usr/bin:/bin exec "$@"\n')
    return python, bin_dir, [str(system)], calls


@needs_posix
def test_download_comes_before_apt(tmp_path):
    python, bin_dir, places, calls = fake_machine(tmp_path, download_works=True)
    found = find_browser.acquire({"PATH": str(bin_dir)}, "Linux", places, str(python),
                                 release={"ID": "debian"})
    assert found.source == "playwright"
    assert "apt-get" not in calls.read_text()


@needs_posix
def test_apt_on_debian_when_the_download_fails(tmp_path):
    python, bin_dir, places, calls = fake_machine(tmp_path, download_works=False)
    found = find_browser.acquire({"PATH": str(bin_dir)}, "Linux", places, str(python),
                                 release={"ID": "debian"})
    assert (found.path, found.source) == (places[0], "apt")
    log = calls.read_text()
    assert log.index("playwright install chromium") < log.index("apt-get update")
    assert "apt-get install -y chromium DEBIAN_FRONTEND=noninteractive" in log


@needs_posix
@pytest.mark.parametrize("release", [{"ID": "ubuntu", "ID_LIKE": "debian"},
                                     {"ID": "linuxmint", "ID_LIKE": "ubuntu debian"}])
def test_no_apt_on_ubuntu(tmp_path, release):
    # Ubuntu's chromium package is a transition to the snap, which fails without snapd.
    python, bin_dir, places, calls = fake_machine(tmp_path, download_works=False)
    assert find_browser.acquire({"PATH": str(bin_dir)}, "Linux", places, str(python),
                                release=release) is None
    assert "apt-get" not in calls.read_text()
    assert "not the snap" in find_browser.how_to_get("Linux", release)


@needs_posix
def test_missing_apt_gives_none_and_one_line(tmp_path):
    python, bin_dir, places, calls = fake_machine(tmp_path, download_works=False)
    (bin_dir / "apt-get").unlink()
    assert find_browser.acquire({"PATH": str(bin_dir)}, "Linux", places, str(python),
                                release={"ID": "debian"}) is None
    assert "playwright install chromium" in calls.read_text()


@pytest.mark.parametrize(("system", "release", "advice"), [
    ("Linux", {"ID": "debian"}, "apt-get install chromium"),
    ("Linux", {"ID": "ubuntu", "ID_LIKE": "debian"}, "install --with-deps chromium"),
    ("Linux", {"ID": "fedora"}, "Google Chrome or Chromium"),
    ("Darwin", {}, "brew install --cask chromium"),
    ("Windows", {}, "Microsoft Edge"),
])
def test_how_to_get_is_one_line(system, release, advice):
    line = find_browser.how_to_get(system, release)
    assert "\n" not in line
    for words in (advice, "-m playwright install", "CHROMIUM="):
        assert words in line


@pytest.mark.parametrize(("release", "debian"), [
    ({"ID": "debian"}, True), ({"ID": "raspbian", "ID_LIKE": "debian"}, True),
    ({"ID": "ubuntu", "ID_LIKE": "debian"}, False), ({"ID": "fedora"}, False), ({}, False)])
def test_is_debian(release, debian):
    assert find_browser.is_debian(release) is debian


def test_ci_variable():
    assert find_browser.ci({"CI": "true"}) and find_browser.ci({"CI": "1"})
    assert not find_browser.ci({}) and not find_browser.ci({"CI": "false"})


# --- the skip/fail rule, in the real browser test modules -----------------------------------

NO_BROWSER_PLUGIN = """\
import find_browser
find_browser.system_places = lambda system=None, env=None: []  # no system browser
"""


@pytest.mark.parametrize("ci", [False, True])
def test_no_browser_skips_or_fails_under_ci(tmp_path, ci):
    """A machine with no browser: no CHROMIUM, none in the usual places, no Playwright one."""
    (tmp_path / "no_browser_plugin.py").write_text(NO_BROWSER_PLUGIN)
    (tmp_path / "empty").mkdir()
    env = user_env(PYTHONPATH=os.pathsep.join([str(tmp_path), str(REPO / "scripts")]),
                   PLAYWRIGHT_BROWSERS_PATH=str(tmp_path / "empty"))
    if ci:
        env["CI"] = "true"
    result = run([sys.executable, "-m", "pytest", "-p", "no_browser_plugin", "-p",
                  "no:cacheprovider", "-rsE", "-q", "tests/test_browser.py",
                  "tests/test_make_targets.py::test_make_app_shows_the_playground"],
                 env=env, timeout=600)
    out = result.stdout + result.stderr
    assert "no Chromium or Chrome found for the browser tests" in out, out
    summary = out.strip().splitlines()[-1]
    assert "passed" not in summary and "failed" not in summary, summary
    if ci:
        assert result.returncode == 1, out
        assert "error" in summary and "skipped" not in summary, summary
        assert "CI=true: the browser tests must run" in out
    else:
        assert result.returncode == 0, out
        assert "skipped" in summary and "error" not in summary, summary
    # Skipped before any server started (the browser fixture is set up first).
    assert "Traceback" not in out


# --- the Makefile on a macOS-like machine, and the install stamp ------------------------------

def test_stamp_follows_pyproject(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_bytes(b"[project]\nname = 'x'\n")
    first = tasks.stamp_path(pyproject, tmp_path / ".venv")
    assert first.name == ".installed-" + hashlib.sha256(pyproject.read_bytes()).hexdigest()[:16]
    pyproject.write_bytes(b"[project]\nname = 'x'\nversion = '2'\n")
    assert tasks.stamp_path(pyproject, tmp_path / ".venv") != first


def checkout_copy(tmp_path: Path, pip_version: str = "24.2", pip_upgrade_works: bool = True):
    """The set-up files of the checkout in ``tmp_path/repo``, with a fake .venv python.

    The fake python records its arguments in ``calls.log`` and answers as a venv's would.
    """
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    for name in ("Makefile", "pyproject.toml", "scripts/tasks.py", "scripts/find_browser.py"):
        shutil.copy(REPO / name, repo / name)
    calls = tmp_path / "calls.log"
    calls.write_text("")
    write_exe(repo / ".venv/bin/python", f"""\
        echo "$*" >> "{calls}"
        case "$*" in
          "-m pip --version") echo "pip {pip_version} from /fake/pip (python 3.11)";;
          "-m pip install --quiet --upgrade pip>=24") exit {0 if pip_upgrade_works else 1};;
        esac
        exit 0
        """)
    return repo, calls


def macos_like_path(tmp_path: Path) -> str:
    """A PATH with make and python3 only: no apt-get, no sha256sum, as on a Mac."""
    bin_dir = tmp_path / "macbin"
    bin_dir.mkdir()
    (bin_dir / "make").symlink_to(shutil.which("make"))
    (bin_dir / "python3").symlink_to(sys.executable)
    for tool in ("sha256sum", "apt-get", "sudo"):
        assert shutil.which(tool, path=str(bin_dir)) is None
    return str(bin_dir)


@needs_posix
@pytest.mark.skipif(shutil.which("make") is None, reason="no make here")
def test_makefile_on_a_macos_like_machine_reinstalls_when_pyproject_changes(tmp_path):
    repo, calls = checkout_copy(tmp_path)
    env = user_env(PATH=macos_like_path(tmp_path))

    def make_install() -> list[str]:
        start = len(calls.read_text().splitlines())
        result = run(["make", "install"], cwd=repo, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "not found" not in result.stderr, result.stderr
        return calls.read_text().splitlines()[start:]

    installs = [call for call in make_install() if call.startswith("-m pip install")]
    assert installs == ["-m pip install --quiet -e .[test,grading,hub]"]
    stamps = list((repo / ".venv").glob(".installed-*"))
    assert [stamp.name for stamp in stamps] == [tasks.stamp_path(repo / "pyproject.toml",
                                                                 repo / ".venv").name]
    assert not [call for call in make_install() if "pip install" in call]  # up to date

    with open(repo / "pyproject.toml", "a") as fh:
        fh.write("# a change\n")
    assert [call for call in make_install() if call.startswith("-m pip install")] == installs
    new_stamps = list((repo / ".venv").glob(".installed-*"))
    assert len(new_stamps) == 1 and new_stamps[0].name != stamps[0].name

    # The other targets parse and plan without the missing tools too.
    result = run(["make", "-n", "lab", "app", "test", "lint", "notebooks", "sweeps", "bench"],
                 cwd=repo, env=env)
    assert result.returncode == 0 and not result.stderr, result.stderr


def test_makefile_uses_no_make_4_features():
    """A static guard: nothing GNU make 3.81 (macOS) lacks, and no hashing in the shell.

    Real make 3.81 is not available on this Debian machine; see CONTRIBUTING.md's table of systems.
    """
    text = (REPO / "Makefile").read_text()
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    for feature in (".ONESHELL", ".RECIPEPREFIX", ".SHELLFLAGS", "$(file ", "::=", " != ",
                    "undefine", "private ", "$(guile", "&:", "sha256sum", "shasum", "apt-get"):
        assert feature not in code, feature


# --- fresh-machine failures: one line each ----------------------------------------------------

@needs_posix
def test_old_pip_is_upgraded_first(tmp_path):
    repo, calls = checkout_copy(tmp_path, pip_version="22.0.2")
    result = run([sys.executable, repo / "scripts/tasks.py", "install"], cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    pip_calls = [call for call in calls.read_text().splitlines() if "pip install" in call]
    assert pip_calls == ["-m pip install --quiet --upgrade pip>=24",
                         "-m pip install --quiet -e .[test,grading,hub]"]


@needs_posix
def test_old_pip_offline_says_what_to_do(tmp_path):
    repo, _ = checkout_copy(tmp_path, pip_version="22.0.2", pip_upgrade_works=False)
    result = run([sys.executable, repo / "scripts/tasks.py", "install"], cwd=repo)
    one_clear_line(result, "old pip", "offline", "connect")
    assert not list((repo / ".venv").glob(".installed-*"))


@needs_posix
def test_offline_with_everything_installed_needs_no_network(tmp_path):
    """Installed checkout, browser there, no network: nothing is downloaded or installed."""
    repo, calls = checkout_copy(tmp_path)
    tasks.stamp_path(repo / "pyproject.toml", repo / ".venv").touch()
    chromium = fake_browser(tmp_path / "chromium")
    dead = "http://127.0.0.1:9"  # nothing listens there: any download fails at once
    env = user_env(CHROMIUM=str(chromium), http_proxy=dead, https_proxy=dead, HTTP_PROXY=dead,
                   HTTPS_PROXY=dead, PIP_INDEX_URL=dead + "/simple")
    result = run([sys.executable, repo / "scripts/tasks.py", "browser"], cwd=repo, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"browser tests use {chromium} (CHROMIUM)" in result.stdout
    recorded = calls.read_text()
    assert "pip install" not in recorded and "playwright" not in recorded, recorded


@needs_posix
def test_fresh_clone_offline_says_what_to_do(tmp_path):
    """A real new .venv whose pip cannot reach any index: one line, no traceback."""
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    for name in ("pyproject.toml", "README.md", "scripts/tasks.py", "scripts/find_browser.py"):
        shutil.copy(REPO / name, repo / name)
    env = user_env(PIP_INDEX_URL="http://127.0.0.1:9/simple", PIP_CONFIG_FILE=os.devnull,
                   PIP_RETRIES="0", PIP_DEFAULT_TIMEOUT="5", PIP_NO_CACHE_DIR="1")
    for name in ("PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS"):  # this machine's local wheels
        env.pop(name, None)
    result = run([sys.executable, repo / "scripts/tasks.py", "install"], cwd=repo, env=env,
                 timeout=300)
    one_clear_line(result, "offline", "connect")
    assert not list((repo / ".venv").glob(".installed-*"))


@needs_posix
def test_no_python3_venv_says_what_to_do(tmp_path):
    """Debian/Ubuntu without python3-venv (ensurepip missing), after a half-made .venv."""
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    for name in ("pyproject.toml", "scripts/tasks.py", "scripts/find_browser.py"):
        shutil.copy(REPO / name, repo / name)
    # What `python3 -m venv .venv` leaves there without python3-venv: a python, no pip.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", repo / ".venv"], check=True)
    fake = tmp_path / "fake"
    (fake / "ensurepip").mkdir(parents=True)
    (fake / "ensurepip/__init__.py").write_text(
        "raise ImportError('ensurepip is in python3-venv on Debian')\n")
    result = run([sys.executable, repo / "scripts/tasks.py", "install"], cwd=repo,
                 env=user_env(PYTHONPATH=str(fake)))
    one_clear_line(result, "apt-get install python3-venv")
    assert "is broken" in result.stdout
    assert not (repo / ".venv").exists()


def test_old_python_says_what_to_do():
    message = tasks.python_too_old((3, 9, 6), "/usr/bin/python3")
    assert "3.10" in message and "3.9.6" in message and "PYTHON=" in message
    assert "\n" not in message
    assert tasks.python_too_old((3, 10, 0)) is None


@pytest.mark.parametrize("script", ["tasks.py", "find_browser.py"])
def test_scripts_parse_on_old_python(script):
    """So that an old python3 gets the message above, not a SyntaxError."""
    ast.parse((REPO / "scripts" / script).read_text(), feature_version=(3, 7))


@needs_posix
@pytest.mark.skipif(shutil.which("make") is None, reason="no make here")
@pytest.mark.parametrize(("target", "variable", "words"), [
    ("app", "APP_PORT", ["is in use", "make app APP_PORT="]),
    ("lab", "LAB_PORT", ["is in use", "make lab LAB_PORT="]),
])
def test_port_in_use_says_what_to_do(target, variable, words):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run(["make", target, f"{variable}={port}"], timeout=60)
    one_clear_line(result, f"port {port}", *words)


@needs_posix
@pytest.mark.skipif(shutil.which("make") is None, reason="no make here")
def test_bad_port_says_what_to_do():
    one_clear_line(run(["make", "app", "APP_PORT=eighty"]), "APP_PORT", "'eighty'")


def test_allow_root_only_for_root():
    python = Path("/venv/bin/python")
    assert tasks.lab_command(python, root=True)[-1] == "--allow-root"
    assert "--allow-root" not in tasks.lab_command(python, root=False)
    assert tasks.lab_command(python, 9999, root=False)[3:] == [
        "notebooks/", *tasks.LAB_ARGS, *tasks.notary_args(),
        "--LabApp.default_url=/lab/tree/00_overview.ipynb",
        "--ServerApp.port=9999", "--ServerApp.port_retries=0"]
    app = tasks.app_command(python, "0.0.0.0", 8867, venv=Path("/venv"))
    assert app[3:] == [*tasks.VOILA_ARGS, *tasks.notary_args(Path("/venv")),
                       "--Voila.ip=0.0.0.0", "--port=8867"]


def test_student_edition_folder(tmp_path):
    """make lab NOTEBOOKS=student/self-study: that folder, opened on its overview."""
    python = Path("/venv/bin/python")
    folder = tasks.notebooks_folder("student/self-study")
    assert folder == REPO / "student" / "self-study"
    cmd = tasks.lab_command(python, folder=folder, root=False)
    assert cmd[3] == "student/self-study/"
    assert "--LabApp.default_url=/lab/tree/00_overview.ipynb" in cmd
    assert tasks.notebooks_folder(None) == REPO / "notebooks"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "--LabApp.default_url" not in " ".join(tasks.lab_command(python, folder=empty))


@pytest.mark.parametrize("value", ["no/such/folder", "README.md", "scripts"])
def test_bad_notebooks_folder_says_what_to_do(value):
    result = run([sys.executable, "scripts/tasks.py", "lab", "--notebooks", value])
    one_clear_line(result, f"NOTEBOOKS={value!r}", "make lab NOTEBOOKS=student/self-study")


def test_lab_settings_turn_the_news_off_and_keep_the_rest(tmp_path):
    path = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    path.parent.mkdir(parents=True)
    theme = {"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}
    path.write_text(json.dumps({**theme, "@jupyterlab/apputils-extension:notification":
                                {"checkForUpdates": False}}))
    assert tasks.lab_settings(tmp_path) == path
    assert json.loads(path.read_text()) == {**theme, "@jupyterlab/apputils-extension:notification":
                                            {"checkForUpdates": False, "fetchNews": "false"}}


def test_windows_venv_layout(tmp_path):
    assert tasks.venv_python(tmp_path, windows=True) == tmp_path / "Scripts" / "python.exe"
    assert tasks.venv_python(tmp_path, windows=False) == tmp_path / "bin" / "python"


def test_free_port_is_free():
    port = free_port()
    assert not tasks.port_in_use("127.0.0.1", port)


SLOW_SERVER = ("import signal, sys, time; "
               "signal.signal(signal.SIGTERM, lambda *_: (time.sleep(1.5), sys.exit(0))); "
               "print('ready', flush=True); time.sleep(60)")


@needs_posix
def test_a_second_sigterm_while_stopping_still_stops_cleanly(tmp_path):
    """make forwards SIGTERM to its child, which also gets the process group's own: the second
    one, arriving while the servers stop, must not turn the clean stop into an error (CI saw
    ``make: *** [Makefile:35: app] Error 130`` once)."""
    runner = tmp_path / "serve.py"
    runner.write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(REPO / 'scripts')!r})
        import tasks
        server = ([sys.executable, "-c", {SLOW_SERVER!r}], {{}})
        sys.exit(tasks._serve([server, server], cwd=tasks.ROOT))
    """))
    proc = subprocess.Popen([sys.executable, str(runner)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(5)]  # cd, two commands, two "ready"
        assert lines.count("ready\n") == 2, lines
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.4)  # the servers take 1.5 s to stop: the second signal comes meanwhile
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err
