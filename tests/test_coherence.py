"""NPMI coherence against gensim's reference implementation, and the other topic-quality measures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from sinojp.topics.coherence import (
    compute_diversity,
    compute_jaccard_matrix,
    compute_npmi_matrix,
    compute_stability,
    compute_topic_npmi,
    count_term_cooccurrence,
    list_npmi_pairs,
    match_topics,
)
from sinojp.topics.vocabulary import (
    VocabularySettings,
    build_vocabulary,
    prepare_tokens,
)

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


@pytest.fixture(scope="module")
def seed_corpus():
    """Tokenised paragraphs (blank-line blocks) of the seed articles and their count matrix."""
    texts = [block for path in sorted(RAW.glob("*.txt")) for block in path.read_text(encoding="utf-8").split("\n\n")]
    texts = [t for t in texts if len(t.split()) >= 8]
    vocab = build_vocabulary(texts, VocabularySettings())
    tokens, _, _ = prepare_tokens(texts, VocabularySettings())
    keep = set(vocab.terms)
    token_lists = [[w for w in doc if w in keep] for doc in tokens]
    return vocab, token_lists


def _topics_of_frequent_terms(vocab, n_topics=6, n_top=8):
    """Term groups to score: the most frequent terms dealt out round-robin into topics.

    Neighbouring frequency ranks land in different topics, so the groups mix pairs that co-occur
    often, rarely and never: the comparison covers all three regimes.
    """
    freq = np.asarray(vocab.counts.sum(axis=0)).ravel()
    order = np.argsort(-freq, kind="stable")[: n_topics * n_top]
    return [list(order[i::n_topics]) for i in range(n_topics)]


def _gensim_npmi(vocab, token_lists, topics):
    gensim_models = pytest.importorskip("gensim.models.coherencemodel")
    corpora = pytest.importorskip("gensim.corpora")
    dictionary = corpora.Dictionary(token_lists)
    # c_npmi counts co-occurrence in sliding windows; gensim turns each text shorter than (or as
    # long as) the window into exactly one window, and counts every text as one "document" even
    # when it is empty. With the window at least as long as the longest text, a window is a whole
    # paragraph, so gensim's P(w) and P(a, b) become shares of paragraphs containing w / both,
    # which is our boolean-document definition over the same reference corpus.
    window = max(len(t) for t in token_lists) + 1
    model = gensim_models.CoherenceModel(
        topics=[[vocab.terms[i] for i in topic] for topic in topics],
        texts=token_lists,
        dictionary=dictionary,
        coherence="c_npmi",
        window_size=window,
        processes=1,
    )
    return np.array(model.get_coherence_per_topic())


def test_npmi_matches_gensim_with_its_smoothing(seed_corpus):
    vocab, token_lists = seed_corpus
    topics = _topics_of_frequent_terms(vocab)
    ours = compute_topic_npmi(vocab.counts, topics, eps=1e-12)
    reference = _gensim_npmi(vocab, token_lists, topics)
    np.testing.assert_allclose(ours, reference, atol=1e-9)
    # the groups are informative: not all alike, not all at the bounds
    assert ours.std() > 0.01 and np.all(np.abs(ours) < 1)


def test_npmi_matches_gensim_pair_by_pair_and_differs_only_where_pairs_never_meet(seed_corpus):
    vocab, token_lists = seed_corpus
    group = _topics_of_frequent_terms(vocab, n_topics=1, n_top=14)[0]
    pairs = [[a, b] for i, a in enumerate(group) for b in group[i + 1:]]
    ours = compute_topic_npmi(vocab.counts, pairs)  # exact definition: -1 when a pair never co-occurs
    reference = _gensim_npmi(vocab, token_lists, pairs)
    _, co = count_term_cooccurrence(vocab.counts, group)
    together = np.array([co[group.index(a), group.index(b)] for a, b in pairs])
    assert (together == 0).any() and (together > 0).any()
    np.testing.assert_allclose(ours[together > 0], reference[together > 0], atol=1e-9)
    assert np.all(ours[together == 0] == -1.0)
    assert np.all(reference[together == 0] > -1.0)  # gensim's epsilon keeps it off the bound


def test_npmi_bounds_on_constructed_counts():
    # a and b always together, c never with a, d independent of a (half of each half)
    counts = sparse.csr_matrix(np.array([
        [1, 1, 0, 1],
        [1, 1, 0, 0],
        [0, 0, 1, 1],
        [0, 0, 1, 0],
    ]))
    df, co = count_term_cooccurrence(counts, [0, 1, 2, 3])
    pair = compute_npmi_matrix(df, co, counts.shape[0])
    assert pair[0, 1] == pytest.approx(1.0)
    assert pair[0, 2] == -1.0
    assert pair[0, 3] == pytest.approx(0.0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.booleans(), min_size=5, max_size=5), min_size=3, max_size=30))
def test_npmi_stays_within_bounds(rows):
    counts = sparse.csr_matrix(np.array(rows, dtype=int))
    present = np.flatnonzero(np.asarray(counts.sum(axis=0)).ravel() > 0)
    if len(present) < 2:
        return
    values = compute_topic_npmi(counts, [list(present)])
    assert -1.0 - 1e-12 <= values[0] <= 1.0 + 1e-12


def test_npmi_pairs_show_the_counts_behind_each_value(seed_corpus):
    vocab, _ = seed_corpus
    topics = _topics_of_frequent_terms(vocab, n_topics=2, n_top=5)
    table = list_npmi_pairs(vocab.counts, vocab.terms, topics)
    assert len(table) == 2 * 10
    per_topic = table.groupby("topic")["npmi"].mean().to_numpy()
    np.testing.assert_allclose(per_topic, compute_topic_npmi(vocab.counts, topics), atol=1e-3)
    assert (table["df_ab"] <= table[["df_a", "df_b"]].min(axis=1)).all()


def test_diversity_counts_shared_top_terms():
    assert compute_diversity([["a", "b", "c"], ["d", "e", "f"]]) == 1.0
    assert compute_diversity([["a", "b"], ["a", "b"]]) == 0.5


def test_matching_recovers_permuted_topics_and_stability_is_one():
    run = [["seafood", "ban", "imports"], ["taiwan", "remarks", "takaichi"], ["visit", "wang_yi", "talks"]]
    permuted = [run[2], run[0], run[1]]
    match, sim = match_topics(run, permuted)
    assert match.tolist() == [1, 2, 0]
    assert sim.tolist() == [1.0, 1.0, 1.0]
    overall, per_topic = compute_stability(run, [permuted, permuted])
    assert overall == 1.0 and per_topic.tolist() == [1.0, 1.0, 1.0]


def test_matching_is_one_to_one_when_a_greedy_match_would_reuse_a_topic():
    a = [["x", "y", "z"], ["x", "y", "w"]]
    b = [["x", "y", "z"], ["q", "r", "s"]]
    match, sim = match_topics(a, b)
    assert sorted(match.tolist()) == [0, 1]
    assert sim[0] == 1.0 and sim[1] == 0.0
    assert compute_jaccard_matrix(a, b)[1, 0] == pytest.approx(2 / 4)


def test_stability_without_other_runs_is_undefined():
    overall, per_topic = compute_stability([["a"], ["b"]], [])
    assert np.isnan(overall) and np.isnan(per_topic).all()
