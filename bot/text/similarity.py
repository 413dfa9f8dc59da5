"""Text similarity primitives: weights, cosine, word shingles, MinHash.

Pure functions over strings and small dicts, used by ``bot.topics.developments`` to
group articles and to spot syndicated copies. Every hash here is a fixed
function of the input bytes (blake2b), never Python's salted ``hash()``, so a
signature computed by one worker process compares equal in another.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping

from bot.text.terms import words

NUM_PERM = 64
SHINGLE_SIZE = 5
_MERSENNE = (1 << 61) - 1
_MASK32 = (1 << 32) - 1


def top_weights(counts: Mapping[str, float], limit: int) -> dict[str, float]:
    """The ``limit`` heaviest entries, ties broken by key so the result is stable."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return {k: round(v, 6) for k, v in ranked if v > 0}


def normalize(weights: Mapping[str, float]) -> dict[str, float]:
    """Scale so the weights sum to 1 (an empty or all-zero map stays empty)."""
    total = sum(weights.values())
    if total <= 0:
        return {}
    return {k: v / total for k, v in weights.items()}


def cosine(
    a: Mapping[str, float], b: Mapping[str, float], idf: Mapping[str, float] | None = None
) -> float:
    """Cosine similarity of two sparse vectors, each feature scaled by ``idf`` if given."""
    if not a or not b:
        return 0.0

    def scale(key: str) -> float:
        return 1.0 if idf is None else idf.get(key, 1.0)

    dot = sum(v * b[k] * scale(k) ** 2 for k, v in a.items() if k in b)
    if dot <= 0:
        return 0.0
    na = math.sqrt(sum((v * scale(k)) ** 2 for k, v in a.items()))
    nb = math.sqrt(sum((v * scale(k)) ** 2 for k, v in b.items()))
    return dot / (na * nb)


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[str]:
    """Word ``size``-grams of the folded text (all words, stopwords included)."""
    tokens = words(text)
    if len(tokens) < size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def _permutations(count: int) -> list[tuple[int, int]]:
    # fixed (a, b) pairs for universal hashing, derived from their index alone
    pairs = []
    for i in range(count):
        digest = hashlib.blake2b(f"briefbot-minhash-{i}".encode(), digest_size=16).digest()
        a = int.from_bytes(digest[:8], "big") % (_MERSENNE - 1) + 1
        b = int.from_bytes(digest[8:], "big") % _MERSENNE
        pairs.append((a, b))
    return pairs


_PERMS = tuple(_permutations(NUM_PERM))


def minhash(items: Iterable[str]) -> list[int]:
    """A ``NUM_PERM``-slot MinHash signature (32-bit values) of a set of strings.

    An empty set gives all-max slots, which match nothing but another empty set.
    """
    base = [
        int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") % _MERSENNE
        for s in set(items)
    ]
    if not base:
        return [_MASK32] * NUM_PERM
    return [min((a * h + b) % _MERSENNE for h in base) & _MASK32 for a, b in _PERMS]


def jaccard_estimate(sig_a: list[int], sig_b: list[int]) -> float:
    """Share of equal slots: an unbiased estimate of the Jaccard similarity of the sets."""
    if not sig_a or len(sig_a) != len(sig_b):
        return 0.0
    return sum(1 for x, y in zip(sig_a, sig_b, strict=True) if x == y) / len(sig_a)
