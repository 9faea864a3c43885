"""Every user error cheatdeck raises, in one place (as MkDocs keeps its ``exceptions.py``).

A :class:`CheatdeckError` is a problem the user can fix; the CLI prints its message without a
traceback and exits 1. Any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cheatdeck.diagnostics import Diagnostic


class CheatdeckError(Exception):
    """A problem the user can fix (bad source, configuration, ledger; unwritable output)."""


class SourceError(CheatdeckError):
    """The sources have errors (or warnings under ``--strict``).

    Attributes:
        diagnostics: every diagnostic found, errors and warnings, in report order.
    """

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        errors = [d for d in self.diagnostics if d.level == "error"]
        super().__init__(f"{len(errors)} error(s) in the sources")


class ConfigError(CheatdeckError):
    """``[tool.cheatdeck]`` in ``pyproject.toml``, ``mkdocs.yml`` or ``SOURCE_DATE_EPOCH`` is
    invalid or missing; the message names the key or file."""


class OutputError(CheatdeckError):
    """An output could not be written (permission, disk full); the message names the path."""


class LedgerError(CheatdeckError):
    """The identity ledger (``source/cheatdeck.lock``) is lost, cut short, malformed or not a
    file, would change under ``--frozen``, or an option names no question. The message gives
    ``path:line`` where it can and the way out."""


class CollectionNotFound(CheatdeckError):
    """``cheatdeck sync``: no collection could be chosen: no data folder, no such profile, or
    several profiles (the message lists them)."""


class SyncError(CheatdeckError):
    """``cheatdeck sync``: the collection cannot be synced: in use, not a collection,
    incompatible, or Anki refused a change. The collection is unchanged when this is raised."""


class SiteBuildError(CheatdeckError):
    """MkDocs rejected the configuration or reported warnings in strict mode.

    The message lists every warning MkDocs logged (e.g. a prose link to a missing page).
    """
