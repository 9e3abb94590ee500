"""Rules every module outside the tests keeps, checked on its syntax tree.

1. No private attribute of another object (``x._name``, ``super()._name``):
   Django, DRF and the other libraries change those without notice. ``self._name``
   and ``cls._name`` pass only when the project itself defines ``_name`` (a
   method or an attribute it sets): a library's private name reached through
   ``self`` is still the library's. The few underscore names below are
   documented as public API by their library.
2. No code written or run at run time: no ``exec``, ``eval`` or ``compile``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ("manage.py", "gunicorn.conf.py")

# Underscore names that are public API, each by its library's documentation.
ALLOWED_ATTRIBUTES = {
    # Django: "Model _meta API", and the managers every model has.
    "_meta",
    "_default_manager",
    "_base_manager",
    # Django: Model._state, "the state of the instance" (adding, db), in the Model reference.
    "_state",
    # django-simple-history: "Change reason", set on the instance before save().
    "_change_reason",
    # Python: named tuples' methods (urlsplit()'s result) are underscored to leave names free.
    "_replace",
}
# drf-standardized-errors' schema hooks, which its documentation ("OpenAPI
# integration": custom status codes, "Already using a custom AutoSchema class")
# tells projects to override and call through super().
ALLOWED_SUPER_CALLS = {"_should_add_error_response", "_get_response_bodies"}
FORBIDDEN_CALLS = {"exec", "eval", "compile"}
# Private helpers of drf-standardized-errors' and drf-spectacular's AutoSchema
# that tracker/api/schema.py calls on itself to share the 400 components. Not
# public: the next step is a schema built without them; until then they are
# named here, so that no other one creeps in.
INHERITED_PRIVATE_CALLS = {
    "_should_add_validation_error_response",
    "_should_add_parse_error_response",
    "_determine_fields_with_error_codes",
    "_get_validation_error_codes_by_field",
    "_get_paginator",
}


def packages() -> list[Path]:
    """Every top-level package of the project but the tests: a new one is checked too."""
    return sorted(path.parent for path in ROOT.glob("*/__init__.py") if path.parent.name != "tests")


def project_files() -> list[Path]:
    """Every module of the project outside tests/ and .venv, migrations included."""
    files = [ROOT / name for name in SCRIPTS]
    for package in packages():
        files += sorted(package.rglob("*.py"))
    return files


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def is_super_call(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"
    )


def own_names(tree: ast.AST) -> set[str]:
    """The underscore names ``tree`` defines: methods, and attributes it assigns."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute):
                names.add(target.attr)
            elif isinstance(target, ast.Name):
                names.add(target.id)
    return {name for name in names if is_private(name)}


def problems(source: str, filename: str = "<snippet>", own: set[str] | None = None) -> list[str]:
    """What ``source`` does that the rules forbid, one line each.

    ``own``: the underscore names the project defines (by default, those of ``source``).
    """
    tree = ast.parse(source, filename)
    own = own_names(tree) if own is None else own
    found = []
    for node in ast.walk(tree):
        where = f"{filename}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in {"self", "cls"}:
                allowed = own | ALLOWED_ATTRIBUTES | INHERITED_PRIVATE_CALLS
                if node.attr not in allowed:
                    found.append(f"{where}: {owner.id}.{node.attr}, not defined by the project")
                continue
            if is_super_call(owner):
                if node.attr not in ALLOWED_SUPER_CALLS:
                    found.append(f"{where}: super().{node.attr}")
                continue
            if node.attr not in ALLOWED_ATTRIBUTES:
                found.append(f"{where}: private attribute .{node.attr}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in FORBIDDEN_CALLS
        ):
            found.append(f"{where}: {node.func.id}()")
    return found


def test_the_project_touches_no_private_attribute_and_runs_no_generated_code() -> None:
    files = project_files()
    names = {package.name for package in packages()}
    assert {"tracker", "responses", "bulkload", "synthetic", "savedfilters"} <= names
    sources = {path: path.read_text() for path in files}
    own = set().union(*(own_names(ast.parse(source)) for source in sources.values()))
    found = [
        problem
        for path, source in sources.items()
        for problem in problems(source, str(path.relative_to(ROOT)), own)
    ]
    assert found == []


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("queryset._prefetch_related_lookups", "private attribute ._prefetch_related_lookups"),
        ("serializer._readable_fields", "private attribute ._readable_fields"),
        ("request._tracker_origin = 1", "private attribute ._tracker_origin"),
        ("getattr(a, 'b')._c", "private attribute ._c"),
        ("super()._private_hook()", "super()._private_hook"),
        ("self._kwargs.items()", "self._kwargs, not defined by the project"),
        ("cls._declared_filters", "cls._declared_filters, not defined by the project"),
        ("exec('x = 1')", "exec()"),
        ("eval('1')", "eval()"),
        ("compile('1', 'f', 'eval')", "compile()"),
    ],
)
def test_the_rules_catch_what_they_forbid(snippet: str, expected: str) -> None:
    assert [problem.split(": ", 1)[1] for problem in problems(snippet)] == [expected]


@pytest.mark.parametrize(
    "snippet",
    [
        "self._cache = {}\nself._cache",
        "cls._registry = []\ncls._registry",
        "def _helper(self): pass\nself._helper()",
        "model._meta.get_field('x')",
        "Model._default_manager.all()",
        "instance._state.adding",
        "obj.__class__",
        "super()._should_add_error_response(code)",
        "re.compile('x')",
        "builder.eval",
    ],
)
def test_the_rules_let_public_and_own_names_pass(snippet: str) -> None:
    assert problems(snippet) == []
