"""The package's layout: the figure modules share only public names, and backprop.plots is a
facade that re-exports backprop.figures, with every name the notebooks use."""

import ast
import json
import re
from pathlib import Path

import backprop
from backprop import figures, plots

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(backprop.__file__).resolve().parent
FIGURES = "backprop.figures"


def _module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute name of the module an ``ImportFrom`` in ``importer`` reads from."""
    if node.level == 0:
        return node.module or ""
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _in_figures(name: str) -> bool:
    return name == FIGURES or name.startswith(FIGURES + ".")


def _private_uses(path: Path, package: Path = PACKAGE) -> list[str]:
    """Every private name that ``path`` takes from a figure module (or, when ``path`` is one,
    from any other module of the package): ``from X import _name`` and ``module._name``."""
    importer, is_package = _module_name(path, package), path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found, modules = [], {}  # modules: local name -> figure module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _resolve(importer, is_package, node)
            if source == importer or not source.startswith("backprop"):
                continue
            checked = _in_figures(source) or _in_figures(importer)
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__") and checked:
                    found.append(f"{importer}: from {source} import {alias.name}")
                if _in_figures(f"{source}.{alias.name}"):  # a figure module imported by name
                    modules[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _in_figures(alias.name) and alias.asname:
                    modules[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in modules and node.attr.startswith("_")
                and not node.attr.startswith("__") and modules[node.value.id] != importer):
            found.append(f"{importer}: {modules[node.value.id]}.{node.attr}")
    return found


def test_no_module_takes_a_private_name_from_a_figure_module():
    paths = sorted(PACKAGE.rglob("*.py"))
    assert any(_in_figures(_module_name(p)) for p in paths)
    found = [use for path in paths for use in _private_uses(path)]
    assert found == [], "\n".join(found)


def test_the_check_catches_a_private_import(tmp_path):
    # the same check on made-up modules: a figure module importing another's _helper
    fake = tmp_path / "backprop"
    (fake / "figures").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "figures" / "__init__.py").write_text("from .a import A\n")
    bad = fake / "figures" / "b.py"
    bad.write_text("from .pixels import _png\nfrom . import pixels\nx = pixels._cut\n")
    user = fake / "user.py"
    user.write_text("from .figures.pixels import _rgb\nfrom .fmt import _ok\n")
    assert _private_uses(bad, fake) == [
        "backprop.figures.b: from backprop.figures.pixels import _png",
        "backprop.figures.b: backprop.figures.pixels._cut"]
    # (a private name of a module outside the figures is not this check's business)
    assert _private_uses(user, fake) == ["backprop.user: from backprop.figures.pixels import _rgb"]
    assert _private_uses(fake / "figures" / "__init__.py", fake) == []


def test_plots_is_a_facade_over_figures():
    assert plots.__all__ == figures.__all__
    for name in figures.__all__:
        assert getattr(plots, name) is getattr(figures, name), name
    tree = ast.parse(Path(plots.__file__).read_text(encoding="utf-8"))
    body = [node for node in tree.body if not (isinstance(node, ast.Expr)
                                              and isinstance(node.value, ast.Constant))]
    assert all(isinstance(node, ast.ImportFrom) for node in body)  # nothing defined there


def test_every_plots_name_the_notebooks_use_exists():
    notebooks = [*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("app/*.ipynb")]
    used = set()
    for path in notebooks:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                used |= set(re.findall(r"(?<![\w.])plots\.(\w+)", "".join(cell["source"])))
    assert {"learning_curves", "inside_figure", "TRAIN_COLOR"} <= used
    assert sorted(name for name in used if not hasattr(plots, name)) == []


# --------------------------------------------------------------------------- the whole package
def _package_imports(path: Path) -> list[tuple[str, str]]:
    """``(module, name)`` for every ``from module import name`` of the package in ``path``
    (``name`` may itself be a module), at any depth (imports inside functions count), except
    those under ``if TYPE_CHECKING:``, which never run."""
    importer, is_package = _module_name(path), path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(inner) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
                   for inner in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            source = _resolve(importer, is_package, node)
            if source.startswith("backprop"):
                found += [(source, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names
                      if alias.name.startswith("backprop")]
    return found


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def test_no_module_takes_another_modules_private_name():
    found = [f"{name}: from {source} import {what}" for name, path in MODULES.items()
             for source, what in _package_imports(path)
             if what.startswith("_") and not what.startswith("__") and source != name
             and f"{source}.{what}" not in MODULES]  # a private *module* may be imported
    assert found == [], "\n".join(found)


def test_the_package_has_no_import_cycles():
    graph = {}
    for name, path in MODULES.items():
        targets = set()
        for source, what in _package_imports(path):
            target = f"{source}.{what}" if f"{source}.{what}" in MODULES else source
            while target not in MODULES:  # backprop.nn.Params -> backprop.nn
                target = target.rsplit(".", 1)[0]
            # A package's __init__ importing its own modules, and a module importing the
            # package it lives in for a sibling, are how packages work, not cycles.
            if target != name and not name.startswith(target + ".") \
                    and not target.startswith(name + "."):
                targets.add(target)
        graph[name] = targets
    state, cycles = {}, []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(trail[trail.index(nxt):] + [node, nxt]))
            elif nxt not in state:
                visit(nxt, trail + [node])
        state[node] = "done"

    for node in graph:
        if node not in state:
            visit(node, [])
    assert cycles == [], "\n".join(cycles)


def test_no_module_is_over_500_lines():
    long = {name: n for name, path in MODULES.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}, f"split these modules, one idea each: {long}"
