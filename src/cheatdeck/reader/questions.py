"""What a question is, and what the shape readers share (:mod:`cheatdeck.reader.shapes`).

A **question** is text ending in ``?`` (or ``？``), or text with a number in front (``1.``,
``12)``, ``Q3:``); ``**bold**`` around it (or around its number) is not part of it, so the same
question reads the same, and keeps its GUID, in every shape (README "Format").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it.token import Token

from cheatdeck.model import Shape
from cheatdeck.reader.normalize import clean

Group = tuple[Token, list[Token]]
"""A top-level block: its opening token and all its tokens (:func:`tokens._top_level`)."""

_BOLD = re.compile(r"(\*\*|__)(?P<text>(?:(?!\1).)+)\1")
_NUMBER = re.compile(r"(?P<number>(?:Q(?:uestion)?\s?\d+|\d{1,4})[.):]|Q\d+)[ \t]+(?=\S)")
_BOLD_NUMBER = re.compile(
    r"(\*\*|__)(?P<number>(?:Q(?:uestion)?\s?\d+|\d{1,4})[.):]?)\1[ \t]+(?=\S)")
"""A bold number in front of the question: ``**Q1.** What…?``."""
QUESTION_END = ("?", "？")
BOLD_LINE = re.compile(r"[ ]{0,3}(\*\*|__)(?P<text>(?:(?!\1).)+)\1(?P<tail>.*)")
Q_LINE = re.compile(
    r"[ ]{0,3}(?P<open>\*\*|__)?(?P<label>(?:Q|Question)(?:\s?\d+)?\s?[:.])(?P<close>\*\*|__)?"
    r"[ \t]+(?P<rest>\S.*)")
A_LINE = re.compile(
    r"[ ]{0,3}(?P<open>\*\*|__)?(?:A|Answer)(?:\s?\d+)?\s?[:.](?(open)(?P=open))(?:[ \t]+|$)"
    r"(?P<rest>.*)")
ANSWER_ITEM = re.compile(
    r"[ ]{0,3}[-*+][ \t]+(?P<open>\*\*|__)?answer[ \t]*:(?(open)(?P=open))(?:[ \t]|$)",
    re.IGNORECASE)
"""A bullet that opens an answer's list: ``- answer: …`` (also ``- **Answer:**``); under a
``Q1.`` line it stands for the ``A:`` line (measured: a public sheet wrote every answer so)."""
DASH_RULE = re.compile(r"[ ]{0,3}[\u2014\u2015\u2E3A\u2E3B\u2500\u2501]+[ \t]*")
"""A line of only long dashes (``⸻``, ``——``, ``───``): a rule its author wrote between
questions, which Markdown does not read as a thematic break (only ``---``, ``***``, ``___``)."""
DETAILS_START = re.compile(r"[ ]{0,3}<details\b", re.IGNORECASE)
ITEM_MARKER = re.compile(r"[ ]{0,3}(?P<marker>[-*+]|(?P<number>\d{1,9}[.)]))(?:[ \t]+|$)")


@dataclass(frozen=True, slots=True)
class Found:
    """One question read from the sheet.

    Attributes:
        question: the question (inline Markdown, cleaned).
        answer: the answer (block Markdown, :func:`block_text`); "" when it has none.
        shape: how it is written (:class:`cheatdeck.model.Shape`).
        line: the output line (of the repaired text) of the question.
        lines: the output lines the question and its answer span (they are in the model).
    """

    question: str
    answer: str
    shape: Shape
    line: int
    lines: range


@dataclass(frozen=True, slots=True)
class Read:
    """What a block reader read.

    Attributes:
        found: the questions, in source order.
        next: index of the first top-level block not read.
        rest: output lines ``[start, end)`` after the last answer inside the last block read
            (a paragraph running on after ``</details>``): the walk keeps them as prose.
    """

    found: list[Found]
    next: int
    rest: tuple[int, int] | None = None


@dataclass(slots=True)
class Context:
    """What a block reader sees; one per sheet walk (the walk updates ``section_level``).

    Attributes:
        lines: the repaired text's lines (:attr:`RepairedText.lines`).
        blocks: the top-level blocks of the sheet.
        stop: index of the first block no answer may take (the footer paragraph, or the end).
        section_level: heading level of the current section (2 for ``##``, 1 for a later
            ``#``; 2 before the first section). A numbered heading is a question only below it.
    """

    lines: list[str]
    blocks: Sequence[Group]
    stop: int
    section_level: int = 2
    _question_starts: dict[int, bool] = field(default_factory=dict)

    def _above_details(self, index: int, group: list[Token]) -> bool:
        if index + 1 >= len(self.blocks) or self.blocks[index + 1][0].type != "paragraph_open":
            return False
        below = self.lines[(self.blocks[index + 1][0].map or (0, 0))[0]]
        question, number, _ = split_question(group[1].content)
        return bool(DETAILS_START.match(below)) and is_question(question, number)

    def starts_question(self, index: int) -> bool:
        """True if block ``index`` ends the run-on answer of a bold or Q:/A: question: a
        heading, a thematic break (also a paragraph that is one :data:`DASH_RULE` line), a
        paragraph opening a bold, Q:/A: or details question, a question paragraph right above
        a ``<details>`` (its folded answer), or a ``1. ### …`` list."""
        if index not in self._question_starts:
            opener, group = self.blocks[index]
            if opener.type in ("heading_open", "hr"):
                starts = True
            elif opener.type == "paragraph_open":
                first = self.lines[(opener.map or (0, 0))[0]]
                starts = bool(DETAILS_START.match(first) or Q_LINE.match(first)
                              or DASH_RULE.fullmatch(group[1].content)
                              or bold_question(first) is not None
                              or self._above_details(index, group))
            else:
                starts = heading_items(group) is not None
            self._question_starts[index] = starts
        return self._question_starts[index]


def split_question(text: str) -> tuple[str, str, bool]:
    """Split a question as written into ``(question, number, bold)``.

    ``"1. **Why is TCP reliable?**"`` → ``("Why is TCP reliable?", "1.", True)``; ``"**Q3: Why?**"``
    → ``("Why?", "Q3:", True)``; ``"**Q1.** Why?"`` → ``("Why?", "Q1.", False)``; ``"Why?"`` →
    ``("Why?", "", False)``. Whitespace is cleaned.
    """
    text = clean(text)
    bold = False
    if match := _BOLD.fullmatch(text):
        text, bold = match.group("text").strip(), True
    number = ""
    if match := _NUMBER.match(text) or _BOLD_NUMBER.match(text):
        number, text = match.group("number"), text[match.end():]
    if match := _BOLD.fullmatch(text):
        text, bold = match.group("text").strip(), True
    return text, number, bold


def is_question(question: str, number: str) -> bool:
    """True when ``question`` (from :func:`split_question`) reads as a question: it ends in a
    question mark or it is numbered, and it holds a letter or digit (``## ???`` and ``## —``
    are sections titled so, README "Titles and headings")."""
    return any(ch.isalnum() for ch in question) and (question.endswith(QUESTION_END)
                                                     or bool(number))


_NUMBER_ONLY = re.compile(r"(?:Q(?:uestion)?\s?\d+|\d{1,4})[.):]?")
"""A bold number alone: ``**Q1.**`` or ``**12.**`` in ``**Q1.** What…?``."""


def bold_question(line: str) -> tuple[str, str, str] | None:
    """``(question, number, tail)`` of a line starting with a bold question, else None.

    ``**Q1.** What…?`` (only the number bold, the question after it: ending in ``?`` or
    numbered ``Q…``) is a bold question too, numbered ``Q1.``, with no tail."""
    match = BOLD_LINE.fullmatch(line)
    if match is None:
        return None
    text, tail = match.group("text").strip(), match.group("tail").strip()
    if _NUMBER_ONLY.fullmatch(text) and tail and (tail.endswith(QUESTION_END)
                                                   or text.startswith("Q")):
        question = clean(tail)
        return (question, text, "") if any(ch.isalnum() for ch in question) else None
    question, number, _ = split_question(match.group("text"))
    if not is_question(question, number):
        return None
    return question, number, match.group("tail").strip()


def heading_level(token: Token) -> int:
    return int(token.tag[1])


def span(group: list[Token]) -> tuple[int, int]:
    return tuple(group[0].map or (0, 0))  # type: ignore[return-value]


def heading_question(inline: Token) -> tuple[str, str, bool] | None:
    question, number, bold = split_question(inline.content)
    return (question, number, bold) if is_question(question, number) else None


def heading_items(group: list[Token]) -> list[tuple[Token, Token, int, int]] | None:
    """``(item, heading, item start, item end)`` for each item of a list whose first item starts
    with a heading (``1. ### Why…?``), else None. An item without a heading belongs to the
    answer before it (an answer's own list written at the margin continues the outer list)."""
    items: list[tuple[Token, Token, int, int]] = []
    for position, token in enumerate(group):
        if token.type == "list_item_open" and token.level == 1:
            heading = group[position + 1]
            start, end = token.map or (0, 0)
            if heading.type == "heading_open":
                items.append((token, heading, start, end))
            elif not items:
                return None
            else:
                items[-1] = (*items[-1][:3], end)
    return items or None


