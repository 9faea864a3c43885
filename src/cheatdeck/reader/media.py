"""Image and link destinations: found in the sheet, checked against the source folder, read.

Decks are shared and the study site must work offline, so nothing a sheet shows may come from
outside its source folder, nor from the network. Rules (README "Images and links"):

* An **image** ``![alt](path)`` must name a file inside the source folder (the folder given to
  :func:`cheatdeck.reader.read_paths`; for a single file, its folder), written relative to the
  sheet's folder, with an image suffix (:data:`IMAGE_SUFFIXES`). Its bytes become a
  :class:`~cheatdeck.model.Media` named by content, shipped in the deck and on the site. Errors:
  a remote image (``http(s)://``, ``//host``: a card or page would fetch it; download it instead),
  any other URL (``data:`` …), an absolute path, a path that leaves the folder by ``..``, or by a
  symlink once resolved, a missing, unreadable or non-image file.
* A **link** ``[text](…)`` to a web address (any URL scheme: ``https:``, ``mailto:`` …) or to
  an anchor (``#…``) is kept; the renderer's sanitizer drops schemes other than http(s)/mailto.
  A link to a *file* is an error: outside the source folder (``..``, absolute, through a
  symlink) for safety, and inside it because neither an Anki card nor a site page can open a
  file of ``source/`` (the site publishes generated pages, not the sources).

Destinations are found with the same markdown-it syntax the renderer uses (:mod:`cheatdeck.syntax`),
in every text of the model: titles, subtitle, footer, cells and prose; an image inside a code span
or math is not an image. Diagnostics name the line and column where the destination is written.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from cheatdeck.diagnostics import Diagnostic
from cheatdeck.model import Card, FactTable, Media, Prose, Sheet, SourcePos
from cheatdeck.syntax import make_syntax

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif"})
"""File suffixes (compared lowercased) an image may have: what browsers and Anki show in
``<img>`` (an SVG there runs no script)."""

_REMOTE_SCHEMES = frozenset({"http", "https", "ftp"})
_SCAN_CHARS = 1 << 16
"""How far past the previous destination of an element (or its start) the next one is looked
for in the source text: a gotcha's explanation or a prose block spans several lines."""
_MAX_MISSES = 32
"""After this many destinations not found as written (entities, escapes), the rest take their
element's position: the search stays linear in the size of the sheet."""
_OPENERS = ("](", "](<", "]:", ": ", ":<", ": <")
"""What a destination follows when written inline or in a reference definition."""
_TRIES = 4

DestinationKind = Literal["image", "link"]


@dataclass(frozen=True, slots=True)
class Destination:
    """An image or link destination written in a sheet.

    Attributes:
        kind: ``"image"`` or ``"link"``.
        ref: the destination as markdown-it normalizes it (the renderer's ``src``/``href``).
        pos: where it is written (line and column of the destination, when found in the text;
            else the element's position).
    """

    kind: DestinationKind
    ref: str
    pos: SourcePos


@functools.cache
def _syntax() -> MarkdownIt:
    return make_syntax()


def _walk(tokens: list[Token]) -> Iterator[tuple[DestinationKind, str]]:
    for token in tokens:
        if token.type == "image":
            yield "image", str(token.attrGet("src") or "")
        elif token.type == "link_open":
            yield "link", str(token.attrGet("href") or "")
        if token.children:  # inline tokens; an image's alt text may hold another image
            yield from _walk(token.children)


def rendered_texts(sheet: Sheet) -> Iterator[tuple[str, bool, SourcePos]]:
    """Yield ``(markdown, is_block, first line)`` for every text of the sheet that is rendered."""
    last = top = SourcePos(sheet.path, 1)
    yield sheet.title, False, top
    yield sheet.subtitle, False, top
    for section in sheet.sections:
        last = section.pos
        yield section.title, False, last
        for block in section.blocks:
            last = block.pos
            if isinstance(block, Card):
                yield block.question, False, block.pos
                yield block.answer, block.shape.is_block, block.pos
                yield block.extra, False, block.pos
            elif isinstance(block, FactTable):
                for text in block.columns:
                    yield text, False, block.pos
                for row in block.rows:
                    last = row.pos
                    for text in (row.subject, *row.values):
                        yield text, False, row.pos
            elif isinstance(block, Prose):
                yield block.text, True, block.pos
    yield sheet.footer, False, last


