"""What changed in the deck since the last build: notes added, changed and removed.

The last build's notes are kept in a small JSON state file (in the git-ignored build folder);
notes are matched by GUID, as Anki matches them on re-import (FIELD-NOTES.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the notes' type only: importing it would load the renderer at start-up
    from cheatdeck.anki_notes import NoteSpec

STATE_VERSION = 1


@dataclass(frozen=True, slots=True)
class NoteChanges:
    """Notes added, changed and removed since the previous build, by question text.

    Attributes:
        added: questions (or fact subjects) of new notes, in deck order.
        changed: those whose fields, tags or deck changed (Anki updates them in place).
        removed: those gone from the sources (an Anki import never deletes them).
        first_build: True when there was no previous state to compare with.
    """

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    first_build: bool = False

    @property
    def any(self) -> bool:
        """True if anything was added, changed or removed."""
        return bool(self.added or self.changed or self.removed)


def note_digests(notes: Iterable[NoteSpec]) -> dict[str, tuple[str, str]]:
    """Return ``{guid: (question text, digest of fields + tags + deck)}`` for ``notes``."""
    result = {}
    for note in notes:
        payload = "\x1f".join((*note.fields, " ".join(note.tags), note.deck))
        result[note.guid] = (note.text, hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16])
    return result


def diff_notes(previous: dict[str, tuple[str, str]] | None,
               current: dict[str, tuple[str, str]]) -> NoteChanges:
    """Compare two :func:`note_digests` results (``previous`` None: first build)."""
    if previous is None:
        return NoteChanges(added=tuple(t for t, _ in current.values()), first_build=True)
    return NoteChanges(
        added=tuple(text for guid, (text, _) in current.items() if guid not in previous),
        changed=tuple(text for guid, (text, digest) in current.items()
                      if guid in previous and previous[guid][1] != digest),
        removed=tuple(text for guid, (text, _) in previous.items() if guid not in current),
    )


@dataclass(frozen=True, slots=True)
class BuildState:
    """What the last successful build recorded.

    Attributes:
        fingerprint: hash of every input (sources, configuration, templates, options).
        notes: :func:`note_digests` of the deck it built (empty with ``--no-deck``).
        warnings: the formatted warnings it printed, repeated by a build that skips work.
        counts: sheets, sections, notes and cards it built, repeated by a build that skips work.
    """

    fingerprint: str
    notes: dict[str, tuple[str, str]]
    warnings: tuple[str, ...]
    counts: tuple[int, int, int, int] = (0, 0, 0, 0)

    def dumps(self) -> str:
        """Serialize to JSON text (sorted keys, so the file is stable)."""
        return json.dumps({"version": STATE_VERSION, "fingerprint": self.fingerprint,
                           "notes": {g: list(v) for g, v in self.notes.items()},
                           "warnings": list(self.warnings), "counts": list(self.counts)},
                          ensure_ascii=False, indent=1,
                          sort_keys=True)


def load_state(path: Path) -> BuildState | None:
    """Read the state file; None if it is missing, unreadable or from another version."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != STATE_VERSION:
            return None
        notes = {g: (str(v[0]), str(v[1])) for g, v in data["notes"].items()}
        counts = tuple(int(n) for n in data["counts"])
        if len(counts) != 4:
            return None
        return BuildState(str(data["fingerprint"]), notes, tuple(data["warnings"]),
                          (counts[0], counts[1], counts[2], counts[3]))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None  # a damaged state only costs one full rebuild
