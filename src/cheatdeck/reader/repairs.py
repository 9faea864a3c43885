"""The line repairs: one named rule per kind of messy paste, offered each line in order.

:func:`repair` walks the source once. Fenced code passes through untouched and a blank line ends
any table or gotcha list; every other line goes to the rules of :data:`REPAIRS` in order until
one *consumes* it (writes its output line(s) and returns True). A rule that only watches (notes
state, warns, or writes a blank line before the line) returns False and lets the next rule see
the line; a line no rule consumes is written as it is. This is markdown-it-py's way of keeping
block rules (``parser_block.py``: a list of ``(name, function)``, each with one signature), so a
new kind of paste is one new function and one new row, with its own warning and its own fixture
(``tests/data/fixtures/repair-<name>*.md``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from cheatdeck.diagnostics import Diagnostic
from cheatdeck.reader.cells import count_cells, has_pipe, is_delimiter_row, split_row
from cheatdeck.reader.lines import (
    ATX_ANY,
    FENCE,
    RepairedText,
    closing_fence,
    has_h1,
    leading_emoji,
)
from cheatdeck.reader.questions import A_LINE, Q_LINE

_BULLET = re.compile(r" {0,3}[-*+][ \t]+")
_GOTCHA_START = re.compile(r" {0,3}[-*+][ \t]+[\"“]")
_RUN_IN_GOTCHA = re.compile(r" (?=- [ \t]*[\"“][^\"“”]{1,300}[\"”]\s*(?:—|–|-))")
"""A space before a gotcha bullet run into the text. The claim excludes every quote mark, so
each character is scanned for at most one candidate (no quadratic rescans on long lines)."""
_HEADING_LIKE = re.compile(r"[ \t]*#{1,2}(?!#)")
"""A line a reader would take for a title or section heading, even if CommonMark does not
(`##TOKENS` needs a space; an indented one is code)."""
_CONTAINER_START = re.compile(r" {0,3}(?:[-*+>]|\d{1,9}[.)])(?:[ \t]|$)")
"""A list item or blockquote line: its pipes belong to the container's own content."""
_BLOCK_END = re.compile(r" {0,3}(?:#{1,6}(?:[ \t]|$)|(?:=+|-+|\*+|_+)[ \t]*$)")
"""A line after which a new paragraph starts: an ATX heading, a setext underline, a rule."""
_MAX_SECTION_LINE = 80
"""A plain emoji line longer than this is prose, not a section heading."""


@dataclass(slots=True)
class LineState:
    """What the rules share while walking one sheet; local to one :func:`repair` call.

    Attributes:
        src: the source lines.
        path: the path named in diagnostics.
        out: the repaired text being written.
        index: 0-based index in ``src`` of the line the rules are offered.
        title_done: the title is settled (the file has a ``#`` heading, or its first line was
            seen).
        table_cols: the header's cell count while inside a table, else 0.
        awaiting_delimiter: the previous line was a table header (the next is its delimiter).
        in_gotchas: inside a run of gotcha bullets.
        pipe_run_end: index past the last line of a reported table with no delimiter row.
    """

    src: list[str]
    path: str
    out: RepairedText
    index: int = 0
    title_done: bool = False
    table_cols: int = 0
    awaiting_delimiter: bool = False
    in_gotchas: bool = False
    in_gotcha_item: bool = False
    """The last bullet of the gotcha run is a gotcha (not a bullet question, whose answer lines
    continue it on purpose)."""
    pipe_run_end: int = 0
    paragraph_start: bool = True
    """The current line starts a paragraph (after a blank line, a heading or a rule)."""
    paragraph_asks: bool = False
    """The current paragraph started with a ``Q:`` line (its pairs are read one by one)."""

    @property
    def lineno(self) -> int:
        """The 1-based source line of the current line."""
        return self.index + 1

    @property
    def next_line(self) -> str:
        """The source line after the current one ("" at the end)."""
        return self.src[self.index + 1] if self.index + 1 < len(self.src) else ""

    def warn(self, message: str, hint: str, col: int = 1) -> None:
        """Report a repair of the current line."""
        self.out.diagnostics.append(Diagnostic(self.path, self.lineno, col, "warning",
                                               message, hint))

    def end_blocks(self) -> None:
        """Forget any open table or gotcha list (at a blank line, a fence or a heading)."""
        self.table_cols = 0
        self.awaiting_delimiter = False
        self.in_gotchas = False
        self.paragraph_start = True


RepairRule = Callable[[LineState, str], bool]
"""``rule(state, raw_line) -> consumed``: see the module docstring."""


