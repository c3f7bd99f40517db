"""Imports point one way: porting -> moderation -> comments -> blog -> core.

Every module of the apps is parsed (function-level imports too) and each import it makes is
checked against the rule: ``core`` (the ground floor) imports no app of ours, ``blog`` none
of the others but ``core``, ``comments`` neither ``moderation`` nor ``porting``,
``moderation`` not ``porting``; every app may import ``core``. An app that does not exist
yet (``porting`` on some branches) is held to the rule as soon as it appears.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Each app, and the apps it must not import (directly or through a relative import).
FORBIDDEN = {
    "core": {"blog", "comments", "moderation", "porting"},
    "blog": {"comments", "moderation", "porting"},
    "comments": {"moderation", "porting"},
    "moderation": {"porting"},
    "porting": set(),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """The absolute names of every module ``source`` (the module ``module``) imports."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                prefix = ".".join([*base, node.module] if node.module else base)
            else:
                prefix = node.module or ""
            names.add(prefix)
            names.update(f"{prefix}.{alias.name}" for alias in node.names)
    return names


def violations(app: str) -> list[str]:
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        module = module_name(path)
        source = path.read_text(encoding="utf-8")
        for name in sorted(imported_modules(source, module, is_package=path.stem == "__init__")):
            if name.split(".")[0] in FORBIDDEN[app]:
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


@pytest.mark.parametrize("app", sorted(app for app in FORBIDDEN if (ROOT / app).is_dir()))
def test_app_imports_only_downstream(app):
    assert violations(app) == []


def test_the_app_list_covers_every_app_with_models():
    """A new app must be placed in FORBIDDEN, or its imports go unchecked."""
    apps = {path.parent.name for path in ROOT.glob("*/models.py")}
    assert apps <= set(FORBIDDEN), apps - set(FORBIDDEN)


@pytest.mark.parametrize(
    ("source", "module", "is_package", "expected"),
    [
        ("import moderation.services", "comments.views", False, "moderation.services"),
        ("from moderation import policy", "comments.views", False, "moderation.policy"),
        ("def f():\n    from porting import readers", "moderation.admin", False, "porting"),
        ("from ..moderation import services", "comments.views", False, "moderation.services"),
        ("from ...porting.wxr import read", "moderation.admin.actions", False, "porting.wxr"),
        ("from .models import Comment", "comments", True, "comments.models"),
    ],
)
def test_the_checker_sees_every_form_of_import(source, module, is_package, expected):
    assert expected in imported_modules(source, module, is_package=is_package)


def test_every_app_may_import_core_and_core_imports_none_of_ours():
    assert all("core" not in forbidden for app, forbidden in FORBIDDEN.items() if app != "core")
    assert FORBIDDEN["core"] == set(FORBIDDEN) - {"core"}
