"""Logging set-up shared by the CLI and worker processes.

storyline's own messages follow ``-v``; the extraction libraries (trafilatura, htmldate,
courlan) log a warning for every odd page, which on a batch of thousands of pages buries
what matters, so they are held to errors unless ``-vv`` asks for everything.
"""

from __future__ import annotations

import logging

LIBRARY_LOGGERS = ("trafilatura", "htmldate", "courlan", "readability", "justext", "urllib3")


def configure_logging(verbose: int = 0) -> None:
    """Quiet by default; ``verbose=1`` shows storyline's info, ``2`` everything at debug."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)
    library_level = logging.DEBUG if verbose >= 2 else logging.ERROR
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(library_level)
