"""Exports for other tools: the model as JSON (README "JSON export"), the notes as Anki CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from cheatdeck.anki_notes import FACT_MODEL_NAME, QA_MODEL_NAME
from cheatdeck.model import Library
from cheatdeck.plan import PlannedNote


def export_json(library: Library) -> str:
    """Return the library as JSON text.

    Shape: ``{"schema": 2, "sheets": [{"title", "subtitle", "footer", "slug", "path",
    "sections": [{"title", "emoji", "slug", "line", "cards": [{"question", "answer", "kind",
    "extra", "tags", "id", "labels", "columns", "new_table", "scope", "line", "path",
    "shape": {"form", "level", "number", "label", "bold"}}],
    "tables": [{"columns", "rows", "row_lines", "line", "path"}], "blocks": [...]}],
    "skipped": [{"section", "question", "reason", "kind", "id", "table", "line", "path"}]}]}``
    (see :class:`cheatdeck.model.Card` and :class:`cheatdeck.model.SkippedRow`). Question/answer
    are Markdown source; ``kind`` is ``qa`` or
    ``gotcha``; ``blocks`` holds every block in source order (cards, tables and prose, each with
    a ``type``) so :meth:`Library.from_dict` rebuilds the model exactly. Keys keep this order;
    non-ASCII is written as is (UTF-8); ends with a newline.
    """
    return json.dumps(library.to_dict(), ensure_ascii=False, indent=2) + "\n"


def export_csv(notes: Sequence[PlannedNote]) -> str:
    """Return the notes as an Anki text-import file (tab-separated, with file headers).

    The headers (https://docs.ankiweb.net/importing/text-files.html#file-headers) name the
    columns: 1 GUID, 2 note type, 3 deck, 4 tags, then the note type's fields in order (HTML, as
    in the ``.apkg``). The GUIDs are the ``.apkg``'s, so importing both gives no duplicates; the
    note types must already exist in the collection (import the ``.apkg`` once first).
    A cell holding a tab, a quote or a line break is quoted as in RFC 4180 (Python's ``csv``),
    which Anki's importer reads.

    Args:
        notes: the note plan's notes (:attr:`cheatdeck.plan.NotePlan.notes`), as in the deck.

    Returns:
        The file text, ending with a newline.
    """
    names = {"qa": QA_MODEL_NAME, "fact": FACT_MODEL_NAME}
    out = io.StringIO()
    out.write("#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n"
              "#deck column:3\n#tags column:4\n")
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    for note in notes:
        writer.writerow([note.guid, names[note.note_type], note.deck, " ".join(note.tags),
                         *note.fields])
    return out.getvalue()
