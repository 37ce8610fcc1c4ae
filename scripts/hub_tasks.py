"""The set-up behind ``make hub``: the course on a JupyterHub on this machine (issue 22).

``scripts/tasks.py hub`` calls :func:`hub`; ``make test`` calls :func:`ensure_proxy` so that
tests/test_hub.py finds the proxy. Standard library only, as tasks.py.

What the hub needs beyond ``make install`` (which installs the ``hub`` extra: jupyterhub,
jupyterhub-idle-culler, psycopg):

- configurable-http-proxy, JupyterHub's proxy, from npm: installed into
  ``deploy/jupyterhub/node_modules`` (``npm ci --prefix deploy/jupyterhub``, the version pinned
  by deploy/jupyterhub/package-lock.json), not globally;
- so node (18 or newer) and npm: the system's, or Debian's ``nodejs`` and ``npm`` packages,
  which this installs as root (or through ``sudo -n``) when they are missing.

The hub's state (its database, cookie secret, the students' homes) lives in ``.hub/`` of the
checkout, or ``HUB_DIR``; the class's and the teacher's passwords are made there once
(``.hub/passwords.json``, readable by its owner only) unless ``HUB_PASSWORD`` and
``HUB_TEACHER_PASSWORD`` give them.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HUB_DIR = ROOT / "deploy" / "jupyterhub"
HUB_CONFIG = HUB_DIR / "jupyterhub_config.py"
PROXY = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
STATE = ROOT / ".hub"
HUB_IP, HUB_PORT = "127.0.0.1", 8000
NODE_MIN = 18  # configurable-http-proxy 4.6 needs node 18 or newer


class HubError(Exception):
    """A failure the user can fix; its message says how (tasks.py prints it as one line)."""


def say(message: str) -> None:
    print(f"backprop: {message}", flush=True)


def _root_prefix() -> list[str] | None:
    """[] as root, ["sudo", "-n"] with a sudo, None when this cannot install system packages."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return []
    sudo = shutil.which("sudo")
    return [sudo, "-n"] if sudo else None


def apt_install(packages: list[str]) -> bool:
    """``apt-get update`` then ``apt-get install -y packages`` on Debian/Ubuntu; True if done."""
    apt = shutil.which("apt-get")
    prefix = _root_prefix()
    if not apt or prefix is None:
        return False
    say(f"installing Debian's {' '.join(packages)} (apt-get install) ...")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    extra = ["env", "DEBIAN_FRONTEND=noninteractive"] if prefix else []
    for args in (["update"], ["install", "-y", "--no-install-recommends", *packages]):
        if subprocess.run([*prefix, *extra, apt, *args], env=env,
                          stdin=subprocess.DEVNULL).returncode != 0:
            return False
    return True


def node_major(node: str | None) -> int:
    if not node:
        return 0
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return 0
    version = out.stdout.strip().lstrip("v").split(".")[0]
    return int(version) if version.isdigit() else 0


def proxy_works() -> bool:
    if not PROXY.exists():
        return False
    try:
        out = subprocess.run([str(PROXY), "--version"], capture_output=True, text=True,
                             timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0


def ensure_proxy() -> Path:
    """configurable-http-proxy in deploy/jupyterhub/node_modules, installing node and npm
    (Debian's) and then the proxy (npm) when missing; its path."""
    if proxy_works():
        return PROXY
    node, npm = shutil.which("node"), shutil.which("npm")
    if node_major(node) < NODE_MIN or not npm:
        if not apt_install(["nodejs", "npm"]):
            raise HubError(f"the hub's proxy needs node {NODE_MIN}+ and npm: install them "
                           f"(Debian/Ubuntu: sudo apt-get install nodejs npm; elsewhere "
                           f"nodejs.org), then run the command again")
        node, npm = shutil.which("node"), shutil.which("npm")
        if node_major(node) < NODE_MIN or not npm:
            raise HubError(f"node {NODE_MIN} or newer is needed for the hub's proxy, "
                           f"found {node or 'none'}: install a newer one from nodejs.org")
    say("installing configurable-http-proxy into deploy/jupyterhub/node_modules (npm ci)")
    result = subprocess.run([npm, "ci", "--prefix", str(HUB_DIR), "--no-audit", "--no-fund",
                             "--loglevel=error"], cwd=HUB_DIR, stdin=subprocess.DEVNULL)
    if result.returncode != 0 or not proxy_works():
        raise HubError("`npm ci --prefix deploy/jupyterhub` failed (see npm's message above); "
                       "is the npm registry reachable?")
    return PROXY


def postgres_bin(name: str) -> str | None:
    """PostgreSQL's ``initdb`` / ``pg_ctl``: on PATH, else Debian's versioned folder."""
    found = shutil.which(name)
    if found:
        return found
    folders = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                     key=lambda p: int(p.parts[4]) if p.parts[4].isdigit() else 0)
    return str(folders[-1]) if folders else None


