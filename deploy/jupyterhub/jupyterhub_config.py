"""JupyterHub for a course on backprop: one machine, students as local processes.

``make hub`` starts it (scripts/tasks.py sets the environment below and runs
``jupyterhub -f deploy/jupyterhub/jupyterhub_config.py``); tests/test_hub.py starts it the same
way on free ports with a private state folder. Everything comes from environment variables,
so that the file itself holds no secret:

BACKPROP_HUB_DIR              state: the hub's SQLite database, cookie secret, proxy PID file,
                              and the students' home folders (homes/<name>); required
BACKPROP_HUB_PASSWORD         the class's shared password (at least 8 characters); required
BACKPROP_HUB_TEACHER_PASSWORD the teacher's own password (at least 32 characters); required
BACKPROP_HUB_TEACHER          the teacher's user name (default ``teacher``): an admin of the hub
BACKPROP_HUB_IP, _PORT        the public address (default 127.0.0.1:8000)
BACKPROP_HUB_API_PORT         the hub's internal API port (default 8081)
BACKPROP_PROXY_API_PORT       the proxy's REST API port (default 8001)
BACKPROP_HUB_MEM_LIMIT        memory limit per student server (default 1G; see below)
BACKPROP_HUB_CULL_TIMEOUT     seconds of inactivity before a student's server is stopped
                              (default 3600)
BACKPROP_HUB_STORE            the class's run store for the students' servers: an SQLite file
                              (default BACKPROP_HUB_DIR/class-runs.sqlite, fine while every
                              server runs on this machine) or a postgresql:// URL with the
                              student role's credentials
BACKPROP_HUB_TEACHER_STORE    the store for the teacher's server (the teacher role's URL;
                              default BACKPROP_HUB_STORE)
BACKPROP_HUB_TEACHER_KEY      the key of the board's teacher controls (?teacher=KEY), given
                              to the teacher's server only; default: a new random one at each
                              start, written to BACKPROP_HUB_DIR/teacher-key (mode 0600)
BACKPROP_HUB_SERVER_ARGS      more arguments for every student's server (tests use it for
                              --LabApp.expose_app_in_browser=True)

Choices, and why:

- Spawner: ``SimpleLocalProcessSpawner``. Each student's JupyterLab is a process of the hub's
  own Unix user, with its own home folder under BACKPROP_HUB_DIR/homes. It needs no system
  accounts, so it runs as root in CI and in a fresh container; but students are *not* isolated
  from one another (same Unix user: a student's code can read another's home). That is fine
  for a test class and a trusted seminar, not for a lecture of strangers: there use
  ``LocalProcessSpawner`` with one real Unix user per student (``useradd``; the hub runs as
  root or via sudospawner), or better Zero to JupyterHub (deploy/z2jh/), one container each.
- Authenticator: ``SharedPasswordAuthenticator`` (JupyterHub 5.3+). The class shares one
  password and each student picks a name; the teacher (an admin) has a separate, long
  password. Nothing to set up per student, which suits a test class. The trade-off: anyone
  with the class password can log in under any student's name (not the teacher's). For a
  real course use the university's login (OAuthenticator, LDAP), or NativeAuthenticator
  (students sign up with their own passwords, the teacher approves them).
- Memory: ``mem_limit`` is set, but a local process spawner does **not** enforce it: it only
  passes MEM_LIMIT to the server (where JupyterLab's resource display could show it). Zero to
  JupyterHub (KubeSpawner) enforces it through the container's cgroup.
"""

import os
import secrets
import shlex
import shutil
import sys
from pathlib import Path

from jupyterhub.spawner import SimpleLocalProcessSpawner

