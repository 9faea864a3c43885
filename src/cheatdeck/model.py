"""The normalized cheat-sheet model: every renderer reads only this.

Frozen, slotted dataclasses with no I/O and no third-party imports. Text fields hold Markdown
source, already NFC-normalized and whitespace-trimmed by the reader. Source positions ride on
the model for diagnostics but are excluded from equality, so a sheet read from its messy
original equals the same sheet read from its canonical rewrite (``read(write(m)) == m``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = 2
"""Version of the ``to_dict()`` layout; bumped on any incompatible change. 2: a card has a
``shape`` and a block-shaped card's answer is block Markdown (may hold line breaks)."""

READABLE_SCHEMAS = frozenset({1, SCHEMA_VERSION})
"""Schemas :meth:`Library.from_dict` reads (a schema-1 card has the default shape, ``row``)."""

CardKind = Literal["qa", "gotcha"]

ShapeForm = Literal["row", "heading", "bold", "bullet", "details", "lines"]
"""How a card is written in its sheet (README "Format"):

* ``row``: a Q&A table row, or a gotcha bullet (``kind`` tells which); one-line answer.
* ``heading``: ``### Question?`` then the answer blocks up to the next heading of that level
  or higher.
* ``bold``: a ``**Question?**`` line, then the answer blocks.
* ``bullet``: ``- Question?`` with the answer indented under it (nested list or paragraphs).
* ``details``: ``<details><summary>Question</summary>`` answer blocks ``</details>``.
* ``lines``: a ``Q:`` line and an ``A:`` line (or ``Question:``/``Answer:``, ``Q.``/``A.``).
"""

SHAPE_FORMS: tuple[ShapeForm, ...] = ("row", "heading", "bold", "bullet", "details", "lines")
"""Every :data:`ShapeForm`, in the order the README lists them."""


def question_key(question: str) -> str:
    """Return the identity key of a question: what must not change for a note to keep its GUID.

    Args:
        question: Markdown source of a question.

    Returns:
        The text NFC-normalized, case-folded, with runs of whitespace collapsed to one space and
        trailing ``?``/``.``/``!`` and surrounding quote marks dropped. Two questions with the same
        key are "the same question" (duplicate error in the reader, same GUID in the deck).
    """
    text = unicodedata.normalize("NFC", question).casefold()
    text = " ".join(text.split())
    return text.strip(" \"'“”‘’").rstrip("?.!").rstrip()


