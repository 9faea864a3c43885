"""Diagnostics: ``path:line:col: level: message`` plus a hint (the errors are in ``errors.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding about the sources, reported to the author.

    Attributes:
        path: the file it is about (POSIX string as given).
        line: 1-based line (0 when it concerns the whole file).
        col: 1-based column in characters.
        level: ``"error"`` (nothing is written), ``"warning"`` (a repair was made; ``--strict``
            fails on it) or ``"info"`` (what was read as no cards, and why: a contents table, a
            question without an answer; never fails a build).
        message: what is wrong, in one line.
        hint: how to fix it, in one line ("" when obvious).
    """

    path: str
    line: int
    col: int
    level: Level
    message: str
    hint: str = ""

    def format(self) -> str:
        """Return ``path:line:col: level: message``, then ``  hint: …`` on a second line if any."""
        head = f"{self.path}:{self.line}:{self.col}: {self.level}: {self.message}"
        return f"{head}\n  hint: {self.hint}" if self.hint else head

    def __str__(self) -> str:
        return self.format()


def has_problems(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> bool:
    """Return True if any diagnostic is an error or a warning (what ``--strict`` fails on)."""
    return any(d.level != "info" for d in diagnostics)


def has_errors(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> bool:
    """Return True if any diagnostic has level ``"error"``."""
    return any(d.level == "error" for d in diagnostics)
