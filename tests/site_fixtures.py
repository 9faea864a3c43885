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


def build_test_site(library: Library, root: Path, *, site_url: str = "",
                    site_dir: Path | None = None) -> Path:
    """Build ``library`` with the project's mkdocs.yml under ``root``; return the site dir.

    A small stand-in ``.apkg`` is published so the home page has its download button.
    ``site_url`` is passed to MkDocs as ``[tool.cheatdeck] site_url`` is; ``site_dir`` defaults
    to ``root/"site"``.
    """
    deck = root / DECK_NAME
    deck.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip: stands in for the deck
    site_dir = site_dir or root / "site"
    build_site(
        library,
        config_file=CONFIG,
        docs_dir=root / "docs",
        site_dir=site_dir,
        title=TITLE,
        deck_path=deck,
        site_url=site_url,
    )
    return site_dir


class _QuietHandler(SimpleHTTPRequestHandler):
    not_found_page: Path | None = None

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass  # keep the test output free of access logs

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404 or self.not_found_page is None:
            super().send_error(code, message, explain)
            return
        body = self.not_found_page.read_bytes()  # as a static host does: the site's 404 page
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve_directory(folder: Path, *, not_found_page: Path | None = None) -> Iterator[str]:
    """Serve ``folder`` with a stdlib HTTP server on 127.0.0.1 (free port) in a thread.

    Args:
        folder: the folder served at ``/``.
        not_found_page: an HTML file answered (status 404) for every missing path, as GitHub
            Pages and other static hosts answer with a site's ``404.html``.

    Yields the base URL (``http://127.0.0.1:PORT/``); the server stops on exit.
    """
    handler_class = type("Handler", (_QuietHandler,), {"not_found_page": not_found_page})
    handler = functools.partial(handler_class, directory=str(folder))
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


STUDY_SHEET = r"""
# Study Checks

Math, code words, text without spaces and an aligned fact table, as a learner writes them.

## 🧮 MATH

| Question | Answer |
| --- | --- |
| Why divide by $\sqrt{d_k}$? | It keeps the variance of $QK^T$ near 1: $$\frac{QK^T}{\sqrt{d_k}}$$ |
| What does attention cost in time? | $O(n^2)$ in the sequence length, with $n \le 8192$ here |
| What does a broken formula show? | $\frac{a$ stays as written |
| What is $\alpha_{\text{lr}}$ called? | The learning rate, often $3 \times 10^{-4}$ |

$$
\text{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}
$$

## 🔤 CODE WORDS

| Question | Answer |
| --- | --- |
| Which layer is `nn.Linear`? | A fully connected layer: $y = xW^T + b$ |
| What does `torch.nn.functional.softmax` return? | Probabilities along `dim` |
| Which style is `snake_case_name`? | Words joined by underscores |
| How fast is `O(n^2)` attention? | Quadratic in the context length |
| Where do `src/cheatdeck/markup.py` and `key:value` pairs live? | In code words with slashes and colons |

## 🀄 注意力

| Question | Answer |
| --- | --- |
| 什么是自注意力机制？ | 自注意力机制让每个词元关注序列中的其他词元 |
| 位置エンコーディングとは？ | 位置エンコーディングはトークンの順序を表す |

## 📏 TABLE

| Model | Params | Layers | Context |
| :--- | ---: | :---: | --- |
| GPT-2 small | 117M | 12 | 1024 |
| GPT-3 | 175B | 96 | 2048 |
| A model with a rather long name to make the table wide | 7B | 32 | 4096 |
"""


def study_library() -> Library:
    """Return the "Study Checks" sheet (math, code words, CJK, an aligned fact table).

    Its one broken formula (``$\\frac{a$``) gives the sheet's only diagnostic, a warning.
    """
    sheet, diagnostics = read_text(STUDY_SHEET, path="study.md")
    assert sheet is not None
    assert [d.level for d in diagnostics] == ["warning"], diagnostics
    return Library((sheet,))


def written_docs(root: Path, library: Library) -> Path:
    """Write ``library``'s pages into ``root / "docs"`` (as a build would) and return ``root``."""
    from cheatdeck.site import render_site_pages, write_docs

    write_docs(root / "docs", render_site_pages(library, title=TITLE))
    return root


def site_files(folder: Path) -> dict[Path, bytes]:
    """Every file under ``folder``: relative path → bytes (to compare two sites byte for byte)."""
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def plain_mkdocs_build(config_file: Path, root: Path, library: Library, site: str,
                       *plugins: tuple[str, object]) -> None:
    """Build ``root / "docs"`` into ``root / site`` with MkDocs alone (no plugin of cheatdeck's
    but ``plugins``, added by name after the configuration is loaded), with cheatdeck's nav."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from cheatdeck.site import site_nav
    from cheatdeck.site.pages import SECTION_PAGES

    config = load_config(config_file=str(config_file), strict=True, docs_dir=str(root / "docs"),
                         site_dir=str(root / site), nav=site_nav(library),
                         not_in_nav=SECTION_PAGES)
    for name, plugin in plugins:
        config.plugins[name] = plugin  # type: ignore[assignment]
    build(config)