c = get_config()  # noqa: F821  (JupyterHub defines get_config for its config files)

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
STUDENT_EDITION = REPO / "student" / "self-study"
APP = REPO / "app"
# Where the course lands in each student's home.
COURSE_FOLDER = "backprop"  # the student edition: ~/backprop/00_overview.ipynb, ...
APP_FOLDER = "backprop-app"  # the app: ~/backprop-app/playground.ipynb
# The proxy, installed by `make hub` with npm into this folder (not globally).
PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
# Jupyter config read by every student's server: voila.json (the app's page template) and
# jupyter_server_config.json, whose mathjax_url and mathjax_config set to null make Voila's
# page typeset with its own bundled MathJax (as standalone Voila does) instead of loading
# MathJax from a CDN: nothing is loaded from the internet.
SERVER_CONFIG = HERE / "jupyter_config"
BIN = Path(sys.executable).parent


def _env(name, default=None):
    value = os.environ.get(name, default)
    if value in (None, ""):
        raise SystemExit(f"jupyterhub_config.py: set {name} (make hub does)")
    return value


STATE = Path(_env("BACKPROP_HUB_DIR")).resolve()
HOMES = STATE / "homes"
HOMES.mkdir(parents=True, exist_ok=True)
IP = _env("BACKPROP_HUB_IP", "127.0.0.1")
TEACHER = _env("BACKPROP_HUB_TEACHER", "teacher")

