"""The identity ledger, ``source/cheatdeck.lock``: every note the project has ever shipped.

Anki matches notes only by GUID, updates a note only when the package's copy is newer, and an
import never deletes a note (FIELD-NOTES.md). The ledger, committed next to the sources, records
for each shipped GUID what the build needs to keep that true across edits and clones:

* the note's last text (Markdown), so a reworded question keeps its GUID (``identity.py``) and a
  deleted one keeps shipping as a *retired* note, and a row the reader skipped keeps shipping as it
  was (``plan.py``);
* when its content last changed and a digest of what Anki received then, so each note carries its
  own modification time: a one-answer edit updates exactly one note in Anki, and two clones of one
  commit build the same bytes without ``SOURCE_DATE_EPOCH``.

Format (version 2; UTF-8 JSON Lines that diff well and never churn). Line 1 is the header
``{"format": "cheatdeck-ledger", "version": 2, "notes": N, "sha256": D}``: N note lines follow and
D is the first 16 hex digits of the SHA-256 of every line after the header, so a file cut short
(at a line boundary or not) or damaged is an error, not a silent loss of identities. Then, sorted
by sheet, section and GUID, a ``{"sheet": slug, "title": …}`` line before each sheet's notes, a
``{"section": slug, "title": …}`` line before each section's, and one JSON array per note::

    [guid, kind, changed, digest, question, answer]                 (kind "qa" or "gotcha")
    [guid, "fact", changed, digest, subject, [columns…], [values…]]

with a last element ``{"id": …, "extra": …, "tags": […], "retired": true}`` holding only the
values that are set. ``changed`` is the time (seconds since the epoch) the note's content last
changed; ``digest`` is 12 hex digits of the SHA-256 of its fields and tags as shipped. Version 1
files (one JSON object per GUID, about 2.4× larger) are read and rewritten as version 2 by the next
build that ships a deck, with the same GUIDs.

Everything here is pure text in, text out; ``ledger_file.py`` reads the file and refuses to lose
it, and the build writes it (``cheatdeck.files.write_atomic``) only together with its outputs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from itertools import groupby
from typing import Any

from cheatdeck.errors import LedgerError

LEDGER_FILE = "cheatdeck.lock"
"""File name of the ledger, in the source folder."""

FORMAT = "cheatdeck-ledger"
VERSION = 2

RESTORE_HINT = ("restore it from version control (`git checkout -- {path}`), or run `cheatdeck "
                "build --new-ledger` to start a new ledger on purpose (reworded questions then "
                "become new notes and removed ones stop shipping)")
"""The way out of a lost or damaged ledger, for every such error."""


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One GUID the project has shipped, with what it last shipped as (Markdown source).

    Attributes:
        guid: the note GUID (:mod:`cheatdeck.ids`, or an older GUID kept through a rewording).
        sheet: the sheet slug.
        section: the section slug.
        kind: ``"qa"``, ``"gotcha"`` or ``"fact"``.
        question: the question, or a fact row's subject.
        answer: the answer ("" for a fact row).
        columns: a fact row's table header cells (empty for a card).
        values: a fact row's value cells (empty for a card).
        sheet_title: the sheet's title (a retired note's ``Sheet`` field).
        section_title: the section's title (a retired note's ``Section`` field).
        changed: when the note's shipped content last changed, seconds since the epoch; the
            note's modification time in the package.
        digest: 12 hex digits of the SHA-256 of the fields and tags last shipped
            (:func:`cheatdeck.plan.content_digest`); ``""`` for an entry read from a version-1
            ledger, which recorded none.
        id: the explicit ``ID`` column value ("" when none).
        extra: the ``Extra`` column ("" when none).
        tags: the card's own tags, as written (empty when none).
        retired: True once the GUID is gone from the sources (it is still shipped, retired).
    """

    guid: str
    sheet: str
    section: str
    kind: str
    question: str
    answer: str
    columns: tuple[str, ...]
    values: tuple[str, ...]
    sheet_title: str
    section_title: str
    changed: int
    digest: str
    id: str = ""
    extra: str = ""
    tags: tuple[str, ...] = ()
    retired: bool = False

    def dated(self, changed: int, digest: str) -> LedgerEntry:
        """Return this entry with ``changed`` and ``digest`` set: what
        ``dataclasses.replace(self, changed=…, digest=…)`` gives, without its lookup of every
        field by name (the plan dates each note of a build: that was a fifth of planning 10k
        notes, issue 15)."""
        return LedgerEntry(self.guid, self.sheet, self.section, self.kind, self.question,
                           self.answer, self.columns, self.values, self.sheet_title,
                           self.section_title, changed, digest, self.id, self.extra, self.tags,
                           self.retired)

    def same_source(self, other: LedgerEntry) -> bool:
        """True if both record the same Markdown in the same place (time, digest, tags and the
        retired flag ignored): how a version-1 entry, which has no digest, is compared."""
        return replace(self, changed=other.changed, digest=other.digest, tags=other.tags,
                       retired=other.retired) == other

    def row(self) -> list[Any]:
        """Return the entry's note line as a JSON-ready list (module docstring)."""
        if self.kind == "fact":
            row: list[Any] = [self.guid, self.kind, self.changed, self.digest, self.question,
                              list(self.columns), list(self.values)]
        else:
            row = [self.guid, self.kind, self.changed, self.digest, self.question, self.answer]
        rare = {"id": self.id, "extra": self.extra, "tags": list(self.tags),
                "retired": self.retired}
        if any(rare.values()):
            row.append({k: v for k, v in rare.items() if v})
        return row


