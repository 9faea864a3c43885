"""Formulas the study site cannot draw: a warning with the line, the page shows the source.

The site turns ``$…$`` / ``$$…$$`` into MathML at build time (:mod:`cheatdeck.mathml`). A
formula latex2mathml cannot convert (``$\\frac{a$``), or converts into text that still shows
LaTeX (an unknown command such as ``\\foo``), stays on the page as the author wrote it; this
check tells the author where. The deck is not affected (Anki's MathJax reads the source).
Formulas are found with the renderer's own syntax (:mod:`cheatdeck.syntax`): a ``$`` in a code
span is not math.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator

from markdown_it import MarkdownIt
from markdown_it.token import Token

from cheatdeck.diagnostics import Diagnostic
from cheatdeck.mathml import check
from cheatdeck.model import Sheet, SourcePos
from cheatdeck.reader.media import rendered_texts
from cheatdeck.syntax import make_syntax

_NEWLINE = re.compile("\n")
_MATH_TOKENS = {"math_inline": "$", "math_inline_double": "$$", "math_block": "$$"}


@functools.cache
def _syntax() -> MarkdownIt:
    return make_syntax()


def _formulas(tokens: list[Token]) -> Iterator[tuple[str, str]]:
    for token in tokens:
        if token.type in _MATH_TOKENS:
            yield token.content, _MATH_TOKENS[token.type]
        if token.children:
            yield from _formulas(token.children)


def check_formulas(sheet: Sheet, text: str) -> list[Diagnostic]:
    """Return a warning for each formula of ``sheet`` that the site cannot render.

    Args:
        sheet: a sheet read from ``text``.
        text: the sheet's source (newlines normalized), to place each formula.

    Returns:
        ``path:line:col: warning: …`` diagnostics in model order; the column is where the
        formula is written (its element's position if it cannot be found as written).
    """
    md = _syntax()
    if "$" not in text:
        return []
    line_starts = [0, *(match.end() for match in _NEWLINE.finditer(text))]
    found = []
    verdicts: dict[str, str | None] = {}
    for markdown, is_block, pos in rendered_texts(sheet):
        if "$" not in markdown:
            continue
        tokens = md.parse(markdown) if is_block else md.parseInline(markdown)
        cursor = line_starts[min(max(pos.line, 1), len(line_starts)) - 1]
        for formula, fence in _formulas(tokens):
            if formula not in verdicts:  # formulas repeat across a sheet: check each once
                verdicts[formula] = check(formula)
            why = verdicts[formula]
            if why is None:
                continue
            at = text.find(formula, cursor)
            where = pos
            if at >= 0:
                cursor = at + len(formula)
                line = bisect.bisect_right(line_starts, at)
                where = SourcePos(pos.path, line, at - line_starts[line - 1] + 1 - len(fence))
            found.append(Diagnostic(
                where.path, where.line, max(where.col, 1), "warning",
                f"the study site cannot draw the formula {fence}{formula}{fence} ({why}); "
                "it shows its source text there",
                "check its braces and commands (latex2mathml's LaTeX subset); the deck is "
                "unaffected",
            ))
    return found
