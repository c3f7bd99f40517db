"""The W3C Nu HTML Checker (``vnu.jar``, the npm package ``vnu-jar``) for the tests.

The jar is installed into the repository's git-ignored ``node_modules/`` with
``npm install --no-save`` the first time a test asks for it. It runs on Java; CI
(``.ci/run``) installs Java and npm where they are missing, so there it never skips.
"""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.services import absent

ROOT = Path(__file__).resolve().parents[2]
VNU_VERSION = "26.9.27"  # the checker's rules change between releases: pinned
JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@dataclass(frozen=True)
class Message:
    page: str
    kind: str  # "error", or "info" with subType "warning"
    line: int
    text: str
    extract: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.kind}: {self.text}\n    {self.extract.strip()}"


def vnu_jar() -> Path:
    """The checker's jar, installed with npm if it is not yet; skips only where Java or
    npm is truly absent."""
    if shutil.which("java") is None:
        absent("the Nu HTML Checker needs Java (apt-get install default-jre-headless)")
    if not _installed():
        if shutil.which("npm") is None:
            absent("installing the Nu HTML Checker needs npm (apt-get install npm)")
        subprocess.run(
            ["npm", "install", "--no-save", "--no-package-lock", "--ignore-scripts",
             "--no-audit", "--no-fund", f"vnu-jar@{VNU_VERSION}"],
            cwd=ROOT, check=True, capture_output=True, timeout=600,
        )  # fmt: skip
    return JAR


def _installed() -> bool:
    package = JAR.parents[2] / "package.json"
    return JAR.exists() and json.loads(package.read_text()).get("version") == VNU_VERSION


def check(pages: dict[str, str], folder: Path) -> list[Message]:
    """Every error and warning the checker reports on ``pages`` (name -> HTML), in one run
    of the checker (Java starts once)."""
    jar = vnu_jar()
    files = {}
    for index, (name, html) in enumerate(pages.items()):
        path = folder / f"page-{index:02d}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name
    result = subprocess.run(
        ["java", "-Xss8m", "-jar", str(jar), "--format", "json", "--exit-zero-always",
         *(str(folder / file) for file in files)],
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    report = json.loads(result.stderr or result.stdout)
    found = []
    for message in report["messages"]:
        kind = message["type"]
        if kind == "info" and message.get("subType") != "warning":
            continue
        found.append(
            Message(
                page=files.get(message.get("url", "?").rpartition("/")[2], message.get("url", "?")),
                kind="warning" if kind == "info" else kind,
                line=message.get("lastLine", 0),
                text=message["message"],
                extract=message.get("extract", ""),
            )
        )
    return found
