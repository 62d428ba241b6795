"""The one place that wires the stages: fetch → extract → store version → reschedule.

The whole job, in the order it runs:

- ``follow(store, fetcher, url, every)`` (``follow.py``) fetches a URL, asks
  ``sources.detect`` what it is, and adds a source: a feed or a sitemap; an article
  (stored at once); or a home page, whose feed is found and followed.
- ``poll(store, fetcher, settings)`` (``poll.py``) reads every feed and sitemap due
  (``sources.feeds`` / ``sources.sitemaps`` → ``Store.add_pages``), then visits every page
  due in a small thread pool.
- ``visit_page`` (``visit.py``) sends a conditional GET (``sources.fetch``); a 304 only
  reschedules; otherwise ``extract`` makes the Article, ``store_version`` (``storing.py``)
  keeps it as a new version if it changed (the store asks ``revisions`` for the changes
  and ``copies.py`` indexes it for the near-duplicate detector), and ``sources.schedule``
  picks the next visit. Failures are recorded on the page and retried with backoff.
- ``watch`` repeats ``poll`` until a stop event is set; ``reextract`` runs the current
  extractor again over every stored raw page.
"""

from storyline.pipeline.follow import follow, follow_list
from storyline.pipeline.poll import poll, poll_source, watch
from storyline.pipeline.storing import store_version
from storyline.pipeline.visit import (
    PollReport,
    Progress,
    VisitResult,
    extract_page,
    next_visit,
    reextract,
    visit_page,
)

__all__ = [
    "PollReport",
    "Progress",
    "VisitResult",
    "extract_page",
    "follow",
    "follow_list",
    "next_visit",
    "poll",
    "poll_source",
    "reextract",
    "store_version",
    "visit_page",
    "watch",
]
