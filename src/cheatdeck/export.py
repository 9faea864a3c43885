"""Exports of the model for other tools: the documented JSON shape (README "JSON export")."""

from __future__ import annotations

import json

from cheatdeck.model import Library


def export_json(library: Library) -> str:
    """Return the library as JSON text.

    Shape: ``{"schema": 1, "sheets": [{"title", "subtitle", "footer", "slug", "path",
    "sections": [{"title", "emoji", "slug", "line", "cards": [{"question", "answer", "kind",
    "extra", "tags", "id", "line", "path"}], "tables": [{"columns", "rows", "row_lines", "line",
    "path"}], "blocks": [...]}]}]}``. Question/answer are Markdown source; ``kind`` is ``qa`` or
    ``gotcha``; ``blocks`` holds every block in source order (cards, tables and prose, each with
    a ``type``) so :meth:`Library.from_dict` rebuilds the model exactly. Keys keep this order;
    non-ASCII is written as is (UTF-8); ends with a newline.
    """
    return json.dumps(library.to_dict(), ensure_ascii=False, indent=2) + "\n"
