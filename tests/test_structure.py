"""The import order the module map (docs/development.md) promises, read from the code itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "src" / "guidegen"


def imported(path: Path) -> set[str]:
    """Return the guidegen modules ``path`` imports, anywhere in it, as dotted names."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else \
        module.removesuffix(".__init__")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            names = [f"{name}.{alias.name}" for alias in node.names] if not node.module \
                else [name]
            found.update(n for n in names if n.startswith("guidegen"))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("guidegen"))
    return found


def imports_of(*parts: str) -> dict[str, set[str]]:
    """Return what each module under ``src/guidegen/PARTS`` imports."""
    where = PACKAGE.joinpath(*parts)
    files = [where] if where.suffix == ".py" else sorted(where.rglob("*.py"))
    return {str(f.relative_to(PACKAGE)): imported(f) for f in files}


def reaching(modules: dict[str, set[str]], *layers: str) -> dict[str, set[str]]:
    """Return, by module, what it imports of the subpackages ``layers``."""
    found = {name: {m for m in names if m.split(".")[1] in layers}
             for name, names in modules.items()}
    return {name: names for name, names in found.items() if names}


def circles(modules: dict[str, set[str]]) -> list[list[str]]:
    """Return the import circles among ``modules`` (by file, see :func:`imports_of`).

    An import of a name inside a module counts as one of that module; every import
    counts, inside functions and for type checking too.
    """
    names = {".".join(("guidegen", *Path(f).with_suffix("").parts)).removesuffix(".__init__"): f
             for f in modules}
    graph: dict[str, set[str]] = {}
    for name, file in names.items():
        targets = set()
        for target in modules[file]:
            while target not in names and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in names and target != name:
                targets.add(target)
        graph[name] = targets
    reach = {name: _reach(graph, name) for name in graph}
    found = {tuple(sorted(n for n in reach[name] if name in reach[n]))
             for name in graph if name in reach[name]}  # the modules each circle joins
    return [list(circle) for circle in sorted(found)]


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    """Return the modules ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for name in graph[todo.pop()] - seen:
            seen.add(name)
            todo.append(name)
    return seen


def test_the_package_has_no_import_circle():
    # e.g. the session imports the modules of its jobs, which take SessionBase, not the
    # session; a review imports its tables, which take ReviewBase; the PDF renderer
    # imports compose, which takes the steps
    modules = imports_of()
    assert len(modules) > 150  # the whole package, every subpackage
    assert circles(modules) == []


@pytest.mark.parametrize(("module", "imports", "joined"), [
    ("builder/base.py", "guidegen.builder.guides.plan_guides",  # one import inside builder/
     {"guidegen.builder.base", "guidegen.builder.guides"}),
    ("readers/update/reviewbase.py", "guidegen.readers.update.tables",
     {"guidegen.readers.update.reviewbase", "guidegen.readers.update.tables"}),
    ("renderers/pdf/steps.py", "guidegen.renderers.pdf.compose",
     {"guidegen.renderers.pdf.steps", "guidegen.renderers.pdf.compose"}),
    ("common/models.py", "guidegen.content.model.Guide",  # across packages, a long way round
     {"guidegen.common.models", "guidegen.content.model", "guidegen.content.kinds"}),
])
def test_an_import_circle_planted_anywhere_is_found(module, imports, joined):
    modules = imports_of()
    planted = {**modules, module: {*modules[module], imports}}
    (circle,) = circles(planted)  # found, once the module imports the other
    assert joined <= set(circle)


LONGEST = 440  # lines; a module owns one thing and stays near 400 (docs/development.md)


def test_no_module_is_much_longer_than_400_lines():
    lengths = {str(path.relative_to(PACKAGE)): len(path.read_text(encoding="utf-8")
                                                   .splitlines())
               for path in PACKAGE.rglob("*.py")}
    assert {name: n for name, n in lengths.items() if n > LONGEST} == {}
    assert max(lengths.values()) > 300  # every module was read


def test_the_relative_imports_are_read_right():
    assert "guidegen.common.yamlsource" in imported(PACKAGE / "common" / "models.py")
    assert "guidegen.errors" in imported(PACKAGE / "common" / "models.py")
    assert "guidegen.theme.folders" in imported(PACKAGE / "theme" / "__init__.py")


def test_the_ground_floor_imports_nothing_above_it():
    above = ("content", "theme", "layout", "renderers", "builder", "project", "cli")
    assert reaching(imports_of("common"), *above) == {}


def test_the_theme_and_the_project_file_read_without_the_content():
    assert reaching(imports_of("theme"), "content", "layout", "renderers", "builder",
                    "project", "cli") == {}
    assert reaching(imports_of("project", "config.py"), "content", "layout", "renderers",
                    "cli") == {}


def test_the_public_api_returns_concrete_types():
    # mypy --strict (tests/test_lint.py) refuses a function that returns Any as another type
    import typing

    import guidegen
    from guidegen.builder.jobs import Output
    from guidegen.builder.options import BuildOptions
    from guidegen.content.model import Guide
    from guidegen.renderers import Rendered

    # names the package imports only for type checkers (BuildOptions: when first asked for)
    names = {"Guide": Guide, "Output": Output, "Rendered": Rendered,
             "BuildOptions": BuildOptions}
    returns = {function.__name__: typing.get_type_hints(function, localns=names)["return"]
               for function in (guidegen.load, guidegen.check, guidegen.build, guidegen.render)}
    assert returns == {"load": Guide, "check": list[Guide], "build": list[Output],
                       "render": dict[str, Rendered]}
    assert isinstance(guidegen.load(ROOT / "tests" / "data" / "minimal.yaml"), Guide)


def test_mypy_is_configured_strict():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "\nstrict = true" in text.split("[tool.mypy]", 1)[1].split("\n[", 1)[0]


def test_the_suites_order_names_test_files_that_are_there():
    """Every file ``COSTS`` and ``SLOW_FILES`` (tests/conftest.py) put in order is a test
    file of the suite: a renamed or removed one would go out in the tail unnoticed."""
    from .conftest import COSTS, SLOW_FILES

    tests = ROOT / "tests"
    names = {path.relative_to(tests).as_posix() for path in tests.rglob("test_*.py")}
    assert sorted((set(COSTS) | set(SLOW_FILES)) - names) == []
    assert set(COSTS).isdisjoint(SLOW_FILES)
