"""Shared helpers of the site tests: the libraries they publish and a one-call site build."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from cheatdeck.model import Library
from cheatdeck.reader import read_paths, read_text
from cheatdeck.site import build_site

ROOT = Path(__file__).resolve().parent.parent
STAGE_1 = ROOT / "tests" / "data" / "seed" / "stage-1-verbatim.txt"
GOLDEN_DIR = ROOT / "tests" / "data" / "site"
CONFIG = ROOT / "mkdocs.yml"
TITLE = "Interview Cheat Sheets"
DECK_NAME = "interview-cheat-sheets.apkg"

CHECKS_SHEET = r"""
# Browser Checks

Cards that must render as text, tags, notes and a table after a question.

## 🧪 ESCAPING

| Question | Answer | Tags |
| --- | --- | --- |
| What does a script tag in an answer do? | <script>alert(1)</script> shows as text | security html |
| What does an image with onerror do? | <img src=x onerror=alert(1)> shows as text | security |
| How is `a_b * c` kept? | As code: `x \| y`, *emphasis* and $n^2$ | markdown |

A note with code:

```python
def f():

    return 1
```

| Thing | Value | Unit |
| --- | --- | --- |
| Light | 299,792 | km/s |
"""


def stage_1_library() -> Library:
    """Return the stage-1 seed as the reader reads it (warnings only, no errors)."""
    library, diagnostics = read_paths([STAGE_1])
    assert not [d for d in diagnostics if d.level == "error"], diagnostics
    return library


def browser_library() -> Library:
    """Return the stage-1 sheet plus the "Browser Checks" sheet (escaping, tags, notes)."""
    checks, diagnostics = read_text(CHECKS_SHEET, path="checks.md")
    assert checks is not None and not diagnostics, diagnostics
    return Library((*stage_1_library().sheets, checks))


def build_test_site(library: Library, root: Path) -> Path:
    """Build ``library`` with the project's mkdocs.yml under ``root``; return the site dir.

    A small stand-in ``.apkg`` is published so the home page has its download button.
    """
    deck = root / DECK_NAME
    deck.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip: stands in for the deck
    site_dir = root / "site"
    build_site(
        library,
        config_file=CONFIG,
        docs_dir=root / "docs",
        site_dir=site_dir,
        title=TITLE,
        deck_path=deck,
    )
    return site_dir


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass  # keep the test output free of access logs


@contextmanager
def serve_directory(folder: Path) -> Iterator[str]:
    """Serve ``folder`` with a stdlib HTTP server on 127.0.0.1 (free port) in a thread.

    Yields the base URL (``http://127.0.0.1:PORT/``); the server stops on exit.
    """
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium; Playwright's own browser download is never used (FIELD-NOTES)."""
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@contextmanager
def launch_chromium() -> Iterator[Browser]:
    """Launch headless Debian Chromium through Playwright; closed on exit."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
