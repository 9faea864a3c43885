"""No silent drop: every line that looks like a card's source ends up in the model or a diagnostic.

The line repair notes each source line that looks like a table row, a gotcha bullet or a
heading (:attr:`RepairedText.looks`); the token walk notes each source line that became part of
a card, a fact row, a table's header, the title or a section heading. A looked-for line that is
in neither set, nor named by any diagnostic, was kept as plain text where its author expected a
card: it gets a warning here. So, for table rows, rows seen = cards and fact rows made + rows
reported, line for line.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from cheatdeck.diagnostics import Diagnostic

_UNREAD: Mapping[str, tuple[str, str]] = {
    "table row": (
        "line looks like a table row but is not in a table: no card made, kept as text",
        "a table needs a header row and a `| --- | --- |` row above its rows, with no blank, "
        "indented or list line between them"),
    "gotcha": (
        "line looks like a gotcha bullet but is not read as one: no card made, kept as text",
        'write `- "Claim" — explanation` at the start of a line, not indented'),
    "heading": (
        "line looks like a heading but is not read as one: kept as text",
        "write `# Title` or `## Section` with a space after the `#`, not indented"),
}
"""Message and hint per kind of line (the kinds of :attr:`RepairedText.looks`)."""


def unread_lines(path: str, looks: Mapping[int, str], placed: Collection[int],
                 diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Warn for each line that looks like card source but is in neither the model nor a report.

    Args:
        path: the path used in diagnostics.
        looks: source line → ``"table row"`` / ``"gotcha"`` / ``"heading"``.
        placed: source lines that became part of the model's cards, rows or headings.
        diagnostics: the diagnostics found so far; a line one of them names is accounted for.

    Returns:
        One warning per unaccounted line, in line order.
    """
    reported = {d.line for d in diagnostics}
    return [Diagnostic(path, line, 1, "warning", *_UNREAD[kind])
            for line, kind in sorted(looks.items()) if line not in placed and line not in reported]
