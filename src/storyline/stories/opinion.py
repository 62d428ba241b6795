"""Whether a page is opinion (a column, a leader, an op-ed) rather than news.

Opinion pieces belong to a story's coverage, but a story is not named after one: its title
should say what happened, not what a columnist thinks of it. Newsrooms mark opinion in
three places, all checked: the URL path (``/opinion/``, ``/commentisfree/``, Danish
``/debat/``, German ``/meinung/``), a headline label ("Opinion:", "Leder:") and the
page's labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

_PATH = re.compile(
    r"/(?:opinion|opinions|comment|commentisfree|editorial|editorials|op-?ed|columns?|"
    r"columnists?|debat|kommentar|kommentarer|leder|ledere|meinung|kommentare)(?:/|$|-)",
    re.IGNORECASE,
)
_TITLE = re.compile(
    r"^\s*(?:opinion|comment|editorial|op-ed|column|leder|debat|kommentar|meinung)\s*[:|–—-]",
    re.IGNORECASE,
)
_LABELS = frozenset({"opinion", "comment", "editorial", "op-ed", "column", "leder"})


def is_opinion(title: str | None, url: str | None, labels: Iterable[str] = ()) -> bool:
    """Whether a page with this headline, URL and labels is opinion rather than news."""
    if any(label.strip().lower() in _LABELS for label in labels):
        return True
    if _TITLE.match(title or ""):
        return True
    return bool(_PATH.search(urlsplit(url or "").path or ""))
