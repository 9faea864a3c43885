"""The ``<details>`` shape: ``<details><summary>Question</summary> answer </details>``.

Also the form the study site itself writes. Nested ``<details>`` inside the answer are kept;
the answer ends at the matching ``</details>`` (fenced code inside is skipped while counting).
A summary that only names the answer (``Answer``, ``Show answer``, ``Solution``, ``Hint``)
is no question: the question is the paragraph before it (:func:`read_asked_details`), or a
bullet's first line (:func:`unwrap_answer`). Readers follow the contract of
:mod:`cheatdeck.reader.shapes`.
"""

from __future__ import annotations

import re

from cheatdeck.model import Shape
from cheatdeck.reader.normalize import block_text, clean
from cheatdeck.reader.questions import (
    DETAILS_START,
    Context,
    Found,
    Read,
    is_question,
    span,
    split_question,
)

_DETAILS_OPEN = re.compile(r"<details\b[^>]*>", re.IGNORECASE)
_DETAILS_CLOSE = re.compile(r"</details\s*>", re.IGNORECASE)
_ANSWER_LABEL = re.compile(r"(?:show|see|view|reveal|click)?\s*(?:the\s+)?(?:answer|solution|"
                           r"explanation|hint)s?\s*:?", re.IGNORECASE)
_SUMMARY = re.compile(r"<summary\b[^>]*>(?P<text>.*?)</summary\s*>", re.IGNORECASE | re.DOTALL)
_EMPHASIS_TAG = re.compile(r"</?(?:b|strong|em|i)\s*>", re.IGNORECASE)
_CODE_TAG = re.compile(r"<code>(?P<text>.*?)</code>", re.IGNORECASE | re.DOTALL)
_FENCE = re.compile(r"[ ]{0,3}(`{3,}|~{3,})")


def _details_end(lines: list[str], start: int) -> int | None:
    """The line of the ``</details>`` closing the one opened on ``start`` (nested ones
    counted, fenced code skipped), or None."""
    depth = 0
    fence = ""
    for line in range(start, len(lines)):
        text = lines[line]
        if fence:
            if text.strip().startswith(fence) and not text.strip().strip(fence[0]):
                fence = ""
            continue
        if match := _FENCE.match(text):
            fence = match.group(1)
            continue
        depth += len(_DETAILS_OPEN.findall(text)) - len(_DETAILS_CLOSE.findall(text))
        if depth <= 0:
            return line
    return None


def _summary_text(html: str) -> str:
    """A ``<summary>``'s content as inline Markdown: emphasis tags dropped, ``<code>`` made a
    code span."""
    text = _CODE_TAG.sub(lambda m: f"`{m.group('text')}`", html)
    return _EMPHASIS_TAG.sub("", text)


def _details(lines: list[str], start: int) -> tuple[str, str, int] | None:
    """``(summary as inline Markdown, body as block Markdown, line of </details>)`` of the
    ``<details>`` opened on line ``start``, or None (no ``<summary>``, never closed)."""
    close = _details_end(lines, start)
    if close is None:
        return None
    chunk = "\n".join(lines[start:close + 1])
    summary = _SUMMARY.search(chunk)
    if summary is None:
        return None
    body = chunk[summary.end():]
    body = body[:[m.start() for m in _DETAILS_CLOSE.finditer(body)][-1]]
    return (clean(_summary_text(summary.group("text"))),
            block_text(body.split("\n"), dedent=True), close)


def _after(ctx: Context, index: int, close: int) -> tuple[int, tuple[int, int] | None]:
    """The next block to walk after a ``</details>`` on line ``close`` (found from block
    ``index``), and the lines of its block running on after it (kept as prose)."""
    end = index + 1
    while end < len(ctx.blocks) and span(ctx.blocks[end][1])[0] <= close:
        end += 1
    last_end = span(ctx.blocks[end - 1][1])[1]
    return end, ((close + 1, last_end) if last_end > close + 1 else None)


def answer_label(summary: str) -> bool:
    """True for a summary that names the answer, not the question (``Answer``, ``Show
    answer``, ``Solution``, ``Hint``): the question is written before the ``<details>``."""
    return _ANSWER_LABEL.fullmatch(summary) is not None


def read_details(ctx: Context, index: int) -> Read | None:
    """Read ``<details><summary>Question</summary> answer </details>``; a summary that only
    says "Answer" is not a question (:func:`read_asked_details` reads it with its question)."""
    start = span(ctx.blocks[index][1])[0]
    if not DETAILS_START.match(ctx.lines[start]):
        return None
    details = _details(ctx.lines, start)
    if details is None or answer_label(details[0]):
        return None
    summary, answer, close = details
    question, number, bold = split_question(summary)
    found = Found(question, answer, Shape("details", number=number, bold=bold), start,
                  range(start, close + 1))
    return Read([found], *_after(ctx, index, close))


def read_asked_details(ctx: Context, index: int) -> Read | None:
    """Read a question paragraph followed by ``<details><summary>Answer</summary> answer
    </details>`` (in the same paragraph or the next block); the summary is kept as the
    shape's label."""
    first, end = span(ctx.blocks[index][1])
    if DETAILS_START.match(ctx.lines[first]):
        return None
    start = next((line for line in range(first + 1, end) if DETAILS_START.match(ctx.lines[line])),
                 None)
    if start is None and index + 1 < ctx.stop \
            and ctx.blocks[index + 1][0].type == "paragraph_open":
        candidate = span(ctx.blocks[index + 1][1])[0]
        start = candidate if DETAILS_START.match(ctx.lines[candidate]) else None
    if start is None:
        return None
    question, number, bold = split_question(" ".join(ctx.lines[first:min(start, end)]))
    details = _details(ctx.lines, start)
    if not is_question(question, number) or details is None or not answer_label(details[0]):
        return None
    label, answer, close = details
    found = Found(question, answer, Shape("details", number=number, label=label, bold=bold),
                  first, range(first, close + 1))
    return Read([found], *_after(ctx, index, close))


def unwrap_answer(answer: str) -> tuple[str, str]:
    """``(label, body)`` when ``answer`` is one ``<details>`` whose summary names the answer
    (a bullet question with its answer folded: ``- Why…?`` + ``<details><summary>Answer…``),
    else ``("", answer)``."""
    lines = answer.split("\n")
    if not DETAILS_START.match(lines[0]) or _details_end(lines, 0) != len(lines) - 1:
        return "", answer
    details = _details(lines, 0)
    if details is None or not answer_label(details[0]):
        return "", answer
    return details[0], details[1]
