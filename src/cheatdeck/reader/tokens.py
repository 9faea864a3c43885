"""markdown-it-py token stream of repaired Markdown → cheat-sheet model, with diagnostics."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from cheatdeck.diagnostics import Diagnostic
from cheatdeck.model import Block, Card, FactRow, FactTable, Prose, Section, Sheet, SourcePos
from cheatdeck.names import slug
from cheatdeck.reader.cells import count_cells, has_pipe, split_row
from cheatdeck.reader.coverage import unread_lines
from cheatdeck.reader.lines import RepairedText, leading_emoji
from cheatdeck.reader.normalize import clean
from cheatdeck.reader.questions import Context, Found
from cheatdeck.reader.shapes import BLOCK_READERS, list_item_question
from cheatdeck.reader.table_kinds import read_table_kind
from cheatdeck.reader.table_rule import Row, use_table_rule

_GOTCHA = re.compile(r"[\"“](?P<q>.+?)[\"”]\s*(?:—|–|--?)(?:\s+(?P<a>.*)|$)", re.DOTALL)
_FOOTER = re.compile(r"next\s*[:→]", re.IGNORECASE)
_BADGES = re.compile(r"(?:\[?!\[[^\]]*\]\([^)\s]*\)(?:\]\([^)\s]*\))?\s*)+")
"""A paragraph of images only (README badges, linked or not): intro prose, not a subtitle."""
_TAG_SEPARATOR = re.compile(r"[\s,]+")
QA_EXTRA_COLUMNS = ("tags", "extra", "id")
"""Optional Q&A columns after ``Question | Answer``, matched case-insensitively."""
QA_FRONT_LABELS = ("question", "q", "front")
QA_BACK_LABELS = ("answer", "a", "back")
"""First and second header cells (case-insensitive) that make a 3+ column table a Q&A table
(any other 3+ column table is a fact table)."""


def make_structure_parser() -> MarkdownIt:
    """Build the markdown-it-py parser the reader uses for block structure.

    CommonMark plus GFM tables (read by :mod:`cheatdeck.reader.table_rule`: rows on the
    ``table_open`` token); raw HTML is *not* recognized as a block (``html=False``), so a stray
    ``<div>`` line in a pasted sheet cannot swallow the cards after it. Inline parsing is off: the
    reader keeps each block's inline *source* (``token.content``); rendering it is the
    renderers' job.
    """
    md = MarkdownIt("commonmark", {"html": False}).enable("table").disable(
        ["inline", "text_join"])
    return use_table_rule(md)


@dataclass(slots=True)
class _SectionDraft:
    title: str
    emoji: str
    pos: SourcePos
    blocks: list[Block] = field(default_factory=list)
    prose: tuple[int, int] | None = None  # pending prose: output line range [start, end)


@dataclass(slots=True)
class _Walk:
    """Mutable state of one sheet walk; local to :func:`build_sheet`."""

    path: str
    rep: RepairedText
    diagnostics: list[Diagnostic]
    title: str = ""
    title_pos: SourcePos | None = None
    subtitle: str = ""
    footer: str = ""
    sections: list[_SectionDraft] = field(default_factory=list)
    placed: set[int] = field(default_factory=set)
    """Source lines that became a card, a fact row, a table header or a heading."""

    def place(self, out_line: int) -> None:
        self.placed.add(self.rep.origin[out_line])

    def pos(self, out_line: int, col: int | None = None) -> SourcePos:
        return SourcePos(self.path, self.rep.origin[out_line],
                         self.rep.col[out_line] if col is None else col)

    def report(self, level: Literal["error", "warning", "info"], pos: SourcePos, message: str,
               hint: str = "") -> None:
        self.diagnostics.append(Diagnostic(pos.path, pos.line, pos.col, level, message, hint))

    def section(self, at: int) -> _SectionDraft:
        if not self.sections:
            # Intro text (badges, contents, a paragraph) before the first `##` is what nearly
            # every real sheet has: a section named after the sheet, without a warning (issue
            # 19). Split a leading emoji off as a `##` heading would, so the canonical writer's
            # `## <emoji> <title>` reads back to this same section.
            emo = leading_emoji(self.title)
            self.sections.append(_SectionDraft(self.title[len(emo):].strip() or "General", emo,
                                               self.pos(at)))
        return self.sections[-1]

    def flush_prose(self) -> None:
        if self.sections and (span := self.sections[-1].prose):
            lines = self.rep.lines[span[0]:span[1]]
            text = unicodedata.normalize("NFC", "\n".join(lines).strip("\n"))
            self.sections[-1].blocks.append(Prose(text, self.pos(span[0])))
            self.sections[-1].prose = None

    def add_prose(self, start: int, end: int) -> None:
        draft = self.section(start)
        draft.prose = (draft.prose[0], end) if draft.prose else (start, end)

    def add(self, block: Block, at: int) -> None:
        self.flush_prose()
        self.section(at).blocks.append(block)
        self.place(at)

    def add_found(self, found: Found) -> None:
        """Add a question of another shape (:mod:`cheatdeck.reader.shapes`) with its answer."""
        self.add(Card(found.question, found.answer, pos=self.pos(found.line), shape=found.shape),
                 found.line)
        self.placed.update(self.rep.origin[line] for line in found.lines)


def _top_level(tokens: list[Token]) -> Iterator[tuple[Token, list[Token]]]:
    """Yield each top-level block's opening token with all its tokens."""
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.nesting == 1:
            depth, end = 0, index
            for end in range(index, len(tokens)):
                depth += tokens[end].nesting
                if depth == 0:
                    break
            yield token, tokens[index:end + 1]
            index = end + 1
        else:
            yield token, [token]
            index += 1


