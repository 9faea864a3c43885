"""Line-level repair of pasted cheat sheets, before markdown-it sees them.

Pasted sheets break Markdown's block rules in ways a token stream cannot undo (a table whose
delimiter row has the wrong cell count is a paragraph to markdown-it; a bullet run into the
previous line is prose). This pass rewrites such lines into canonical Markdown, keeps a map from
every output line back to its source line and column, and reports each repair as a warning.
Canonical Markdown passes through unchanged. Fenced code is never touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import emoji

from cheatdeck.diagnostics import Diagnostic
from cheatdeck.reader.cells import count_cells, has_pipe, is_delimiter_row, split_row

_FENCE = re.compile(r" {0,3}(?:(`{3,})(?![^`]*`)|(~{3,}))")
"""A fence opening (CommonMark 4.5): a backtick fence's info string holds no backtick."""
_ATX_H1 = re.compile(r" {0,3}#(?:[ \t]|$)")
_ATX_ANY = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_BULLET = re.compile(r" {0,3}[-*+][ \t]+")
_GOTCHA_START = re.compile(r" {0,3}[-*+][ \t]+[\"“]")
_RUN_IN_GOTCHA = re.compile(r" (?=- [ \t]*[\"“][^\"“”]{1,300}[\"”]\s*(?:—|–|-))")
"""A space before a gotcha bullet run into the text. The claim excludes every quote mark, so
each character is scanned for at most one candidate (no quadratic rescans on long lines)."""
_HEADING_LIKE = re.compile(r"[ \t]*#{1,2}(?!#)")
"""A line a reader would take for a title or section heading, even if CommonMark does not
(`##TOKENS` needs a space; an indented one is code)."""
_MAX_SECTION_LINE = 80
"""A plain emoji line longer than this is prose, not a section heading."""


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
    """

    lines: list[str] = field(default_factory=list)
    origin: list[int] = field(default_factory=list)
    col: list[int] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    looks: dict[int, str] = field(default_factory=dict)

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


def _gotcha_splits(line: str) -> list[int]:
    """Offsets in ``line`` where a gotcha bullet (`` - "Claim" —``) was run into the text."""
    return [match.end() for match in _RUN_IN_GOTCHA.finditer(line, 1)]


def _closing_fence(opening: re.Match[str]) -> re.Pattern[str]:
    """The closing fence for ``opening``: same character, at least as long, nothing after it
    (CommonMark 4.5)."""
    run = opening.group(1) or opening.group(2)
    return re.compile(rf" {{0,3}}{re.escape(run[0])}{{{len(run)},}}[ \t]*")


def repair(text: str, *, path: str) -> RepairedText:
    """Rewrite a pasted sheet into canonical Markdown lines, reporting every repair.

    Args:
        text: the decoded source, ``\\n`` line ends, no BOM.
        path: the path used in diagnostics.

    Returns:
        The repaired lines with their origins and the diagnostics (warnings for repairs; errors
        for table rows with more cells than their header).
    """
    src = text.split("\n")
    out = RepairedText()
    warn = out.diagnostics.append
    has_title = _has_h1(src)
    fence: re.Pattern[str] | None = None
    title_done = has_title
    table_cols = 0  # >0 while inside a table: the header's cell count
    awaiting_delimiter = False
    in_gotchas = False

    for index, raw in enumerate(src):
        lineno = index + 1
        stripped = raw.strip()
        if fence is not None:
            out.add(raw, lineno)
            if fence.fullmatch(raw):
                fence = None
            continue
        if fenced := _FENCE.match(raw):
            fence = _closing_fence(fenced)
            table_cols = 0
            in_gotchas = False
            out.add(raw, lineno)
            continue
        if not stripped:
            table_cols = 0
            in_gotchas = False
            out.add(raw, lineno)
            continue
        _classify(raw, stripped, lineno, out.looks)
        if not title_done:
            title_done = True
            if not _ATX_ANY.match(raw):
                warn(Diagnostic(path, lineno, 1, "warning",
                                "no `#` title: the first line is read as the sheet title",
                                f"write `# {stripped}`"))
                out.add("# " + stripped, lineno)
                continue
        emo = leading_emoji(stripped)
        if emo and len(stripped) <= _MAX_SECTION_LINE and not _ATX_ANY.match(raw):
            title = stripped[len(emo):].strip()
            warn(Diagnostic(path, lineno, 1, "warning",
                            f"plain line starting with an emoji is read as section `{title}`",
                            f"write `## {emo} {title}`"))
            out.add(f"## {emo} {title}", lineno)
            out.looks[lineno] = "heading"
            table_cols = 0
            in_gotchas = False
            continue
        next_line = src[index + 1] if index + 1 < len(src) else ""
        if has_pipe(raw) and is_delimiter_row(next_line) and not is_delimiter_row(raw):
            header_cells = count_cells(raw)
            if table_cols:
                warn(Diagnostic(path, lineno, 1, "warning",
                                "a new table header starts inside the previous table; "
                                "read as a second table in the same section",
                                "leave a blank line between two tables"))
            if out.lines and out.lines[-1].strip() and not _ATX_ANY.match(out.lines[-1]):
                out.add("", lineno)  # a table may follow a paragraph; keep it its own block
            out.add(raw, lineno)
            out.looks[lineno] = "table row"
            table_cols = header_cells
            awaiting_delimiter = True  # guaranteed: the next line is a delimiter row
            in_gotchas = False
            continue
        if awaiting_delimiter:
            awaiting_delimiter = False
            cells = count_cells(raw)
            if cells != table_cols:
                warn(Diagnostic(path, lineno, 1, "warning",
                                f"delimiter row has {cells} cell{'s' if cells != 1 else ''}, "
                                f"header has {table_cols}",
                                _delimiter_hint(table_cols)))
                raw = "|" + " --- |" * table_cols
            out.add(raw, lineno)
            out.looks[lineno] = "table row"
            continue
        if table_cols:
            if has_pipe(raw):
                _check_row(raw, lineno, table_cols, path, out)
                out.add(raw, lineno)
                out.looks[lineno] = "table row"
                continue
            if not _ATX_ANY.match(raw):
                warn(Diagnostic(path, lineno, 1, "warning",
                                "line without `|` directly under a table is read as a paragraph, "
                                "not as a table row",
                                "leave a blank line after the table"))
                out.add("", lineno)
            table_cols = 0
        if _GOTCHA_START.match(raw):
            in_gotchas = True
        elif in_gotchas and not _BULLET.match(raw) and not _ATX_ANY.match(raw):
            warn(Diagnostic(path, lineno, 1, "warning",
                            "gotcha explanation continues on this line; joined with one space",
                            "keep each gotcha on one line: `- \"Claim\" — explanation`"))
        if in_gotchas:
            _split_gotchas(raw, lineno, path, out)
            continue
        out.add(raw, lineno)
    return out


def _delimiter_hint(columns: int) -> str:
    if columns > 8:  # a hint stays one readable line, whatever the header's width
        return f"write one `---` cell for each of the {columns} columns"
    return "write one `---` cell per column: `|" + " --- |" * columns + "`"


def _check_row(raw: str, lineno: int, table_cols: int, path: str, out: RepairedText) -> None:
    if count_cells(raw) > table_cols:
        cells = split_row(raw)
        extra_col = cells[table_cols][1]
        out.diagnostics.append(Diagnostic(
            path, lineno, extra_col, "error",
            f"row has {len(cells)} cells, header has {table_cols}",
            "escape a literal pipe as `\\|`, or add the column to the header"))


def _split_gotchas(raw: str, lineno: int, path: str, out: RepairedText) -> None:
    start = 0
    for offset in _gotcha_splits(raw):
        out.looks[lineno] = "gotcha"
        out.diagnostics.append(Diagnostic(
            path, lineno, offset + 1, "warning",
            "a gotcha bullet runs into the previous text; read as a new bullet",
            "start each bullet on its own line"))
        out.add(raw[start:offset].rstrip(), lineno, start + 1)
        start = offset
    out.add(raw[start:], lineno, start + 1)


def _classify(raw: str, stripped: str, lineno: int, looks: dict[int, str]) -> None:
    """Note a line that looks like a table row, gotcha or heading wherever it stands; lines
    the repair itself reads as such are noted where it does."""
    if stripped.startswith("|") and has_pipe(stripped[1:]) and not is_delimiter_row(stripped):
        looks[lineno] = "table row"
    elif _GOTCHA_START.match(stripped):
        looks[lineno] = "gotcha"
    elif _HEADING_LIKE.match(raw):
        looks[lineno] = "heading"


def _has_h1(lines: list[str]) -> bool:
    fence = None
    for raw in lines:
        if fence is not None:
            if fence.fullmatch(raw):
                fence = None
            continue
        if fenced := _FENCE.match(raw):
            fence = _closing_fence(fenced)
            continue
        if _ATX_H1.match(raw):
            return True
    return False
