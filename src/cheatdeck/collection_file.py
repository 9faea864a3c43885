"""The collection file on disk: Anki's lock, a private working copy, the backup, the write-back.

What keeps a learner's collection whole while :mod:`cheatdeck.anki_sync` changes it (no
``anki`` import here, only SQLite and files):

* **Anki desktop open → refuse.** Anki holds an exclusive SQLite lock on ``collection.anki2``
  while a profile is open (measured: a second ``Collection(path)`` fails "Anki already open").
  :func:`exclusive` takes the same lock (``locking_mode=EXCLUSIVE``, ``BEGIN EXCLUSIVE``, which
  writes nothing) for the whole sync, so a sync cannot start while Anki has the file and Anki
  cannot open it until the sync is done. A non-empty ``-wal`` file next to it means an open or
  crashed Anki: refused too (the file alone would not be the whole collection).
* **All or nothing.** Changes are made in :func:`working_copy`, a copy in a private folder
  beside the collection; only after every change succeeded does :func:`write_back` copy it into
  the original in one SQLite transaction, so a failure at any point (or a killed process)
  leaves the original as it was.
* **Backup first.** Just before that write, :func:`backup` copies the original's bytes to
  ``cheatdeck-backups/collection-<UTC time>.anki2`` beside it (never overwriting a file).
  Restoring is copying it back over ``collection.anki2`` with Anki closed.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from cheatdeck.errors import SyncError

BACKUP_DIR = "cheatdeck-backups"
"""Folder, beside the collection file, that holds the backups ``cheatdeck sync`` makes."""


@contextmanager
def exclusive(path: Path) -> Iterator[sqlite3.Connection]:
    """Hold Anki's own lock on the collection for the block (yielding the connection that
    holds it); refuse if someone else holds it."""
    wal = Path(f"{path}-wal")
    in_use = (f"{path.as_posix()}: Anki has this collection open (or did not close cleanly): "
              "close Anki (or open and close it once), then sync again; or import the .apkg "
              "instead (File → Import)")
    if wal.is_file() and wal.stat().st_size:
        raise SyncError(in_use)
    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        connection.execute("PRAGMA locking_mode=EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
    except sqlite3.OperationalError as exc:
        connection.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise SyncError(in_use) from None
        raise SyncError(f"{path.as_posix()}: not an Anki collection ({exc})") from None
    except sqlite3.DatabaseError as exc:
        connection.close()
        raise SyncError(f"{path.as_posix()}: not an Anki collection ({exc})") from None
    try:
        if not {"col", "notes", "cards"} <= tables:
            raise SyncError(f"{path.as_posix()}: not an Anki collection (no notes table)")
        yield connection
    finally:
        if connection.in_transaction:
            connection.execute("ROLLBACK")  # nothing was written through this connection
        connection.close()


def write_back(staged: Path, lock: sqlite3.Connection) -> None:
    """Copy the synced database into the original through the connection holding its lock.

    SQLite's online backup writes every page in one transaction of the destination, so the
    original is either wholly old or wholly new, even if the process dies half-way (its journal
    undoes or completes it). Unlike renaming a file over it, this works while the lock is held
    (Windows refuses to replace an open file) and keeps the file itself (its permissions).
    """
    lock.execute("ROLLBACK")  # end the read transaction; EXCLUSIVE locking mode keeps the lock
    source = sqlite3.connect(staged)
    try:
        source.backup(lock)
    finally:
        source.close()


@contextmanager
def working_copy(path: Path) -> Iterator[Path]:
    """Yield a copy of the collection in a private folder beside it; remove the folder after."""
    folder = Path(tempfile.mkdtemp(dir=path.parent, prefix=".cheatdeck-sync-"))
    try:
        staged = folder / "collection.anki2"
        shutil.copyfile(path, staged)
        yield staged
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def rollback_journal(path: Path) -> bool:
    """True when the original is in rollback-journal mode (SQLite header bytes 18–19 are 1):
    the synced copy is closed the same way, so Anki finds the file as it left it."""
    with path.open("rb") as file:
        return file.read(20)[18:20] == b"\x01\x01"


def backup(path: Path, now: datetime) -> Path:
    """Copy ``path`` to ``cheatdeck-backups/collection-<time>.anki2``; never overwrite."""
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stem = f"{path.stem}-{now.strftime('%Y%m%d-%H%M%S')}"
    for number in range(1000):
        target = folder / (f"{stem}.anki2" if not number else f"{stem}-{number}.anki2")
        try:
            with path.open("rb") as source, target.open("xb") as out:
                shutil.copyfileobj(source, out)
            return target
        except FileExistsError:
            continue
    raise SyncError(f"{folder.as_posix()}: cannot name a new backup")
