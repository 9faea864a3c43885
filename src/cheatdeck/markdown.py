"""Canonical writer: model → Markdown that the reader reads back to the same model.

``read(write(m)) == m`` for every model the reader can produce, and so ``fmt`` is idempotent:
``write(read(write(read(x)))) == write(read(x))``. The canonical form is the left column of the
source-language table in DESIGN.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import groupby

from cheatdeck.model import Block, Card, FactTable, Prose, Section, Sheet
from cheatdeck.reader.questions import ANSWER_ITEM

_QA_EXTRA = (("Tags", "tags"), ("Extra", "extra"), ("ID", "id"))


def _cell(text: str) -> str:
    # GFM splits cells on every unescaped pipe, even inside code spans; the reader's table
    # parser removes exactly one backslash before each pipe, so this inverts it.
    return text.replace("|", "\\|")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _qa_table(cards: list[Card]) -> Iterator[str]:
    """One Q&A table: the author's labels, the known columns in use, then the other columns
    (every card of one table has the same labels and other columns: :func:`_group_key`)."""
    extras = [(label, attr) for label, attr in _QA_EXTRA if any(getattr(c, attr) for c in cards)]
    others = [label for label, _ in cards[0].columns]
    header = [*(cards[0].labels or ("Question", "Answer")), *(label for label, _ in extras),
              *others]
    yield _row(header)
    yield "|" + " --- |" * len(header)
    for card in cards:
        values = {"tags": " ".join(card.tags), "extra": card.extra, "id": card.id}
        yield _row([card.question, card.answer, *(values[attr] for _, attr in extras),
                    *(value for _, value in card.columns)])


def _gotchas(cards: list[Card]) -> Iterator[str]:
    for card in cards:
        yield f'- "{card.question}" — {card.answer}'


_DELIMITERS = {"": "---", "left": ":---", "right": "---:", "center": ":---:"}
"""A column's alignment → its GFM delimiter cell."""


def _fact_table(table: FactTable) -> Iterator[str]:
    yield _row(list(table.columns))
    yield "|" + "".join(f" {_DELIMITERS[table.alignment(i)]} |" for i in range(len(table.columns)))
    for row in table.rows:
        yield _row([row.subject, *row.values])


_PLAIN_START = re.compile(r"[^\s`~\-*+#>|<\d=_]")
"""A first answer line that can follow ``A:`` on its line: it starts no block of its own."""


def _question(card: Card) -> str:
    """The question as written in a heading, list item or summary: number, then bold."""
    shape = card.shape
    text = f"**{card.question}**" if shape.bold else card.question
    return f"{shape.number} {text}" if shape.number else text


def _indent(text: str, width: int) -> str:
    return "\n".join(" " * width + line if line.strip() else "" for line in text.split("\n"))


def _answer_label(label: str) -> str:
    """``Q:`` → ``A:``, ``**Question 3.**`` → ``**Answer 3.**``."""
    return re.sub(r"Question|Q", lambda m: "Answer" if m.group() == "Question" else "A", label,
                  count=1)


def _heading(card: Card) -> str:
    return f"{'#' * card.shape.level} {_question(card)}\n\n{card.answer}"


def _bold(card: Card) -> str:
    number = f"{card.shape.number} " if card.shape.number else ""
    return f"**{number}{card.question}**\n\n{card.answer}"


def _folded(summary: str, answer: str) -> str:
    return f"<details>\n<summary>{summary}</summary>\n\n{answer}\n\n</details>"


def _bullet(card: Card) -> str:
    marker = card.shape.number or "-"  # an ordered item's number is its list marker
    question = f"**{card.question}**" if card.shape.bold else card.question
    answer = _folded(card.shape.label, card.answer) if card.shape.label else card.answer
    return f"{marker} {question}\n\n{_indent(answer, len(marker) + 1)}"