def first_line_title(state: LineState, raw: str) -> bool:
    """A file with no ``#`` heading whose first line is plain text: that line is the title.

    A first line that is itself Markdown structure (a ``##`` heading, a table row, a list item,
    a quote, indented code) is not a title: the reader then names the sheet after its file.
    """
    if state.title_done:
        return False
    state.title_done = True
    stripped = raw.strip()
    if ATX_ANY.match(raw) or _CONTAINER_START.match(raw) or has_pipe(raw) \
            or raw.startswith("    ") or leading_emoji(stripped):
        return False
    state.warn("no `#` title: the first line is read as the sheet title", f"write `# {stripped}`")
    state.out.add("# " + stripped, state.lineno)
    state.out.has_title = True
    return True


def emoji_line_section(state: LineState, raw: str) -> bool:
    """A short stand-alone line starting with an emoji (``🔥 TOKENS``) is a ``##`` section."""
    stripped = raw.strip()
    emo = leading_emoji(stripped)
    if not emo or len(stripped) > _MAX_SECTION_LINE or ATX_ANY.match(raw) or has_pipe(raw):
        return False
    title = stripped[len(emo):].strip()
    state.warn(f"plain line starting with an emoji is read as section `{title or emo}`",
               f"write `## {emo} {title}`".rstrip("` ") + "`")
    state.out.add(f"## {emo} {title}".rstrip(), state.lineno)
    state.out.looks[state.lineno] = "heading"
    state.end_blocks()
    return True


def table_header(state: LineState, raw: str) -> bool:
    """A row over a delimiter row starts a table: set apart from a paragraph right above it
    (with a blank line) and from a table right above it (warning: a second table)."""
    if not (has_pipe(raw) and is_delimiter_row(state.next_line) and not is_delimiter_row(raw)):
        return False
    out = state.out
    if state.table_cols:
        state.warn("a new table header starts inside the previous table; "
                   "read as a second table in the same section",
                   "leave a blank line between two tables")
        out.repeated_headers.add(state.lineno)
    if out.lines and out.lines[-1].strip() and not ATX_ANY.match(out.lines[-1]):
        out.add("", state.lineno)  # a table may follow a paragraph; keep it its own block
    out.add(raw, state.lineno)
    out.looks[state.lineno] = "table row"
    state.table_cols = count_cells(raw)
    state.awaiting_delimiter = True  # guaranteed: the next line is a delimiter row
    state.in_gotchas = False
    return True


def delimiter_cell_count(state: LineState, raw: str) -> bool:
    """A delimiter row with another cell count than its header (``|---|`` under two columns)
    is rewritten with one ``---`` per header cell, keeping its indentation."""
    if not state.awaiting_delimiter:
        return False
    state.awaiting_delimiter = False
    cells = count_cells(raw)
    if cells != state.table_cols:
        state.warn(f"delimiter row has {cells} cell{'s' if cells != 1 else ''}, "
                   f"header has {state.table_cols}", _delimiter_hint(state.table_cols))
        indent = raw[:len(raw) - len(raw.lstrip(" \t>"))]
        raw = indent + "|" + " --- |" * state.table_cols
    state.out.add(raw, state.lineno)
    state.out.looks[state.lineno] = "table row"
    return True


def table_row_cells(state: LineState, raw: str) -> bool:
    """A body row with more cells than its header is an error (the extra cell would be lost);
    a line with no pipe directly under a table ends it (warning: set apart as a paragraph)."""
    if not state.table_cols:
        return False
    if has_pipe(raw):
        if count_cells(raw) > state.table_cols:
            cells = split_row(raw)
            state.out.diagnostics.append(Diagnostic(
                state.path, state.lineno, cells[state.table_cols][1], "error",
                f"row has {len(cells)} cells, header has {state.table_cols}",
                "escape a literal pipe as `\\|`, or add the column to the header"))
        state.out.add(raw, state.lineno)
        state.out.looks[state.lineno] = "table row"
        return True
    if not ATX_ANY.match(raw):
        state.warn("line without `|` directly under a table is read as a paragraph, "
                   "not as a table row", "leave a blank line after the table")
        state.out.add("", state.lineno)
    state.table_cols = 0
    return False


def table_without_delimiter(state: LineState, raw: str) -> bool:
    """Two or more lines with the same number (2+) of pipe-separated cells and no delimiter
    row make no table in GFM: one warning at the first, naming the missing row (kept as text)."""
    if state.index < state.pipe_run_end:
        return False  # one warning per run (a `|`-led row still gets its own, from coverage)
    if not has_pipe(raw) or _CONTAINER_START.match(raw) or ATX_ANY.match(raw) \
            or raw.startswith("    "):
        return False
    width = count_cells(raw)
    if width < 2:
        return False
    end = state.index + 1
    while end < len(state.src) and count_cells(state.src[end]) == width \
            and has_pipe(state.src[end]) and not is_delimiter_row(state.src[end]):
        end += 1
    if end - state.index < 2:
        return False
    state.pipe_run_end = end
    state.warn(f"lines {state.lineno}–{end} look like a table but have no delimiter row: "
               "kept as text, no cards",
               "add a `" + " | ".join(["---"] * min(width, 8)) + "` row under the header")
    return False


