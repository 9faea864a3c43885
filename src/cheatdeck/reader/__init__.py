"""The reader: cheat-sheet files → :class:`~cheatdeck.model.Library`, with diagnostics.

Three stages: decode (``files``), repair pasted text line by line (``lines``), walk the
markdown-it-py tokens into the model (``tokens``), then check content rules (``validate``).
The reader never renders HTML. Every repair is a warning; anything that would lose or duplicate
a card is an error.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from cheatdeck.diagnostics import Diagnostic, has_errors
from cheatdeck.model import Library, Sheet
from cheatdeck.reader.files import decode, find_sheets
from cheatdeck.reader.formulas import check_formulas
from cheatdeck.reader.media import find_destinations, media_clashes, resolve_media
from cheatdeck.reader.repairs import repair
from cheatdeck.reader.tokens import build_sheet, make_structure_parser
from cheatdeck.reader.validate import validate_sheet

__all__ = ["read_text", "read_file", "read_paths"]


def read_text(text: str, *, path: str = "<string>") -> tuple[Sheet | None, list[Diagnostic]]:
    """Read one sheet from its text.

    Args:
        text: the sheet's Markdown (``\\r\\n`` or ``\\n`` line ends; a leading BOM is dropped).
        path: the path to name in positions and diagnostics.

    Returns:
        ``(sheet, diagnostics)``; ``sheet`` is None when the text holds no sheet at all. When any
        diagnostic is an error, the sheet must not be built into outputs. Never raises on bad
        content. Image and link destinations are not checked here (that needs the files):
        :func:`read_file` does it, and fills ``sheet.media``.
    """
    sheet, diagnostics, _ = _read(text, path)
    return sheet, diagnostics


def _read(text: str, path: str) -> tuple[Sheet | None, list[Diagnostic], str]:
    """:func:`read_text`, also returning the text with its line ends normalized."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return None, [Diagnostic(path, 1, 1, "error", "the sheet is empty",
                                 "write `# Title` and a Q&A table, or remove the file")], text
    repaired = repair(text, path=path)
    sheet, found = build_sheet(repaired, path=path, parser=make_structure_parser())
    diagnostics = repaired.diagnostics + found
    if sheet is None:
        diagnostics.append(Diagnostic(path, 1, 1, "error", "no sheet title and no cards",
                                      "start the file with `# Title` and add a Q&A table"))
        return None, _sorted(diagnostics), text
    sheet, content = validate_sheet(sheet, cards_expected=not has_errors(diagnostics))
    content += check_formulas(sheet, text)
    return sheet, _sorted(diagnostics + content), text


def read_file(path: Path, *, root: Path | None = None) -> tuple[Sheet | None, list[Diagnostic]]:
    """Read one sheet file (UTF-8, optional BOM) and the images it shows.

    Args:
        path: the sheet file.
        root: the source folder no image or link may leave (:mod:`cheatdeck.reader.media`);
            the file's own folder when None.

    Returns:
        As :func:`read_text`, with ``sheet.media`` filled and an error for each image or link
        that leaves ``root``, is remote or cannot be read; a file that cannot be read or decoded
        gives ``(None, [error])`` naming the path (and, for bad UTF-8, the line and column of
        the first bad byte).
    """
    text, problem = decode(path)
    if problem is not None:
        return None, [problem]
    sheet, diagnostics, normalized = _read(text, path.as_posix())
    if sheet is None:
        return None, diagnostics
    destinations = find_destinations(sheet, normalized)
    if not destinations:
        return sheet, diagnostics
    media, errors = resolve_media(destinations, sheet_dir=path.parent,
                                  root=path.parent if root is None else root)
    return dataclasses.replace(sheet, media=media), _sorted(diagnostics + errors)


def read_paths(paths: Iterable[Path]) -> tuple[Library, list[Diagnostic]]:
    """Read every sheet under ``paths`` into one library.

    Args:
        paths: files (read whatever their suffix) and folders (every ``*.md`` below, sorted).

    Returns:
        ``(library, diagnostics)``: sheets in path order; errors for a missing path, a folder
        with no sheet, two sheets with the same slug (their GUIDs would collide), and images or
        links that leave the source folder (a folder given, or a file's own folder;
        :func:`read_file`) or one image path naming two files in two sheets.
    """
    paths = list(paths)
    files, diagnostics = find_sheets(paths)
    folders = [p for p in paths if p.is_dir()]
    sheets: list[Sheet] = []
    slugs: dict[str, Sheet] = {}
    for file in files:
        root = next((f for f in folders if file.is_relative_to(f)), file.parent)
        sheet, found = read_file(file, root=root)
        diagnostics.extend(found)
        if sheet is None:
            continue
        if sheet.slug in slugs:
            diagnostics.append(_name_collision(sheet, slugs[sheet.slug]))
            continue
        slugs[sheet.slug] = sheet
        sheets.append(sheet)
    diagnostics.extend(media_clashes(sheets))
    return Library(tuple(sheets)), diagnostics


def _name_collision(sheet: Sheet, other: Sheet) -> Diagnostic:
    """The error for two sheets with one name (slug): their notes' GUIDs, decks and pages would
    be one (``ids.note_guid`` hashes the slug)."""
    if sheet.title == other.title:
        return Diagnostic(sheet.path, 1, 1, "error", f"sheet title {sheet.title!r} is also the "
                          f"title of {other.path}", "give every sheet its own title")
    return Diagnostic(sheet.path, 1, 1, "error",
                      f"sheet names collide: {sheet.title!r} and {other.title!r} "
                      f"({other.path}) both make the name `{sheet.slug}`, which the notes' IDs "
                      "and the site's pages use",
                      "rename one sheet's `# title` so the two differ in letters or digits, "
                      "not only in punctuation or case (e.g. `C++` → `Cpp`)")


def _sorted(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=lambda d: (d.line, d.col))