STORE = os.environ.get("BACKPROP_HUB_STORE") or str(STATE / "class-runs.sqlite")
TEACHER_STORE = os.environ.get("BACKPROP_HUB_TEACHER_STORE") or STORE
TEACHER_KEY = os.environ.get("BACKPROP_HUB_TEACHER_KEY") or secrets.token_urlsafe(16)
_key_file = os.open(STATE / "teacher-key", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(_key_file, "w") as _fh:
    _fh.write(TEACHER_KEY + "\n")

# --------------------------------------------------------------------------------- the hub
c.JupyterHub.bind_url = f"http://{IP}:{_env('BACKPROP_HUB_PORT', '8000')}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{_env('BACKPROP_HUB_API_PORT', '8081')}"
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")  # made 0600 if new
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
# Students' servers are stopped with the hub: nothing runs on after `make hub` ends.
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

c.ConfigurableHTTPProxy.command = [str(PROXY)]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{_env('BACKPROP_PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
# The proxy's token: CONFIGPROXY_AUTH_TOKEN if set, else a new random one at each start.

# -------------------------------------------------------------------------- who logs in
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = _env("BACKPROP_HUB_PASSWORD")
c.SharedPasswordAuthenticator.admin_password = _env("BACKPROP_HUB_TEACHER_PASSWORD")
c.Authenticator.admin_users = {TEACHER}
c.Authenticator.allow_all = True  # any name, with the class's password
# Names become folder names: lower-case letters, digits, - and _, starting with a letter.
c.Authenticator.username_pattern = r"^[a-z][a-z0-9_-]{0,31}$"

# ---------------------------------------------------------------- each student's server
c.JupyterHub.spawner_class = SimpleLocalProcessSpawner
c.SimpleLocalProcessSpawner.home_dir_template = str(HOMES / "{username}")
c.Spawner.ip = "127.0.0.1"
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = f"/lab/tree/{COURSE_FOLDER}/00_overview.ipynb"
c.Spawner.args = [
    # As make lab: no news feed, no update check (nothing from the internet), encrypted
    # kernel traffic.
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--KernelManager.transport_encryption=auto",
    # A student's idle notebooks give their memory back (the server itself is the culler's).
    "--MappingKernelManager.cull_idle_timeout=1800",
    "--MappingKernelManager.cull_interval=120",
    *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
    *shlex.split(os.environ.get("BACKPROP_HUB_SERVER_ARGS", "")),
]
c.Spawner.mem_limit = _env("BACKPROP_HUB_MEM_LIMIT", "1G")  # not enforced here (see above)
c.Spawner.start_timeout = 120  # two shared cores, a dozen students logging in at once
c.Spawner.http_timeout = 120
# The environment of each student's server: the app's page template (JUPYTER_PATH), Voila's
# settings (JUPYTER_CONFIG_PATH), the checkout's package (PYTHONPATH, kept from the hub's).
c.Spawner.environment = {
    "JUPYTER_PATH": os.pathsep.join(filter(None, [str(APP / "jupyter"),
                                                  os.environ.get("JUPYTER_PATH")])),
    "JUPYTER_CONFIG_PATH": os.pathsep.join(filter(None, [str(SERVER_CONFIG),
                                                         os.environ.get("JUPYTER_CONFIG_PATH")])),
    # The class's store, and the board's link to a run's settings: the playground beside it,
    # under the same user's URL (/user/<name>/voila/render/backprop-app/playground.ipynb).
    "BACKPROP_STORE": STORE,
    "BACKPROP_PLAYGROUND_URL": "playground.ipynb",
}
c.Spawner.env_keep = ["PATH", "PYTHONPATH", "VIRTUAL_ENV", "LANG", "LC_ALL",
                      "JUPYTERHUB_SINGLEUSER_APP", "BACKPROP_CACHE",
                      "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"]


def copy_missing(source: Path, target: Path) -> list[Path]:
    """Copy every file of ``source`` into ``target`` that ``target`` does not have yet.

    A student's own work is never overwritten: a notebook they changed (or deleted and want
    back: delete it, log in again) stays as it is; a notebook the teacher adds later arrives
    at the next start. Each file is written under a temporary name and renamed, so a server
    start that fails half-way leaves no half-copied notebook.
    """
    copied = []
    for path in sorted(source.rglob("*")):
        if not path.is_file() or ".ipynb_checkpoints" in path.parts:
            continue
        dest = target / path.relative_to(source)
        if dest.exists():
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(f".{dest.name}.partial")
        shutil.copyfile(path, partial)
        os.replace(partial, dest)
        copied.append(dest)
    return copied


def refresh(source: Path, target: Path) -> None:
    """Copy ``source`` over ``target`` (atomically) when it differs: the app is the teacher's."""
    if target.exists() and target.read_bytes() == source.read_bytes():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


# JupyterLab settings every student starts with: no "get notified about Jupyter news?" toast.
LAB_SETTINGS = {Path("@jupyterlab") / "apputils-extension" / "notification.jupyterlab-settings":
                '{"fetchNews": "false", "checkForUpdates": false}\n'}


def start_hook(spawner) -> None:
    """Before each start of a student's server: the course into their home.

    The student edition is copied on first login and never overwritten (``copy_missing``);
    the app's notebooks are the teacher's and are refreshed to the current version. The
    teacher's server alone gets the board's key and the teacher's store.
    """
    home = Path(spawner.home_dir)
    home.mkdir(parents=True, exist_ok=True)
    if spawner.user.admin:  # the teacher: the board's controls and the teacher's store role
        spawner.environment = {**spawner.environment, "BACKPROP_STORE": TEACHER_STORE,
                               "BACKPROP_TEACHER_KEY": TEACHER_KEY}
    copied = copy_missing(STUDENT_EDITION, home / COURSE_FOLDER)
    for notebook in sorted(APP.glob("*.ipynb")):
        refresh(notebook, home / APP_FOLDER / notebook.name)
    settings = home / ".jupyter" / "lab" / "user-settings"
    for relative, text in LAB_SETTINGS.items():
        path = settings / relative
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    spawner.log.info("backprop: %s's home %s ready (%d course files copied)",
                     spawner.user.name, home, len(copied))


c.Spawner.pre_spawn_hook = start_hook

# ------------------------------------------------------------------------- the idle culler
CULL_TIMEOUT = int(_env("BACKPROP_HUB_CULL_TIMEOUT", "3600"))
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={CULL_TIMEOUT}",
                f"--cull-every={max(10, min(300, CULL_TIMEOUT // 4))}"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