@dataclass(frozen=True, slots=True)
class SourcePos:
    """Where a model element came from.

    Attributes:
        path: the source file path as given to the reader (POSIX string).
        line: 1-based line number in that file.
        col: 1-based column (in characters) in that line.
    """

    path: str
    line: int
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"path", "line", "col"}``."""
        return {"path": self.path, "line": self.line, "col": self.col}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourcePos:
        """Inverse of :meth:`to_dict`. Raises ``KeyError``/``TypeError`` on a malformed dict."""
        return cls(str(data["path"]), int(data["line"]), int(data.get("col", 1)))


NO_POS = SourcePos("<memory>", 0, 0)
"""Position of elements built in code rather than read from a file."""


@dataclass(frozen=True, slots=True)
class Media:
    """An image file a sheet shows, read by the reader from inside the source folder.

    Anki keeps media in one flat folder per collection, by file name, so every image is shipped
    (in the deck and on the site) under a name made from its content: two different files never
    share a name (``a.png`` and ``A.PNG``), and the same bytes under two paths ship once.

    Attributes:
        ref: the image destination as markdown-it gives it (``token.attrGet("src")``, i.e.
            normalized and percent-encoded, e.g. ``img/my%20plot.png``): the key the renderer
            looks images up by. Relative to the sheet's folder.
        name: the shipped file name, ``<first 16 hex digits of the SHA-256>.<suffix, lowercased>``.
        data: the file's bytes, read once by the reader (so what is hashed is what is shipped;
            not compared: ``name`` already stands for them).
        path: the file's path as read (POSIX; not compared).
        pos: where the image is first written in the sheet (not compared).
    """

    ref: str
    name: str
    data: bytes = field(default=b"", compare=False, repr=False)
    path: str = field(default="", compare=False)
    pos: SourcePos = field(default=NO_POS, compare=False)



@dataclass(frozen=True, slots=True)
class Shape:
    """The shape a card was written in, so the canonical writer (``fmt``) writes it back so.

    Not part of a card's identity (the GUID hashes sheet and question only), but compared, so
    ``read(write(m)) == m`` proves each shape round-trips.

    Attributes:
        form: see :data:`ShapeForm`.
        level: the heading level (1–6) of a ``heading`` card; 0 for other forms.
        number: the question's number as written, with its punctuation (``"12."`` of
            ``### 12. Why…?`` and ``**12. Why…?**``, ``"Q3:"`` of ``### Q3: Why…?``, ``"12."`` of
            ``12. Why…?`` in an ordered list), "" when unnumbered.
        label: a ``lines`` card's question label as written, e.g. ``"Q:"``, ``"Q."``,
            ``"Question:"``, ``"**Q:**"`` (the answer label is the matching ``A``/``Answer``);
            for a ``details`` or ``bullet`` card whose answer is folded under a summary that
            names the answer (``<summary>Answer</summary>``, the question written before it),
            that summary; "" otherwise.
        bold: the question was written in bold inside a heading or list item
            (``### **Why…?**``, ``- **Why…?**``); the model's question is without the ``**``.
    """

    form: ShapeForm = "row"
    level: int = 0
    number: str = ""
    label: str = ""
    bold: bool = False

    @property
    def is_block(self) -> bool:
        """True when the answer is block Markdown (every form but ``row``): renderers draw it
        with paragraphs, lists and highlighted code instead of one inline line."""
        return self.form != "row"

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"form", "level", "number", "label", "bold"}``."""
        return {"form": self.form, "level": self.level, "number": self.number,
                "label": self.label, "bold": self.bold}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Shape:
        """Inverse of :meth:`to_dict`; None (a schema-1 card) is the default shape.

        Raises:
            ValueError: an unknown form.
        """
        if data is None:
            return cls()
        form = data.get("form", "row")
        if form not in SHAPE_FORMS:
            raise ValueError(f"unknown card shape {form!r}")
        return cls(form, int(data.get("level", 0)), str(data.get("number", "")),
                   str(data.get("label", "")), bool(data.get("bold", False)))


ROW = Shape()
"""The default shape: a Q&A table row or a gotcha bullet."""


@dataclass(frozen=True, slots=True)
class Card:
    """One question and its answer; becomes one Anki note with one card.

    Attributes:
        question: Markdown source of the front (inline Markdown, one line).
        answer: Markdown source of the back: inline Markdown on one line (``<br>`` for breaks)
            for a ``row`` card; block Markdown (paragraphs, lists, fenced code, images; lines
            joined by ``\n``, no leading or trailing blank line) for every other shape.
        kind: ``"qa"`` for a question and answer, ``"gotcha"`` for a gotcha-list bullet.
        extra: Markdown source of the optional ``Extra`` column ("" when absent).
        tags: extra tags from the optional ``Tags`` column, without spaces, in source order.
        id: explicit identity from the optional ``ID`` column ("" when absent).
        pos: where the row, bullet or question starts (not compared).
        labels: the header labels of the card's two first columns as the author wrote them
            (``("Term", "Definition")``); ``()`` for the canonical ``Question | Answer``. The
            site shows the second as the answer's label; ``fmt`` writes them back.
        columns: the Q&A table's other columns, ``(label, Markdown value)`` in column order
            (``(("Source", "RFC 1035"),)``); shown in the Extra field as ``Source: RFC 1035``.
        new_table: the card opens a Q&A table written right after another one (only blank
            lines between): ``fmt`` keeps the two tables apart.
        scope: the slug of the card's section when the same question is asked in another
            section of the sheet too ("" otherwise): part of its GUID, so both notes live.
        shape: how the card is written in its sheet (:class:`Shape`); a gotcha is always
            :data:`ROW`.
    """

    question: str
    answer: str
    kind: CardKind = "qa"
    extra: str = ""
    tags: tuple[str, ...] = ()
    id: str = ""
    pos: SourcePos = field(default=NO_POS, compare=False)
    labels: tuple[str, ...] = ()
    columns: tuple[tuple[str, str], ...] = ()
    new_table: bool = False
    scope: str = ""
    shape: Shape = ROW

    @property
    def key(self) -> str:
        """The identity key of the question (see :func:`question_key`)."""
        return question_key(self.question)

    @property
    def extra_field(self) -> str:
        """Markdown of the note's Extra field: the ``Extra`` column, then one
        ``Label: value`` per other column with a value, joined by ``<br>`` ("" when none)."""
        parts = [self.extra] if self.extra else []
        parts += [f"{label}: {value}" for label, value in self.columns if value]
        return "<br>".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict: question, answer, kind, extra, tags, id, line, path,
        shape (:meth:`Shape.to_dict`)."""
        return {
            "question": self.question,
            "answer": self.answer,
            "kind": self.kind,
            "extra": self.extra,
            "tags": list(self.tags),
            "id": self.id,
            "labels": list(self.labels),
            "columns": [list(c) for c in self.columns],
            "new_table": self.new_table,
            "scope": self.scope,
            "line": self.pos.line,
            "path": self.pos.path,
            "shape": self.shape.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Card:
        """Inverse of :meth:`to_dict`. Raises ``KeyError``/``ValueError`` on a malformed dict."""
        kind = data.get("kind", "qa")
        if kind not in ("qa", "gotcha"):
            raise ValueError(f"unknown card kind {kind!r}")
        return cls(
            question=data["question"],
            answer=data["answer"],
            kind=kind,
            extra=data.get("extra", ""),
            tags=tuple(data.get("tags", ())),
            id=data.get("id", ""),
            pos=SourcePos(data.get("path", NO_POS.path), int(data.get("line", 0))),
            labels=tuple(data.get("labels", ())),
            columns=tuple((str(label), str(value)) for label, value in data.get("columns", ())),
            new_table=bool(data.get("new_table", False)),
            scope=data.get("scope", ""),
            shape=Shape.from_dict(data.get("shape")),
        )


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A row or bullet the reader skipped with a warning: it makes no note this build.

    Its note, if an earlier build shipped one, is kept as shipped (not retired) until the row is
    fixed or deleted (DESIGN.md "Severity"; ``plan.py``).

    Attributes:
        section: the slug of the section it is in.
        question: the question (or a fact row's subject) as read; "" when that is what is empty.
        reason: why, in a few words (``"empty answer"``, ``"same question as line 7"``).
        kind: ``"qa"``, ``"gotcha"`` or ``"fact"``.
        id: the row's ``ID`` column ("" when none).
        table: for a fact row, its table's :attr:`FactTable.name`; "" otherwise.
        pos: where the row starts (not compared).
    """

    section: str
    question: str
    reason: str
    kind: str = "qa"
    id: str = ""
    table: str = ""
    pos: SourcePos = field(default=NO_POS, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the row as in the JSON export (all attributes, ``line`` and ``path``)."""
        return {"section": self.section, "question": self.question, "reason": self.reason,
                "kind": self.kind, "id": self.id, "table": self.table,
                "line": self.pos.line, "path": self.pos.path}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SkippedRow:
        """Inverse of :meth:`to_dict`. Raises ``KeyError`` on a malformed dict."""
        return cls(data["section"], data["question"], data["reason"], data.get("kind", "qa"),
                   data.get("id", ""), data.get("table", ""),
                   SourcePos(data.get("path", NO_POS.path), int(data.get("line", 0))))


@dataclass(frozen=True, slots=True)
class FactRow:
    """One row of a fact table; becomes one cloze note with one card per value.

    Attributes:
        subject: Markdown source of the first cell (what the row is about, e.g. ``LLaMA-7B``).
        values: Markdown source of the other cells, one per value column, in column order.
        pos: where the row starts (not compared).
    """

    subject: str
    values: tuple[str, ...]
    pos: SourcePos = field(default=NO_POS, compare=False)


@dataclass(frozen=True, slots=True)
class FactTable:
    """A table of 3+ columns not headed ``Question | Answer``: facts to memorize.

    Attributes:
        columns: header cells, first the subject column, then one per value column.
        rows: the body rows; each has ``len(columns) - 1`` values.
        pos: where the header row starts (not compared).
        align: each column's alignment from the delimiter row (GFM: ``:---`` ``"left"``,
            ``---:`` ``"right"``, ``:---:`` ``"center"``, ``---`` ``""``), one per column; ``()``
            when no column is aligned.
    """

    columns: tuple[str, ...]
    rows: tuple[FactRow, ...]
    pos: SourcePos = field(default=NO_POS, compare=False)
    align: tuple[str, ...] = ()

    def alignment(self, column: int) -> str:
        """Return column ``column``'s alignment (``""`` for none), e.g. ``"right"``."""
        return self.align[column] if column < len(self.align) else ""

    @property
    def name(self) -> str:
        """The table's identity within its sheet: its header cells joined by ``|``."""
        return "|".join(self.columns)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"columns": [...], "rows": [[subject, value, ...], ...], "row_lines",
        "line", "path"}``, with ``"align": [...]`` when a column is aligned."""
        data: dict[str, Any] = {
            "columns": list(self.columns),
            "rows": [[row.subject, *row.values] for row in self.rows],
            "row_lines": [row.pos.line for row in self.rows],
            "line": self.pos.line,
            "path": self.pos.path,
        }
        if self.align:  # only then: exports of tables without alignment stay as they were
            data["align"] = list(self.align)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FactTable:
        """Inverse of :meth:`to_dict`. Raises ``KeyError``/``IndexError`` on a malformed dict."""
        path = data.get("path", NO_POS.path)
        lines = data.get("row_lines") or [0] * len(data["rows"])
        return cls(
            columns=tuple(data["columns"]),
            rows=tuple(
                FactRow(cells[0], tuple(cells[1:]), SourcePos(path, int(line)))
                for cells, line in zip(data["rows"], lines, strict=True)
            ),
            pos=SourcePos(path, int(data.get("line", 0))),
            align=tuple(data.get("align", ())),
        )


@dataclass(frozen=True, slots=True)
class Prose:
    """Markdown kept for the site only (paragraphs, lists, code blocks): never a card.

    Attributes:
        text: the Markdown source, verbatim between its first and last non-blank line.
        pos: where it starts (not compared).
    """

    text: str
    pos: SourcePos = field(default=NO_POS, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"text", "line", "path"}``."""
        return {"text": self.text, "line": self.pos.line, "path": self.pos.path}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Prose:
        """Inverse of :meth:`to_dict`. Raises ``KeyError`` on a malformed dict."""
        return cls(data["text"], SourcePos(data.get("path", NO_POS.path), int(data.get("line", 0))))


