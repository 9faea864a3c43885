"""The search plugin's entries of each page, kept between builds in the work folder.

Material's search plugin parses every page's HTML again on every build to cut it into search
entries; once unchanged pages' conversions come from :mod:`cheatdeck.site.page_cache`, that
parse was most of a rebuild after one edit (issue 15: 58% of a profiled 10k-card rebuild). This
plugin object, which :func:`cheatdeck.site.mkdocs_build.run_mkdocs` adds (``mkdocs.yml`` does not
name it), serves a page's entries from ``build/.cheatdeck/search.json`` when everything the
search plugin reads of the page is unchanged: its URL, title, front matter, table of contents
and HTML, under the same search configuration and versions of Python, Material and jieba (which
segments Chinese text). It does so by wrapping the search index's ``add_entry_from_context`` for
the build (Material's ``SearchIndex``; without a search plugin it does nothing). The file keeps
the pages of the last successful build only and is ignored whole when it cannot be read. A page
it indexes anew is parsed without the insides of its formulas, which give the same entries
(:mod:`cheatdeck.site.search_input`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config.base import LegacyConfig
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.pages import Page

from cheatdeck.site.cache_file import read_pages, versions, write_pages
from cheatdeck.site.page_cache import toc_tokens
from cheatdeck.site.search_input import search_input

SEARCH_CACHE_FILE = "search.json"
"""The cache's name inside the work folder (:data:`cheatdeck.work_folder.WORK_DIR`)."""

_FORMAT = 1
_LIBRARIES = ("mkdocs", "mkdocs-material", "jieba")


def _versions() -> str:
    return versions(_FORMAT, _LIBRARIES)


class SearchCache(BasePlugin[LegacyConfig]):  # type: ignore[no-untyped-call]  # MkDocs' own
    """A MkDocs plugin object serving unchanged pages' search entries (module docstring).

    Made with :meth:`load`, added to a loaded configuration's ``plugins`` before ``build``,
    and :meth:`save`\\ d after a build that succeeded.
    """

    def __init__(self, entries: dict[str, list[Any]] | None = None) -> None:
        """Args:
            entries: ``{key: the page's search entries}`` from an earlier build (none: empty).
        """
        super().__init__()
        self._old = entries or {}
        self._used: dict[str, list[Any]] = {}

    @classmethod
    def load(cls, path: Path) -> SearchCache:
        """Read the cache at ``path``; an empty one if it is missing, unreadable or malformed."""
        return cls(read_pages(path, _versions(), lambda v: isinstance(v, list) and all(isinstance(e, dict) for e in v)))

    def save(self, path: Path) -> None:
        """Write the entries of this build's pages atomically (nothing when unchanged).

        Raises:
            OutputError: the file cannot be written.
        """
        if self._used.keys() == self._old.keys():
            return
        write_pages(path, _versions(), self._used)

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Wrap the search index of this build (made by the search plugin's ``on_config``)."""
        for plugin in config.plugins.values():
            index: Any = getattr(plugin, "search_index", None)
            if isinstance(getattr(index, "entries", None), list) and \
                    callable(getattr(index, "add_entry_from_context", None)):
                salt = f"{_versions()}\0{plugin.config!r}"
                index.add_entry_from_context = self._serving(index, salt)

    def _serving(self, index: Any, salt: str) -> Callable[[Page], None]:
        add = index.add_entry_from_context

        def add_entry_from_context(page: Page) -> None:
            key = hashlib.sha256("\0".join((
                salt, page.url, str(page.title),
                json.dumps(page.meta, sort_keys=True, default=repr),
                json.dumps(toc_tokens(list(page.toc))), page.content or "",
            )).encode()).hexdigest()
            entries = self._used.get(key, self._old.get(key))
            if entries is None:
                before = len(index.entries)
                content = page.content
                page.content = search_input(content) if content else content
                try:
                    add(page)
                finally:
                    page.content = content  # the templates write the whole HTML
                entries = json.loads(json.dumps(index.entries[before:]))  # as the file keeps them
            else:
                index.entries.extend(json.loads(json.dumps(entries)))  # a copy: never shared
            self._used[key] = entries

        return add_entry_from_context