def _details(card: Card) -> str:
    if not card.shape.label:
        return _folded(_question(card), card.answer)
    # The question stands before a <details> whose summary is a label such as "Answer"; a
    # number is written bold so the line stays a paragraph, not a list item.
    number = f"**{card.shape.number}** " if card.shape.number else ""
    question = f"**{card.question}**" if card.shape.bold else card.question
    return f"{number}{question}\n\n{_folded(card.shape.label, card.answer)}"


def _lines(card: Card) -> str:
    shape = card.shape
    asked = f"{shape.label} {card.question}"
    question = f"**{asked}**" if shape.bold else asked
    if ANSWER_ITEM.match(card.answer.split("\n", 1)[0]):  # "- answer: …" stands for "A:"
        return f"{question}\n\n{card.answer}"
    label = _answer_label(shape.label)
    if _PLAIN_START.match(card.answer):
        return f"{question}\n{label} {card.answer}"
    return f"{question}\n{label}\n\n{card.answer}"


_SHAPE_WRITERS: dict[str, Callable[[Card], str]] = {
    "heading": _heading,
    "bold": _bold,
    "bullet": _bullet,
    "details": _details,
    "lines": _lines,
}
"""Card shape form → its canonical Markdown (README "Format"); ``row`` cards share a table."""


def _group_key(block: Block) -> object:
    """Blocks with one key are written as one table or list: row cards of one kind, and for Q&A
    cards the same labels and other columns; a card of a block shape stands alone."""
    if isinstance(block, Card) and not block.shape.is_block:
        return ("card", block.kind, block.labels, tuple(label for label, _ in block.columns))
    return id(block)


def _runs(blocks: tuple[Block, ...]) -> Iterator[list[Block]]:
    """Runs of blocks sharing a :func:`_group_key`, a card with ``new_table`` opening a new one."""
    for _, run in groupby(blocks, key=_group_key):
        current: list[Block] = []
        for block in run:
            if current and isinstance(block, Card) and block.new_table:
                yield current
                current = []
            current.append(block)
        yield current


def _blocks(blocks: tuple[Block, ...]) -> Iterator[str]:
    """Yield each run of blocks as one Markdown chunk (runs of same-kind cards share a table)."""
    for run in _runs(blocks):
        items = run
        first = items[0]
        if isinstance(first, Card) and first.shape.is_block:
            yield _SHAPE_WRITERS[first.shape.form](first)
        elif isinstance(first, Card):
            cards = [c for c in items if isinstance(c, Card)]
            lines = _qa_table(cards) if first.kind == "qa" else _gotchas(cards)
            yield "\n".join(lines)
        elif isinstance(first, FactTable):
            yield "\n".join(_fact_table(first))
        elif isinstance(first, Prose):
            yield first.text


def _section(section: Section) -> Iterator[str]:
    heading = f"{section.emoji} {section.title}" if section.emoji else section.title
    yield f"## {heading}"
    yield from _blocks(section.blocks)


def write_markdown(sheet: Sheet) -> str:
    """Render a sheet as canonical Markdown.

    Args:
        sheet: any sheet the reader produced (or built in code with reader-valid text: text
            fields hold no line breaks, a gotcha question holds no ``" —``).

    Returns:
        The Markdown text: ``# title``, subtitle paragraph, ``## emoji title`` sections with
        2-column Q&A tables (``Tags``/``Extra``/``ID`` columns only when used), gotcha bullets
        ``- "Claim" — explanation``, fact tables, prose verbatim, cards of other shapes in
        their shape (:data:`_SHAPE_WRITERS`: ``### Question?``, ``**Question?**``,
        ``- Question?``, ``<details>``, ``Q:``/``A:``) with their block answers, then the footer; blocks
        separated by one blank line; ends with one newline.
    """
    chunks = [f"# {sheet.title}"]
    if sheet.subtitle:
        chunks.append(sheet.subtitle)
    for section in sheet.sections:
        chunks.extend(_section(section))
    if sheet.footer:
        chunks.append(sheet.footer)
    return "\n\n".join(chunks) + "\n"
