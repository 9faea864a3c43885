"""``cheatdeck serve``: regenerate the docs dir when ``source/`` changes, while MkDocs serves it.

Two loops: a ``watchfiles`` thread re-reads the sheets on every change to ``source/`` and
rewrites the docs dir (only changed files); MkDocs' live-reload server watches the docs dir and
``mkdocs.yml``, rebuilds the site and reloads open browsers. A source with errors is reported
and the last good pages stay up.
"""

from __future__ import annotations

import logging
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

import watchfiles
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer

from cheatdeck.errors import CheatdeckError, SourceError
from cheatdeck.markup import MarkupRenderer
from cheatdeck.model import Library
from cheatdeck.site.mkdocs_build import write_docs
from cheatdeck.site.pages import SECTION_PAGES, media_files, render_site_pages, site_nav

log = logging.getLogger(__name__)


class _Docs:
    """Regenerates the docs dir and remembers the nav of the last good generation.

    The watcher thread writes ``nav``; the server's build loop reads it. One reference
    assignment, so no lock is needed.
    """

    def __init__(self, load_library: Callable[[], Library], docs_dir: Path, title: str,
                 deck_path: Path | None,
                 guard: Callable[[], AbstractContextManager[object]] = nullcontext) -> None:
        self.load_library = load_library
        self.guard = guard
        self.docs_dir = docs_dir
        self.title = title
        self.deck_path = deck_path
        self.media: dict[str, str] = {}
        self.markup = MarkupRenderer()
        self.nav: list[dict[str, Any]] = []

    def regenerate(self) -> None:
        """Read the sheets and rewrite the docs dir, holding ``guard``. Raises CheatdeckError on
        bad sources."""
        with self.guard():
            self._regenerate()

    def _regenerate(self) -> None:
        library = self.load_library()
        if library.media_names != self.media:  # the renderer's image map is fixed per instance
            self.media = library.media_names
            self.markup = MarkupRenderer(media=self.media)
        pages = render_site_pages(
            library,
            title=self.title,
            deck_file=self.deck_path.name if self.deck_path else None,
            renderer=self.markup,
        )
        nav = site_nav(library, renderer=self.markup)
        write_docs(self.docs_dir, pages, deck_path=self.deck_path, media=media_files(library))
        self.nav = nav

    def regenerate_or_report(self) -> None:
        """:meth:`regenerate`, logging source errors instead of raising (the server stays up)."""
        try:
            self.regenerate()
        except SourceError as error:
            for diagnostic in error.diagnostics:
                log.error("%s", diagnostic)
            log.error("%s; keeping the last good pages", error)
        except CheatdeckError as error:
            log.error("%s; keeping the last good pages", error)


LOOPBACK_NAMES = ("127.0.0.1", "localhost")
"""The only ``Host`` names the preview answers to (issue 11 item 8)."""


def host_allowed(host: str, port: int) -> bool:
    """True when an HTTP ``Host`` header names this loopback server: ``127.0.0.1`` or
    ``localhost``, with no port or exactly ``port``.

    Any other name is refused: a page on another site that points its own DNS name at
    127.0.0.1 (DNS rebinding) sends its own name, and must not read the preview.
    """
    name, _, given = host.strip().lower().partition(":")
    return name in LOOPBACK_NAMES and given in ("", str(port))


class _LoopbackServer(LiveReloadServer):
    """MkDocs' live-reload server that answers only requests addressed to 127.0.0.1/localhost."""

    def serve_request(self, environ: dict[str, Any],
                      start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Serve the request, or answer 403 when its ``Host`` is not this loopback server."""
        if not host_allowed(environ.get("HTTP_HOST", ""), self.server_port):
            start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"cheatdeck serve answers only http://127.0.0.1 and http://localhost\n"]
        return super().serve_request(environ, start_response)


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into KeyboardInterrupt (in the main thread only: elsewhere
    Python cannot set signal handlers), so ``kill`` and a closed terminal clean up like Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _watch_sources(source_dir: Path, docs: _Docs, stop: threading.Event) -> None:
    for changes in watchfiles.watch(source_dir, stop_event=stop):
        log.info("%d change(s) in %s; regenerating pages", len(changes), source_dir)
        docs.regenerate_or_report()


def serve(
    load_library: Callable[[], Library],
    *,
    source_dir: Path,
    config_file: Path,
    docs_dir: Path,
    title: str,
    deck_path: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    stop: threading.Event | None = None,
    site_name: str | None = None,
    guard: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> None:
    """Serve the study site with live reload until interrupted (or ``stop`` is set).

    Args:
        load_library: reads every sheet; raises :class:`SourceError` when they have errors.
        source_dir: the folder to watch (``source/``).
        config_file: the project's ``mkdocs.yml``.
        docs_dir: the generated docs dir (see :func:`write_docs`).
        title: the home page heading.
        deck_path: the ``.apkg`` to offer for download, or None.
        host, port: where to listen (loopback by default).
        stop: set it from another thread to shut the server down (tests); Ctrl-C, SIGTERM
            and SIGHUP also stop it, and the temporary site folder is removed.
        site_name: overrides the config's ``site_name`` (the packaged default config); None
            keeps it.
        guard: returns a context held while the sheets are read and the docs dir written, and
            while MkDocs builds from it: the project lock
            (:func:`cheatdeck.work_folder.project_lock`), since ``cheatdeck build`` writes
            the same docs dir. Held only for those moments, so a build can run while serving.

    Requests whose ``Host`` header is not 127.0.0.1/localhost (with this port) get 403
    (:func:`host_allowed`).

    Raises:
        CheatdeckError: the first reading of the sources failed, or the docs dir is not ours.
    """
    docs = _Docs(load_library, docs_dir, title, deck_path, guard)
    docs.regenerate()
    site_dir = Path(tempfile.mkdtemp(prefix="cheatdeck-site-"))
    serve_url = f"http://{host}:{port}/"

    def builder() -> None:
        with guard():  # a build must not rewrite the docs dir while MkDocs reads it
            config = load_config(
                config_file=str(config_file),
                docs_dir=str(docs_dir.resolve()),
                site_dir=str(site_dir),
                nav=docs.nav,
                not_in_nav=SECTION_PAGES,
            )
            if site_name is not None:
                config.site_name = site_name
            config.site_url = serve_url
            build(config, serve_url=serve_url)

    server = _LoopbackServer(builder=builder, host=host, port=port, root=str(site_dir))
    server.watch(str(docs_dir))
    server.watch(str(config_file))
    done = stop or threading.Event()
    watcher = threading.Thread(target=_watch_sources, args=(source_dir, docs, done), daemon=True)

    def stop_when_done() -> None:
        done.wait()
        server.shutdown()

    stopper = threading.Thread(target=stop_when_done, daemon=True)
    with _sigterm_interrupts():
        try:
            builder()
            watcher.start()
            stopper.start()
            server.serve()  # type: ignore[no-untyped-call]  # MkDocs leaves it unannotated
        except KeyboardInterrupt:
            log.info("Shutting down")
        finally:
            done.set()
            server.shutdown()
            if watcher.is_alive():
                watcher.join()
            shutil.rmtree(site_dir, ignore_errors=True)