def _sort_key(entry: LedgerEntry) -> tuple[str, str, str, str, str]:
    return entry.sheet, entry.sheet_title, entry.section, entry.section_title, entry.guid


@dataclass(frozen=True, slots=True)
class Ledger:
    """Every GUID shipped so far.

    Attributes:
        entries: one per GUID, no two with the same GUID, sorted by sheet, section and GUID.
        version: the format version the text was read from (:data:`VERSION` for a new one).
    """

    entries: tuple[LedgerEntry, ...] = ()
    version: int = VERSION

    def __post_init__(self) -> None:
        object.__setattr__(self, "entries", tuple(sorted(self.entries, key=_sort_key)))

    def dumps(self) -> str:
        """Return the ledger file's text (version 2, module docstring)."""
        body: list[str] = []
        for (sheet, sheet_title), in_sheet in groupby(self.entries, lambda e: (e.sheet,
                                                                              e.sheet_title)):
            body.append(_dump({"sheet": sheet, "title": sheet_title}))
            for (section, title), in_section in groupby(in_sheet, lambda e: (e.section,
                                                                            e.section_title)):
                body.append(_dump({"section": section, "title": title}))
                body.extend(_dump(entry.row()) for entry in in_section)
        text = "".join(line + "\n" for line in body)
        header = {"format": FORMAT, "version": VERSION, "notes": len(self.entries),
                  "sha256": _body_digest(text)}
        return _dump(header) + "\n" + text

    @classmethod
    def loads(cls, text: str, *, path: str = LEDGER_FILE, accept_damage: bool = False) -> Ledger:
        """Parse a ledger file's text (version 2, or version 1 to migrate it).

        Args:
            text: the file's text; must hold at least the header line.
            path: the file's path, for messages.
            accept_damage: ``build --new-ledger``: keep every valid note line of a damaged file
                (count or digest wrong, lines cut short) instead of failing.

        Raises:
            LedgerError: the text is empty, the header names another format or version, the
                notes do not match the header's count or digest (cut short or damaged), a line
                is not a valid entry, or a GUID appears twice; the message gives ``path:line``
                and the way out.
        """
        lines = _lines(text)
        if not lines:
            raise LedgerError(f"{path}:1: the ledger is empty (it always holds a header line); "
                              + RESTORE_HINT.format(path=path))
        try:
            header = json.loads(lines[0])
        except ValueError:
            header = None
        if header == {"format": FORMAT, "version": 1}:
            return cls(_entries(lines, path, _v1_entry, accept_damage), version=1)
        if not isinstance(header, dict) or header.get("format") != FORMAT or \
                header.get("version") != VERSION:
            raise LedgerError(f"{path}:1: not a {FORMAT} file of version 1 or {VERSION}; "
                              + RESTORE_HINT.format(path=path))
        reader = _V2Reader(path)
        entries = _entries(lines, path, reader.entry, accept_damage)
        if not accept_damage:
            body = "".join(line + "\n" for line in lines[1:])
            if header.get("notes") != len(entries):
                raise LedgerError(
                    f"{path}:{len(lines)}: cut short: the header says {header.get('notes')} "
                    f"note(s), the file holds {len(entries)}; " + RESTORE_HINT.format(path=path))
            if header.get("sha256") != _body_digest(body):
                raise LedgerError(
                    f"{path}:1: damaged: the notes do not match the header's digest (edited by "
                    "hand, or merged?); " + RESTORE_HINT.format(path=path)
                    + "; --new-ledger keeps every note line that is still valid")
        return cls(tuple(entries))

    @property
    def retired(self) -> tuple[LedgerEntry, ...]:
        """The retired entries, in file order."""
        return tuple(e for e in self.entries if e.retired)

    def pruned(self) -> Ledger:
        """Return the ledger without its retired entries (``cheatdeck prune-ledger``).

        A pruned GUID is no longer shipped: learners keep the note as it was last imported.
        """
        return Ledger(tuple(e for e in self.entries if not e.retired))


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _lines(text: str) -> list[str]:
    """The file's lines: split on ``\n`` only (JSON keeps U+2028 and U+0085 of a question
    unescaped, and ``str.splitlines`` would cut the line there), a ``\r`` before it dropped
    (git's ``core.autocrlf`` checks the file out with CRLF), no last empty line."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    return lines[:-1] if lines[-1] == "" else lines


def same_text(file_text: str | None, dumped: str) -> bool:
    """True when a ledger file's text is :meth:`Ledger.dumps`'s ``dumped`` up to line endings
    (CRLF from a Windows checkout, or no final newline): the file need not be rewritten."""
    return file_text is not None and "".join(line + "\n" for line in _lines(file_text)) == dumped


def _body_digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def _entries(lines: list[str], path: str, parse: Any,
             accept_damage: bool) -> tuple[LedgerEntry, ...]:
    """Parse the lines after the header with ``parse(value) -> entry | None`` (None: a sheet or
    section line); a bad line raises, or with ``accept_damage`` is skipped."""
    entries: dict[str, LedgerEntry] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            entry = parse(json.loads(line))
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            if accept_damage:
                continue
            raise LedgerError(f"{path}:{number}: invalid ledger line ({exc}); "
                              + RESTORE_HINT.format(path=path)) from None
        if entry is None:
            continue
        if entry.guid in entries:
            if accept_damage:
                continue
            raise LedgerError(f"{path}:{number}: GUID {entry.guid} appears twice")
        entries[entry.guid] = entry
    return tuple(entries.values())


_RARE_KEYS = {"id", "extra", "tags", "retired"}


class _V2Reader:
    """Parses version-2 lines, remembering the sheet and section lines above each note."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.sheet: tuple[str, str] | None = None
        self.section: tuple[str, str] | None = None

    def entry(self, value: Any) -> LedgerEntry | None:
        if isinstance(value, dict):
            title = _str(value["title"])
            if "sheet" in value:
                self.sheet, self.section = (_str(value["sheet"]), title), None
            else:
                self.section = (_str(value["section"]), title)
            return None
        if not isinstance(value, list) or self.sheet is None or self.section is None:
            raise ValueError("a note line must be an array under a sheet and a section line")
        rare = value.pop() if value and isinstance(value[-1], dict) else {}
        if set(rare) - _RARE_KEYS:
            raise ValueError(f"unknown keys {sorted(set(rare) - _RARE_KEYS)}")
        guid, kind, changed, digest, question = value[:5]
        if kind == "fact":
            [columns, values] = value[5:]
            answer = ""
        elif kind in ("qa", "gotcha"):
            [answer] = value[5:]
            columns = values = []
        else:
            raise ValueError(f"unknown kind {kind!r}")
        if type(changed) is not int or type(rare.get("retired", False)) is not bool:
            raise TypeError("changed must be an integer and retired a boolean")
        return LedgerEntry(
            guid=_str(guid), sheet=self.sheet[0], section=self.section[0], kind=kind,
            question=_str(question), answer=_str(answer), columns=_strs(columns),
            values=_strs(values), sheet_title=self.sheet[1], section_title=self.section[1],
            changed=changed, digest=_str(digest), id=_str(rare.get("id", "")),
            extra=_str(rare.get("extra", "")), tags=_strs(rare.get("tags", [])),
            retired=rare.get("retired", False))


