"""Atomic file and folder writes: an output is either the old one or the new one, never half."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cheatdeck.diagnostics import OutputError


def write_atomic(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` through a temp file in the same folder and ``os.replace``.

    Readers of ``path`` see the old file or the new one, never half of one; the parent folder
    is created if missing; the file gets ``mode`` (``mkstemp`` would leave it 0600).

    Raises:
        OutputError: the folder cannot be created or written (permission, disk full); the
            message names the path; the previous file, if any, is left whole.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"{path.as_posix()}: cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            os.fchmod(handle.fileno(), mode)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path.as_posix()}: cannot write: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
