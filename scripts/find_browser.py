"""Find a Chromium-family browser for the browser tests, which drive it through Playwright.

Where it looks, in this order:

1. the ``CHROMIUM`` environment variable (a path to the browser's executable);
2. the system's Chromium or Chrome in their usual places on Linux, macOS and Windows (and
   Microsoft Edge, which is Chromium too and comes with every Windows); not a snap (Ubuntu's
   Chromium), which has a /tmp of its own and cannot see the profile Playwright makes there;
3. Playwright's own browser, already downloaded or, in :func:`acquire` only,
   ``python -m playwright install chromium`` when the machine can download it;
4. on Debian (not Ubuntu, whose ``chromium`` package is a transition to a snap), in
   :func:`acquire` only, ``apt-get install chromium``.

:func:`find` changes nothing on the machine (the tests call it); :func:`acquire` also downloads
or installs (``make test`` calls it before the tests). When neither finds a browser,
:func:`how_to_get` is the one line that tells the user what to do.

Only the standard library: ``scripts/tasks.py`` imports this under the machine's python3.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

ENV_VAR = "CHROMIUM"
# What a test prints when it has no browser, and what tells it to fail instead (CI=true).
CI_VAR = "CI"

# Names looked up on PATH, then absolute places, per system.
_LINUX_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
_LINUX_PLACES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
                 "/usr/bin/google-chrome-stable", "/opt/google/chrome/chrome")
_MAC_APPS = ("Google Chrome.app/Contents/MacOS/Google Chrome",
             "Chromium.app/Contents/MacOS/Chromium",
             "Microsoft Edge.app/Contents/MacOS/Microsoft Edge")
_WINDOWS_APPS = ("Google/Chrome/Application/chrome.exe", "Chromium/Application/chrome.exe",
                 "Microsoft/Edge/Application/msedge.exe")
_WINDOWS_ROOTS = ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")

_PLAYWRIGHT_PATH = ("from playwright.sync_api import sync_playwright\n"
                    "with sync_playwright() as pw:\n"
                    "    print(pw.chromium.executable_path)\n")


class Found:
    """A browser: its executable and where it was found (``CHROMIUM``, system, playwright, apt)."""

    def __init__(self, path: str, source: str):
        self.path = path
        self.source = source

    def __repr__(self) -> str:
        return f"Found({self.path!r}, {self.source!r})"


class BadSetting(Exception):
    """``CHROMIUM`` names something that is not a browser; said, rather than looked past."""


def ci(env=None) -> bool:
    """Whether this is a CI run (``CI=true``), where a missing browser is a failure."""
    value = (os.environ if env is None else env).get(CI_VAR, "")
    return value.strip().lower() in ("true", "1", "yes")


def system_places(system: str | None = None, env=None) -> list[str]:
    """The usual places of Chromium, Chrome (and Edge) on ``system`` ("Linux", "Darwin", ...)."""
    env = os.environ if env is None else env
    system = system or platform.system()
    path = env.get("PATH", os.defpath)
    places = []
    if system == "Windows":
        for root_var in _WINDOWS_ROOTS:
            root = env.get(root_var)
            if root:
                places += [str(Path(root, app)) for app in _WINDOWS_APPS]
        for name in ("chrome", "msedge", "chromium"):
            found = shutil.which(name, path=path)
            if found:
                places.append(found)
        return places
    if system == "Darwin":
        roots = ["/Applications"]
        if env.get("HOME"):
            roots.append(str(Path(env["HOME"], "Applications")))
        places += [str(Path(root, app)) for root in roots for app in _MAC_APPS]
    for name in _LINUX_NAMES:  # also on macOS: Homebrew and MacPorts put links on PATH
        found = shutil.which(name, path=path)
        if found:
            places.append(found)
    if system != "Darwin":
        places += list(_LINUX_PLACES)
    return list(dict.fromkeys(places))


def is_snap(path: str) -> bool:
    """A snap's browser: a link to /usr/bin/snap, or Ubuntu's wrapper script that runs one."""
    real = os.path.realpath(path)
    if real.startswith("/snap/") or os.path.basename(real) == "snap":
        return True
    try:
        with open(real, "rb") as fh:
            head = fh.read(65536)
    except OSError:
        return False
    return head.startswith(b"#!") and (b"/snap/" in head or b"snap run" in head)


def usable(path: str, system: str | None = None) -> bool:
    """Whether ``path`` is a browser that runs.

    On Linux and macOS it must answer ``--version``: Ubuntu's ``/usr/bin/chromium-browser``
    without snapd is a script that only says the snap is missing, and a downloaded browser
    without its shared libraries fails here too. On Windows, ``chrome.exe --version`` would open
    a window, so an existing file is taken as it is.
    """
    system = system or platform.system()
    if not os.path.isfile(path):
        return False
    if system == "Windows":
        return True
    if not os.access(path, os.X_OK) or is_snap(path):
        return False
    try:
        result = subprocess.run([path, "--version"], stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and any(
        word in result.stdout for word in ("Chromium", "Chrome", "Edge"))


def from_env(env=None, system: str | None = None) -> Found | None:
    """Step 1: the ``CHROMIUM`` variable; :class:`BadSetting` when it names no browser."""
    env = os.environ if env is None else env
    value = env.get(ENV_VAR, "").strip()
    if not value:
        return None
    if not usable(value, system):
        raise BadSetting(f"{ENV_VAR}={value} is not a Chromium or Chrome that runs "
                         f"(`{value} --version` fails); point it at one, or unset it")
    return Found(value, ENV_VAR)


def from_system(env=None, system: str | None = None, places=None) -> Found | None:
    """Step 2: the first usable browser in :func:`system_places`."""
    for place in system_places(system, env) if places is None else places:
        if usable(place, system):
            return Found(place, "system")
    return None


def playwright_executable(python: str | None, env=None) -> str | None:
    """Where Playwright keeps its own Chromium for the Playwright in ``python``'s environment.

    None when that Python has no Playwright; the path may not exist (not downloaded yet).
    """
    if not python:
        return None
    try:
        result = subprocess.run([python, "-c", _PLAYWRIGHT_PATH], stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=120,
                                env=None if env is None else dict(env))
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = result.stdout.strip().splitlines()
    return lines[-1].strip() if result.returncode == 0 and lines else None


def from_playwright(python: str | None, env=None, system: str | None = None) -> Found | None:
    """Step 3, without downloading: Playwright's Chromium if it is there and runs."""
    path = playwright_executable(python, env)
    if path and usable(path, system):
        return Found(path, "playwright")
    return None