def title_from_path(path: str) -> str:
    """The sheet title a file name stands for: ``kubernetes-basics.md`` → ``Kubernetes basics``.

    The stem's ``-`` and ``_`` runs become spaces and its first letter is upper-cased (the rest
    is kept: ``CPP-notes`` → ``CPP notes``); ``Untitled`` when nothing is left.
    """
    stem = PurePosixPath(path).name.rsplit(".", 1)[0] if "." in PurePosixPath(path).name \
        else PurePosixPath(path).name
    words = clean(re.sub(r"[-_\s]+", " ", stem.strip("<>")))
    return words[:1].upper() + words[1:] if words else "Untitled"


def build_sheet(rep: RepairedText, *, path: str, parser: MarkdownIt) -> tuple[Sheet | None,
                                                                               list[Diagnostic]]:
    """Turn repaired Markdown into a :class:`Sheet`.

    Args:
        rep: output of :func:`cheatdeck.reader.repairs.repair`.
        path: the path used in positions and diagnostics.
        parser: from :func:`make_structure_parser`.

    Returns:
        The sheet (None when it has no title and no section) and the diagnostics found while
        walking the tokens (duplicates and empty cells are checked later, in ``validate``). A
        text with no ``#`` title at all is named after its file (:func:`title_from_path`),
        with a warning.
    """
    walk = _Walk(path, rep, [])
    if not rep.has_title:
        walk.title = title_from_path(path)
        walk.title_pos = SourcePos(path, 1, 1)
        walk.report("warning", walk.title_pos,
                    f"no `# Title` line: the sheet is named after its file: {walk.title!r}",
                    f"start the file with `# {walk.title}` (`cheatdeck fmt` writes it)")
    blocks = list(_top_level(parser.parse(rep.text)))
    last_paragraph = max((i for i, (t, _) in enumerate(blocks) if t.type == "paragraph_open"),
                         default=-1)
    footer_at = last_paragraph == len(blocks) - 1 and last_paragraph >= 0 \
        and _FOOTER.match(blocks[last_paragraph][1][1].content) is not None
    shapes = Context(rep.lines, blocks, len(blocks) - 1 if footer_at else len(blocks))
    index = 0
    while index < len(blocks):
        at, (opener, group) = index, blocks[index]
        start, end = opener.map or (0, 0)
        index += 1
        if walk.title and (after := _shaped(walk, shapes, at)) is not None:
            index = after
        elif opener.type == "heading_open" and opener.tag in ("h1", "h2"):
            _heading(walk, opener, group[1])
            shapes.section_level = 1 if opener.tag == "h1" and walk.sections else 2
        elif opener.type == "paragraph_open" and not walk.sections and walk.title \
                and not walk.subtitle and not _FOOTER.match(group[1].content) \
                and not _BADGES.fullmatch(group[1].content):
            walk.subtitle = clean(group[1].content)
        elif footer_at and at == last_paragraph:
            walk.flush_prose()
            walk.footer = clean(group[1].content)
        elif not walk.title:
            walk.report("warning", walk.pos(start), "text before the `#` title is ignored",
                        "move it below the title")
        elif (handler := _BLOCK_HANDLERS.get(opener.type)) is not None:
            handler(walk, group, start, end)
        else:
            walk.add_prose(start, end)
    walk.flush_prose()
    walk.diagnostics += unread_lines(path, rep.looks, walk.placed,
                                     rep.diagnostics + walk.diagnostics)
    if not walk.title:
        return None, walk.diagnostics
    sections = _finish_sections(walk.sections)
    sheet = Sheet(slug(walk.title), walk.title, walk.subtitle, walk.footer, sections, path)
    return sheet, walk.diagnostics


