"""MinHash + LSH near-duplicates decide as an exact all-pairs word 5-gram Jaccard would, with stable hashes."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sinojp.text import neardup


def _edited(text: str, every: int) -> str:
    """Replace every ``every``-th word: lowers the 5-gram Jaccard by a controlled amount."""
    words = text.split(" ")
    return " ".join("changed" if i % every == 0 else w for i, w in enumerate(words))


def _corpus(prepared_seeds, prepared_sample) -> pd.DataFrame:
    docs = pd.concat([prepared_seeds.documents[["doc_id", "text"]], prepared_sample.documents[["doc_id", "text"]]],
                     ignore_index=True)
    base = docs["text"].tolist()
    extra = [
        ("copy_exact", base[0]),
        ("copy_light", _edited(base[2], 100)),   # a few words changed: still a duplicate
        ("copy_heavy", _edited(base[3], 6)),    # many words changed: below the threshold
        ("copy_of_copy", _edited(base[0], 60)),  # close to both base[0] and copy_exact
        ("tiny", "China and Japan"),            # fewer than five words: no shingles
    ]
    return pd.concat([docs, pd.DataFrame(extra, columns=["doc_id", "text"])], ignore_index=True)


def _word_shingles(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {" ".join(words[i:i + 5]) for i in range(len(words) - 4)}


def _exact(texts: list[str], threshold: float) -> dict[int, tuple[int, float]]:
    """All pairs, exact Jaccard: a later document copies the most similar earlier one not itself a copy."""
    sh = [_word_shingles(t) for t in texts]
    found: dict[int, tuple[int, float]] = {}
    for i in range(len(texts)):
        best = None
        for j in range(i):
            if j in found or not sh[i]:
                continue
            jac = len(sh[i] & sh[j]) / len(sh[i] | sh[j])
            if jac >= threshold and (best is None or jac > best[1]):
                best = (j, jac)
        if best:
            found[i] = best
    return found


def test_same_duplicates_as_the_exact_method(prepared_seeds, prepared_sample):
    docs = _corpus(prepared_seeds, prepared_sample)
    exact = _exact(docs["text"].tolist(), 0.8)
    expected = {docs.at[i, "doc_id"]: (docs.at[j, "doc_id"], f"{jac:.2f}") for i, (j, jac) in exact.items()}
    found = neardup.mark_near_duplicates(docs["text"].tolist(), 0.8)
    got = {docs.at[i, "doc_id"]: (docs.at[j, "doc_id"], f"{jac:.2f}") for i, (j, jac) in found.items()}
    assert got == expected
    assert {"copy_exact", "copy_light", "copy_of_copy"} <= set(got) and "copy_heavy" not in got


def test_shingles_are_the_distinct_word_five_grams(prepared_sample):
    for text in prepared_sample.documents["text"]:
        assert len(neardup.hash_shingles(text)) == len(_word_shingles(text))
    assert len(neardup.hash_shingles("one two three four")) == 0


def test_signatures_are_stable_and_estimate_jaccard(prepared_sample):
    a = prepared_sample.documents["text"].iloc[0]
    b = _edited(a, 25)
    ha, hb = neardup.hash_shingles(a), neardup.hash_shingles(b)
    sa, sb = neardup.minhash_signature(ha), neardup.minhash_signature(hb)
    assert np.array_equal(sa, neardup.minhash_signature(neardup.hash_shingles(a)))
    assert sa.dtype == np.uint32 and sa.shape == (neardup.NUM_PERM,)
    assert abs(float((sa == sb).mean()) - neardup.jaccard(ha, hb)) < 0.15


def test_candidates_need_a_matching_band():
    sigs = np.zeros((3, 8), dtype=np.uint32)
    sigs[1, :4] = 1  # agrees with doc 0 on the second band only
    sigs[2] = 7      # agrees with nobody
    pairs = neardup.find_candidate_pairs(sigs, bands=2)
    assert pairs.tolist() == [[0, 1]]
    assert neardup.find_candidate_pairs(sigs, bands=2, nonempty=np.array([True, False, True])).shape == (0, 2)
    # docs 0 and 1 agree on half their values: kept at an estimate floor of 0.5, dropped above it
    assert neardup.find_candidate_pairs(sigs, bands=2, min_estimate=0.5).tolist() == [[0, 1]]
    assert neardup.find_candidate_pairs(sigs, bands=2, min_estimate=0.6).shape == (0, 2)
