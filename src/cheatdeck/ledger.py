"""The identity ledger, ``source/cheatdeck.lock``: every note GUID the project has ever shipped.

Anki matches notes only by GUID and an import never deletes a note (FIELD-NOTES.md). A GUID
derived from the question alone therefore has two blind spots, which the ledger closes:

* rewording a question would make a new note (the old one, with the learner's reviews, becomes a
  stale duplicate): :mod:`cheatdeck.ledger_match` gives the reworded question its old GUID, so
  Anki updates the note in place and keeps its history;
* a question deleted from the sources would stay in every learner's collection unseen: the
  ledger remembers its last text, and the deck keeps shipping it as a *retired* note (tag
  ``cheatdeck::retired``, deck ``<root> (retired)``, cards suspended, see ``anki_notes.py``).

Format (committed next to the sources, so it must diff well and never churn): UTF-8 JSON Lines.
Line 1 is the header ``{"format": "cheatdeck-ledger", "version": 1}``; then one object per GUID,
sorted by sheet slug, then GUID, keys in a fixed order. Timestamps are the build's *content*
timestamp (``SOURCE_DATE_EPOCH`` or the sources' last change, never the clock): ``first`` when the
GUID was first shipped, ``last`` when what the line records last changed. An unchanged note keeps
its line byte for byte, so two builds of the same input write the same file and ``build --frozen``
can fail CI when the committed ledger is stale.

Everything here is pure text in, text out, except :func:`read_ledger_text`; the build writes the
file (``cheatdeck.files.write_atomic``) only together with its other outputs.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass, fields, replace
from functools import partial
from pathlib import Path
from typing import Any

from cheatdeck.diagnostics import CheatdeckError
from cheatdeck.ids import card_guid, fact_guid
from cheatdeck.ledger_match import Candidate, Rewording, match_rewordings
from cheatdeck.model import Library, question_key

LEDGER_FILE = "cheatdeck.lock"
"""File name of the ledger, in the source folder."""

FORMAT = "cheatdeck-ledger"
VERSION = 1
_HEADER = json.dumps({"format": FORMAT, "version": VERSION})


class LedgerError(CheatdeckError):
    """The ledger cannot be read, would change under ``--frozen``, or an option names no card."""


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One GUID the project has shipped, with what it last shipped as (Markdown source).

    Attributes:
        guid: the note GUID (:mod:`cheatdeck.ids`, or an older GUID kept through a rewording).
        sheet: the sheet slug.
        section: the section slug.
        kind: ``"qa"``, ``"gotcha"`` or ``"fact"``.
        id: the explicit ``ID`` column value ("" when none).
        question: the question, or a fact row's subject.
        answer: the answer ("" for a fact row).
        extra: the ``Extra`` column ("" when none).
        columns: a fact row's table header cells (empty for a card).
        values: a fact row's value cells (empty for a card).
        sheet_title: the sheet's title, for the retired note's ``Sheet`` field.
        section_title: the section's title, for the retired note's ``Section`` field.
        first: content timestamp of the build that first shipped the GUID.
        last: content timestamp of the build that last changed this entry.
        retired: True once the GUID is gone from the sources (it is still shipped, retired).
    """

    guid: str
    sheet: str
    section: str
    kind: str
    id: str
    question: str
    answer: str
    extra: str
    columns: tuple[str, ...]
    values: tuple[str, ...]
    sheet_title: str
    section_title: str
    first: int
    last: int
    retired: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the entry as a JSON-ready dict in field order (lists for the tuples)."""
        return {f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v
                for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LedgerEntry:
        """Inverse of :meth:`to_dict`. Raises ``KeyError``/``TypeError``/``ValueError``."""
        names = {f.name for f in fields(cls)}
        if set(data) != names:
            raise ValueError(f"expected the keys {sorted(names)}, got {sorted(data)}")
        entry = cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
        for f in fields(cls):
            value = getattr(entry, f.name)
            # Annotations are strings here (``from __future__ import annotations``).
            if f.type == "tuple[str, ...]":
                ok = isinstance(value, tuple) and all(isinstance(v, str) for v in value)
            else:  # bool is an int subclass: compare exact types
                ok = type(value).__name__ == f.type
            if not ok:
                raise TypeError(f"{f.name}: expected {f.type}, got {value!r}")
        return entry

    def same_content(self, other: LedgerEntry) -> bool:
        """True if both record the same shipped note (timestamps ignored)."""
        return replace(self, first=other.first, last=other.last) == other


@dataclass(frozen=True, slots=True)
class Ledger:
    """Every GUID shipped so far, sorted by (sheet slug, GUID).

    Attributes:
        entries: one per GUID, no two with the same GUID.
    """

    entries: tuple[LedgerEntry, ...] = ()

    def dumps(self) -> str:
        """Return the ledger file's text: header line, then one JSON object per entry."""
        lines = [_HEADER]
        for entry in sorted(self.entries, key=lambda e: (e.sheet, e.guid)):
            lines.append(json.dumps(entry.to_dict(), ensure_ascii=False))
        return "\n".join(lines) + "\n"

    @classmethod
    def loads(cls, text: str, *, path: str = LEDGER_FILE) -> Ledger:
        """Parse a ledger file's text ("" gives the empty ledger).

        Raises:
            LedgerError: a line is not a valid entry, the header names another format or
                version, or a GUID appears twice; the message gives ``path:line``.
        """
        lines = text.splitlines()
        if not lines:
            return cls()
        try:
            header = json.loads(lines[0])
        except ValueError:
            header = None
        if header != {"format": FORMAT, "version": VERSION}:
            raise LedgerError(f"{path}:1: not a {FORMAT} version {VERSION} file")
        entries: dict[str, LedgerEntry] = {}
        for number, line in enumerate(lines[1:], start=2):
            if not line.strip():
                continue
            try:
                entry = LedgerEntry.from_dict(json.loads(line))
            except (ValueError, TypeError, KeyError) as exc:
                raise LedgerError(f"{path}:{number}: invalid ledger entry: {exc}") from None
            if entry.guid in entries:
                raise LedgerError(f"{path}:{number}: GUID {entry.guid} appears twice")
            entries[entry.guid] = entry
        return cls(tuple(sorted(entries.values(), key=lambda e: (e.sheet, e.guid))))

    @property
    def retired(self) -> tuple[LedgerEntry, ...]:
        """The retired entries, in file order."""
        return tuple(e for e in self.entries if e.retired)

    def pruned(self) -> Ledger:
        """Return the ledger without its retired entries (``cheatdeck prune-ledger``).

        A pruned GUID is no longer shipped: learners keep the note as it was last imported.
        """
        return Ledger(tuple(e for e in self.entries if not e.retired))