def _shaped(walk: _Walk, shapes: Context, index: int) -> int | None:
    """Read block ``index`` as questions of another shape (:data:`BLOCK_READERS`); return the
    index of the next block to walk, or None when it starts none (then it is walked as usual).

    A question heading with nothing under it stays a heading (info: a list of questions
    without answers makes no cards); a ``Q:`` line with no ``A:`` line, or a bold question with
    nothing after it, is kept as text (warning, info).
    """
    opener = shapes.blocks[index][0]
    for reader in BLOCK_READERS.get(opener.type, ()):
        read = reader(shapes, index)
        if read is None:
            continue
        if len(read.found) == 1 and not read.found[0].answer \
                and read.found[0].shape.form == "heading":
            walk.report("info", walk.pos(read.found[0].line), "question heading with nothing "
                        "under it: read as a heading, no card", "write its answer under it")
            return None
        for found in read.found:
            if found.answer:
                walk.add_found(found)
                continue
            level: Literal["warning", "info"] = "warning" if found.shape.form == "lines" \
                else "info"
            walk.report(level, walk.pos(found.line), f"question {found.question!r} has no "
                        "answer: kept as text, no card",
                        "write `A: …` on the next line" if level == "warning"
                        else "write the answer under it")
            walk.add_prose(found.lines.start, found.lines.stop)
            walk.placed.add(walk.rep.origin[found.line])
        if read.rest:
            walk.add_prose(*read.rest)
        return read.next
    return None


def _heading(walk: _Walk, opener: Token, inline: Token) -> None:
    start, end = opener.map or (0, 0)
    text = clean(inline.content)
    if opener.markup in ("-", "=") and has_pipe(inline.content):
        # `Term | Meaning` over a `---` line: CommonMark makes it a setext heading, but its
        # author meant a table header; neither a section nor a title (kept as text).
        walk.report("warning", walk.pos(start), f"a line with `|` over a `{opener.markup * 3}` "
                    "line is a heading in Markdown, not a table: no section, no cards, kept "
                    "as text",
                    "add a `" + " | ".join(["---"] * min(max(count_cells(inline.content), 2),
                                                        8)) + "` row under the header")
        if walk.title:
            walk.add_prose(start, end)
        return
    walk.flush_prose()
    walk.place(start)
    if opener.tag == "h1" and not walk.title:
        walk.title, walk.title_pos = text, walk.pos(start)
        return
    if opener.tag == "h1":  # real sheets use `#` for parts of one sheet
        walk.report("warning", walk.pos(start), "a second `#` title in one file: read as a "
                    "section, and so is every later `#` heading",
                    "make it a `## section`, or split the file into one sheet per `#` title")
    emo = leading_emoji(text)
    title = text[len(emo):].strip()
    if not title and emo:
        # `## 🧪`: the emoji is the title (its slug is made from it: non-empty and its own).
        walk.report("warning", walk.pos(start), f"section heading {emo} is only an emoji: "
                    "it is the section's title", f"write `## {emo} Title` to name it in words")
        title, emo = emo, ""
    elif not title:
        walk.report("error", walk.pos(start), "section heading has no title",
                    "write `## 🔥 Title` or `## Title`")
        title = "Untitled"
    walk.sections.append(_SectionDraft(title, emo, walk.pos(start)))


