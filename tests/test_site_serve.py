"""``serve``: an edit in source/ reaches the served page without a restart."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from site_fixtures import CONFIG, TITLE

from cheatdeck.diagnostics import has_errors
from cheatdeck.errors import SourceError
from cheatdeck.model import Library
from cheatdeck.reader import read_paths
from cheatdeck.site.serve import serve

SHEET = """\
# Serve Check

## 🔁 LIVE

| Question | Answer |
| --- | --- |
| What does the server show? | {answer} |
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""  # not serving yet, or busy rebuilding (slow on a loaded machine): try again


def _wait_for(url: str, text: str, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    page = ""
    while time.monotonic() < deadline:
        page = _fetch(url)
        if text in page:
            return page
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared at {url}")


def test_source_edit_is_served(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    sheet = source / "serve.md"
    sheet.write_text(SHEET.format(answer="the first answer"), encoding="utf-8")

    def load() -> Library:
        library, diagnostics = read_paths([sheet])
        if has_errors(diagnostics):
            raise SourceError(diagnostics)
        return library

    port = _free_port()
    stop = threading.Event()
    kwargs = {"source_dir": source, "config_file": CONFIG, "docs_dir": tmp_path / "docs", "title": TITLE}
    server = threading.Thread(target=serve, args=(load,), kwargs={**kwargs, "port": port, "stop": stop})
    server.start()
    try:
        page_url = f"http://127.0.0.1:{port}/serve-check/live.html"
        first = _wait_for(page_url, "the first answer")
        assert "livereload" in first
        sheet.write_text(SHEET.format(answer="an edited answer"), encoding="utf-8")
        edited = _wait_for(page_url, "an edited answer")
        assert "the first answer" not in edited
    finally:
        stop.set()
        server.join(timeout=10)
    assert not server.is_alive()
