"""The file both MkDocs caches keep between builds (``pages.json``, ``search.json``).

One JSON object ``{"versions": …, "pages": {key: value}}``: a cache written by other versions
of Python or the libraries that made its values is no cache (an empty one is used instead).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from cheatdeck.files import write_atomic
from cheatdeck.json_pieces import json_object_pieces


def versions(file_format: int, libraries: Sequence[str]) -> str:
    """What a cached value depends on besides its key: Python's version, the cache's
    ``file_format`` and the installed version of each of ``libraries`` (``missing`` if absent)."""
    found = [f"python {sys.version}", f"format {file_format}"]
    for library in libraries:
        try:
            found.append(f"{library} {version(library)}")
        except PackageNotFoundError:
            found.append(f"{library} missing")
    return "\n".join(found)


def read_pages(path: Path, stamp: str, valid: Callable[[Any], bool]) -> dict[str, Any]:
    """The ``{key: value}`` entries of the cache at ``path`` whose values pass ``valid``;
    ``{}`` if the file is missing, unreadable, malformed or written under another ``stamp``
    (:func:`versions`). Never raises."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested too deep
        return {}
    if not isinstance(data, dict) or data.get("versions") != stamp or \
            not isinstance(data.get("pages"), dict):
        return {}
    return {k: v for k, v in data["pages"].items() if valid(v)}


def write_pages(path: Path, stamp: str, pages: dict[str, Any]) -> None:
    """Write ``pages`` under ``stamp`` to ``path`` atomically.

    Raises:
        OutputError: the file cannot be written.
    """
    write_atomic(path, json_object_pieces({"versions": stamp}, "pages", pages), durable=False)
