"""environment.yml and pyproject.toml must name the same packages with the same bounds."""

import re
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11; 3.10 skips this check

ROOT = Path(__file__).resolve().parents[1]


def _pyproject_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    # a pip extra such as psycopg[binary] has no conda spelling: conda-forge's psycopg is built
    # with its C speed-ups, which is what [binary] brings from PyPI
    return {re.split(r"[<>=!~ \[]", r, maxsplit=1)[0].lower():
            re.sub(r"\[.*?\]", "", r.replace(" ", "")) for r in reqs}


def _environment_requirements():
    lines = (ROOT / "environment.yml").read_text().splitlines()
    start = lines.index("dependencies:")
    reqs, pip_section = {}, []
    for line in lines[start + 1:]:
        item = line.strip()
        if not item.startswith("- "):
            continue
        item = item[2:].strip()
        if line.startswith("      "):
            pip_section.append(item)
            continue
        name = re.split(r"[<>=!~ ]", item, maxsplit=1)[0].lower()
        if name not in ("python", "pip", "pip:"):
            reqs[name] = item.replace(" ", "")
    return reqs, pip_section


def test_environment_yml_matches_pyproject():
    env, pip_section = _environment_requirements()
    # after the package itself, pip installs what conda-forge lacks (PyPI only)
    assert pip_section[0] == "-e ."
    pip_only = {re.split(r"[<>=!~ ]", item, maxsplit=1)[0].lower():
                item.split("#")[0].replace(" ", "") for item in pip_section[1:]}
    assert not set(pip_only) & set(env), "a package named twice in environment.yml"
    assert env | pip_only == _pyproject_requirements()


def test_environment_yml_pins_the_same_python():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert f"  - python{project['requires-python']}" in (ROOT / "environment.yml").read_text()
