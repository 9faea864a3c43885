"""Time one command in a fresh process: wall time, CPU time and peak RSS (``os.wait4``).

Every figure of ``python -m benchmarks`` is a whole process, for cheatdeck and for the baselines
alike, so imports and interpreter start-up count on both sides.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ENVIRONMENT = {"SOURCE_DATE_EPOCH": "1767225600"}
"""Fixed for every child: the deck's timestamp does not depend on file times."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One process: wall seconds, CPU seconds (user + system) and peak RSS in MiB."""

    wall: float
    cpu: float
    rss_mib: float

    def __add__(self, other: Sample) -> Sample:
        """Two processes run one after the other: times add up, the peak is the larger one."""
        return Sample(self.wall + other.wall, self.cpu + other.cpu,
                      max(self.rss_mib, other.rss_mib))


@dataclass(slots=True)
class Series:
    """The samples of one step at one size, in run order."""

    samples: list[Sample] = field(default_factory=list)

    @property
    def wall(self) -> float:
        """Median wall seconds."""
        return statistics.median(s.wall for s in self.samples)

    @property
    def cpu(self) -> float:
        """Median CPU seconds (user + system)."""
        return statistics.median(s.cpu for s in self.samples)

    @property
    def rss_mib(self) -> float:
        """Largest peak RSS of the runs, MiB."""
        return max(s.rss_mib for s in self.samples)


class CommandFailed(RuntimeError):
    """A measured command exited non-zero; the message holds its stderr's end."""


def run(command: Sequence[str], cwd: Path) -> Sample:
    """Run ``command`` in ``cwd`` and measure it.

    Args:
        command: the argv, e.g. ``[sys.executable, "-m", "cheatdeck", "build", "-q"]``.
        cwd: its working folder.

    Returns:
        Its :class:`Sample` (peak RSS from ``ru_maxrss``, which Linux reports in KiB).

    Raises:
        CommandFailed: the command exited non-zero.
    """
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(list(command), cwd=cwd, stdout=subprocess.DEVNULL, stderr=err,
                                   env={**os.environ, **ENVIRONMENT})
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-2000:]
            raise CommandFailed(f"{' '.join(command)} exited {process.returncode}:\n{tail}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)
