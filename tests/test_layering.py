"""Imports go one way, matches -> consent -> intake -> trials, and no module imports itself round a circle.

Every import statement is read, the ones inside functions too: a lazy import is still an import.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["trials", "intake", "consent", "matches"]  # lowest first
URL_NAME = re.compile(r"""(?:reverse|redirect|reverse_lazy|url)\(?\s*["']([a-z_]+):""")


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


MODULES = {_module_name(path): path for path in _sources()}


def _imports(path):
    """Project modules a file imports, each as the most specific module that exists."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        found.update(target for target in targets if target.split(".")[0] in LAYERS)
    return found


GRAPH = {module: _imports(path) for module, path in MODULES.items()}


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_module_imports_an_app_above_its_own(module):
    rank = LAYERS.index(module.split(".")[0])
    upward = sorted(target for target in GRAPH[module] if LAYERS.index(target.split(".")[0]) > rank)
    assert upward == [], f"{module} imports from a layer above it: {upward}"


def test_no_import_circle():
    """Tarjan's strongly connected components over the import graph: any component of two or more is a circle."""
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH.get(node, ()):
            if target not in GRAPH:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    assert circles == []


def _url_names(app):
    """(file, namespace) of every URL name an app's code and its templates reverse."""
    files = [path for path in MODULES.values() if path.relative_to(ROOT).parts[0] == app]
    files += sorted((ROOT / "templates" / app).rglob("*.html"))
    for path in files:
        for namespace in URL_NAME.findall(path.read_text()):
            yield path.relative_to(ROOT), namespace


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_names_a_url_of_an_app_above_it(app):
    above = set(LAYERS[LAYERS.index(app) + 1:])
    assert [(str(path), namespace) for path, namespace in _url_names(app) if namespace in above] == []


def test_the_url_check_reads_template_tags_and_redirects():
    assert URL_NAME.findall("""{% url 'matches:detail' pk %} redirect("consent:done")""") == ["matches", "consent"]
