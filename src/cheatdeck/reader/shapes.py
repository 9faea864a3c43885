"""Q&A shapes other than tables: questions as headings, bold lines, bullets, details, Q:/A: lines.

Real interview sheets mostly write a question as a line of its own and its answer as the
Markdown blocks under it (README "Format"). Each shape has one reader here; the token walk
(:mod:`cheatdeck.reader.tokens`) asks :data:`BLOCK_READERS` (by the opening token's type) at
every top-level block, and :func:`list_item_question` for each item of a list. A reader returns
the cards it read and the index of the first block it did not use; the walk does the rest.

Rules (where a rule is a judgement call, the reason is given):

* A **question** is text ending in ``?`` (or ``？``), or text with a number in front (``1.``,
  ``12)``, ``Q3:``); ``**bold**`` around it (or around its number) is not part of it, so the
  same question reads the same, and keeps its GUID, in every shape.
* **Heading** (``###`` … ``######``, and ``##``): a question heading's answer is every block up
  to the next heading of that level or higher, or the next question heading. A heading that is
  only numbered (no ``?``) and holds a question heading is a section or sub-title, not a
  question (``## 1. Basics`` over ``### What…?``); so is a numbered heading at the section's
  level, and a question heading with nothing under it (a list of questions without answers
  makes no cards).
  ``1. ### Why…?`` (a heading in an ordered-list item) is the same shape.
* **Bold**: a paragraph line that is a bold question (``**What is overfitting?**``, or a bold
  lead-in ``**What…?** Answer…``); **Q:/A: lines**: ``Q:``/``Q.``/``Question:`` (also bold, also
  numbered ``Q3:``) then an ``A:``/``A.``/``Answer:`` line. Their answer runs on over the
  following blocks until a heading, a thematic break, the next question of these shapes or a
  ``<details>`` block: the author wrote nothing else between two questions.
* **Details**: ``<details><summary>Question</summary> answer </details>``, nested ``<details>``
  inside the answer kept; the answer ends at the matching ``</details>``
  (:mod:`cheatdeck.reader.details`).
* **Bullet**: a list item whose first line is a question and whose item holds more (nested
  list, indented paragraphs, or lines run on under the question): the rest is the answer.
Answers are block Markdown (:func:`cheatdeck.reader.normalize.block_text`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from markdown_it.token import Token

from cheatdeck.model import Shape
from cheatdeck.reader.details import read_asked_details, read_details, unwrap_answer
from cheatdeck.reader.normalize import block_text, clean
from cheatdeck.reader.questions import (
    A_LINE,
    ANSWER_ITEM,
    ITEM_MARKER,
    Q_LINE,
    QUESTION_END,
    Context,
    Found,
    Read,
    bold_question,
    heading_items,
    heading_level,
    heading_question,
    is_question,
    span,
    split_question,
)

# --- headings ---------------------------------------------------------------------------


def _answer_end(ctx: Context, index: int, level: int, asks: bool) -> int | None:
    """Index of the first block after the answer of a level-``level`` question heading at
    ``index``: the next heading of that level or higher, or the next question heading (or
    ``1. ### …`` list) at any level. ``asks``: the heading ends in ``?``; a heading that is
    only numbered and holds a question heading is a section or sub-title (``## 1. Basics``
    over ``### What…?``): None."""
    end = index + 1
    while end < ctx.stop:
        opener, group = ctx.blocks[end]
        if opener.type == "heading_open":
            if heading_level(opener) <= level:
                break
            if heading_question(group[1]) is not None:
                return end if asks else None
        elif opener.type in ("ordered_list_open", "bullet_list_open") \
                and heading_items(group) is not None:
            return end if asks else None
        end += 1
    return end


def _following_answer(ctx: Context, first_line: int, start: int, end: int) -> tuple[str, range]:
    """The answer made of the lines from ``first_line`` to the end of block ``end - 1``
    (or nothing when ``end == start``), and the output lines it spans."""
    last_line = span(ctx.blocks[end - 1][1])[1] if end > start else first_line
    return block_text(ctx.lines[first_line:last_line]), range(first_line, last_line)


def read_heading(ctx: Context, index: int) -> Read | None:
    """Read a question heading (``## …?`` to ``###### …?``, or numbered below the section's
    level: ``## 1. Basics`` directly under the title is a section) and its answer.

    A question heading with nothing under it is returned with an empty answer (the walk reads
    it as an ordinary heading and says so).
    """
    opener, group = ctx.blocks[index]
    level = heading_level(opener)
    parsed = heading_question(group[1]) if level >= 2 else None
    if parsed is None or (not parsed[0].endswith(QUESTION_END) and level <= ctx.section_level):
        return None
    question, number, bold = parsed
    end = _answer_end(ctx, index, level, question.endswith(QUESTION_END))
    if end is None:
        return None
    start_line, after = span(group)
    answer, lines = _following_answer(ctx, after, index + 1, end)
    shape = Shape("heading", level=level, number=number, bold=bold)
    found = Found(question, answer, shape, start_line, range(start_line, lines.stop))
    return Read([found], end)


def read_heading_list(ctx: Context, index: int) -> Read | None:
    """Read ``1. ### Why…?`` items: each item's heading is a numbered question heading, its
    answer the rest of the item; the last item's answer runs on over the blocks after the list,
    as a heading's would."""
    opener, group = ctx.blocks[index]
    items = heading_items(group)
    if items is None:
        return None
    found: list[Found] = []
    end = index + 1
    for position, (_, heading, start, stop) in enumerate(items):
        inline = group[group.index(heading) + 1]
        question, _, bold = split_question(inline.content)
        marker = ITEM_MARKER.match(ctx.lines[start])
        number = marker.group("number") if marker and marker.group("number") else ""
        if not is_question(question, number):
            return None
        indent = marker.end() if marker else 0
        body = ctx.lines[(heading.map or (start, start + 1))[1]:stop]
        lines = range(start, stop)
        if position == len(items) - 1:
            level = heading_level(heading)
            end = _answer_end(ctx, index, level, asks=True) or index + 1
            if end > index + 1:
                last = span(ctx.blocks[end - 1][1])[1]
                body = [*body, *ctx.lines[stop:last]]
                lines = range(start, last)
        answer = block_text(body, indent=indent)
        shape = Shape("heading", level=heading_level(heading), number=number, bold=bold)
        found.append(Found(question, answer, shape, start, lines))
    return Read(found, end)


# --- bold lines and Q:/A: lines -----------------------------------------------------------


def _run_on(ctx: Context, index: int) -> int:
    """Index of the first block after ``index`` that a run-on answer may not take."""
    end = index + 1
    while end < ctx.stop and not ctx.starts_question(end):
        end += 1
    return end


def _split_paragraph(ctx: Context, index: int,
                     starts: Callable[[str], bool]) -> list[tuple[int, int]] | None:
    """Output line ranges of the questions in paragraph ``index``: one per line ``starts``
    accepts, up to the next such line (None unless the first line is one)."""
    start, end = span(ctx.blocks[index][1])
    heads = [line for line in range(start, end) if starts(ctx.lines[line])]
    if not heads or heads[0] != start:
        return None
    return [(head, nxt) for head, nxt in zip(heads, [*heads[1:], end], strict=True)]


def read_bold(ctx: Context, index: int) -> Read | None:
    """Read bold questions (``**Why…?**`` or ``**1. Explain …**`` lines, or a bold lead-in
    ``**Why…?** answer``) and their run-on answers."""
    parts = _split_paragraph(ctx, index, lambda line: bold_question(line) is not None)
    if parts is None:
        return None
    end = _run_on(ctx, index)
    found = []
    for position, (head, stop) in enumerate(parts):
        question, number, tail = bold_question(ctx.lines[head]) or ("", "", "")
        last = span(ctx.blocks[end - 1][1])[1] if position == len(parts) - 1 else stop
        body = [tail, *ctx.lines[head + 1:last]] if tail else ctx.lines[head + 1:last]
        found.append(Found(question, block_text(body), Shape("bold", number=number), head,
                           range(head, last)))
    return Read(found, end)


def _a_line(line: str) -> re.Match[str] | None:
    return A_LINE.fullmatch(line)


def read_lines(ctx: Context, index: int) -> Read | None:
    """Read ``Q: …`` / ``A: …`` pairs (also ``Q.``/``A.``, ``Question:``/``Answer:``, bold,
    numbered); a pair's answer runs on over the following blocks. The ``A:`` line may be the
    next paragraph, or a list opened by ``- answer: …`` (the list is the answer's start). A
    ``Q:`` with neither is read with an empty answer."""
    parts = _split_paragraph(ctx, index, lambda line: Q_LINE.match(line) is not None)
    if parts is None:
        return None
    end = index + 1
    found = []
    for position, (head, stop) in enumerate(parts):
        q = Q_LINE.match(ctx.lines[head])
        assert q is not None  # _split_paragraph checked it
        label, rest = q.group("label"), q.group("rest").rstrip()
        bold = bool(q.group("open")) and not q.group("close")
        if bold and rest.endswith(q.group("open")):
            rest = rest[:-2].rstrip()
        elif q.group("open"):
            label = q.group("open") + label + (q.group("close") or "")
        answer_at = next((line for line in range(head + 1, stop) if _a_line(ctx.lines[line])),
                         None)
        last_part = position == len(parts) - 1
        listed = False  # the answer is a list opened by "- answer: …" (kept in the answer)
        if answer_at is None and last_part and index + 1 < ctx.stop:
            candidate = span(ctx.blocks[index + 1][1])[0]
            follower = ctx.blocks[index + 1][0].type
            if follower == "paragraph_open" and _a_line(ctx.lines[candidate]) \
                    and Q_LINE.match(ctx.lines[candidate]) is None:
                answer_at, end = candidate, index + 2
            elif follower == "bullet_list_open" and ANSWER_ITEM.match(ctx.lines[candidate]):
                answer_at, end, listed = candidate, index + 2, True
        question = clean(" ".join([rest, *ctx.lines[head + 1:answer_at or stop]]))
        if answer_at is None and position == 0 and bold_question(ctx.lines[head]):
            return None  # "**Q3: Why…?**" then a paragraph: a numbered bold question
        if answer_at is None:
            found.append(Found(question, "", Shape("lines", label=label, bold=bold), head,
                               range(head, stop)))
            continue
        last = stop
        if last_part:
            end = _run_on(ctx, end - 1)
            last = max(stop, span(ctx.blocks[end - 1][1])[1])
        a = None if listed else _a_line(ctx.lines[answer_at])
        first = (a.group("rest") if a else "").strip()
        if listed:
            body = ctx.lines[answer_at:last]
        elif first:
            body = [first, *ctx.lines[answer_at + 1:last]]
        else:
            body = ctx.lines[answer_at + 1:last]
        found.append(Found(question, block_text(body), Shape("lines", label=label, bold=bold),
                           head, range(head, last)))
    return Read(found, end)


# --- bullets --------------------------------------------------------------------------------


def list_item_question(lines: list[str], group: list[Token], position: int) -> Found | None:
    """Read the list item opened at ``group[position]`` as a bullet question, or None.

    The item's first line must end in ``?`` (after :func:`split_question`; an ordered item's
    number is its number) and the item must hold more: that rest, de-indented by the item's
    content offset, is the answer.
    """
    item = group[position]
    start, end = item.map or (0, 0)
    marker = ITEM_MARKER.match(lines[start])
    if marker is None:
        return None
    question, number, bold = split_question(lines[start][marker.end():])
    list_number = marker.group("number") or ""
    if number and list_number:
        return None  # "1. 2. …": not a shape anyone writes for a question
    number = list_number or number
    if not question.endswith(QUESTION_END):
        return None  # measured: "2. **filter:**" items are answers' lists, not questions
    label, answer = unwrap_answer(block_text(lines[start + 1:end], indent=marker.end()))
    if not answer or _only_questions(answer):
        return None
    return Found(question, answer, Shape("bullet", number=number, label=label, bold=bold),
                 start, range(start, end))


def _only_questions(answer: str) -> bool:
    """True when ``answer`` is only a list whose items are all questions (``- What is a
    FROM?``): an outline of sub-questions with no answer, not the answer (measured on a
    public sheet, where it made a card whose back was four questions)."""
    items = answer.split("\n")
    return all((m := ITEM_MARKER.match(item)) is not None
               and split_question(item[m.end():])[0].endswith(QUESTION_END) for item in items)


BLOCK_READERS: Mapping[str, tuple[Callable[[Context, int], Read | None], ...]] = {
    "heading_open": (read_heading,),
    "paragraph_open": (read_details, read_asked_details, read_lines, read_bold),
    "ordered_list_open": (read_heading_list,),
    "bullet_list_open": (read_heading_list,),
}
"""Opening token type → the shape readers to try, in order (the first that reads wins)."""
