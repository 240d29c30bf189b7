"""What the runtime imports: no simulator and no demo code (issue 22, "the house, tidied").

The gateway's processes import its runtime packages; the simulators (`gateway/simulators/`) and
the demo data (`gateway/demo/`) are for development, the demo and the tests. Two checks:

* every runtime module is imported in a fresh interpreter, and afterwards no module of
  ``gateway.simulators`` or ``gateway.demo`` is in ``sys.modules`` (what really happens,
  transitive imports included);
* no runtime module's source names them in any ``import``, not even one inside a function
  that the first check would not run (the commands of ``gateway.cli`` that start a simulator
  or load the demo data are the only exception, and only inside their functions).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from tests.stand import REPO

GATEWAY = REPO / "gateway"
OUTSIDE_THE_RUNTIME = ("gateway.simulators", "gateway.demo")
COMMANDS = ("gateway.cli", "gateway.edoc_cli")
"""The command line: it may start a simulator or load the demo data, inside a command only."""


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_outside(name: str) -> bool:
    return any(name == top or name.startswith(top + ".") for top in OUTSIDE_THE_RUNTIME)


def runtime_modules() -> list[str]:
    names = (module_name(p) for p in sorted(GATEWAY.rglob("*.py")))
    return [n for n in names if not is_outside(n) and ".migrations." not in n]


def imported_after(modules: list[str]) -> list[str]:
    """The ``gateway.simulators``/``gateway.demo`` modules loaded by importing ``modules`` in a
    fresh interpreter."""
    probe = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"outside = {OUTSIDE_THE_RUNTIME!r}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(outside))))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def imports_outside(source: str, *, module_level_only: bool = False) -> list[str]:
    """The ``gateway.simulators``/``gateway.demo`` modules ``source`` imports (anywhere in it,
    or only at module level)."""
    tree = ast.parse(source)
    nodes = tree.body if module_level_only else list(ast.walk(tree))
    found = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if is_outside(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if is_outside(node.module):
                found.append(node.module)
            elif node.module in ("gateway", *OUTSIDE_THE_RUNTIME):
                found += [f"{node.module}.{a.name}" for a in node.names
                          if is_outside(f"{node.module}.{a.name}")]
    return found


def test_the_runtime_is_the_whole_gateway_but_the_simulators_and_the_demo() -> None:
    modules = runtime_modules()
    for expected in ("gateway.serve", "gateway.runtime", "gateway.soap.app", "gateway.portal.app",
                     "gateway.services.results", "gateway.store.db", "gateway.registry.client",
                     "gateway.registry.prison_client", "gateway.production", "gateway.cli"):
        assert expected in modules
    assert not any(is_outside(m) for m in modules)


def test_importing_the_runtime_loads_no_simulator_and_no_demo_code() -> None:
    assert imported_after(runtime_modules()) == []


def test_the_probe_sees_a_simulator_the_runtime_would_pull_in() -> None:
    # What the first check would say if a runtime module imported the register simulator
    # again: the simulator, and the demo data it reads.
    loaded = imported_after(["gateway.registry.client", "gateway.simulators.register"])
    assert "gateway.simulators.register" in loaded
    assert "gateway.demo" in loaded


def test_no_runtime_module_names_a_simulator_or_the_demo_in_an_import() -> None:
    offenders = {}
    for path in sorted(GATEWAY.rglob("*.py")):
        name = module_name(path)
        if is_outside(name):
            continue
        found = imports_outside(path.read_text(encoding="utf-8"),
                                module_level_only=name in COMMANDS)
        if found:
            offenders[name] = found
    assert offenders == {}


def test_the_source_check_sees_an_import_inside_a_function() -> None:
    source = (
        "from gateway.registry import contract\n"
        "def answer():\n"
        "    from gateway.demo import DEMO_REGISTRY\n"
        "    from gateway import simulators\n"
        "    import gateway.simulators.register\n"
    )
    assert imports_outside(source) == [
        "gateway.demo", "gateway.simulators", "gateway.simulators.register"]
    assert imports_outside(source, module_level_only=True) == []


# The packages of gateway/ and which import which (any import, at module level or inside a
# function). Two packages that import each other are one tangle: issue 22's "services ↔
# documents" cycle (the report's workbook, a document, importing the report's service) was one.


def package_of(module: str) -> str | None:
    """``gateway.X`` of a module in the package ``gateway/X/``; ``None`` for a top module."""
    parts = module.split(".")
    if len(parts) >= 2 and (GATEWAY / parts[1] / "__init__.py").exists():
        return f"gateway.{parts[1]}"
    return None


def imported_modules(source: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
    return {name for name in found if name.startswith("gateway.")}


def package_graph(sources: dict[str, str]) -> dict[str, dict[str, set[str]]]:
    """For each package, the packages its modules import, with the importing modules."""
    graph: dict[str, dict[str, set[str]]] = {}
    for module, source in sources.items():
        here = package_of(module)
        if here is None:
            continue
        for name in imported_modules(source):
            there = package_of(name)
            if there is not None and there != here:
                graph.setdefault(here, {}).setdefault(there, set()).add(module)
    return graph


def mutual_imports(graph: dict[str, dict[str, set[str]]]) -> list[str]:
    return sorted(
        f"{a} ({', '.join(sorted(graph[a][b]))}) <-> {b} ({', '.join(sorted(graph[b][a]))})"
        for a in graph for b in graph[a] if a < b and a in graph.get(b, {}))


def gateway_sources() -> dict[str, str]:
    return {module_name(p): p.read_text(encoding="utf-8") for p in GATEWAY.rglob("*.py")}


def test_no_two_packages_import_each_other() -> None:
    graph = package_graph(gateway_sources())
    assert "gateway.documents" in graph["gateway.services"]  # the services issue documents
    assert mutual_imports(graph) == []


def test_documents_and_reports_import_no_service() -> None:
    graph = package_graph(gateway_sources())
    assert "gateway.services" not in graph["gateway.documents"]
    assert "gateway.services" not in graph["gateway.reports"]
    assert "gateway.reports" in graph["gateway.services"]


def test_the_graph_sees_the_old_cycle() -> None:
    # The workbook as it was, under gateway/documents/, importing the report's service.
    sources = gateway_sources()
    sources["gateway.documents.workbook"] = "from gateway.services.report import MAX_PAGE\n"
    assert mutual_imports(package_graph(sources)) == [
        "gateway.documents (gateway.documents.workbook) <-> gateway.services "
        "(gateway.services.documents, gateway.services.school, gateway.services.student)"]