def _table(walk: _Walk, group: list[Token], start: int, end: int) -> None:
    rows: list[Row] = group[0].meta["rows"]
    (head_line, head_cells), body = rows[0], rows[1:]
    header = [clean(cell) for cell in head_cells]
    width = len(header)
    # Cells beyond the header's count were reported by the repair pass; markdown-it drops them.
    # Missing cells are not padded to the header's width (a huge header could make that
    # quadratic); two are enough for a question and an answer, and validate reports the rest.
    body = [(line, [clean(cell) for cell in cells[:width]] + [""] * (2 - len(cells)))
            for line, cells in body]
    walk.place(head_line)
    walk.place(head_line + 1)  # the delimiter row
    reading = read_table_kind(header, [cells for _, cells in body])
    if reading.info:
        walk.report("info", walk.pos(head_line), reading.info)
    if reading.kind != "cards":
        # Every row is still accounted for, line by line (no silent drop), at info level.
        table_line = walk.rep.origin[head_line]
        for line, _ in body:
            walk.report("info", walk.pos(line), f"no card from this row: its table (line "
                        f"{table_line}) is {reading.kind}, for the site")
        walk.add_prose(start, end)
        return
    if reading.skip_first_column:
        header, width = header[1:], width - 1
        body = [(line, cells[1:] + [""] * (3 - len(cells))) for line, cells in body]
    names = [h.casefold() for h in header]
    if width == 2 or (width > 2 and names[0] in QA_FRONT_LABELS and names[1] in QA_BACK_LABELS):
        _qa_rows(walk, header, names, head_line, body)
    elif width < 2:
        walk.report("warning", walk.pos(head_line), "a one-column table makes no cards; kept "
                    "as text", "Q&A tables have two columns: `| Question | Answer |`")
        _rows_not_read(walk, head_line, body)
        walk.add_prose(start, end)
    else:
        _fact_rows(walk, header, head_line, body, group[0].meta.get("align", []))


def _qa_rows(walk: _Walk, header: list[str], names: list[str], head_line: int,
             body: list[tuple[int, list[str]]]) -> None:
    extra_cols = names[2:]
    counts = Counter(extra_cols)  # not list.count per column: a hostile header has 10⁵ cells
    repeated = sorted({header[i + 2] for i, n in enumerate(extra_cols)
                       if counts[n] > 1 or n in QA_FRONT_LABELS + QA_BACK_LABELS})
    if repeated:
        walk.report("error", walk.pos(head_line),
                    f"repeated Q&A column(s): {', '.join(repeated)}",
                    "name each column once: which one is meant is ambiguous")
        _rows_not_read(walk, head_line, body)
        return
    unknown = [i + 2 for i, n in enumerate(extra_cols) if n not in QA_EXTRA_COLUMNS]
    head_cells = split_row(walk.rep.lines[head_line]) if unknown else []  # once, not per column
    for index in unknown:
        walk.report("warning", _cell_pos(walk, head_line, head_cells, index, len(header)),
                    f"unknown Q&A column {header[index]!r}: "
                    f"kept in the Extra field as `{header[index]}: …`",
                    "after `Question | Answer` the known columns are Tags, Extra and ID")
    if not body:
        walk.report("warning", walk.pos(head_line), "table has no rows", "add rows or remove it")
    draft = walk.section(head_line)
    follows_table = draft.prose is None and bool(draft.blocks) \
        and walk.rep.origin[head_line] not in walk.rep.repeated_headers \
        and isinstance(draft.blocks[-1], Card) and draft.blocks[-1].kind == "qa" \
        and not draft.blocks[-1].shape.is_block  # a block-shaped card is no table row
    labels = () if header[:2] == ["Question", "Answer"] else tuple(header[:2])
    for number, (line, cells) in enumerate(body):
        named = dict(zip(extra_cols, cells[2:], strict=False))  # a short row lacks some
        tags = tuple(t for t in _TAG_SEPARATOR.split(named["tags"]) if t) if "tags" in named \
            else ()
        columns = tuple((header[i], cells[i] if i < len(cells) else "") for i in unknown)
        card = Card(cells[0], cells[1], "qa", named.get("extra", ""), tags, named.get("id", ""),
                    walk.pos(line), labels, columns, follows_table and number == 0)
        walk.add(card, line)


def _cell_pos(walk: _Walk, out_line: int, cells: list[tuple[str, int]], index: int,
              width: int) -> SourcePos:
    """Where cell ``index`` of a table row starts (the row's start inside a container);
    ``cells``: ``split_row`` of that row."""
    if len(cells) != width:
        return walk.pos(out_line)
    return walk.pos(out_line, walk.rep.col[out_line] + cells[index][1] - 1)


def _rows_not_read(walk: _Walk, head_line: int, body: list[Row]) -> None:
    """One warning per row of a table that makes no cards: rows seen = made + reported."""
    table_line = walk.rep.origin[head_line]
    for line, _ in body:
        walk.report("warning", walk.pos(line), f"no card made from this row: its table "
                    f"(line {table_line}) makes no cards", "fix the table's header")


