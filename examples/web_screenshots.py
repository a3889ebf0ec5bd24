"""A session with the web chat in headless Chromium, saved as screenshots (the ones in docs/web.md).

    make demo-db            # the demo catalogue, with its cover images embedded
    python examples/web_screenshots.py --db .xmr-demo --table demo --out docs/images

Needs Debian's Chromium (``apt-get install chromium``) and Playwright (the dev extra); the server
runs in this process on a free port of 127.0.0.1.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
PHOTO = HERE / "demo" / "media" / "film-001.png"


def capture(url: str, out: Path, browser) -> list[Path]:
    """Drive one conversation at ``url`` in ``browser`` and save a screenshot of each main state into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []

    def turns(page, n: int) -> None:
        page.wait_for_function(f"() => document.querySelectorAll('.turn.assistant').length >= {n}")

    def shot(page, name: str, top: str | None = None) -> None:
        if top:  # start the view at this element (once the page's own smooth scrolling is over)
            page.wait_for_timeout(800)
            page.locator(top).last.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.wait_for_function("() => [...document.querySelectorAll('.card img')].filter(i => {"
                               "const r = i.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight;"
                               "}).every(i => i.complete && i.naturalWidth > 0)")
        path = out / f"{name}.png"
        page.screenshot(path=str(path), full_page=False)
        shots.append(path)

    page = browser.new_page(viewport={"width": 1100, "height": 820})
    page.set_default_timeout(60_000)
    page.goto(url)
    page.wait_for_function("() => document.getElementById('catalog').textContent.includes('items')")
    page.fill("#message", "a calm piano song under $1")
    page.keyboard.press("Enter")
    turns(page, 1)
    page.locator(".card summary").first.click()
    shot(page, "web-1-words", top=".top")

    page.set_input_files("#file", str(PHOTO))
    page.fill("#message", "something like this poster")
    shot(page, "web-2-attach")
    page.click("#send")
    turns(page, 2)
    shot(page, "web-3-photo", top=".turn.user")

    page.locator(".turn.assistant").last.locator("button.like").first.click()
    page.click(".chip[data-say='cheaper']")
    turns(page, 3)
    shot(page, "web-4-critique", top=".turn.user")

    phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.set_default_timeout(60_000)
    phone.goto(url)  # a new browser context: its own session
    phone.fill("#message", "a space opera")
    phone.click("#send")
    turns(phone, 1)
    shot(phone, "web-5-phone", top=".top")
    page.close()
    phone.close()
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=".xmr-demo")
    parser.add_argument("--table", default="demo")
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from xmr_agent.server import running
    from xmr_agent.server.app import create_app

    app = create_app(args.db, args.table, media_roots=[HERE / "demo"])
    with running(app) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"])
        for path in capture(url, args.out, browser):
            print(path)
        browser.close()


if __name__ == "__main__":
    main()
