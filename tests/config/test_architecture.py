"""Imports point one way: porting -> moderation -> comments -> blog -> core.

Every module of the apps is parsed (function-level imports too) and each import it makes is
checked against the rule: ``core`` (the ground floor) imports none of the apps, ``blog``
imports none of the others, ``comments`` neither ``moderation`` nor ``porting``,
``moderation`` not ``porting``. Every app may import ``core``.
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
        ("from ..views import count", "core.pagecache.sub", False, "core.views.count"),
    ],
)
def test_the_checker_sees_every_form_of_import(source, module, is_package, expected):
    assert expected in imported_modules(source, module, is_package=is_package)


# Wiring between our own apps is an import or a registration in AppConfig.ready(), never a
# dotted path in settings loaded at run time. The one exception is the piece a site may
# really swap: the moderation policy (COMMENTS_POLICY), loaded in comments/policy.py and
# checked at start-up in comments/checks.py.
DYNAMIC_IMPORTS_ALLOWED = {"comments/policy.py", "comments/checks.py"}
SETTINGS_NAMING_OUR_CODE_ALLOWED = {
    # Django's and its add-ons' own slots: each names one thing of ours by design.
    "ROOT_URLCONF", "WSGI_APPLICATION", "CSRF_FAILURE_VIEW", "AXES_HANDLER", "MIDDLEWARE",
    "TEMPLATES", "CACHES", "LOGGING", "STORAGES",
    # The one swappable piece of the product.
    "COMMENTS_POLICY",
}  # fmt: skip


def dynamic_imports(source: str) -> list[str]:
    """Calls that load code by a name held in a string (import_string, import_module,
    __import__)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in {"import_string", "import_module", "__import__"}:
                found.append(f"line {node.lineno}: {name}")
    return found


def test_no_settings_string_wiring_between_our_apps():
    found = []
    for app in sorted(app for app in FORBIDDEN if (ROOT / app).is_dir()):
        for path in sorted((ROOT / app).rglob("*.py")):
            where = str(path.relative_to(ROOT))
            if where in DYNAMIC_IMPORTS_ALLOWED or "/migrations/" in where:
                continue
            found += [f"{where} {call}" for call in dynamic_imports(path.read_text("utf-8"))]
    assert found == []


def test_no_setting_names_our_apps_code_but_the_policy():
    apps = tuple(f"{app}." for app in FORBIDDEN)
    named = []
    for path in sorted((ROOT / "config" / "settings").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
                continue
            target = getattr(node.targets[0], "id", "")
            strings = [
                leaf.value
                for leaf in ast.walk(node.value)
                if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str)
            ]
            if target not in SETTINGS_NAMING_OUR_CODE_ALLOWED and any(
                value.startswith(apps) for value in strings
            ):
                named.append(f"{path.name}: {target}")
    assert named == []


def test_the_wiring_checker_sees_dynamic_imports():
    source = "from django.utils.module_loading import import_string\nimport_string(NAME)()"
    assert dynamic_imports(source) == ["line 2: import_string"]
    assert dynamic_imports("importlib.import_module('moderation.x')") == ["line 1: import_module"]


def test_a_missing_registration_fails_the_start_up_checks(monkeypatch):
    from blog import checks as blog_checks
    from blog import discussion
    from comments import checks as comments_checks
    from comments import policy

    monkeypatch.setattr(policy, "_moderation", None)
    monkeypatch.setattr(discussion, "_discussion", None)

    assert [error.id for error in comments_checks.moderation_wired(None)] == ["comments.E001"]
    assert [error.id for error in blog_checks.discussion_wired(None)] == ["blog.E001"]


def test_a_policy_that_does_not_import_fails_the_start_up_checks(settings):
    from comments import checks as comments_checks

    settings.COMMENTS_POLICY = "moderation.policy.no_such_function"

    assert [error.id for error in comments_checks.moderation_wired(None)] == ["comments.E002"]


def test_no_import_circle_between_modules_of_an_app():
    """A module importing another that imports it back (blog.views and the page cache
    did) hides which one is the ground: the modules of each app form no circle."""
    graph: dict[str, set[str]] = {}
    for app in FORBIDDEN:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = module_name(path)
            source = path.read_text(encoding="utf-8")
            graph[module] = imported_modules(source, module, is_package=path.stem == "__init__")
    circles = []
    for module, imports in graph.items():
        for other in imports & set(graph):
            if other != module and module in graph[other] and module < other:
                circles.append(f"{module} <-> {other}")
    assert circles == []


def test_every_app_may_import_core_and_core_imports_none_of_ours():
    assert all("core" not in forbidden for app, forbidden in FORBIDDEN.items() if app != "core")
    assert FORBIDDEN["core"] == set(FORBIDDEN) - {"core"}