Block = Card | FactTable | Prose
"""What a section holds, in source order."""


@dataclass(frozen=True, slots=True)
class Section:
    """A ``##`` section of a sheet.

    Attributes:
        slug: URL/identifier form of the title, unique within the sheet (e.g. ``tokens``).
        emoji: the leading emoji of the heading, kept apart from the title ("" when none).
        title: heading text without the emoji (e.g. ``TOKENS``).
        blocks: cards, fact tables and prose in source order.
        pos: where the heading is (not compared).
    """

    slug: str
    emoji: str
    title: str
    blocks: tuple[Block, ...]
    pos: SourcePos = field(default=NO_POS, compare=False)

    @property
    def cards(self) -> tuple[Card, ...]:
        """The Q&A and gotcha cards of this section, in source order."""
        return tuple(b for b in self.blocks if isinstance(b, Card))

    @property
    def fact_tables(self) -> tuple[FactTable, ...]:
        """The fact tables of this section, in source order."""
        return tuple(b for b in self.blocks if isinstance(b, FactTable))

    @property
    def note_count(self) -> int:
        """Notes this section makes in Anki: one per card, one per fact-table row."""
        return len(self.cards) + sum(len(t.rows) for t in self.fact_tables)

    @property
    def card_count(self) -> int:
        """Cards as Anki counts them: one per Q&A or gotcha note, one per non-empty fact value
        (a cloze note makes one card per cloze)."""
        return len(self.cards) + sum(
            sum(1 for value in row.values if value) for t in self.fact_tables for row in t.rows)

    def to_dict(self) -> dict[str, Any]:
        """Return the section as in the JSON export: title, emoji, slug, cards, tables, blocks."""
        return {
            "title": self.title,
            "emoji": self.emoji,
            "slug": self.slug,
            "line": self.pos.line,
            "cards": [c.to_dict() for c in self.cards],
            "tables": [t.to_dict() for t in self.fact_tables],
            "blocks": [_block_to_dict(b) for b in self.blocks],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, path: str = NO_POS.path) -> Section:
        """Inverse of :meth:`to_dict` (reads ``blocks``). Raises ``KeyError``/``ValueError``."""
        return cls(
            slug=data["slug"],
            emoji=data.get("emoji", ""),
            title=data["title"],
            blocks=tuple(_block_from_dict(b) for b in data["blocks"]),
            pos=SourcePos(path, int(data.get("line", 0))),
        )