def gotcha_continuation(state: LineState, raw: str) -> bool:
    """A plain line right under a gotcha bullet continues its explanation (joined by Markdown
    as a lazy continuation; warned, since it is usually a paste that lost its line end)."""
    if _GOTCHA_START.match(raw):
        state.in_gotchas = state.in_gotcha_item = True
    elif _BULLET.match(raw):
        state.in_gotcha_item = False
    elif state.in_gotchas and state.in_gotcha_item and not ATX_ANY.match(raw):
        state.warn("gotcha explanation continues on this line; joined with one space",
                   "keep each gotcha on one line: `- \"Claim\" — explanation`")
    return False


def run_in_gotchas(state: LineState, raw: str) -> bool:
    """Inside a gotcha list, a bullet run into the previous text (``… inputs. - "Why …" — …``)
    is split onto its own line."""
    if not state.in_gotchas:
        return False
    start = 0
    for match in _RUN_IN_GOTCHA.finditer(raw, 1):
        offset = match.end()
        state.out.looks[state.lineno] = "gotcha"
        state.warn("a gotcha bullet runs into the previous text; read as a new bullet",
                   "start each bullet on its own line", col=offset + 1)
        state.out.add(raw[start:offset].rstrip(), state.lineno, start + 1)
        start = offset
    state.out.add(raw[start:], state.lineno, start + 1)
    return True


def question_run_in(state: LineState, raw: str) -> bool:
    """A ``Q:``/``Question:`` line with its ``A:`` line right under it, run into a paragraph
    that is not a Q&A pair (a paste that lost its blank line: ``ENTRYPOINT ["java"]`` then
    ``Question: What is Docker Compose?``), starts a paragraph of its own: otherwise the answer
    above runs on over it and the pair is lost in it (measured on a public sheet: 3 pairs)."""
    starts = state.paragraph_start
    state.paragraph_start = bool(_BLOCK_END.match(raw))
    if starts:
        state.paragraph_asks = Q_LINE.match(raw) is not None
        return False
    if state.paragraph_asks or not Q_LINE.match(raw) or not A_LINE.fullmatch(state.next_line):
        return False
    state.warn("a `Q:` line runs into the paragraph above; read as a new question",
               "leave a blank line before each question")
    state.out.add("", state.lineno)
    state.paragraph_asks = True
    return False


REPAIRS: tuple[tuple[str, RepairRule], ...] = (
    ("question_run_in", question_run_in),
    ("first_line_title", first_line_title),
    ("emoji_line_section", emoji_line_section),
    ("table_header", table_header),
    ("delimiter_cell_count", delimiter_cell_count),
    ("table_row_cells", table_row_cells),
    ("table_without_delimiter", table_without_delimiter),
    ("gotcha_continuation", gotcha_continuation),
    ("run_in_gotchas", run_in_gotchas),
)
"""The repair rules, in the order each line is offered to them (read-only)."""


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
    state = LineState(src, path, RepairedText(), title_done=has_h1(src))
    state.out.has_title = state.title_done
    fence: re.Pattern[str] | None = None
    for index, raw in enumerate(src):
        lineno = index + 1
        if fence is not None:
            state.out.add(raw, lineno)
            if fence.fullmatch(raw):
                fence = None
            continue
        if fenced := FENCE.match(raw):
            fence = closing_fence(fenced)
            state.end_blocks()
            state.out.add(raw, lineno)
            continue
        if not raw.strip():
            state.end_blocks()
            state.out.add(raw, lineno)
            continue
        state.index = index
        classify(raw, lineno, state.out.looks)
        if not any(rule(state, raw) for _, rule in REPAIRS):
            state.out.add(raw, lineno)
    return state.out


def _delimiter_hint(columns: int) -> str:
    if columns > 8:  # a hint stays one readable line, whatever the header's width
        return f"write one `---` cell for each of the {columns} columns"
    return "write one `---` cell per column: `|" + " --- |" * columns + "`"


def classify(raw: str, lineno: int, looks: dict[int, str]) -> None:
    """Note a line that looks like a table row, gotcha or heading wherever it stands; lines
    the repairs themselves read as such are noted where they do."""
    stripped = raw.strip()
    if stripped.startswith("|") and has_pipe(stripped[1:]) and not is_delimiter_row(stripped):
        looks[lineno] = "table row"
    elif _GOTCHA_START.match(stripped):
        looks[lineno] = "gotcha"
    elif _HEADING_LIKE.match(raw):
        looks[lineno] = "heading"