def ensure_postgres() -> str:
    """PostgreSQL's server programs for the store's tests (a throwaway server each run):
    Debian's ``postgresql`` package, installed as root (or through ``sudo -n``) when missing.
    Returns initdb's path."""
    found = postgres_bin("initdb")
    if found and postgres_bin("pg_ctl"):
        return found
    if not apt_install(["postgresql"]):
        raise HubError("the store's PostgreSQL tests need PostgreSQL's server (initdb, "
                       "pg_ctl): Debian/Ubuntu: sudo apt-get install postgresql; elsewhere "
                       "postgresql.org")
    found = postgres_bin("initdb")
    if not found:
        raise HubError("apt-get installed postgresql, but its initdb is not found")
    return found


def passwords(state: Path, environ: dict[str, str] | None = None) -> dict[str, str]:
    """The class's and the teacher's passwords: from HUB_PASSWORD / HUB_TEACHER_PASSWORD,
    else made once and kept in ``state/passwords.json`` (mode 0600)."""
    environ = os.environ if environ is None else environ
    path = state / "passwords.json"
    kept = json.loads(path.read_text()) if path.exists() else {}
    made = {"class": kept.get("class") or secrets.token_urlsafe(9),
            "teacher": kept.get("teacher") or secrets.token_urlsafe(32)}
    if made != kept:
        state.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(".passwords.json.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(made, fh)
        os.replace(partial, path)
    return {"class": environ.get("HUB_PASSWORD") or made["class"],
            "teacher": environ.get("HUB_TEACHER_PASSWORD") or made["teacher"]}


def hub_env(state: Path, class_password: str, teacher_password: str, ip: str = HUB_IP,
            port: int = HUB_PORT, api_port: int = 8081, proxy_api_port: int = 8001,
            environ: dict[str, str] | None = None, **more: str) -> dict[str, str]:
    """The environment that deploy/jupyterhub/jupyterhub_config.py reads (see its docstring);
    ``more`` adds BACKPROP_HUB_<NAME> settings, e.g. ``cull_timeout="600"``."""
    env = dict(os.environ if environ is None else environ)
    env.update({"BACKPROP_HUB_DIR": str(state), "BACKPROP_HUB_PASSWORD": class_password,
                "BACKPROP_HUB_TEACHER_PASSWORD": teacher_password, "BACKPROP_HUB_IP": ip,
                "BACKPROP_HUB_PORT": str(port), "BACKPROP_HUB_API_PORT": str(api_port),
                "BACKPROP_PROXY_API_PORT": str(proxy_api_port), "PYTHONUNBUFFERED": "1"})
    env.update({f"BACKPROP_HUB_{name.upper()}": str(value) for name, value in more.items()})
    return env


def hub_command(python: Path) -> list[str]:
    """``jupyterhub -f deploy/jupyterhub/jupyterhub_config.py`` of the .venv."""
    return [str(python.parent / "jupyterhub"), "-f", str(HUB_CONFIG)]


def hub(python: Path, ip: str | None = None, port: int | None = None) -> tuple[list, dict, Path]:
    """What ``make hub`` runs: (command, environment, working folder), after the set-up."""
    ensure_proxy()
    state = Path(os.environ.get("HUB_DIR") or STATE).resolve()
    state.mkdir(mode=0o700, parents=True, exist_ok=True)  # the hub's secrets and homes
    words = passwords(state)
    ip = ip or os.environ.get("HUB_IP") or HUB_IP
    port = port or int(os.environ.get("HUB_PORT") or HUB_PORT)
    env = hub_env(state, words["class"], words["teacher"], ip, port)
    say(f"the course's hub: open http://{ip}:{port}/ ; students log in with any name and the "
        f"class password {words['class']!r}; the teacher logs in as 'teacher' with the "
        f"password in {state / 'passwords.json'} (Ctrl-C stops the hub and every student's "
        f"server)")
    return hub_command(python), env, state


if __name__ == "__main__":
    try:
        print(ensure_proxy())
    except HubError as exc:
        print(f"backprop: {exc}", file=sys.stderr)
        sys.exit(1)
