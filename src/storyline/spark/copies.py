"""Syndicated copies at scale: candidate pairs by LSH band key (a shuffle), then groups as
connected components (label propagation, also in Spark).

The policy is the batch ingest's (``storyline.duplicates``): each page's latest-version
MinHash signature is cut into bands; pages sharing a band key are candidates, and a pair
whose estimated Jaccard similarity reaches the threshold is a copy. Groups are the
connected components of those pairs. Each component is labelled with its smallest
``(first_seen, url)``, which is also its canonical page (the first seen), so one min-label
propagation gives both the groups and their canonicals.

Where the online index of ``storyline ingest`` differs: it compares a page with the 50
candidates sharing most bands with it and with the signatures indexed *at that moment*,
so an archive ingested in another order can group a borderline pair differently; here
every candidate pair is judged on the latest signatures, whatever the order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from storyline.duplicates import LshParams, band_keys, similarity

if TYPE_CHECKING:
    from pyspark import RDD

Label = tuple[str, str]  # (first_seen as ISO 8601, url): sorts as "first seen first"
# Distinct signatures compared pairwise within one band bucket; a bucket holding more is
# compared in windows of this size (copies of one story sort next to each other by page).
_MAX_BUCKET = 200


def band_entries(label: Label, signature: bytes | None, params: LshParams) -> list[Any]:
    """``(band key, (label, signature))`` for each band of a page's signature."""
    if not signature:
        return []
    return [(key, (label, signature)) for key in band_keys(signature, params)]


def bucket_pairs(members: Iterable[tuple[Label, bytes]], threshold: float) -> Iterator[Any]:
    """The copy pairs within one band bucket, each as ``(smaller label, larger label)``.

    Pages with identical signatures are joined to the first of them (a star, not a chain:
    the label propagation of ``_components`` then needs two rounds for them, where a
    chain of n copies needed n); distinct signatures are compared pairwise.
    """
    by_signature: dict[bytes, list[Label]] = {}
    for label, signature in members:
        by_signature.setdefault(signature, []).append(label)
    heads: list[tuple[Label, bytes]] = []
    for signature, labels in sorted(by_signature.items(), key=lambda kv: min(kv[1])):
        labels.sort()
        yield from ((labels[0], other) for other in labels[1:])
        heads.append((labels[0], signature))
    for start in range(0, len(heads), _MAX_BUCKET):
        window = heads[start : start + _MAX_BUCKET]
        for i, (left, a) in enumerate(window):
            for right, b in window[i + 1 :]:
                if similarity(a, b) >= threshold:
                    yield (min(left, right), max(left, right))


def copy_groups(pages: RDD[Any], params: LshParams, partitions: int) -> RDD[Any]:
    """``(label, canonical label)`` for every page in a group of copies.

    ``pages`` holds ``(label, signature)``; pages in no group are left out.
    """
    threshold = params.threshold
    edges = (
        pages.flatMap(lambda page: band_entries(page[0], page[1], params))
        .groupByKey(partitions)
        .flatMap(lambda bucket: bucket_pairs(bucket[1], threshold))
        .distinct(partitions)
        .cache()
    )
    return _components(edges, partitions)


def _components(edges: RDD[Any], partitions: int) -> RDD[Any]:
    """Min-label propagation over an undirected edge list until no label moves.

    Each round is one job: the neighbours' labels are offered along the edges (a join of
    two RDDs partitioned alike, so no shuffle of the edges) and each node keeps the
    smallest of its label and the offers, noting whether it moved (one cogroup).
    """
    both = edges.flatMap(lambda e: [e, (e[1], e[0])]).partitionBy(partitions).cache()
    labels = both.map(lambda e: (e[0], e[0])).reduceByKey(min, partitions).cache()
    while True:
        offered = both.join(labels, partitions).map(lambda kv: (kv[1][0], kv[1][1]))
        rounds = labels.cogroup(offered, partitions).mapValues(_smallest).cache()
        moved = rounds.filter(lambda kv: kv[1][1]).count()
        labels.unpersist()
        labels = rounds.mapValues(lambda value: value[0]).cache()
        if moved == 0:
            return labels


def _smallest(value: tuple[Iterable[Label], Iterable[Label]]) -> tuple[Label, bool]:
    """A node's new label (the smallest of its own and its neighbours') and whether it
    changed."""
    own = min(value[0])
    best = min(value[1], default=own)
    return (best, True) if best < own else (own, False)