def _block_to_dict(block: Block) -> dict[str, Any]:
    kind = {Card: "card", FactTable: "table", Prose: "prose"}[type(block)]
    return {"type": kind, **block.to_dict()}


def _block_from_dict(data: dict[str, Any]) -> Block:
    readers: dict[str, Callable[[dict[str, Any]], Block]] = {
        "card": Card.from_dict, "table": FactTable.from_dict, "prose": Prose.from_dict}
    try:
        reader = readers[data["type"]]
    except KeyError:
        raise ValueError(f"unknown block type {data.get('type')!r}") from None
    return reader(data)


@dataclass(frozen=True, slots=True)
class Sheet:
    """One cheat sheet: one source file, one subdeck, one part of the site.

    Attributes:
        slug: identifier derived from the title (e.g. ``stage-1-interview-cheat-sheet``); part of
            every note GUID, so it must stay stable across edits of the sheet's content.
        title: the ``#`` heading text.
        subtitle: the first paragraph after the title ("" when none).
        footer: a last ``Next: …`` paragraph ("" when none).
        sections: the ``##`` sections in order.
        path: the source file path (not compared).
        media: the images the sheet shows, one per distinct ``ref``, in order of first use
            (empty unless read from a file: :func:`cheatdeck.reader.read_file` resolves them).
            Not in :meth:`to_dict`: the JSON export holds the Markdown, which names the files.
        skipped: the rows the reader skipped with a warning, in source order (not compared:
            the canonical writer has nothing to write for them, and ``fmt`` leaves a sheet with
            skipped rows as it is).
    """

    slug: str
    title: str
    subtitle: str
    footer: str
    sections: tuple[Section, ...]
    path: str = field(default=NO_POS.path, compare=False)
    media: tuple[Media, ...] = ()
    skipped: tuple[SkippedRow, ...] = field(default=(), compare=False)

    @property
    def cards(self) -> tuple[Card, ...]:
        """Every card of the sheet, section by section."""
        return tuple(c for s in self.sections for c in s.cards)

    def to_dict(self) -> dict[str, Any]:
        """Return the sheet as in the JSON export (see README "JSON export")."""
        return {
            "title": self.title,
            "subtitle": self.subtitle,
            "footer": self.footer,
            "slug": self.slug,
            "path": self.path,
            "sections": [s.to_dict() for s in self.sections],
            "skipped": [r.to_dict() for r in self.skipped],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Sheet:
        """Inverse of :meth:`to_dict`. Raises ``KeyError``/``ValueError`` on a malformed dict."""
        path = data.get("path", NO_POS.path)
        return cls(
            slug=data["slug"],
            title=data["title"],
            subtitle=data.get("subtitle", ""),
            footer=data.get("footer", ""),
            sections=tuple(Section.from_dict(s, path=path) for s in data["sections"]),
            path=path,
            skipped=tuple(SkippedRow.from_dict(r) for r in data.get("skipped", ())),
        )


@dataclass(frozen=True, slots=True)
class Library:
    """Every sheet of a project, in path order.

    Attributes:
        sheets: the sheets, sorted by source path.
    """

    sheets: tuple[Sheet, ...]

    @property
    def sections(self) -> tuple[Section, ...]:
        """Every section of every sheet, in order."""
        return tuple(section for sheet in self.sheets for section in sheet.sections)

    @property
    def media_names(self) -> dict[str, str]:
        """``{ref: shipped file name}`` of every image of every sheet (first sheet wins; the
        reader reports a ref that names two different files in two sheets)."""
        names: dict[str, str] = {}
        for sheet in self.sheets:
            for media in sheet.media:
                names.setdefault(media.ref, media.name)
        return names

    @property
    def media_files(self) -> tuple[Media, ...]:
        """One :class:`Media` per shipped file name, sorted by name (what the outputs hold)."""
        files: dict[str, Media] = {}
        for sheet in self.sheets:
            for media in sheet.media:
                files.setdefault(media.name, media)
        return tuple(files[name] for name in sorted(files))

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"schema": 2, "sheets": [...]}``, the documented JSON export."""
        return {"schema": SCHEMA_VERSION, "sheets": [s.to_dict() for s in self.sheets]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Library:
        """Inverse of :meth:`to_dict`.

        Reads schema 2 and schema 1 (:data:`READABLE_SCHEMAS`; a schema-1 card has no ``shape``
        and reads as :data:`ROW`, which is what schema 1 could hold).

        Raises:
            ValueError: the dict has another schema version, an unknown block type or shape.
            KeyError: a required key is missing.
        """
        if data.get("schema") not in READABLE_SCHEMAS:
            raise ValueError(f"unsupported schema {data.get('schema')!r}; expected one of "
                             f"{sorted(READABLE_SCHEMAS)}")
        return cls(tuple(Sheet.from_dict(s) for s in data["sheets"]))
