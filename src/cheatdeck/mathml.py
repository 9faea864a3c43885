"""LaTeX formulas → MathML for the study site, and a readable plain-text form of each.

Anki renders ``\\(…\\)`` with its own MathJax; the site must work offline with no script from
a CDN, so the site gets MathML made at build time, which current browsers draw natively
(MathML Core, Chromium ≥ 109, Firefox, Safari). latex2mathml converts; pylatexenc gives the
readable text (``\\sqrt{d_k}`` → ``√(d_k)``) that titles, the table of contents and the search
index show instead of LaTeX.

A formula is *unrenderable* when latex2mathml raises, when its output is not well-formed XML
(e.g. a bare ``&`` inside ``\\text{…}``), or when it keeps an unknown command as text
(``\\foo`` → ``<mi>\\foo</mi>``: a reader would see LaTeX), or leaves an element short of
its arguments (``\\frac{a`` → an ``<mfrac>`` with one child). The reader warns about those with
their line (:mod:`cheatdeck.reader.formulas`); the renderer shows them as their source text.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from latex2mathml.converter import convert

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

_LT, _GT = "\ue000", "\ue001"
"""Stand-ins for ``<`` and ``>`` during conversion: latex2mathml copies ``\\text{…}`` content
into ``<mtext>`` unescaped, so a literal ``<`` there would become markup."""

MATHML_NAMESPACE = "http://www.w3.org/1998/Math/MathML"
"""The namespace latex2mathml declares on ``<math>`` (HTML implies it)."""
_NS = "{" + MATHML_NAMESPACE + "}"
_TOKEN_ELEMENTS = frozenset({"mi", "mo", "mn", "mtext", "ms"})
_ARITY = {"mfrac": 2, "msup": 2, "msub": 2, "mroot": 2, "mover": 2, "munder": 2,
          "msubsup": 3, "munderover": 3}
"""Children a MathML element must have (MathML Core); fewer means a brace or argument is missing."""
_UNKNOWN_COMMAND = re.compile(r"\\[A-Za-z]+")
_WHITESPACE = re.compile(r"\s+")
_CONTROL_WORD_SPACE = re.compile(r"(\\[A-Za-z]+) ")


class MathError(ValueError):
    """A formula that cannot be shown as MathML; the message says why (for the warning)."""


def to_mathml(latex: str, *, display: bool = False) -> str:
    """Convert one formula to a ``<math>`` element.

    Args:
        latex: the formula without its ``$`` delimiters, e.g. ``r"\\sqrt{d_k}"``.
        display: True for a ``$$…$$`` block (``display="block"``), False for inline.

    Returns:
        A well-formed ``<math xmlns=… display=…>…</math>`` string (not yet sanitized: the
        renderer passes it through its allow-list like every other fragment).

    Raises:
        MathError: latex2mathml failed, its output is not well-formed, or it kept an unknown
            command (e.g. ``\\foo``) as text.
    """
    guarded = latex.replace("<", _LT).replace(">", _GT)
    try:
        mathml = convert(guarded, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises many unrelated types (IndexError, …)
        name = type(error).__name__
        detail = str(error).strip()
        raise MathError(f"{name}{': ' + detail if detail else ''}") from None
    # A stand-in alone in a token was a relation sign in math mode: an operator (spacing).
    mathml = mathml.replace(f"<mi>{_LT}</mi>", "<mo>&lt;</mo>").replace(f"<mi>{_GT}</mi>", "<mo>&gt;</mo>")
    mathml = mathml.replace(_LT, "&lt;").replace(_GT, "&gt;")
    try:
        tree = ET.fromstring(mathml)
    except ET.ParseError as error:
        raise MathError(f"not well-formed after conversion ({error})") from None
    for element in tree.iter():
        tag = element.tag.removeprefix(_NS)
        if tag in _TOKEN_ELEMENTS and tag != "mtext" and _UNKNOWN_COMMAND.match(element.text or ""):
            raise MathError(f"unknown command {element.text}")
        if len(element) < _ARITY.get(tag, 0):
            raise MathError(f"<{tag}> needs {_ARITY[tag]} arguments: a brace or argument is missing")
    return mathml


def check(latex: str) -> str | None:
    """Return why ``latex`` cannot be rendered (:class:`MathError`'s message), or None if it can."""
    try:
        to_mathml(latex)
    except MathError as error:
        return str(error)
    return None


@functools.cache
def _latex_to_text() -> LatexNodes2Text:
    # Building it sets up pylatexenc's whole default macro context: once per process, and only
    # for the site (the deck and the reader never need a formula's text).
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=True)


def readable_text(latex: str) -> str:
    """Return a formula as plain Unicode text, e.g. ``r"\\frac{QK^T}{\\sqrt{d_k}}"`` → ``"QK^T/√(d_k)"``.

    Used for headings' table-of-contents labels, page titles and the search index (where a
    reader must not see LaTeX). Whitespace is collapsed; a formula pylatexenc cannot read gives
    its source text.
    """
    # LaTeX eats the space after a control word ("n \\le 8192" → "n ≤8192"); "{}" keeps it.
    spaced = _CONTROL_WORD_SPACE.sub(r"\1{} ", latex)
    try:
        text = _latex_to_text().latex_to_text(spaced)
    except Exception:  # pylatexenc's parser errors have no common base class
        text = latex
    return _WHITESPACE.sub(" ", text).strip() or latex
