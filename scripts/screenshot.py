"""Render the sample map and save a screenshot of it (docs/screenshot.png by default).

By default it runs ``conflictmap build`` on the sample articles (offline page) in a
temporary folder; ``--events FILE`` renders an events file (.geojson/.jsonl/...) instead.
The page is opened in headless Chromium (Debian's /usr/bin/chromium), switched to the
chosen mode, and the popup of the place with the most events is opened.

Usage: python scripts/screenshot.py [--events FILE] [--lang nl|en] [--mode events|control]
                                    [--out docs/screenshot.png]
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import tempfile
from pathlib import Path

log = logging.getLogger("screenshot")

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
READY = ("() => { const m = document.querySelector('.folium-map');"
         " return m && m.dataset.ready === '1'; }")
OPEN_BUSIEST = """() => {
  const page = window.conflictmap, s = page.D.byPlace.start;
  let best = 0;
  for (let p = 0; p < page.D.np; p++) if (s[p + 1] - s[p] > s[best + 1] - s[best]) best = p;
  page.openPopup(best);
}"""


def build_sample(out_dir: Path, lang: str) -> Path:
    """The sample map from ``conflictmap build`` (offline page)."""
    cmd = [sys.executable, "-m", "conflictmap", "build", str(ROOT / "articles"),
           "--out", str(out_dir), "--offline", "--lang", lang]
    subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True, text=True)
    return out_dir / "map.html"


def render_events_file(events_file: Path, out_dir: Path, lang: str) -> Path:
    from conflictmap.actors import page_labels
    from conflictmap.render import render_html
    from conflictmap.store import read_events

    labels = page_labels(lang)  # what `conflictmap render` gives the page
    page = out_dir / "map.html"
    html = render_html(read_events(events_file), lang=lang, offline=True, side_labels=labels)
    page.write_text(html, "utf-8")
    return page


def screenshot(page_path: Path, out: Path, mode: str, size: tuple[int, int]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        page.on("pageerror", lambda e: log.error("page error: %s", e))
        page.goto(page_path.as_uri())
        page.wait_for_function(READY, timeout=30000)
        if mode == "control":
            page.check("input[name=cm-mode][value=control]")
        page.evaluate(OPEN_BUSIEST)
        page.wait_for_timeout(300)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=Path, help="an events file to render instead")
    parser.add_argument("--lang", choices=("nl", "en"), default="nl")
    parser.add_argument("--mode", choices=("events", "control"), default="control")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--size", type=int, nargs=2, default=(1400, 900),
                        metavar=("WIDTH", "HEIGHT"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with tempfile.TemporaryDirectory() as tmp:
        if args.events:
            page = render_events_file(args.events, Path(tmp), args.lang)
        else:
            page = build_sample(Path(tmp), args.lang)
        screenshot(page, args.out, args.mode, tuple(args.size))
    log.info("wrote %s", args.out)


if __name__ == "__main__":
    main()