def find(env=None, system: str | None = None, places=None,
         python: str | None = sys.executable) -> Found | None:
    """Steps 1 to 3 without changing anything: the browser the tests can use now, or None.

    ``python`` is the interpreter whose Playwright is asked for its own browser (this one by
    default). Raises :class:`BadSetting` when ``CHROMIUM`` is set but names no browser.
    """
    return (from_env(env, system) or from_system(env, system, places)
            or from_playwright(python, env, system))


def os_release(path: str = "/etc/os-release") -> dict[str, str]:
    """The fields of ``/etc/os-release`` (empty when there is none: macOS, Windows)."""
    fields = {}
    try:
        text = Path(path).read_text()
    except OSError:
        return fields
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            fields[key.strip()] = value.strip().strip('"').strip("'")
    return fields


def is_debian(release: dict[str, str]) -> bool:
    """Debian or a derivative whose ``chromium`` package is the real browser (not Ubuntu's)."""
    ids = [release.get("ID", "")] + release.get("ID_LIKE", "").split()
    return "debian" in ids and "ubuntu" not in ids


def how_to_get(system: str | None = None, release: dict[str, str] | None = None) -> str:
    """One line: how to get a browser for the browser tests on this kind of machine."""
    system = system or platform.system()
    release = os_release() if release is None else release
    venv_python = r".venv\Scripts\python" if system == "Windows" else ".venv/bin/python"
    playwright = f"`{venv_python} -m playwright install chromium`"
    if system == "Linux":  # Playwright's browser needs shared libraries; --with-deps adds them
        playwright = f"`{venv_python} -m playwright install --with-deps chromium`"
    if system == "Darwin":
        ways = f"install Google Chrome (or `brew install --cask chromium`), or run {playwright}"
    elif system == "Windows":
        ways = f"install Google Chrome or Microsoft Edge, or run {playwright}"
    elif is_debian(release):
        ways = f"run `sudo apt-get install chromium`, or {playwright}"
    else:
        ways = (f"install Google Chrome or Chromium (not the snap, which Playwright cannot "
                f"drive), or run {playwright}")
    return (f"no Chromium or Chrome found for the browser tests: {ways}, "
            f"or set {ENV_VAR}=/path/to/chrome")


