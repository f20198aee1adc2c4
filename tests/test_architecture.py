"""The shape of the code, held as tests: no import circles, one writer of the audit trail."""

from __future__ import annotations

import re
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
APPS = ["qaportal", "standards", "audits", "feedback", "moderation", "reporting", "bench"]


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), ignoring migrations."""
    modules = sorted(m for m in graph.modules if ".migrations" not in m)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(module: str) -> None:
        index[module] = low[module] = counter[0]
        counter[0] += 1
        stack.append(module)
        on_stack.add(module)
        for target in graph.find_modules_directly_imported_by(module):
            if ".migrations" in target or target not in graph.modules:
                continue
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_through_others():
    graph = grimp.build_graph(*APPS, include_external_packages=False)
    assert _cycles(graph) == [], "import circles (move the shared code to the lower module instead)"


def test_the_audit_trail_is_written_in_one_function_only():
    writers = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and "ReviewEvent.objects.create" in path.read_text(encoding="utf-8")
    ]
    assert writers == ["audits/events.py"]


def test_imports_inside_functions_are_only_app_registrations():
    """Imports placed inside functions once held circles together; the few left say why."""
    inside = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if re.match(r"^\s{4,}(from \S+ import|import \S+)", line) and '"""' not in line:
                    inside.append((str(path.relative_to(ROOT)), n, line.strip()))
    unexplained = [(path, n, line) for path, n, line in inside if not path.endswith("apps.py") and "noqa" not in line]
    assert unexplained == []
