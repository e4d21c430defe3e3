"""The topic model fitted from texts read in blocks equals the in-memory fit; parallel selection."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from sinojp import prepare
from sinojp.topics import (
    TopicSettings,
    detach_paragraphs,
    find_passages,
    fit_model,
    fit_topics,
    fit_topics_parquet,
)
from sinojp.topics.model import fit_model_bounded
from sinojp.topics.select import select_model
from sinojp.topics.vocabulary import (
    _APOSTROPHES,
    _POSSESSIVE,
    _TOKEN,
    _US,
    EmptyVocabularyError,
    VocabularySettings,
    _analyzer,
    build_vocabulary,
    build_vocabulary_blocks,
    compute_df_cutoffs,
    join_phrases,
    sample_phrases,
    tokenize,
)

ROOT = Path(__file__).resolve().parents[1]
from conftest import SAMPLE, shared_corpus

TABLES = ("topics", "doc_topics", "paragraph_topics", "selection", "passages", "terms")


@pytest.fixture(scope="module")
def seeds():
    return prepare(ROOT / "data" / "raw")


@pytest.fixture(scope="module")
def sample():
    return prepare(shared_corpus(SAMPLE) / "raw")


def _blocks_of(texts: list[str], size: int):
    return lambda: (texts[i : i + size] for i in range(0, len(texts), size))


def _assert_same_counts(a, b) -> None:
    assert a.shape == b.shape
    for attr in ("data", "indices", "indptr"):
        x, y = getattr(a, attr), getattr(b, attr)
        assert x.dtype == y.dtype and np.array_equal(x, y), attr


def _assert_same_model(a, b) -> None:
    assert (a.algorithm, a.k, a.note) == (b.algorithm, b.k, b.note)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True, obj=name)
    np.testing.assert_array_equal(a.topic_term, b.topic_term)
    _assert_same_counts(a.vocabulary.counts, b.vocabulary.counts)
    assert list(a.vocabulary.terms) == list(b.vocabulary.terms)


# --------------------------------------------------------------------------- vocabulary


def _tokenize_piecewise(text: str) -> list[str]:
    """The definition of :func:`tokenize`: white-space pieces, "united_states" kept whole."""
    text = _US.sub(" united_states ", text)
    text = _APOSTROPHES.sub("'", text).lower()
    text = _POSSESSIVE.sub("", text)
    tokens: list[str] = []
    for piece in text.split():
        if piece.strip(".,;:!?()[]\"'") == "united_states":
            tokens.append("united_states")
        else:
            tokens.extend(_TOKEN.findall(piece))
    return tokens


@given(
    st.lists(
        st.sampled_from(
            [
                "a",
                "b1",
                " ",
                "\t",
                "\xa0",
                "\u2003",
                "\x1c",
                ".",
                "(",
                "'",
                '"',
                "_",
                "-",
                "’",
                "U.S.",
                "US",
                "USA",
                "united_states",
                "'s",
                "Sino",
            ]
        ),
        max_size=12,
    ).map("".join)
)
@hyp_settings(max_examples=400, deadline=None)
def test_tokenize_splits_as_its_piecewise_definition(text):
    assert tokenize(text) == _tokenize_piecewise(text)


def _join_stepwise(tokens: list[str], ranks: dict) -> list[str]:
    out, i = [], 0
    while i < len(tokens):
        rank = ranks.get(tuple(tokens[i : i + 2])) if i + 1 < len(tokens) else None
        nxt = ranks.get(tuple(tokens[i + 1 : i + 3])) if i + 2 < len(tokens) else None
        if rank is not None and (nxt is None or rank < nxt):
            out.append(tokens[i] + "_" + tokens[i + 1])
            i += 2
        else:
            out.append(tokens[i])
            i += 1
    return out


@given(st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=10))
@hyp_settings(max_examples=300, deadline=None)
def test_join_phrases_prefers_the_higher_ranked_overlapping_pair(tokens):
    ranks = {("a", "b"): 2, ("b", "c"): 0, ("c", "a"): 1, ("a", "a"): 3}
    assert join_phrases(tokens, ranks) == _join_stepwise(tokens, ranks)


@pytest.mark.parametrize(
    "settings",
    [
        VocabularySettings(),
        VocabularySettings(max_features=None),
        VocabularySettings(max_features=150, phrase_sample_units=13),  # ties in the frequency limit; sampled phrases
    ],
)
def test_counts_are_those_of_countvectorizer(seeds, settings):
    texts = seeds.paragraphs["text"].tolist()
    analyzer, _ = _analyzer(sample_phrases(texts, settings), settings)
    min_df, max_df = compute_df_cutoffs(len(texts), settings)
    reference = CountVectorizer(
        analyzer=analyzer, min_df=min_df, max_df=max_df, max_features=settings.max_features, dtype=np.int32
    )
    expected = sparse.csr_matrix(reference.fit_transform(texts))
    vocab = build_vocabulary(texts, settings)
    _assert_same_counts(vocab.counts, expected)
    assert list(vocab.terms) == list(reference.get_feature_names_out())


@pytest.mark.parametrize("size", [1, 5, 32])
def test_vocabulary_from_blocks_equals_the_whole(seeds, size):
    texts = seeds.paragraphs["text"].tolist()
    settings = VocabularySettings(phrase_sample_units=20, max_features=200)  # phrases from every 5th text
    whole = build_vocabulary(texts, settings)
    blocks = build_vocabulary_blocks(_blocks_of(texts, size), len(texts), settings)
    _assert_same_counts(blocks.counts, whole.counts)
    assert list(blocks.terms) == list(whole.terms)
    pd.testing.assert_frame_equal(blocks.phrases, whole.phrases)
    assert (blocks.min_df, blocks.max_df, blocks.n_tokens) == (whole.min_df, whole.max_df, whole.n_tokens)


def test_vocabulary_from_blocks_checks_the_number_of_texts(seeds):
    texts = seeds.paragraphs["text"].tolist()
    with pytest.raises(ValueError, match="blocks hold"):
        build_vocabulary_blocks(_blocks_of(texts, 10), len(texts) + 1)
    with pytest.raises(EmptyVocabularyError):
        build_vocabulary(["one short text"])


# --------------------------------------------------------------------------- topic model


@pytest.mark.parametrize("corpus", ["seeds", "sample"])
def test_parquet_fit_in_blocks_equals_the_in_memory_fit(corpus, request, tmp_path):
    prep = request.getfixturevalue(corpus)
    path = tmp_path / "paragraphs.parquet"
    prep.paragraphs[["doc_id", "para_id", "text"]].to_parquet(path, row_group_size=10)
    memory = fit_topics(prep.paragraphs, prep.documents, random_state=0)
    streamed = fit_topics_parquet(path, prep.documents, random_state=0, topic_settings=TopicSettings(block_size=7))
    assert memory.k > 0 and len(memory.passages) == memory.k * memory.settings.n_passages
    assert len(memory.paragraph_topics) < len(prep.paragraphs)  # short paragraphs are left out of the model
    _assert_same_model(memory, streamed)
    _assert_same_counts(streamed.vocabulary.counts, build_vocabulary(prep.paragraphs["text"].tolist()).counts)


def test_parquet_fit_past_the_online_threshold_equals_the_in_memory_fit(seeds, tmp_path):
    settings = TopicSettings(
        k_range=(2, 3), n_seeds=2, selection_max_units=30, online_threshold=40, block_size=16, batch_size=8
    )
    path = tmp_path / "paragraphs.parquet"
    seeds.paragraphs[["doc_id", "text"]].to_parquet(path, row_group_size=25)  # para_id numbered on reading
    memory = fit_topics(seeds.paragraphs[["doc_id", "text"]], seeds.documents, topic_settings=settings)
    streamed = fit_topics_parquet(path, seeds.documents, topic_settings=settings)
    assert len(memory.paragraph_topics) > 30
    _assert_same_model(memory, streamed)


# --------------------------------------------------------------------------- the fit bounded past fit_max_units

BOUNDED = dict(k_range=(2, 3), n_seeds=2, selection_max_units=30, online_threshold=40, block_size=16, batch_size=8)


@pytest.mark.parametrize("algorithm", ["lda", "nmf"])
def test_bounded_fit_is_the_plain_fit_up_to_the_threshold_and_a_seeded_sample_beyond(seeds, algorithm):
    counts = build_vocabulary(seeds.paragraphs["text"].tolist()).counts
    n = counts.shape[0]
    at = TopicSettings(**BOUNDED, fit_max_units=n)
    plain, bounded = fit_model(counts, algorithm, 3, 1, at), fit_model_bounded(counts, algorithm, 3, 1, at)
    np.testing.assert_array_equal(plain.topic_term, bounded.topic_term)
    np.testing.assert_array_equal(plain.unit_topic, bounded.unit_topic)
    below = TopicSettings(**BOUNDED, fit_max_units=n // 2)
    first, again = fit_model_bounded(counts, algorithm, 3, 1, below), fit_model_bounded(counts, algorithm, 3, 1, below)
    np.testing.assert_array_equal(first.topic_term, again.topic_term)
    np.testing.assert_array_equal(first.unit_topic, again.unit_topic)
    assert first.unit_topic.shape == (n, 3) and first.topic_term.shape == plain.topic_term.shape
    np.testing.assert_allclose(first.unit_topic.sum(axis=1), 1.0)
    np.testing.assert_allclose(first.topic_term.sum(axis=1), 1.0)
    assert not np.array_equal(first.topic_term, plain.topic_term)  # fitted on half the units
    other = fit_model_bounded(counts, algorithm, 3, 2, below)
    assert not np.array_equal(first.topic_term, other.topic_term)  # the seed draws the sample


def test_topics_past_fit_max_units_are_deterministic_and_cover_every_paragraph(seeds, tmp_path):
    paragraphs = seeds.paragraphs[["doc_id", "para_id", "text"]]
    full = fit_topics(paragraphs, seeds.documents, topic_settings=TopicSettings(**BOUNDED))
    n = len(full.paragraph_topics)
    at = fit_topics(paragraphs, seeds.documents, topic_settings=TopicSettings(**BOUNDED, fit_max_units=n))
    _assert_same_model(full, at)
    below = TopicSettings(**BOUNDED, fit_max_units=n // 2)
    path = tmp_path / "paragraphs.parquet"
    paragraphs.to_parquet(path, row_group_size=25)
    first = fit_topics(paragraphs, seeds.documents, topic_settings=below)
    again = fit_topics_parquet(path, seeds.documents, topic_settings=below)
    _assert_same_model(first, again)
    pd.testing.assert_frame_equal(first.selection, full.selection)  # selection never sees the final fit
    assert (first.algorithm, first.k) == (full.algorithm, full.k)
    para = first.paragraph_topics
    assert len(para) == n and para["top_topic"].between(0, first.k - 1).all()
    np.testing.assert_allclose(para[first.topic_columns].sum(axis=1), 1.0, atol=first.k * 5e-5)
    assert first.topics["n_paragraphs"].sum() == n
    documents = first.doc_topics.dropna(subset=["top_topic"])
    np.testing.assert_allclose(documents[first.topic_columns].sum(axis=1), 1.0, atol=first.k * 5e-5)
    assert len(first.passages) == first.k * below.n_passages


def test_light_result_keeps_no_counts_and_writes_the_paragraph_table(seeds, tmp_path):
    paragraphs = seeds.paragraphs[["doc_id", "para_id", "text"]]
    path = tmp_path / "paragraphs.parquet"
    paragraphs.to_parquet(path)
    n = len(fit_topics(paragraphs, topic_settings=TopicSettings(**BOUNDED)).paragraph_topics)
    kept = fit_topics_parquet(
        path, seeds.documents, topic_settings=TopicSettings(**BOUNDED, fit_max_units=n), keep_counts=False
    )
    assert kept.vocabulary.counts is not None  # at the threshold nothing changes
    below = TopicSettings(**BOUNDED, fit_max_units=n - 1)
    heavy = fit_topics_parquet(path, seeds.documents, topic_settings=below)
    light = fit_topics_parquet(path, seeds.documents, topic_settings=below, keep_counts=False)
    assert light.vocabulary.counts is None and heavy.vocabulary.counts.shape[0] == len(paragraphs)
    assert light.vocabulary.summary().set_index("measure").loc["terms kept", "value"] == len(heavy.vocabulary.terms)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(heavy, name), getattr(light, name), check_exact=True, obj=name)
    detached = detach_paragraphs(light, tmp_path / "paragraph_topics.parquet")
    assert detached.paragraph_topics.empty and list(detached.paragraph_topics) == list(light.paragraph_topics)
    pd.testing.assert_frame_equal(pd.read_parquet(detached.paragraph_topics_file), light.paragraph_topics)
    pd.testing.assert_frame_equal(detached.doc_topics, light.doc_topics)


def test_evidence_lists_the_paragraph_terms_among_its_top_topic_terms(seeds):
    model = fit_topics(seeds.paragraphs, seeds.documents, random_state=0)
    top = {t: set(terms.split()) for t, terms in zip(model.topics["topic"], model.topics["top_terms"])}
    counts = model.vocabulary.counts
    position = {(d, p): i for i, (d, p) in enumerate(zip(seeds.paragraphs["doc_id"], seeds.paragraphs["para_id"]))}
    for row in model.paragraph_topics.itertuples():
        present = model.vocabulary.terms[counts[position[(row.doc_id, row.para_id)]].indices]
        assert row.evidence == " ".join(sorted(w for w in present if w in top[row.top_topic]))


def test_passages_take_one_paragraph_per_document_and_break_ties_by_key():
    para = pd.DataFrame(
        {
            "doc_id": ["b", "a", "a", "c", "b"],
            "para_id": [0, 1, 0, 0, 1],
            "topic_0": [0.9, 0.9, 0.8, 0.1, 0.95],
            "topic_1": [0.1, 0.1, 0.2, 0.9, 0.05],
        }
    )
    text = para[["doc_id", "para_id"]].assign(text=lambda f: f["doc_id"] + f["para_id"].astype(str))
    first = find_passages(para, text, n=4)
    topic0 = first[first["topic"] == 0]
    assert topic0["text"].tolist() == ["b1", "a1", "c0", "b0"]  # best of b, a, c; then the next best
    every = find_passages(para, text, n=3, one_per_document=False)
    assert every[every["topic"] == 0]["text"].tolist() == ["b1", "a1", "b0"]  # 0.9 tie: doc a before b
    assert every["share"].tolist()[:3] == [0.95, 0.9, 0.9]


# --------------------------------------------------------------------------- selection in parallel


def test_selection_with_two_jobs_equals_one_job(seeds):
    vocab = build_vocabulary(seeds.paragraphs["text"].tolist())
    settings = TopicSettings(k_range=(2, 4), k_max=4, n_seeds=2)
    one, fitted_one = select_model(vocab.counts, vocab.terms, random_state=3, settings=settings)
    two, fitted_two = select_model(vocab.counts, vocab.terms, random_state=3, settings=settings, n_jobs=2)
    pd.testing.assert_frame_equal(one, two, check_exact=True)
    assert sorted(fitted_one) == sorted(fitted_two) == [("lda", 2), ("lda", 4), ("nmf", 2), ("nmf", 4)]
    for key, (model, per_topic, _) in fitted_one.items():
        np.testing.assert_array_equal(model.topic_term, fitted_two[key][0].topic_term)
        np.testing.assert_array_equal(per_topic, fitted_two[key][1])
