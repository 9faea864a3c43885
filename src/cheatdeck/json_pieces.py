"""The JSON of a build cache (``{…, "name": {key: value, …}}``), made in pieces.

A cache of a 100k-card build holds hundreds of megabytes of HTML; ``json.dumps`` of it makes
the whole text, and its UTF-8 bytes, in memory at once, which was the peak of a build's memory
(issue 15). The pieces here are each one entry, encoded by the same C encoder.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def json_object_pieces(head: Mapping[str, Any], name: str, entries: Mapping[str, Any]
                       ) -> Iterator[bytes]:
    """Yield the UTF-8 bytes of ``{**head, name: entries}`` as compact JSON, entry by entry.

    Args:
        head: the object's small members, written first in their order (``name`` not among them).
        name: the member that holds the entries.
        entries: ``{key: JSON-able value}``.

    Returns:
        Pieces whose concatenation equals
        ``json.dumps({**head, name: entries}, ensure_ascii=False, separators=(",", ":"))``
        encoded as UTF-8.

    Raises:
        TypeError: a value is not JSON-able (as ``json.dumps`` would).
        UnicodeEncodeError: a text holds a lone surrogate (as ``str.encode`` would).
        ValueError: ``name`` is one of ``head``'s keys.
    """
    if name in head:
        raise ValueError(f"{name!r} is already a member of the head")
    opening = _ENCODE(dict(head))
    yield (opening[:-1] + ("," if head else "") + _ENCODE(name) + ":{").encode()
    comma = ""
    for key, value in entries.items():
        yield f"{comma}{_ENCODE(key)}:{_ENCODE(value)}".encode()
        comma = ","
    yield b"}}"
