"""Normalizing model text: the one place the reader decides what whitespace means."""

from __future__ import annotations

import re
import textwrap
import unicodedata

_MARKDOWN_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")
_TO_COLLAPSE = re.compile(r"[\t\n\r\f\v]|  ")
"""What :data:`_MARKDOWN_WHITESPACE` would change: most cells have single spaces only, and
rewriting each of them by itself was most of the time :func:`clean` took (issue 15)."""


def clean(text: str) -> str:
    """Normalize one-line model text once: Unicode NFC, whitespace runs collapsed to one space,
    trimmed.

    Whitespace means Markdown's (space, tab, line ends; CommonMark §2.1), not Python's wider
    ``str.split()`` set: collapsing U+0085 or U+2028 too would turn a line such as ``#\\x85``
    (a paragraph) into ``#`` (a heading) when it is written back.
    """
    text = unicodedata.normalize("NFC", text)
    if _TO_COLLAPSE.search(text):
        text = _MARKDOWN_WHITESPACE.sub(" ", text)
    return text.strip(" ")


def block_text(lines: list[str], *, indent: int = 0, dedent: bool = False) -> str:
    """Normalize block Markdown (a block-shaped answer) once.

    Args:
        lines: the source lines, without line ends.
        indent: columns of list-item indentation to take off each line (CommonMark 5.2: an
            item's content starts this far in); a lazy continuation line with fewer leading
            spaces loses only those it has.
        dedent: take off the lines' common indentation (``textwrap.dedent``: an indented
            ``<details>`` body); a heading's answer is not dedented (four spaces are code).

    Returns:
        The lines NFC-normalized, dedented, with leading and trailing blank lines dropped,
        joined by ``\\n``; otherwise verbatim (blank lines inside, trailing spaces of a hard
        break and fenced code keep their meaning). "" when every line is blank.
    """
    if indent:
        lines = [line[min(indent, len(line) - len(line.lstrip(" "))):] for line in lines]
    text = "\n".join(lines)
    if dedent:
        text = textwrap.dedent(text)
    kept = text.split("\n")
    while kept and not kept[0].strip():
        kept.pop(0)
    while kept and not kept[-1].strip():
        kept.pop()
    return unicodedata.normalize("NFC", "\n".join(kept))
