"""Draw ``static/apple-touch-icon.png`` (180×180) from ``static/favicon.svg`` with Chromium.

Phones put this icon on the home screen and round its corners themselves, so it is the
favicon's speech bubble on a full square of its blue, without the SVG's rounded corners
(transparent corners would come out black). Run it after changing the favicon:
``.venv/bin/python -m tools.touch_icon``.
"""

import re
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
SIZE = 180


def square_svg(svg: str) -> str:
    """The favicon without its rounded corners."""
    return re.sub(r'\s*rx="[^"]*"', "", svg, count=1)


def main() -> None:
    svg = square_svg((ROOT / "static" / "favicon.svg").read_text())
    html = (
        "<!doctype html><html><body style='margin:0'>"
        f"<div style='width:{SIZE}px;height:{SIZE}px'>"
        f"{svg.replace('<svg ', f'<svg width={SIZE} height={SIZE} ', 1)}</div></body></html>"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=["--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": SIZE, "height": SIZE})
        page.set_content(html)
        page.screenshot(path=str(ROOT / "static" / "apple-touch-icon.png"), omit_background=False)
        browser.close()
    print("static/apple-touch-icon.png written")


if __name__ == "__main__":
    main()
