"""The build timestamp, taken from the content and never from the clock.

Anki updates a note on re-import only when the package is newer than the note (its default,
"update if newer", FIELD-NOTES.md), and the same input must give a byte-identical package
(DESIGN.md "Identity"). Both hold if the timestamp is ``SOURCE_DATE_EPOCH`` when set
(https://reproducible-builds.org/specs/source-date-epoch/), else the sources' latest change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from cheatdeck.diagnostics import ConfigError

_INTEGER = re.compile(r"[0-9]+")  # ASCII digits only: str.isdigit() would accept "٣"


def source_date_epoch(paths: Sequence[Path], environ: Mapping[str, str]) -> int:
    """Return the build timestamp in whole seconds since the epoch.

    Args:
        paths: the source files the build read.
        environ: the environment (``os.environ`` in the CLI, a plain dict in tests).

    Returns:
        ``SOURCE_DATE_EPOCH`` if it is set, else the latest modification time of ``paths``,
        truncated to whole seconds.

    Raises:
        ConfigError: ``SOURCE_DATE_EPOCH`` is set but is not a non-negative integer (the spec
            says a malformed value must fail the build), or it is unset and ``paths`` is empty.
        OSError: a path cannot be stat'ed.
    """
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is not None:
        if not _INTEGER.fullmatch(value.strip()):
            raise ConfigError(
                "SOURCE_DATE_EPOCH must be whole seconds since 1970 (e.g. 1767225600), "
                f"got {value!r}"
            )
        return int(value)
    if not paths:
        raise ConfigError("no source files to take the build date from; set SOURCE_DATE_EPOCH")
    return max(int(path.stat().st_mtime) for path in paths)
