"""A threader that holds stories decided elsewhere, so that online threading continues
from them.

A Spark backfill threads an archive in time windows (``stories.windows``,
``stories.window_seeds``), whose stories are close to, but not exactly, what one
sequential pass gives. A store loaded from it must keep those stories, and the pages it
follows afterwards must thread into them. Replaying the loaded log with the ordinary
threader would give the sequential stories instead; so ``storyline load`` builds the
threader's state with ``PlacedThreader``: every item, in threading order, goes into the
story the backfill gave it, with the same bookkeeping as threading (document
frequencies, centroids, names, syndicated copies, story last times). The store keeps that
state as its threader snapshot, which the live threader starts from.
"""

from __future__ import annotations

from storyline.stories.threading import Prepared, StoryThreader, ThreadingOptions


class PlacedThreader(StoryThreader):
    """A ``StoryThreader`` whose items are placed into given stories, not threaded."""

    def __init__(self, options: ThreadingOptions | None = None) -> None:
        super().__init__(options)
        self._given: dict[int, int] = {}  # the caller's story number -> this threader's id

    def place(self, item: Prepared, story: int) -> int:
        """Put ``item`` into the caller's story ``story`` (any number that names it; a
        new number starts a story); returns the threader's id for that story. A new
        version of a placed item replaces its vector where it is, as threading does."""
        if item.key in self._item_story:
            return self._revise(item)
        target = self._given.get(story)
        original = self._syndication.match_signature(item.key, item.signature)
        if original is not None and target is not None and self.story_of(original) == target:
            self._item_story[item.key] = target  # a copy in its original's story: not counted
            self._touch(target, item.time)
            return target
        vector = self._vectorize(item.features)
        if target is None:
            target = self._given[story] = self._new_story(item.time)
        self._absorb(target, vector, self._dots(vector), item.time)
        self._stories[target].anchors.update(item.anchors)
        self._item_story[item.key] = target
        self._item_vector[item.key] = vector
        return target
