"""Near-duplicate detection for large corpora: MinHash signatures with LSH banding.

An exact all-pairs comparison would keep every document's shingle set in memory with an inverted
index over all shingles; on a million articles that is several gigabytes. Here each document
contributes a fixed-size MinHash signature (``num_perm`` 32-bit values) and its shingles are kept
on disk only; candidate pairs are documents that agree on all rows of at least one band of the
signature (locality-sensitive hashing), and each candidate pair is then checked with the *exact*
Jaccard similarity of the two shingle sets, so the decision rule is the exact one: a document
is a duplicate of the earlier, not-duplicate document it is most
similar to, when that similarity is at least the threshold.

With 32 bands of 4 rows a pair at Jaccard 0.8 becomes a candidate with probability
1 - (1 - 0.8**4)**32 > 0.9999999, so for the threshold of the pipeline the result is that of the
exact method. Articles on the same story often reach 0.3-0.5 and would become candidates by the
million in large corpora; candidates whose signatures agree on less than ``threshold - 0.2`` of
their values (over five standard errors below the threshold) are dropped before the exact check.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import chain

import numpy as np

NUM_PERM = 128
BANDS = 32
SHINGLE = 5
ESTIMATE_MARGIN = 0.2
#: word 5-gram Jaccard similarity at which a later document is a near-duplicate of an earlier one
THRESHOLD = 0.8
_TOKEN = re.compile(r"[a-z0-9]+")
_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier of the rolling shingle hash


def _token_hash(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")


def _token_hashes(tokens: Iterable[str]) -> np.ndarray:
    """:func:`_token_hash` of each token, as a uint64 array (the digests read as one buffer)."""
    digests = b"".join([hashlib.blake2b(t.encode(), digest_size=8).digest() for t in tokens])
    return np.frombuffer(digests, dtype="<u8").astype(np.uint64)


def hash_shingles(text: str, n: int = SHINGLE) -> np.ndarray:
    """Sorted unique 64-bit hashes of the lower-cased word ``n``-grams of a text.

    Words are runs of ``[a-z0-9]`` in the lower-cased text; the hashes are stable across processes
    (unlike Python's ``hash``).
    """
    return hash_shingles_many([text], n)[0]


def hash_shingles_many(texts: Sequence[str], n: int = SHINGLE) -> list[np.ndarray]:
    """:func:`hash_shingles` of each text; each distinct word of all the texts is hashed once.

    Parameters
    ----------
    texts : sequence of str
        E.g. the documents of a chunk.
    n : int
        Words per shingle.

    Returns
    -------
    list of ndarray of uint64
        The sorted unique shingle hashes of each text (empty for a text of fewer than ``n`` words).
    """
    tokens = [_TOKEN.findall(t.lower()) for t in texts]
    index = {t: i for i, t in enumerate(dict.fromkeys(chain.from_iterable(tokens)))}
    ids_all = _token_hashes(index)
    return [_rolling_shingles(ids_all, index, toks, n) for toks in tokens]


def _rolling_shingles(ids_all: np.ndarray, index: dict[str, int], toks: list[str], n: int) -> np.ndarray:
    """Sorted unique rolling hashes of the ``n``-grams of ``toks`` (``ids_all[index[t]]`` hashes word ``t``)."""
    if len(toks) < n:
        return np.empty(0, dtype=np.uint64)
    codes = np.fromiter(map(index.__getitem__, toks), dtype=np.intp, count=len(toks))
    ids = ids_all[codes]
    m = len(toks) - n + 1
    h = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = h * _MULT + ids[k:k + m] + np.uint64(k + 1)
    return np.unique(h)


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The multipliers and offsets of the MinHash permutations (drawn once per process; read-only)."""
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def minhash_signature(hashes: np.ndarray, num_perm: int = NUM_PERM) -> np.ndarray:
    """MinHash signature (``num_perm`` uint32 values) of a set of 64-bit shingle hashes.

    Each permutation is a multiply-shift hash ``(a*h + b) >> 32`` with odd ``a``; an empty set
    gets the all-ones signature (and is never a candidate, see :func:`near_duplicates`).
    """
    if len(hashes) == 0:
        return np.full(num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    a, b = _permutations(num_perm)
    with np.errstate(over="ignore"):
        mixed = (hashes[None, :] * a[:, None] + b[:, None]) >> np.uint64(32)
    return mixed.min(axis=1).astype(np.uint32)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two sorted unique hash arrays (0 when either is empty)."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def _estimated_similarity(signatures: np.ndarray, left: np.ndarray, right: np.ndarray,
                          block: int = 100_000) -> np.ndarray:
    """Share of equal MinHash values of each pair (an unbiased estimate of their Jaccard similarity)."""
    out = np.empty(len(left), dtype=np.float32)
    for start in range(0, len(left), block):
        a, b = left[start:start + block], right[start:start + block]
        out[start:start + block] = (signatures[a] == signatures[b]).mean(axis=1)
    return out


def find_candidate_pairs(signatures: np.ndarray, bands: int = BANDS, nonempty: np.ndarray | None = None,
                    min_estimate: float | None = None) -> np.ndarray:
    """Pairs ``(j, i)`` with ``j < i`` whose signatures agree on every row of some band.

    Parameters
    ----------
    signatures : ndarray, shape (n_documents, num_perm)
    bands : int
        Number of bands (``num_perm`` must be a multiple).
    nonempty : ndarray of bool, optional
        Documents that have shingles; the others are never candidates.
    min_estimate : float, optional
        Drop pairs whose estimated similarity (share of equal signature values) is below this,
        bucket by bucket, so that clusters of similar but not duplicate articles (one story told
        by many outlets) do not produce millions of pairs.

    Returns
    -------
    ndarray of shape (n_pairs, 2), sorted by ``i`` then ``j``, without repeats.
    """
    n, num_perm = signatures.shape
    rows = num_perm // bands
    keep = np.arange(n) if nonempty is None else np.flatnonzero(nonempty)
    codes: list[np.ndarray] = []  # pair (j, i) as the single number j * n + i
    for band in range(bands):
        block = np.ascontiguousarray(signatures[keep, band * rows:(band + 1) * rows])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * rows))).ravel()
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        sizes = np.diff(np.r_[starts, len(order)])
        for s, size in zip(starts[sizes > 1], sizes[sizes > 1]):
            members = np.sort(keep[order[s:s + size]])
            jj, ii = np.triu_indices(len(members), k=1)
            found = np.stack([members[jj], members[ii]], axis=1)
            if min_estimate is not None:
                found = found[_estimated_similarity(signatures, found[:, 0], found[:, 1]) >= min_estimate]
            if len(found):
                codes.append(found[:, 0].astype(np.int64) * n + found[:, 1])
        if len(codes) > 64:  # merge as we go: a pair found in several bands is kept once
            codes = [np.unique(np.concatenate(codes))]
    if not codes:
        return np.empty((0, 2), dtype=np.int64)
    unique = np.unique(np.concatenate(codes))
    found = np.stack([unique // n, unique % n], axis=1)
    return found[np.lexsort((found[:, 0], found[:, 1]))]


def find_near_duplicates(signatures: np.ndarray, shingles_of: Callable[[int], np.ndarray],
                    threshold: float = THRESHOLD, bands: int = BANDS,
                    nonempty: np.ndarray | None = None) -> dict[int, tuple[int, float]]:
    """Mark near-duplicates in corpus order: each later document against the earlier ones.

    Parameters
    ----------
    signatures : ndarray, shape (n_documents, num_perm)
        MinHash signatures in corpus order.
    shingles_of : callable
        ``i -> sorted unique shingle hashes`` of document ``i`` (read from disk by the caller).
    threshold : float
        Minimum exact Jaccard similarity.
    nonempty : ndarray of bool, optional
        Documents with at least one shingle.

    Returns
    -------
    dict
        ``i -> (j, jaccard)``: document ``i`` duplicates the earlier document ``j``.
    """
    # A pair at the threshold agrees on a share ``threshold`` of the signature values, give or take
    # sqrt(t(1-t)/num_perm) (0.035 at 0.8 with 128 values); a margin of 0.2 is over five of those.
    pairs = find_candidate_pairs(signatures, bands, nonempty, min_estimate=max(0.0, threshold - ESTIMATE_MARGIN))
    dup_of: dict[int, tuple[int, float]] = {}
    if len(pairs) == 0:
        return dup_of
    bounds = np.flatnonzero(np.r_[True, pairs[1:, 1] != pairs[:-1, 1], True])
    for start, end in zip(bounds[:-1], bounds[1:]):
        i = int(pairs[start, 1])
        mine = shingles_of(i)
        best: tuple[int, float] | None = None
        for j in pairs[start:end, 0]:
            j = int(j)
            if j in dup_of:
                continue
            jac = jaccard(mine, shingles_of(j))
            if jac >= threshold and (best is None or jac > best[1]):
                best = (j, jac)
        if best is not None:
            dup_of[i] = best
    return dup_of


def mark_near_duplicates(texts: Sequence[str], threshold: float = THRESHOLD) -> dict[int, tuple[int, float]]:
    """In-memory convenience: :func:`find_near_duplicates` over a list of texts.

    Each text is hashed into lower-cased word 5-gram shingles and a MinHash signature; texts of
    fewer than five words have no shingles and are never matched.

    Parameters
    ----------
    texts : sequence of str
        Document texts in corpus order.
    threshold : float
        Minimum exact Jaccard similarity of two texts' shingles (default :data:`THRESHOLD`, 0.8).

    Returns
    -------
    dict
        ``i -> (j, jaccard)``: text ``i`` duplicates the earlier text ``j`` with that Jaccard
        similarity; texts that duplicate no earlier text are absent.
    """
    hashes = hash_shingles_many(texts)
    sigs = np.stack([minhash_signature(h) for h in hashes]) if hashes else np.empty((0, NUM_PERM), dtype=np.uint32)
    nonempty = np.array([len(h) > 0 for h in hashes], dtype=bool)
    return find_near_duplicates(sigs, hashes.__getitem__, threshold, nonempty=nonempty)