_V1_KEYS = {"guid", "sheet", "section", "kind", "id", "question", "answer", "extra", "columns",
            "values", "sheet_title", "section_title", "first", "last", "retired"}


def _v1_entry(value: Any) -> LedgerEntry:
    """Read a version-1 line: one object per GUID; ``last`` was when the line last changed."""
    if not isinstance(value, dict) or set(value) != _V1_KEYS:
        raise ValueError(f"expected the keys {sorted(_V1_KEYS)}")
    if type(value["last"]) is not int or type(value["retired"]) is not bool:
        raise TypeError("last must be an integer and retired a boolean")
    return LedgerEntry(
        guid=_str(value["guid"]), sheet=_str(value["sheet"]), section=_str(value["section"]),
        kind=_str(value["kind"]), question=_str(value["question"]),
        answer=_str(value["answer"]), columns=_strs(value["columns"]),
        values=_strs(value["values"]), sheet_title=_str(value["sheet_title"]),
        section_title=_str(value["section_title"]), changed=value["last"], digest="",
        id=_str(value["id"]), extra=_str(value["extra"]), retired=value["retired"])


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def _strs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list of strings, got {value!r}")
    return tuple(_str(v) for v in value)


def describe_change(old: Ledger, new: Ledger) -> str:
    """Return what ``new`` changes in ``old``, e.g. ``"2 new, 1 changed, 1 retired"``.

    For the ``build --frozen`` failure; ``"no entry changed"`` when only the text differs (a
    hand-edited file, or one still in format version 1).
    """
    before = {e.guid: e for e in old.entries}
    # A version-1 entry has no digest: filling it in is the migration, not a change.
    after = {e.guid: replace(e, digest="") if e.guid in before and not before[e.guid].digest
             else e for e in new.entries}
    counts = {
        "new": sum(g not in before for g in after),
        "changed": sum(g in before and e != before[g] and not (e.retired and not before[g].retired)
                       for g, e in after.items()),
        "retired": sum(e.retired and g in before and not before[g].retired
                       for g, e in after.items()),
        "dropped": sum(g not in after for g in before),
    }
    parts = [f"{n} {what}" for what, n in counts.items() if n]
    if old.version != new.version:
        parts.insert(0, f"format version {old.version} → {new.version}")
    return ", ".join(parts) or "no entry changed"