class _Locator:
    """Finds where destinations are written, scanning each element's text once, forward."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.line_starts = [0, *(m + 1 for m in _newlines(text))]
        self.misses = 0
        self.cursor = 0

    def start(self, pos: SourcePos) -> None:
        """Begin an element that starts at ``pos``."""
        self.cursor = self.line_starts[min(max(pos.line, 1), len(self.line_starts)) - 1]

    def find(self, ref: str, fallback: SourcePos) -> SourcePos:
        """Return where ``ref`` is written next in the current element (``fallback`` if not).

        The next occurrence after the previous destination is taken, preferring one right after
        ``](``, ``](<`` or a reference definition's ``]:`` (the same text may be the link text).
        """
        if self.misses < _MAX_MISSES:
            stop = self.cursor + _SCAN_CHARS
            for written in dict.fromkeys((ref, unquote(ref))):
                at = self.text.find(written, self.cursor, stop) if written else -1
                first, tries = at, 0
                while at >= 0 and not self.text[max(at - 3, 0):at].endswith(_OPENERS):
                    tries += 1
                    at = self.text.find(written, at + 1, stop) if tries < _TRIES else -1
                at = at if at >= 0 else first
                if at >= 0:
                    self.cursor = at + len(written)
                    line = bisect.bisect_right(self.line_starts, at)
                    return SourcePos(self.path, line, at - self.line_starts[line - 1] + 1)
            self.misses += 1
        return fallback


def _newlines(text: str) -> Iterator[int]:
    at = text.find("\n")
    while at >= 0:
        yield at
        at = text.find("\n", at + 1)


def find_destinations(sheet: Sheet, text: str) -> list[Destination]:
    """Return every image and link destination of ``sheet``, in model order.

    Args:
        sheet: a sheet read from ``text``.
        text: the sheet's source (newlines normalized), to place each destination.
    """
    md = _syntax()
    locator = _Locator(text, sheet.path)
    found = []
    for markdown, is_block, pos in rendered_texts(sheet):
        # Cheap filter: an inline link needs "](", a reference definition "]:".
        if "](" not in markdown and not (is_block and "]:" in markdown):
            continue
        tokens = md.parse(markdown) if is_block else md.parseInline(markdown)
        locator.start(pos)
        for kind, ref in _walk(tokens):
            found.append(Destination(kind, ref, locator.find(ref, pos)))
    return found


@dataclass(frozen=True, slots=True)
class _Problem:
    message: str
    hint: str
    level: Literal["error", "warning"] = "warning"
    """An image that cannot be shipped is a warning (the card shows its alt text: DESIGN.md
    "Severity"), and so is a link to a file in the folder (shown as its text); a path that
    leaves the source folder is an error."""


_REMOTE_IMAGE = "remote image"
"""Message key of a web image: reported once per sheet (README badges come in rows)."""


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _check(kind: DestinationKind, ref: str, *, sheet_dir: Path, root: Path,
           pos: SourcePos) -> Media | _Problem | None:
    """Check one destination: a :class:`Media` for a good image, None for a good link."""
    what = f"{kind} `{ref}`"
    into = f"copy it into {root.as_posix()}/ and write its path relative to this sheet"
    parts = urlsplit(ref)
    if parts.scheme or ref.startswith("//"):
        if kind == "link":
            return None
        if parts.scheme.lower() in _REMOTE_SCHEMES or ref.startswith("//"):
            # README badges: shown as their alt text, never fetched (a card or page must not).
            return _Problem(_REMOTE_IMAGE, f"download it into {root.as_posix()}/ and write its "
                            "path relative to this sheet", "warning")
        return _Problem(f"{what} is not a file in the source folder",
                        f"save it as a file in {root.as_posix()}/ and write its path "
                        "relative to this sheet")
    path = unquote(parts.path)
    if not path:
        if kind == "link":
            return None  # "#anchor" or "?query": a place on the same page
        return _Problem(f"{what} names no file", "write ![alt](path/to/image.png)")
    if path.startswith("/"):
        return _Problem(f"{what} is an absolute path", into, "error")
    root_abs = os.path.abspath(root)
    target = os.path.normpath(os.path.join(os.path.abspath(sheet_dir), path))
    if not _inside(target, root_abs):
        return _Problem(f"{what} points outside the source folder", into, "error")
    real = os.path.realpath(target)
    if not _inside(real, os.path.realpath(root_abs)):
        return _Problem(f"{what} is a symlink to a file outside the source folder",
                        f"copy the file itself into {root.as_posix()}/", "error")
    if kind == "link":  # another sheet, a README: neither a card nor a page can open it
        return _Problem(f"{what} points to a file: shown as its text, not a link",
                        "link a web address (https://…), or show an image with ![alt](path)")
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in IMAGE_SUFFIXES:
        return _Problem(f"{what} is not an image file",
                        "use a " + ", ".join(sorted(IMAGE_SUFFIXES)) + " file")
    try:
        mode = os.stat(real).st_mode
        if not stat.S_ISREG(mode):
            return _Problem(f"{what} is not a file", "write the path of an image file")
        data = Path(real).read_bytes()
    except FileNotFoundError:
        return _Problem(f"{what} not found",
                        f"check the path: it is relative to {sheet_dir.as_posix()}/")
    except OSError as error:
        return _Problem(f"{what} cannot be read: {error.strerror}", "check its permissions")
    name = hashlib.sha256(data).hexdigest()[:16] + suffix
    shown = Path(os.path.normpath(os.path.join(sheet_dir, path))).as_posix()  # as given
    return Media(ref, name, data, shown, pos)


def resolve_media(destinations: list[Destination], *, sheet_dir: Path,
                  root: Path) -> tuple[tuple[Media, ...], list[Diagnostic]]:
    """Check every destination against the source folder and read the images.

    Args:
        destinations: from :func:`find_destinations`.
        sheet_dir: the sheet's folder (relative destinations start there).
        root: the source folder nothing may leave.

    Returns:
        ``(media, diagnostics)``: one :class:`Media` per distinct image ref, in order of first
        use; one error per bad destination, at the place it is written; warnings (the card or
        page shows the text instead, :mod:`cheatdeck.markup`) for a link to a file inside the
        folder, and one for all web images of the sheet, at the first.
    """
    results: dict[tuple[DestinationKind, str], Media | _Problem | None] = {}
    errors = []
    remote = [d for d in destinations if d.kind == "image" and _is_remote(d.ref)]
    for dest in destinations:
        key = (dest.kind, dest.ref)
        if key not in results:
            results[key] = _check(dest.kind, dest.ref, sheet_dir=sheet_dir, root=root,
                                  pos=dest.pos)
        result = results[key]
        if isinstance(result, _Problem) and result.message == _REMOTE_IMAGE:
            if dest is remote[0]:
                count = f"{len(remote)} images" if len(remote) > 1 else "image"
                errors.append(Diagnostic(
                    dest.pos.path, dest.pos.line, dest.pos.col, "warning",
                    f"web {count} (first: `{dest.ref}`) shown as alt text: a card or page "
                    "never fetches from the web", result.hint))
        elif isinstance(result, _Problem):
            message = result.message
            if result.level == "warning" and dest.kind == "image":
                message += "; the card shows its alt text instead"
            errors.append(Diagnostic(dest.pos.path, dest.pos.line, dest.pos.col, result.level,
                                     message, result.hint))
    media = tuple(r for r in results.values() if isinstance(r, Media))
    return media, errors


def _is_remote(ref: str) -> bool:
    parts = urlsplit(ref)
    return parts.scheme.lower() in _REMOTE_SCHEMES or ref.startswith("//")


def media_clashes(sheets: list[Sheet]) -> list[Diagnostic]:
    """Return an error for each image ref that names another file than in an earlier sheet.

    Cells render the same wherever they appear (the renderer memoizes by text), so one ref must
    mean one image across the library; sheets in different folders may otherwise differ.
    """
    first: dict[str, Media] = {}
    errors = []
    for sheet in sheets:
        for media in sheet.media:
            earlier = first.setdefault(media.ref, media)
            if earlier.name != media.name:
                errors.append(Diagnostic(
                    media.pos.path, media.pos.line, media.pos.col, "error",
                    f"image `{media.ref}` is {media.path} here but {earlier.path} at "
                    f"{earlier.pos}", "give the two images different file names"))
    return errors
