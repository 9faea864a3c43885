"""Rendered fragments kept between builds, in the work folder (``build/.cheatdeck/``).

Rendering cells (markdown-it, MathML, nh3) was about half of a 10k-card deck build and was paid
again on every rebuild, because the renderer's memo died with the process (issue 15). This file
keeps it: ``{key: html}`` where the key is the render's kind, math mode and Markdown source, for
fragments that show no image (an image's ``src`` depends on the page and the media map). The
file records the *renderer version* — a hash of the code that renders (``markup.py``,
``mathml.py``, ``syntax.py``), of the libraries' versions and of Python's — and is ignored
whole when that differs, so a changed renderer never serves an old fragment. A file that cannot
be read or parsed is ignored too: it is only a cache, never an input a build depends on.

JSON, not pickle: the folder is the user's, and loading it must never run code.
"""

from __future__ import annotations

import hashlib
import json
import sys
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path

from cheatdeck import __version__
from cheatdeck.files import write_atomic
from cheatdeck.json_pieces import json_object_pieces

CACHE_FILE = "fragments.json"
"""The cache's name inside the work folder (:data:`cheatdeck.work_folder.WORK_DIR`)."""

_RENDERER_MODULES = ("markup.py", "mathml.py", "syntax.py")
_RENDERER_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "nh3", "pygments", "latex2mathml",
                       "pylatexenc")


def renderer_version() -> str:
    """Return a hash naming the renderer: its modules' bytes, cheatdeck's and the rendering
    libraries' versions, and Python's (its ``html`` module escapes too)."""
    digest = hashlib.sha256(f"cheatdeck {__version__}\npython {sys.version}\n".encode())
    package = files("cheatdeck")
    for name in _RENDERER_MODULES:
        data = package.joinpath(name).read_bytes()
        digest.update(f"{name}\n{len(data)}\n".encode() + data)
    for library in _RENDERER_LIBRARIES:
        try:
            digest.update(f"{library} {version(library)}\n".encode())
        except PackageNotFoundError:
            digest.update(f"{library} missing\n".encode())
    return digest.hexdigest()


class FragmentCache:
    """A ``{key: html}`` memo that a build loads, uses and saves (only what it used).

    Keys come from :meth:`key`; the renderer asks :meth:`get` before rendering and
    :meth:`put`\\ s what it rendered.
    """

    def __init__(self, entries: dict[str, str] | None = None, *, version: str = "") -> None:
        """Args:
            entries: fragments loaded from an earlier build (none: an empty cache).
            version: the renderer version they were made with (:func:`renderer_version`).
        """
        self._old = entries or {}
        self._used: dict[str, str] = {}
        self._version = version

    @staticmethod
    def key(kind: str, math: str, source: str) -> str:
        """Return the key of a render: ``kind`` (``"inline"``/``"block"``), ``math`` mode and
        the Markdown ``source``, joined by NUL (which no source line holds)."""
        return f"{kind}\0{math}\0{source}"

    def get(self, key: str) -> str | None:
        """Return the cached fragment of ``key``, or None."""
        html = self._used.get(key)
        if html is None and (html := self._old.get(key)) is not None:
            self._used[key] = html
        return html

    def put(self, key: str, html: str) -> None:
        """Remember ``html`` for ``key`` (kept by :meth:`save`)."""
        self._used[key] = html

    @property
    def changed(self) -> bool:
        """True when saving would write something else than was loaded."""
        return self._used.keys() != self._old.keys()

    @classmethod
    def load(cls, path: Path) -> FragmentCache:
        """Read the cache at ``path``; an empty one if it is missing, unreadable, malformed or
        from another renderer version."""
        current = renderer_version()
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested too deep
            return cls(version=current)
        if (not isinstance(data, dict) or data.get("renderer") != current
                or not isinstance(data.get("fragments"), dict)):
            return cls(version=current)
        entries = {k: v for k, v in data["fragments"].items()
                   if isinstance(k, str) and isinstance(v, str)}
        return cls(entries, version=current)

    def save(self, path: Path, *, tmp_dir: Path | None = None) -> None:
        """Write the fragments this build used (old ones it did not use are dropped, so the
        file follows the sources), atomically; nothing when nothing changed.

        Raises:
            OutputError: the file cannot be written (:func:`cheatdeck.files.write_atomic`).
        """
        if not self.changed:
            return
        write_atomic(path, json_object_pieces({"renderer": self._version or renderer_version()},
                                              "fragments", self._used), tmp_dir=tmp_dir, durable=False)
