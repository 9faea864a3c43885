"""The ledger on disk: read it without ever hanging, and refuse to lose it silently.

A lost ledger silently changes identities (a reworded question becomes a new note, removed notes
stop shipping), so once a project has shipped notes a missing, empty, cut-short or damaged
``source/cheatdeck.lock`` is an error with the way out (issue 11): restore it from version
control, or build with ``--new-ledger`` to start again on purpose.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cheatdeck.errors import LedgerError
from cheatdeck.ledger import RESTORE_HINT, Ledger


def read_ledger_text(path: Path) -> str | None:
    """Return the ledger file's text, or None when there is no file.

    Raises:
        LedgerError: the path is not a regular file (a FIFO would block the build forever, a
            folder cannot be read), cannot be read, or is not UTF-8; one line naming the path.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise LedgerError(f"{path.as_posix()}: cannot read the ledger: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a FIFO or device?)"
        raise LedgerError(f"{path.as_posix()}: the ledger is {kind}; it must be a file: "
                          + RESTORE_HINT.format(path=path.as_posix()))
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise LedgerError(f"{path.as_posix()}: cannot read the ledger: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise LedgerError(f"{path.as_posix()}: the ledger is not UTF-8 ({exc.reason} at byte "
                          f"{exc.start}); " + RESTORE_HINT.format(path=path.as_posix())) from None


def load_ledger(text: str | None, *, path: Path, shipped: str, new_ledger: bool) -> Ledger:
    """Return the ledger to build with, refusing to lose identities silently.

    Args:
        text: :func:`read_ledger_text`'s result (None: no file).
        path: the ledger's path, for messages.
        shipped: why the project has shipped notes before (e.g. ``"dist/x.apkg exists"``), or
            ``""`` when there is no sign of it (a project's first build).
        new_ledger: ``build --new-ledger``: start again on purpose; a missing or empty file is
            an empty ledger and a damaged one keeps its valid note lines.

    Raises:
        LedgerError: the file is missing although the project has shipped notes, or empty, cut
            short or damaged (:meth:`Ledger.loads`); the message gives the way out.
    """
    name = path.as_posix()
    if text is None or (new_ledger and not text.strip()):
        if shipped and not new_ledger:
            raise LedgerError(f"{name}: missing, but this project has shipped notes ({shipped}); "
                              + RESTORE_HINT.format(path=name))
        return Ledger()
    return Ledger.loads(text, path=name, accept_damage=new_ledger)