def read_ledger_text(path: Path) -> str:
    """Return the ledger file's text; ``""`` when it is missing (a project's first build).

    Raises:
        LedgerError: the file exists but cannot be read or is not UTF-8.
    """
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        raise LedgerError(f"{path.as_posix()}: cannot read the ledger: {exc}") from None


def describe_change(old: Ledger, new: Ledger) -> str:
    """Return what ``new`` changes in ``old``, e.g. ``"2 new, 1 changed, 1 retired"``.

    For the ``build --frozen`` failure; ``"no entry changed"`` when only the text differs (a
    hand-edited or reformatted file).
    """
    before = {e.guid: e for e in old.entries}
    after = {e.guid: e for e in new.entries}
    counts = {
        "new": sum(g not in before for g in after),
        "changed": sum(g in before and e != before[g] and not (e.retired and not before[g].retired)
                       for g, e in after.items()),
        "retired": sum(e.retired and g in before and not before[g].retired
                       for g, e in after.items()),
        "dropped": sum(g not in after for g in before),
    }
    parts = [f"{n} {what}" for what, n in counts.items() if n]
    return ", ".join(parts) or "no entry changed"


@dataclass(frozen=True, slots=True)
class Identities:
    """The outcome of matching a library against the ledger.

    Attributes:
        overrides: ``{GUID from ids.card_guid: GUID to ship}`` for reworded questions.
        reworded: each rewording match, for the build report (old → new question).
        retired: the entries to ship as retired notes, in ledger order.
        ledger: the updated ledger to write once the build succeeds.
        kept: the entries of rows the reader skipped (:attr:`Sheet.skipped`), to ship as last
            shipped, in their own deck and unchanged, until the row is fixed or deleted (DESIGN.md
            "Severity"); in ledger order.
    """

    overrides: dict[str, str]
    reworded: tuple[Rewording, ...]
    retired: tuple[LedgerEntry, ...]
    ledger: Ledger
    kept: tuple[LedgerEntry, ...] = ()


