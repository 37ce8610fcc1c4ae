"""deploy/jupyterhub/jupyterhub_config.py without a hub: its settings from the environment,
the start hook (the student edition copied once, never overwritten; the app refreshed; the
teacher's key and store for the teacher only), and make hub's passwords (issue 22). The hub
itself runs in tests/test_hub.py."""

from __future__ import annotations

import logging
import stat
from pathlib import Path
from types import SimpleNamespace

import hub_tasks  # scripts/
import pytest
from traitlets.config import Config

REPO = Path(__file__).resolve().parents[1]
STUDENT_EDITION = REPO / "student" / "self-study"


def load_config(state: Path, monkeypatch, **more: str) -> dict:
    env = hub_tasks.hub_env(state, "class-password", "t" * 32, environ={}, **more)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = Config()
    namespace = {"get_config": lambda: config, "__file__": str(hub_tasks.HUB_CONFIG)}
    exec(compile(hub_tasks.HUB_CONFIG.read_text(), str(hub_tasks.HUB_CONFIG), "exec"),
         namespace)
    namespace["c"] = config
    return namespace


def spawner(home: Path, name: str, admin: bool = False, environment: dict | None = None):
    return SimpleNamespace(home_dir=str(home), user=SimpleNamespace(name=name, admin=admin),
                           environment=dict(environment or {}),
                           log=logging.getLogger("test-hub"))


def test_the_config_reads_its_settings_from_the_environment(tmp_path, monkeypatch):
    ns = load_config(tmp_path, monkeypatch, store="postgresql://s:pw@db/backprop",
                     teacher_store="postgresql://t:pw@db/backprop")
    c = ns["c"]
    assert c.JupyterHub.bind_url == "http://127.0.0.1:8000"
    assert c.SharedPasswordAuthenticator.user_password == "class-password"
    assert c.Authenticator.admin_users == {"teacher"}
    assert c.Spawner.environment["BACKPROP_STORE"] == "postgresql://s:pw@db/backprop"
    assert c.JupyterHub.services[0]["name"] == "idle-culler"
    assert "delete:servers" in c.JupyterHub.load_roles[0]["scopes"]
    key_file = tmp_path / "teacher-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and key_file.read_text().strip()
    monkeypatch.delenv("BACKPROP_HUB_PASSWORD")  # a setting missing: said, not guessed
    with pytest.raises(SystemExit, match="set BACKPROP_HUB_PASSWORD"):
        exec(compile(hub_tasks.HUB_CONFIG.read_text(), str(hub_tasks.HUB_CONFIG), "exec"),
             {"get_config": Config, "__file__": str(hub_tasks.HUB_CONFIG)})


def test_the_start_hook_copies_the_course_once_and_never_overwrites(tmp_path, monkeypatch):
    ns = load_config(tmp_path, monkeypatch)
    home = tmp_path / "homes" / "ana"
    ana = spawner(home, "ana", environment=ns["c"].Spawner.environment)
    ns["start_hook"](ana)
    first = sorted(p.name for p in (home / "backprop").glob("*.ipynb"))
    assert first == sorted(p.name for p in STUDENT_EDITION.glob("*.ipynb"))
    assert (home / "backprop-app" / "playground.ipynb").read_bytes() == \
        (REPO / "app" / "playground.ipynb").read_bytes()
    # ana works on notebook 01 and deletes 02; the app's copy is changed too
    mine = home / "backprop" / "01_derivation.ipynb"
    mine.write_text("ana's own work")
    (home / "backprop" / "02_training.ipynb").unlink()
    (home / "backprop-app" / "playground.ipynb").write_text("stale")
    ns["start_hook"](ana)  # her next login
    assert mine.read_text() == "ana's own work"  # never overwritten
    assert (home / "backprop" / "02_training.ipynb").exists()  # a missing one comes back
    assert (home / "backprop-app" / "playground.ipynb").read_bytes() == \
        (REPO / "app" / "playground.ipynb").read_bytes()  # the teacher's app, refreshed
    assert not list(home.rglob("*.partial"))
    assert "BACKPROP_TEACHER_KEY" not in ana.environment


def test_only_the_teacher_gets_the_key_and_the_teacher_store(tmp_path, monkeypatch):
    ns = load_config(tmp_path, monkeypatch, store="postgresql://s:pw@db/x",
                     teacher_store="postgresql://t:pw@db/x")
    env = ns["c"].Spawner.environment
    teacher = spawner(tmp_path / "homes" / "teacher", "teacher", admin=True, environment=env)
    student = spawner(tmp_path / "homes" / "ben", "ben", environment=env)
    ns["start_hook"](teacher)
    ns["start_hook"](student)
    key = (tmp_path / "teacher-key").read_text().strip()
    assert teacher.environment["BACKPROP_TEACHER_KEY"] == key
    assert teacher.environment["BACKPROP_STORE"] == "postgresql://t:pw@db/x"
    assert "BACKPROP_TEACHER_KEY" not in student.environment
    assert student.environment["BACKPROP_STORE"] == "postgresql://s:pw@db/x"
    assert "BACKPROP_TEACHER_KEY" not in env  # the shared default was not changed


def test_make_hub_passwords_are_made_once_and_kept_private(tmp_path):
    first = hub_tasks.passwords(tmp_path, environ={})
    assert len(first["class"]) >= 8 and len(first["teacher"]) >= 32
    assert hub_tasks.passwords(tmp_path, environ={}) == first
    assert stat.S_IMODE((tmp_path / "passwords.json").stat().st_mode) == 0o600
    given = hub_tasks.passwords(tmp_path, environ={"HUB_PASSWORD": "our-class-2026"})
    assert given["class"] == "our-class-2026" and given["teacher"] == first["teacher"]