def _say(message: str) -> None:
    print(f"find_browser: {message}", file=sys.stderr, flush=True)


def download_playwright(python: str | None, env=None, timeout: float = 900) -> bool:
    """``python -m playwright install chromium``; False when it cannot (offline, blocked)."""
    if not python:
        return False
    _say("downloading Playwright's Chromium (python -m playwright install chromium) ...")
    try:
        result = subprocess.run([python, "-m", "playwright", "install", "chromium"],
                                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                timeout=timeout, env=None if env is None else dict(env))
    except (OSError, subprocess.TimeoutExpired) as exc:
        _say(f"could not download Playwright's Chromium ({exc})")
        return False
    if result.returncode != 0:
        last = (result.stderr.strip() or result.stdout.strip() or "no output").splitlines()
        _say(f"could not download Playwright's Chromium ({last[-1].strip()})")
        return False
    return True


def apt_install(env=None, release: dict[str, str] | None = None) -> bool:
    """On Debian, ``apt-get install chromium`` (through sudo when not root); False otherwise."""
    env = os.environ if env is None else env
    release = os_release() if release is None else release
    path = env.get("PATH", os.defpath)
    apt = shutil.which("apt-get", path=path)
    if not (is_debian(release) and apt):
        return False
    prefix = []
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        sudo = shutil.which("sudo", path=path)
        if not sudo:
            _say("Debian's chromium needs root to install, and there is no sudo")
            return False
        # Without a terminal sudo cannot ask for a password: fail at once rather than hang.
        prefix = [sudo] if sys.stdin is not None and sys.stdin.isatty() else [sudo, "-n"]
    _say("installing Debian's chromium for the browser tests (apt-get install chromium) ...")
    apt_env = dict(env, DEBIAN_FRONTEND="noninteractive")
    if prefix:  # sudo resets the environment; env(1) sets the variable on the far side
        prefix += ["env", "DEBIAN_FRONTEND=noninteractive"]
    for args in (["update"], ["install", "-y", "chromium"]):
        cmd = prefix + [apt] + args
        if subprocess.run(cmd, env=apt_env, stdin=subprocess.DEVNULL).returncode != 0:
            _say(f"`{' '.join(cmd)}` failed")
            return False
    return True


def acquire(env=None, system: str | None = None, places=None, python: str | None = None,
            release: dict[str, str] | None = None) -> Found | None:
    """Steps 1 to 4: find a browser, downloading or installing one if need be; None if none.

    ``python`` is the project's .venv interpreter, whose Playwright downloads its browser.
    """
    found = find(env, system, places, python)
    if found:
        return found
    if download_playwright(python, env):
        found = from_playwright(python, env, system)
        if found:
            return found
        _say("Playwright's Chromium was downloaded but does not run here "
             "(missing system libraries?)")
    if apt_install(env, release):
        found = from_system(env, system, places)
        if found:
            found.source = "apt"
            return found
    return None


def main(argv: list[str] | None = None) -> int:
    """``python scripts/find_browser.py [--install]``: the browser found, or how to get one."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        if "--install" in argv:
            found = acquire(python=sys.executable)
        else:
            found = find()
    except BadSetting as exc:
        _say(str(exc))
        return 1
    if found is None:
        _say(how_to_get())
        return 1
    print(found.path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
