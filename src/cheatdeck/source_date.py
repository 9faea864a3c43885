"""The time a build gives to notes whose content changed: ``SOURCE_DATE_EPOCH``, else the clock.

Each note ships with the time its content last changed, kept in the committed ledger
(``plan.py``), so a build whose ledger is current needs no time at all and two clones of one
commit build the same bytes. Only a new or changed note needs "now": ``SOURCE_DATE_EPOCH`` when
set (https://reproducible-builds.org/specs/source-date-epoch/), else the wall clock. The plan
still makes every changed note newer than its last time, whatever this returns.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping

from cheatdeck.errors import ConfigError

_INTEGER = re.compile(r"[0-9]+")  # ASCII digits only: str.isdigit() would accept "٣"


def change_time(environ: Mapping[str, str], *, clock: Callable[[], float] = time.time) -> int:
    """Return the time, in whole seconds since the epoch, for notes this build changes.

    Args:
        environ: the environment (``os.environ`` in the CLI, a plain dict in tests).
        clock: the wall clock (``time.time``), read only when ``SOURCE_DATE_EPOCH`` is unset.

    Returns:
        ``SOURCE_DATE_EPOCH`` if it is set, else ``clock()`` truncated to whole seconds.

    Raises:
        ConfigError: ``SOURCE_DATE_EPOCH`` is set but is not a non-negative integer (the spec
            says a malformed value must fail the build).
    """
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return int(clock())
    if not _INTEGER.fullmatch(value.strip()):
        raise ConfigError("SOURCE_DATE_EPOCH must be whole seconds since 1970 (e.g. 1767225600), "
                          f"got {value!r}")
    return int(value)
