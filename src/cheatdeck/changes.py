"""What a build changed, and what the last build left for the next one to compare with.

The change summary reads the note plan (``plan.py``): a note is added, changed or removed
relative to the committed ledger, exactly as Anki will count it on re-import (FIELD-NOTES: notes
match by GUID and update only when newer). The build state (a small JSON file in the git-ignored
build folder) holds only what a skipped build repeats and what decides a no-op.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the plan's type only: importing it would load the renderer at start-up
    from cheatdeck.plan import NotePlan

STATE_VERSION = 2


@dataclass(frozen=True, slots=True)
class NoteChanges:
    """Notes added, changed, removed and kept since the ledger, by question text.

    Attributes:
        added: questions (or fact subjects) of new notes, in deck order.
        changed: those whose fields or tags changed (Anki updates exactly these in place).
        removed: those gone from the sources in this build (shipped retired; an import never
            deletes them).
        kept: those whose row the reader skipped, shipped as last shipped (see warnings).
        first_build: True when the ledger held no note (nothing to compare with).
    """

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    first_build: bool = False

    @property
    def any(self) -> bool:
        """True if anything was added, changed or removed."""
        return bool(self.added or self.changed or self.removed)


def plan_changes(plan: NotePlan, *, first_build: bool) -> NoteChanges:
    """Return what ``plan`` changes against the ledger it was planned from.

    Args:
        plan: the note plan.
        first_build: the ledger held no note.
    """
    def texts(state: str, change: str) -> tuple[str, ...]:
        return tuple(n.text for n in plan.notes if n.state == state and n.change == change)

    return NoteChanges(added=texts("live", "added"), changed=texts("live", "changed"),
                       removed=texts("retired", "changed"),
                       kept=tuple(n.text for n in plan.notes if n.state == "kept"),
                       first_build=first_build)


@dataclass(frozen=True, slots=True)
class BuildState:
    """What the last successful build recorded.

    Attributes:
        fingerprint: hash of every input that shapes the outputs (``build.fingerprint``).
        built: which outputs that build wrote from those inputs (``"deck"``, ``"site"``).
        warnings: the formatted warnings it printed, repeated by a build that skips work.
        counts: sheets, sections, notes and cards it read, repeated by a build that skips work.
    """

    fingerprint: str
    built: tuple[str, ...]
    warnings: tuple[str, ...]
    counts: tuple[int, int, int, int] = (0, 0, 0, 0)

    def dumps(self) -> str:
        """Serialize to JSON text (sorted keys, so the file is stable)."""
        return json.dumps({"version": STATE_VERSION, "fingerprint": self.fingerprint,
                           "built": list(self.built), "warnings": list(self.warnings),
                           "counts": list(self.counts)},
                          ensure_ascii=False, indent=1, sort_keys=True)


def load_state(path: Path) -> BuildState | None:
    """Read the state file; None if it is missing, unreadable or from another version."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != STATE_VERSION:
            return None
        counts = tuple(int(n) for n in data["counts"])
        if len(counts) != 4:
            return None
        return BuildState(str(data["fingerprint"]), tuple(str(b) for b in data["built"]),
                          tuple(str(w) for w in data["warnings"]),
                          (counts[0], counts[1], counts[2], counts[3]))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None  # a damaged state only costs one full rebuild