def _fact_rows(walk: _Walk, header: list[str], head_line: int,
               body: list[tuple[int, list[str]]], align: list[str]) -> None:
    rows = tuple(FactRow(cells[0], tuple(cells[1:]), walk.pos(line)) for line, cells in body)
    walk.placed.update(walk.rep.origin[line] for line, _ in body)
    if not rows:
        walk.report("warning", walk.pos(head_line), "table has no rows", "add rows or remove it")
    # () when no column is aligned: the common case, and what a model built in code has.
    aligned = tuple((align + [""] * len(header))[:len(header)]) if any(align) else ()
    walk.add(FactTable(tuple(header), rows, walk.pos(head_line), align=aligned), head_line)


def _list(walk: _Walk, group: list[Token], start: int, end: int) -> None:
    items = _list_items(group)
    # Gotchas are bullets; an ordered list may hold numbered bullet questions only.
    gotcha = _GOTCHA.fullmatch if group[0].type == "bullet_list_open" else _no_gotcha
    matches = [(s, e, gotcha(text),
                None if gotcha(text) else list_item_question(walk.rep.lines, group, p))
               for s, e, text, p in items]
    if not any(m or q for _, _, m, q in matches):
        walk.add_prose(start, end)
        return
    gotchas = any(m for _, _, m, _ in matches)
    for item_start, item_end, match, question in matches:
        if question is not None:
            walk.add_found(question)
            continue
        if match is None and not gotchas:
            walk.add_prose(item_start, item_end)  # a bullet among bullet questions
            continue
        if match is None:
            walk.report("warning", walk.pos(item_start), "bullet in a gotcha list is not a "
                        "gotcha; kept as text, no card", 'write `- "Claim" — explanation`')
            walk.add_prose(item_start, item_end)
            continue
        answer = clean(match.group("a") or "")
        walk.add(Card(clean(match.group("q")), answer, "gotcha", pos=walk.pos(item_start)),
                 item_start)


def _no_gotcha(text: str) -> None:
    """An ordered list's items are never gotchas."""
    return None


def _list_items(group: list[Token]) -> list[tuple[int, int, str, int]]:
    """(start line, end line, first paragraph source, token index) of each top-level item."""
    items = []
    for index, token in enumerate(group):
        if token.type == "list_item_open" and token.level == 1:
            start, end = token.map or (0, 0)
            inline = next((t for t in group[index + 1:] if t.type == "inline"), None)
            items.append((start, end, inline.content if inline else "", index))
    return items


def _container(walk: _Walk, group: list[Token], start: int, end: int) -> None:
    """A list or blockquote: its nested tables make cards like any table of the section (GFM
    tables may stand in any container block); the text around them is kept as prose. A bullet
    list without tables may be a gotcha list or bullet questions (:func:`_list`)."""
    tables = [i for i, token in enumerate(group) if token.type == "table_open"]
    if not tables:
        if group[0].type in ("bullet_list_open", "ordered_list_open"):
            _list(walk, group, start, end)
        else:
            walk.add_prose(start, end)
        return
    at = start
    for index in tables:
        table_start, table_end = group[index].map or (at, at)
        _container_prose(walk, at, table_start)
        _table(walk, group[index:index + 2], table_start, table_end)
        at = table_end
    _container_prose(walk, at, end)


def _container_prose(walk: _Walk, start: int, end: int) -> None:
    """Keep lines ``[start, end)`` of a container as prose, less blank (or bare ``>``) lines at
    either end; nothing when all are blank."""
    lines = walk.rep.lines
    while start < end and not lines[start].strip(" \t>"):
        start += 1
    while end > start and not lines[end - 1].strip(" \t>"):
        end -= 1
    if start < end:
        walk.add_prose(start, end)


_BLOCK_HANDLERS: dict[str, Callable[[_Walk, list[Token], int, int], None]] = {
    "table_open": _table,
    "bullet_list_open": _container,
    "ordered_list_open": _container,
    "blockquote_open": _container,
}
"""Top-level block kinds that can make cards; every other kind is kept as prose."""


def _finish_sections(drafts: list[_SectionDraft]) -> tuple[Section, ...]:
    seen: dict[str, int] = {}
    sections = []
    for draft in drafts:
        base = slug(draft.title)
        seen[base] = seen.get(base, 0) + 1
        section_slug = base if seen[base] == 1 else f"{base}-{seen[base]}"
        sections.append(Section(section_slug, draft.emoji, draft.title, tuple(draft.blocks),
                                draft.pos))
    return tuple(sections)
