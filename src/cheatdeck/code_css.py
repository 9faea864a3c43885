"""The CSS of fenced code highlighted in Anki cards, by day and in Anki's night mode.

:mod:`cheatdeck.markup` highlights fenced code at build time with Pygments (CSS classes, no
script); a card needs the colours for those classes. The site needs none: MkDocs Material
colours ``.highlight`` tokens with its own palette in both of its schemes.
"""

from __future__ import annotations

from pygments.formatters import HtmlFormatter

CODE_STYLES = ("default", "monokai")
"""Pygments styles of highlighted code in cards: by day, and under Anki's night mode."""

_NIGHT = (".nightMode", ".night_mode")
"""Classes Anki puts on the card's ancestors in night mode (desktop/AnkiMobile, AnkiDroid)."""


def _style_rules(style: str, selectors: list[str]) -> str:
    formatter = HtmlFormatter(style=style)
    # Pygments leaves get_style_defs unannotated; it returns the rules as one string.
    rules = formatter.get_style_defs(selectors)  # type: ignore[no-untyped-call]
    return str(rules)


def code_css() -> str:
    """Return the CSS for code blocks highlighted by :func:`cheatdeck.markup.make_parser`
    inside Anki cards.

    Pygments' ``default`` style for the day and ``monokai`` (a dark background with light
    tokens) under Anki's night-mode classes, so highlighted code stays readable in both; the
    night rules come last and have the same specificity, so they win there. Only rules scoped
    to ``.highlight`` are kept (Pygments adds global ``pre`` and line-number rules).

    Returns:
        CSS text (one rule a line) ending in a newline.
    """
    day = _style_rules(CODE_STYLES[0], [".cd-card .highlight"])
    night = _style_rules(CODE_STYLES[1], [f"{mode} .cd-card .highlight" for mode in _NIGHT])
    rules = [line for line in f"{day}\n{night}".split("\n") if ".highlight" in line]
    return "/* Highlighted code (Pygments, generated) */\n" + "\n".join(rules) + "\n"
