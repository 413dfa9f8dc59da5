"""Similarity: weights, cosine, shingles and MinHash signatures."""

from __future__ import annotations

import math

from bot.text.similarity import (
    NUM_PERM,
    cosine,
    jaccard_estimate,
    minhash,
    normalize,
    shingles,
    top_weights,
)

TEXT = "The quick brown fox jumps over the lazy dog near the river bank today"


def test_cosine_with_and_without_idf() -> None:
    assert math.isclose(cosine({"a": 1, "b": 1}, {"a": 1}), 1 / math.sqrt(2))
    assert cosine({"a": 1}, {"b": 1}) == 0.0
    assert cosine({}, {"a": 1}) == 0.0
    # a rarer shared term (idf 2) counts for more
    assert math.isclose(cosine({"a": 1, "b": 1}, {"a": 1}, {"a": 2.0}), 2 / math.sqrt(5))


def test_top_weights_are_stable_and_normalize_sums_to_one() -> None:
    assert top_weights({"b": 2, "a": 2, "c": 1, "d": 0}, 2) == {"a": 2, "b": 2}
    assert top_weights({"c": 1, "d": 0}, 5) == {"c": 1}
    assert normalize({"a": 1, "b": 3}) == {"a": 0.25, "b": 0.75}
    assert normalize({"a": 0}) == {}


def test_shingles_are_word_five_grams_of_folded_text() -> None:
    assert shingles("One two three four FIVE six") == {
        "one two three four five",
        "two three four five six",
    }
    assert shingles("a b") == {"a b"}
    assert shingles("") == set()


def test_minhash_is_fixed_and_estimates_jaccard() -> None:
    sig = minhash(shingles(TEXT))
    # stored signatures must compare with new ones: the hash is part of the data
    assert len(sig) == NUM_PERM and sig[:3] == [3210587471, 1219007601, 1632647436]
    other = minhash(shingles(TEXT.replace("today", "tonight")))
    assert jaccard_estimate(sig, sig) == 1.0
    assert 0.6 < jaccard_estimate(sig, other) < 1.0
    assert jaccard_estimate(sig, []) == 0.0
    assert minhash([]) == [(1 << 32) - 1] * NUM_PERM
