"""Formulas the study site cannot draw: a warning with the line, the page shows the source.

The site turns ``$…$`` / ``$$…$$`` into MathML at build time (:mod:`cheatdeck.mathml`). A
formula latex2mathml cannot convert (``$\\frac{a$``), or converts into text that still shows
LaTeX (an unknown command such as ``\\foo``), stays on the page as the author wrote it; this
check tells the author where. The deck is not affected (Anki's MathJax reads the source).
Formulas are found with the renderer's own syntax (:mod:`cheatdeck.syntax`): a ``$`` in a code
span is not math.

Parsing every text that holds a ``$`` was 40% of reading a 10k-card sheet (issue 15), and the
renderer parses the same text again. So a one-line text is parsed only when a formula in it
*could* fail: every inline formula is a substring between two of its ``$`` characters
(:func:`formula_candidates`), and when each of those candidates converts, so does every real
formula, and there is nothing to warn about. Only a text with a failing candidate is parsed, to
learn whether the candidate really is a formula (not code, not escaped) and where it is written.
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
_DOLLAR = re.compile(r"\$")
MAX_DOLLARS = 32
"""Above this many ``$`` in one text, :func:`formula_candidates` gives up (None) and the text is
parsed: the candidates grow with the square of the ``$`` count."""


@functools.cache
def _syntax() -> MarkdownIt:
    return make_syntax()


def _verdict(formula: str, verdicts: dict[str, str | None]) -> str | None:
    """:func:`cheatdeck.mathml.check`, memoized in ``verdicts`` (formulas repeat in a sheet)."""
    if formula not in verdicts:
        verdicts[formula] = check(formula)
    return verdicts[formula]


def _formulas(tokens: list[Token]) -> Iterator[tuple[str, str]]:
    for token in tokens:
        if token.type in _MATH_TOKENS:
            yield token.content, _MATH_TOKENS[token.type]
        if token.children:
            yield from _formulas(token.children)


def formula_candidates(markdown: str) -> set[str] | None:
    """Return every string that could be the content of an inline formula of ``markdown``.

    Args:
        markdown: one line of inline Markdown (a cell, a title), as the renderer gets it.

    Returns:
        A superset of the contents of the ``math_inline`` / ``math_inline_double`` tokens the
        syntax (:func:`cheatdeck.syntax.make_syntax`) finds in ``markdown``, wherever they are
        (text, emphasis, link text, image alt); ``None`` when it holds more than
        :data:`MAX_DOLLARS` ``$`` or a character markdown-it normalizes (NUL, CR), which moves
        contents away from the source (the caller parses instead).

    The rule (mdit-py-plugins' dollarmath, ``math_inline_dollar``): ``$x$`` is
    ``src[open + 1:close]``, where ``close`` is the first ``$`` after ``open`` that no backslash
    escapes, so each ``$`` inside it follows a backslash; ``$$x$$`` is ``src[open + 2:close - 1]``
    between two ``$$``. Every other condition of the rule (spaces, digits, code spans, escapes
    of the opening ``$``) only makes fewer formulas.
    """
    if "\0" in markdown or "\r" in markdown:
        return None
    dollars = [match.start() for match in _DOLLAR.finditer(markdown)]
    if len(dollars) > MAX_DOLLARS:
        return None
    found: set[str] = set()
    for n, start in enumerate(dollars):
        for end in dollars[n + 1:]:  # $x$: up to the first $ that follows no backslash
            if end > start + 1:
                found.add(markdown[start + 1:end])
            if markdown[end - 1] != "\\":
                break
    doubles = [at for at in dollars if markdown.startswith("$$", at)]
    for n, start in enumerate(doubles):  # $$x$$: between any two $$
        found.update(markdown[start + 2:end] for end in doubles[n + 1:] if end > start + 2)
    return found


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
        candidates = None if is_block else formula_candidates(markdown)
        if candidates is not None and all(_verdict(c, verdicts) is None for c in candidates):
            continue  # no formula of this text can fail: no need to find which ones are real
        tokens = md.parse(markdown) if is_block else md.parseInline(markdown)
        cursor = line_starts[min(max(pos.line, 1), len(line_starts)) - 1]
        for formula, fence in _formulas(tokens):
            why = _verdict(formula, verdicts)
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
