"""The budget one page's extraction gets: wall-clock seconds and memory.

Extraction runs parsers (lxml, trafilatura, htmldate) on pages from outside, and some
inputs make them slow or huge: a megabyte of tiny spans kept trafilatura busy for 16 s,
an element with 200,000 attributes held lxml's parser past a minute. Patterns we know
are made linear in ``storyline.extract``; the budget makes the ones we do not know
harmless. A page over budget is a problem of its own kind (``too_slow``, ``too_big``):
reported, skipped, and the run goes on.

The limits are applied in worker processes (``pool.py``): the time by killing the
worker (a hang inside C code that never returns to Python is stopped too), the memory
with ``RLIMIT_AS`` set in the worker, so an allocation past it fails there and never
starves the machine.
"""

from __future__ import annotations

import resource
from dataclasses import dataclass

from storyline.config import Settings

# A worker that ran out of memory exits with this code, so the pool replaces it (a
# process that hit MemoryError may hold a fragmented heap) and the parent knows why.
EXIT_TOO_BIG = 86


@dataclass(frozen=True)
class Budget:
    """Seconds and MiB of address space one page's extraction may use; 0 = no limit."""

    seconds: float = 20.0
    memory_mb: int = 2048

    @classmethod
    def from_settings(cls, settings: Settings) -> Budget:
        """The budget the ``extract_budget`` and ``extract_memory_mb`` settings give."""
        return cls(float(settings.extract_budget), int(settings.extract_memory_mb))

    @property
    def timeout(self) -> float | None:
        """The per-page timeout handed to the pool (None: unlimited)."""
        return self.seconds if self.seconds > 0 else None

    def too_slow_message(self) -> str:
        """What to tell the user about a page that ran out of time."""
        return (
            f"too_slow: extracting the page took longer than its budget of {self.seconds:g} s"
            " and was stopped (the extract_budget setting gives such pages more time)"
        )

    def too_big_message(self) -> str:
        """What to tell the user about a page that ran out of memory."""
        return (
            f"too_big: extracting the page needed more than its memory limit of "
            f"{self.memory_mb} MiB and was stopped (the extract_memory_mb setting allows more)"
        )


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space at ``memory_mb`` MiB (0: leave it alone).

    Never raised above the hard limit the process already has; a limit below what the
    process already uses only makes its next allocations fail, which is the point."""
    if memory_mb <= 0:
        return
    wanted = memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
