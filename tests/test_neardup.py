"""MinHash + LSH near-duplicates decide as clean.mark_duplicates does, with stable hashes."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sinojp import clean, neardup


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


def test_same_duplicates_as_the_exact_method(prepared_seeds, prepared_sample):
    docs = _corpus(prepared_seeds, prepared_sample)
    manifest = pd.DataFrame({"source": docs["doc_id"], "doc_id": docs["doc_id"], "status": "ok", "reason": ""})
    _, exact = clean.mark_duplicates(docs, manifest, 0.8)
    expected = {}
    for doc_id, reason in zip(exact["doc_id"], exact["reason"]):
        m = re.match(r"near-duplicate of (\S+) \(Jaccard ([\d.]+)", reason)
        if m:
            expected[doc_id] = (m.group(1), m.group(2))
    found = neardup.mark_near_duplicates(docs["text"].tolist(), 0.8)
    got = {docs.at[i, "doc_id"]: (docs.at[j, "doc_id"], f"{jac:.2f}") for i, (j, jac) in found.items()}
    assert got == expected
    assert {"copy_exact", "copy_light", "copy_of_copy"} <= set(got) and "copy_heavy" not in got


def test_shingles_have_the_members_of_clean_shingles(prepared_sample):
    for text in prepared_sample.documents["text"]:
        assert len(neardup.shingle_hashes(text)) == len(clean.shingles(text))
    assert len(neardup.shingle_hashes("one two three four")) == 0


def test_signatures_are_stable_and_estimate_jaccard(prepared_sample):
    a = prepared_sample.documents["text"].iloc[0]
    b = _edited(a, 25)
    ha, hb = neardup.shingle_hashes(a), neardup.shingle_hashes(b)
    sa, sb = neardup.signature(ha), neardup.signature(hb)
    assert np.array_equal(sa, neardup.signature(neardup.shingle_hashes(a)))
    assert sa.dtype == np.uint32 and sa.shape == (neardup.NUM_PERM,)
    assert abs(float((sa == sb).mean()) - neardup.jaccard(ha, hb)) < 0.15


def test_candidates_need_a_matching_band():
    sigs = np.zeros((3, 8), dtype=np.uint32)
    sigs[1, :4] = 1  # agrees with doc 0 on the second band only
    sigs[2] = 7      # agrees with nobody
    pairs = neardup.candidate_pairs(sigs, bands=2)
    assert pairs.tolist() == [[0, 1]]
    assert neardup.candidate_pairs(sigs, bands=2, nonempty=np.array([True, False, True])).shape == (0, 2)
    # docs 0 and 1 agree on half their values: kept at an estimate floor of 0.5, dropped above it
    assert neardup.candidate_pairs(sigs, bands=2, min_estimate=0.5).tolist() == [[0, 1]]
    assert neardup.candidate_pairs(sigs, bands=2, min_estimate=0.6).shape == (0, 2)
