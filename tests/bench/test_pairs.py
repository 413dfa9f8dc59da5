"""The pair model's fit and AUC on small made-up data (no article texts needed)."""

from __future__ import annotations

import numpy as np

from bench.pairs import auc, fit


def test_fit_weights_the_feature_that_separates_the_classes() -> None:
    rng = np.random.default_rng(7)
    y = np.array([1.0] * 40 + [0.0] * 160)
    telling = y * 0.6 + rng.uniform(0, 0.4, len(y))
    noise = rng.uniform(0, 1, len(y))
    w, b = fit(np.column_stack([telling, noise]), y)
    assert w[0] > 5 * abs(w[1])
    scores = np.column_stack([telling, noise]) @ w + b
    assert auc(scores, y) > 0.95


def test_auc_counts_ties_as_half() -> None:
    y = np.array([1.0, 1.0, 0.0, 0.0])
    assert auc(np.array([1.0, 1.0, 1.0, 1.0]), y) == 0.5
    assert auc(np.array([2.0, 3.0, 1.0, 0.0]), y) == 1.0
    assert auc(np.array([0.0, 0.0, 1.0, 2.0]), y) == 0.0
