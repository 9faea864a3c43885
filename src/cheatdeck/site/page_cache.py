"""MkDocs' Markdown conversion of each page, kept between builds in the work folder.

A rebuild after one edit changes one section page (and the sheet's print view), but MkDocs
converts every page again; in a profile of a 10k-card rebuild that conversion (Python-Markdown
and MkDocs' own HTML pass for anchors) was most of the build (issue 15). This plugin, which
:func:`cheatdeck.site.mkdocs_build.run_mkdocs` adds to MkDocs' configuration (``mkdocs.yml``
does not name it: a plain ``mkdocs build`` of the docs dir works as before), serves an
unchanged page's conversion from ``build/.cheatdeck/pages.json``:

* the key of a page is a hash of its final Markdown (after other plugins' ``on_page_markdown``),
  its path, and everything else a conversion reads: the Markdown extensions and their
  configuration, ``use_directory_urls`` and ``validation`` (links are rewritten and checked
  against the docs dir), the list of every file in the docs dir, and the versions of Python,
  MkDocs, Python-Markdown and the theme; anything MkDocs cannot compare (a function in an
  extension's configuration) makes every key new;
* on a hit the page is converted from an empty text, and its HTML, table of contents, anchors,
  links to anchors and title are put back as MkDocs' ``Page.render`` would have set them, before
  any other plugin sees them; templates, search and the anchor check run as always;
* the file keeps the pages of the last successful build only, and is ignored whole when it
  cannot be read. JSON, not pickle: loading the user's folder must never run code.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from mkdocs.config.base import LegacyConfig
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, get_toc

from cheatdeck.site.cache_file import read_pages, versions, write_pages

PAGE_CACHE_FILE = "pages.json"
"""The cache's name inside the work folder (:data:`cheatdeck.work_folder.WORK_DIR`)."""

_FORMAT = 1
_LIBRARIES = ("mkdocs", "markdown", "mkdocs-material", "pymdown-extensions")


def _versions() -> str:
    return versions(_FORMAT, _LIBRARIES)


def toc_tokens(items: list[AnchorLink]) -> list[dict[str, Any]]:
    """Return a page's table of contents (``list(page.toc)``) as the ``toc`` extension's
    tokens: ``[{"level", "id", "name", "children": [...]}, ...]``, what ``get_toc`` reads."""
    return [{"level": a.level, "id": a.id, "name": a.title, "children": toc_tokens(a.children)}
            for a in items]


class PageCache(BasePlugin[LegacyConfig]):  # type: ignore[no-untyped-call]  # MkDocs' own
    """A MkDocs plugin object serving unchanged pages' conversions (module docstring).

    Made with :meth:`load`, added to a loaded configuration's ``plugins`` before ``build``,
    and :meth:`save`\\ d after a build that succeeded.
    """

    def __init__(self, entries: dict[str, dict[str, Any]] | None = None) -> None:
        """Args:
            entries: ``{key: conversion}`` from an earlier build (none: an empty cache).
        """
        super().__init__()
        self._old = entries or {}
        self._used: dict[str, dict[str, Any]] = {}
        self._salt = ""
        self._keys: dict[str, str] = {}  # src_uri → key of this build's Markdown
        self._hits: set[str] = set()  # src_uris served from the cache
        self._converted = False  # a page was converted (an entry may replace a damaged one)

    @classmethod
    def load(cls, path: Path) -> PageCache:
        """Read the cache at ``path``; an empty one if it is missing, unreadable or malformed."""
        return cls(read_pages(path, _versions(), lambda v: isinstance(v, dict)))

    def save(self, path: Path) -> None:
        """Write the conversions of this build's pages atomically (nothing when unchanged).

        Raises:
            OutputError: the file cannot be written.
        """
        if self._used.keys() == self._old.keys() and not self._converted:
            return
        write_pages(path, _versions(), self._used)

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Fix what every page's key shares: the configuration a conversion reads, the docs
        dir's file list (links are resolved and checked against it) and the versions."""
        shared = [_versions(), repr(config["markdown_extensions"]), repr(config["mdx_configs"]),
                  repr(config["use_directory_urls"]), repr(config["validation"]),
                  *sorted(f.src_uri for f in files)]
        self._salt = hashlib.sha256("\0".join(shared).encode("utf-8")).hexdigest()
        return files

    @event_priority(-100)  # last: the key is the Markdown that MkDocs will convert
    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        """Key the page; on a hit, give MkDocs an empty text to convert."""
        key = hashlib.sha256(f"{self._salt}\0{page.file.src_uri}\0{markdown}"
                             .encode()).hexdigest()
        self._keys[page.file.src_uri] = key
        if key in self._old and self._well_formed(self._old[key]):
            self._hits.add(page.file.src_uri)
            return ""
        return markdown

    @event_priority(100)  # first: every other plugin sees the page as if converted now
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        """Put a hit's conversion back on the page, or remember a new conversion."""
        uri = page.file.src_uri
        key = self._keys[uri]
        if uri in self._hits:
            entry = self._used[key] = self._old[key]
            page.toc = get_toc(entry["toc"])
            page.present_anchor_ids = set(entry["anchors"])
            if entry["links"] is not None:  # the same files as then: the key holds their list
                targets = ((files.get_file_from_path(uri), links) for uri, links in entry["links"])
                page.links_to_anchors = {file: dict(links) for file, links in targets if file}
            page._title_from_render = entry["title"]  # noqa: SLF001 - set by Page.render
            return str(entry["html"])
        links = page.links_to_anchors
        self._converted = True
        self._used[key] = {
            "html": html,
            "toc": toc_tokens(list(page.toc)),
            "anchors": sorted(page.present_anchor_ids or ()),
            "links": None if links is None else [
                [target.src_uri, list(anchors.items())] for target, anchors in links.items()],
            "title": page._title_from_render,  # noqa: SLF001 - set by Page.render
        }
        return html

    @staticmethod
    def _well_formed(entry: dict[str, Any]) -> bool:
        return (isinstance(entry.get("html"), str) and isinstance(entry.get("toc"), list)
                and isinstance(entry.get("anchors"), list)
                and isinstance(entry.get("links"), list | type(None))
                and isinstance(entry.get("title"), str | type(None)))
