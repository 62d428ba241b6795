"""Scores for a clustering against gold labels: B-cubed precision, recall and F1.

B-cubed (Bagga and Baldwin, 1998) judges every item: precision is the share of the items
in its predicted cluster that share its gold label, recall the share of the items with its
gold label that share its predicted cluster; both are averaged over items. Unlike NMI it
punishes splitting a story into many small ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence


def bcubed(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of ``predicted`` cluster labels against ``gold``."""
    if len(predicted) != len(gold):
        raise ValueError(f"{len(predicted)} predicted labels for {len(gold)} gold labels")
    if not gold:
        return 0.0, 0.0, 0.0
    cluster_sizes = Counter(predicted)
    class_sizes = Counter(gold)
    overlaps = Counter(zip(predicted, gold, strict=True))
    precision = sum(n * n / cluster_sizes[p] for (p, _), n in overlaps.items()) / len(gold)
    recall = sum(n * n / class_sizes[g] for (_, g), n in overlaps.items()) / len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
