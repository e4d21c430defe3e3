"""Document similarity: TF-IDF cosine, shared shingles, shared actors."""

import numpy as np
import pytest

from sinojp.compare import similarity


@pytest.fixture(scope="module")
def prep(prepared_seeds):
    return prepared_seeds


def test_tfidf_matrix_is_symmetric_with_unit_diagonal(prep):
    m = similarity.compute_tfidf_similarity(prep.documents)
    vals = m.to_numpy()
    assert list(m.index) == list(m.columns) == prep.documents["doc_id"].tolist()
    assert np.allclose(vals, vals.T)
    assert np.allclose(np.diag(vals), 1.0)
    assert (vals >= 0).all() and (vals <= 1).all()
    off = vals[~np.eye(len(vals), dtype=bool)]
    assert (off < 1).all()


def test_shingles_find_copied_passage(prep):
    docs = prep.documents[["doc_id", "text"]].copy()
    source = docs.iloc[-1]["text"]
    passage = " ".join(source.split()[20:45])
    copy = docs.iloc[[0]].assign(doc_id="copy", text=lambda d: d["text"] + "\n\n" + passage)
    pairs = similarity.find_shared_passages(
        __import__("pandas").concat([docs.iloc[[0, -1]], copy]), n=8)
    hit = pairs[(pairs["doc_a"] == docs.iloc[-1]["doc_id"]) & (pairs["doc_b"] == "copy")]
    assert len(hit) == 1 and hit["shared"].iloc[0] == len(passage.split()) - 8 + 1
    assert hit["example"].iloc[0].split()[:3] == [w.lower().strip(".,\"'") for w in passage.split()[:3]]


def test_shared_actors_pairs(prep):
    from sinojp.compare.salience import find_actor_mentions

    mentions = find_actor_mentions(prep.sentences)
    pairs = similarity.count_shared_actors(mentions)
    n = prep.documents["doc_id"].nunique()
    assert len(pairs) == n * (n - 1) // 2
    assert pairs["actor_jaccard"].between(0, 1).all()
    row = pairs.iloc[0]
    a = set(mentions.loc[mentions["doc_id"] == row["doc_a"], "actor"])
    b = set(mentions.loc[mentions["doc_id"] == row["doc_b"], "actor"])
    assert set(filter(None, row["shared_actors"].split("|"))) == a & b
    m = similarity.pivot_pairs(pairs, "actor_jaccard", sorted(set(mentions["doc_id"])))
    assert np.allclose(m.to_numpy(), m.to_numpy().T) and np.allclose(np.diag(m.to_numpy()), 1)


def test_short_labels_are_unique(prep):
    ids = prep.documents["doc_id"].tolist()
    labels = similarity.shorten_labels(ids + ["a_very_long_document_name_one_x", "a_very_long_document_name_one_y"], width=10)
    assert len(set(labels.values())) == len(labels)
    assert labels[ids[0]] == ids[0][:3]
    assert labels["a_very_long_document_name_one_x"] == "a_very_long_document_name_one_x"