def resolve(library: Library, ledger: Ledger, *, timestamp: int,
            new_identity: Collection[str] = ()) -> Identities:
    """Decide every note's GUID from the library and the ledger, and update the ledger.

    Args:
        library: the model just read.
        ledger: the ledger as committed.
        timestamp: the build's content timestamp (``source_date_epoch``).
        new_identity: questions (compared by :func:`~cheatdeck.model.question_key`) that must
            not inherit an old GUID through a rewording match (``build --new-identity``).

    Returns:
        The :class:`Identities`. A card with an ``ID`` column keeps the GUID of its ID, a card
        whose own GUID is in the ledger keeps it, and only the remaining cards are offered to
        :func:`~cheatdeck.ledger_match.match_rewordings` against the ledger entries of the same
        sheet that no card claims. Fact rows keep their own GUID (no rewording match).

    Raises:
        LedgerError: a ``new_identity`` question is not a question of the library.
    """
    forced = {question_key(q) for q in new_identity}
    unknown = forced - {c.key for s in library.sheets for c in s.cards}
    if unknown:
        raise LedgerError(f"--new-identity: no such question: {', '.join(sorted(unknown))}")
    known = {e.guid: e for e in ledger.entries}
    live = list(_live_entries(library, timestamp))
    claimed = {entry.guid for entry, _ in live}
    kept = _kept_as_shipped(library, ledger, claimed)
    claimed |= {e.guid for e in kept}
    overrides: dict[str, str] = {}
    reworded: list[Rewording] = []
    for sheet in library.sheets:
        candidates = [Candidate(entry.guid, entry.question, entry.answer)
                      for entry, card_key in live
                      if entry.sheet == sheet.slug and card_key is not None
                      and entry.guid not in known and card_key not in forced]
        # Entries pinned by an ID keep that ID's identity only, and fact rows have none to match.
        orphans = [e for e in ledger.entries if e.sheet == sheet.slug and e.guid not in claimed
                   and not e.id and e.kind != "fact"]
        for match in match_rewordings(candidates, orphans):
            overrides[match.new_guid] = match.old_guid
            reworded.append(match)
    shipped: dict[str, LedgerEntry] = {}
    for fresh, _ in live:
        entry = replace(fresh, guid=overrides.get(fresh.guid, fresh.guid))
        old = known.get(entry.guid)
        if old is not None:
            # An unchanged note keeps its line byte for byte (``last`` included).
            entry = old if entry.same_content(old) else replace(entry, first=old.first)
        shipped[entry.guid] = entry
    for old in kept:
        shipped[old.guid] = old
    for old in ledger.entries:
        if old.guid not in shipped:
            shipped[old.guid] = old if old.retired else replace(old, retired=True,
                                                                last=timestamp)
    updated = Ledger(tuple(sorted(shipped.values(), key=lambda e: (e.sheet, e.guid))))
    return Identities(overrides, tuple(reworded), updated.retired, updated, kept)


def _kept_as_shipped(library: Library, ledger: Ledger,
                     claimed: Collection[str]) -> tuple[LedgerEntry, ...]:
    """The live ledger entries no card claims that a skipped row of the same sheet stands for:
    same kind and ID, or (no ID) the same question key; a fact row also by its table."""
    wanted: set[tuple[str, str, str, str]] = set()
    for sheet in library.sheets:
        for row in sheet.skipped:
            if row.id:
                wanted.add((sheet.slug, row.kind, "id", row.id))
            elif row.question:
                wanted.add((sheet.slug, row.kind, row.table, question_key(row.question)))
    if not wanted:
        return ()
    return tuple(e for e in ledger.entries if not e.retired and e.guid not in claimed and (
        (e.sheet, e.kind, "id", e.id) in wanted if e.id else
        (e.sheet, e.kind, "|".join(e.columns), question_key(e.question)) in wanted))


def _live_entries(library: Library,
                  timestamp: int) -> Iterator[tuple[LedgerEntry, str | None]]:
    """Yield a fresh entry (own GUID, ``first == last == timestamp``) per note of the library.

    Each comes with the card's question key when it may take part in a rewording match (a card
    without an ID), else None. Fact rows with no value are skipped: they make no note.
    """
    for sheet in library.sheets:
        for section in sheet.sections:
            new = partial(LedgerEntry, sheet=sheet.slug, section=section.slug,
                          sheet_title=sheet.title, section_title=section.title,
                          first=timestamp, last=timestamp)
            for card in section.cards:
                entry = new(guid=card_guid(sheet, card), kind=card.kind, id=card.id,
                            question=card.question, answer=card.answer,
                            extra=card.extra_field,
                            columns=(), values=())
                yield entry, (None if card.id or card.scope else card.key)
            for table in section.fact_tables:
                for row in table.rows:
                    if any(row.values):
                        entry = new(guid=fact_guid(sheet.slug, table, row), kind="fact", id="",
                                    question=row.subject, answer="", extra="",
                                    columns=table.columns, values=row.values)
                        yield entry, None
