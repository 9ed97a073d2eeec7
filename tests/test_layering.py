"""Layering rules of the package, read from its source (AST): model.py imports nothing from
geomap; no module imports, or reaches into, another module's private (underscore) names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "geomap"


def _modules() -> dict[str, Path]:
    """Dotted name -> file of every module of the package."""
    out = {}
    for f in sorted(PACKAGE.rglob("*.py")):
        parts = list(f.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = f
    return out


MODULES = _modules()


def _absolute(module: str, node: ast.ImportFrom) -> str:
    """The absolute module an ``ImportFrom`` names (``from ..x import y`` in ``geomap.a.b``)."""
    if not node.level:
        return node.module or ""
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _violations(module: str) -> list[str]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: list[str] = []
    aliases: dict[str, str] = {}  # local name -> geomap module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            if not source.startswith("geomap"):
                continue
            if module == "geomap.model":
                found.append(f"line {node.lineno}: model.py imports from {source}")
            for a in node.names:
                target = f"{source}.{a.name}"
                if target in MODULES:  # a module imported by name: watch its attributes
                    aliases[a.asname or a.name] = target
                elif _private(a.name) and source != module:
                    found.append(f"line {node.lineno}: imports the private name {a.name} of {source}")
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("geomap"):
                    if module == "geomap.model":
                        found.append(f"line {node.lineno}: model.py imports {a.name}")
                    if a.asname:
                        aliases[a.asname] = a.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and _private(node.attr) and isinstance(node.value, ast.Name)
                and node.value.id in aliases and aliases[node.value.id] != module):
            found.append(f"line {node.lineno}: uses the private name {node.attr} of {aliases[node.value.id]}")
    return found


def test_the_rules_see_the_whole_package():
    assert {"geomap.model", "geomap.ingest.reader", "geomap.gazetteer.dumps", "geomap.resolve"} <= set(MODULES)
    assert len(MODULES) > 40


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_private_names_across_modules_and_a_standalone_model(module):
    assert _violations(module) == []


def test_the_checker_catches_what_it_forbids(tmp_path, monkeypatch):
    """The rules fail on code that breaks them (so a passing run means something)."""
    fake = {
        "geomap.model": "from .analysis import focus\n",
        "geomap.bad": "from .ingest.reader import _kind_name\nfrom geomap.gazetteer import build\nbuild._x()\n",
        "geomap.good": "from .ingest import clean\nimport json\njson._private\n",
    }
    files = {}
    for name, code in fake.items():
        f = tmp_path / (name.replace(".", "_") + ".py")
        f.write_text(code)
        files[name] = f
    monkeypatch.setitem(MODULES, "geomap.bad", files["geomap.bad"])
    monkeypatch.setitem(MODULES, "geomap.good", files["geomap.good"])
    monkeypatch.setitem(MODULES, "geomap.model", files["geomap.model"])
    assert len(_violations("geomap.model")) == 1
    assert [v.split(":")[0] for v in _violations("geomap.bad")] == ["line 1", "line 3"]
    assert _violations("geomap.good") == []


#: The layers of the core chain, lowest first: a module may import from its own layer and the ones
#: below, never from one above (nor from a module outside the chain, such as the CLI or the maps).
#: The gazetteer's storage (names, build, store, dumps, check) is below recognition and resolution;
#: its geopy geocoder, online geocoders and CLI are an API over the resolver's ranking, above them.
LAYERS = (
    ("geomap.model",),
    ("geomap.gazetteer.names", "geomap.gazetteer.build", "geomap.gazetteer.store", "geomap.gazetteer.dumps",
     "geomap.gazetteer.check", "geomap.ingest", "geomap.language", "geomap.descriptions", "geomap.persons"),
    ("geomap.extract", "geomap.fast_extract", "geomap.tokens"),
    ("geomap.resolve",),
    ("geomap.pipeline",),
)


def _layer(module: str) -> int | None:
    for i, group in enumerate(LAYERS):
        if any(module == g or module.startswith(g + ".") for g in group):
            return i
    return None


def _upward_imports(module: str) -> list[str]:
    """Imports (at any depth, lazy ones included) of ``module`` that reach above its layer."""
    own = _layer(module)
    if own is None:
        return []
    found = []
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)  # "from pkg import submodule" imports the submodule
            targets = [f"{source}.{a.name}" if f"{source}.{a.name}" in MODULES else source for a in node.names]
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            continue
        for t in targets:
            if t.startswith("geomap.") and t in MODULES:
                layer = _layer(t)
                if layer is None or layer > own:
                    found.append(f"line {node.lineno}: imports {t}")
    return found


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) is not None))
def test_lower_layers_never_import_higher_ones(module):
    assert _upward_imports(module) == []


def test_the_layer_rule_catches_an_upward_import(tmp_path, monkeypatch):
    f = tmp_path / "store.py"
    f.write_text("def lookup():\n    from geomap.resolve import rank_candidates\n")
    monkeypatch.setitem(MODULES, "geomap.gazetteer.store", f)
    assert _upward_imports("geomap.gazetteer.store") == ["line 2: imports geomap.resolve"]
