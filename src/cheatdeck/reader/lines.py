"""Lines of a sheet under repair: the repaired text with its source map, fences, emoji runs.

The repair pass itself (:func:`cheatdeck.reader.repairs.repair`) rewrites pasted lines into
canonical Markdown; this module holds what it and the token walk share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import emoji

from cheatdeck.diagnostics import Diagnostic

FENCE = re.compile(r" {0,3}(?:(`{3,})(?![^`]*`)|(~{3,}))")
"""A fence opening (CommonMark 4.5): a backtick fence's info string holds no backtick."""
ATX_H1 = re.compile(r" {0,3}#(?:[ \t]|$)")
ATX_ANY = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")


@dataclass(slots=True)
class RepairedText:
    """The repaired Markdown and where each of its lines came from.

    Attributes:
        lines: output lines (no line ends).
        origin: for each output line, its 1-based source line.
        col: for each output line, the 1-based source column its first character came from.
        diagnostics: warnings for every repair, errors for rows that cannot be read.
        looks: source lines that look like a table row, a gotcha bullet or a heading
            (``"table row"``, ``"gotcha"``, ``"heading"``), outside fenced code: each must end up
            in the model or in a diagnostic (checked in :mod:`cheatdeck.reader.coverage`).
        has_title: the source has a ``#`` heading, or a repair made its first line one; when
            False the reader takes the title from the file name.
        repeated_headers: source lines of table headers written inside a table (no blank line
            between): the author's table goes on, so its cards stay in one table.
    """

    lines: list[str] = field(default_factory=list)
    origin: list[int] = field(default_factory=list)
    col: list[int] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    looks: dict[int, str] = field(default_factory=dict)
    has_title: bool = False
    repeated_headers: set[int] = field(default_factory=set)

    def add(self, text: str, line: int, col: int = 1) -> None:
        """Append one output line that came from source ``line``, ``col``."""
        self.lines.append(text)
        self.origin.append(line)
        self.col.append(col)

    @property
    def text(self) -> str:
        """The repaired Markdown as one string ending in a newline."""
        return "\n".join(self.lines) + "\n"


def leading_emoji(text: str) -> str:
    """Return the run of emoji that starts ``text`` ("" if it does not start with one)."""
    if not text or (text[0].isascii() and text[1:2] not in ("\ufe0f", "\u20e3")):
        return ""  # fast path: only keycaps (1️⃣, #️⃣) start with an ASCII character
    run_end = 0
    for match in emoji.emoji_list(text[:32]):
        if match["match_start"] != run_end:
            break
        run_end = match["match_end"]
    return text[:run_end]


def closing_fence(opening: re.Match[str]) -> re.Pattern[str]:
    """The closing fence for ``opening``: same character, at least as long, nothing after it
    (CommonMark 4.5)."""
    run = opening.group(1) or opening.group(2)
    return re.compile(rf" {{0,3}}{re.escape(run[0])}{{{len(run)},}}[ \t]*")


def has_h1(lines: list[str]) -> bool:
    """Return True if any line outside fenced code is an ATX ``#`` heading."""
    fence = None
    for raw in lines:
        if fence is not None:
            if fence.fullmatch(raw):
                fence = None
            continue
        if fenced := FENCE.match(raw):
            fence = closing_fence(fenced)
            continue
        if ATX_H1.match(raw):
            return True
    return False
