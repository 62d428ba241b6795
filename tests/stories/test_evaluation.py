"""B-cubed on a hand-worked example."""

from __future__ import annotations

import pytest

from storyline.stories.evaluation import bcubed


def test_bcubed_hand_example():
    # Gold: a a a b b. Predicted: 1 1 2 2 2.
    # Precision per item: 1, 1, 1/3, 2/3, 2/3 -> 11/15. Recall: 2/3, 2/3, 1/3, 1, 1 -> 11/15.
    precision, recall, f1 = bcubed([1, 1, 2, 2, 2], ["a", "a", "a", "b", "b"])
    assert precision == pytest.approx(11 / 15)
    assert recall == pytest.approx(11 / 15)
    assert f1 == pytest.approx(11 / 15)


def test_bcubed_extremes():
    gold = ["a", "a", "b", "c"]
    assert bcubed(gold, gold) == (1.0, 1.0, 1.0)
    precision, recall, _ = bcubed([0, 0, 0, 0], gold)
    assert recall == 1.0 and precision == pytest.approx((0.5 + 0.5 + 0.25 + 0.25) / 4)
    precision, recall, _ = bcubed([0, 1, 2, 3], gold)
    assert precision == 1.0 and recall == pytest.approx((0.5 + 0.5 + 1 + 1) / 4)


def test_bcubed_rejects_unequal_lengths():
    with pytest.raises(ValueError):
        bcubed([1, 2], [1])
