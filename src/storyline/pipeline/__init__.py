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
- ``ingest`` (``ingest.py``) stores archives, folders and JSONL: ``sources.archives``
  reads captures, ``extracting.extract_in_order`` extracts them in worker processes under
  the budget and in input order (``ingest_work.py`` is the workers' side, which the Spark
  backfill's executors run too), and ``store_version`` keeps each as a version.
- After a pass, ``poll``, ``watch`` and ``ingest`` thread what they stored into stories
  (``threading_pass.thread_stored`` → ``stories.thread_new_versions``): the stories stage
  prepares each page, ``story_pass.py`` threads them into the caller's ``LiveThreader``
  (``story_threader.py``) and rewrites the stories they touched (``story_summaries.py``)
  in one write transaction, ending with people's edits (``story_edits.py``).

Every path extracts a page with the same text-vs-HTML dispatch
(``sandbox.work.extract_page_bytes``), stores it through ``storing.store_version`` (the
store is handed the revisions stage's comparison) and indexes a new version for the one
near-duplicate detector (``copies.py``), so a page followed by ``poll`` and its copy read
from an archive end in the same group.
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
