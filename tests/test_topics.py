"""Topic models on the seed articles and the labelled sample: vocabulary, selection, reading aids."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

from sinojp import prepare
from sinojp.plots import plot_group_prevalence, plot_prevalence_heatmap, plot_selection
from sinojp.topics import (
    TopicSettings,
    assign_top_topic,
    choose_model,
    compute_frex,
    estimate_prevalence,
    fit_model,
    fit_topics,
    tabulate_topics,
)
from sinojp.topics.vocabulary import (
    VocabularySettings,
    build_vocabulary,
    compute_df_cutoffs,
    load_domain_stopwords,
    load_english_stopwords,
    tokenize,
)

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
from conftest import SAMPLE, shared_corpus


@pytest.fixture(scope="module")
def seeds():
    return prepare(ROOT / "data" / "raw")


@pytest.fixture(scope="module")
def seed_model(seeds):
    return fit_topics(seeds.paragraphs, seeds.documents, random_state=0)


@pytest.fixture(scope="module")
def sample():
    prep = prepare(shared_corpus(SAMPLE) / "raw")
    meta = pd.read_csv(SAMPLE / "metadata.csv", dtype=str)
    labels = pd.read_csv(SAMPLE / "labels.csv", dtype=str)
    docs = prep.documents[["doc_id"]].merge(meta[["doc_id", "outlet_origin", "period"]], on="doc_id", how="left")
    docs = docs.merge(labels[["doc_id", "primary_frame"]], on="doc_id", how="left")
    return prep.paragraphs, docs


@pytest.fixture(scope="module")
def sample_model(sample):
    paragraphs, docs = sample
    return fit_topics(paragraphs, docs, random_state=0)


# --------------------------------------------------------------------------- vocabulary


def test_tokenize_keeps_the_us_apart_from_the_pronoun():
    assert tokenize("The U.S. told us so") == ["the", "united_states", "told", "us", "so"]
    assert tokenize("Japan’s PM, Sino-Japanese") == ["japan", "pm", "sino", "japanese"]


def test_collocations_of_the_seeds_become_phrases_without_stopwords(seeds):
    vocab = build_vocabulary(seeds.paragraphs["text"].tolist())
    phrases = set(vocab.phrases["phrase"])
    assert "prime_minister" in phrases  # a fixed expression of news prose
    assert all(p.count("_") == 1 for p in phrases)
    stop = load_english_stopwords() | load_domain_stopwords()
    assert not any(t in stop for t in vocab.terms)
    assert not any(p.split("_")[0] in stop for p in phrases)
    assert (vocab.phrases["llr"] >= VocabularySettings().phrase_min_llr).all()


def test_document_frequency_cutoffs_hold_and_grow_with_the_corpus(seeds):
    vocab = build_vocabulary(seeds.paragraphs["text"].tolist())
    df = np.asarray((vocab.counts > 0).sum(axis=0)).ravel()
    assert df.min() >= vocab.min_df and df.max() <= vocab.max_df
    small, large = compute_df_cutoffs(100), compute_df_cutoffs(100_000)
    assert large[0] > small[0] and large[1] > small[1]
    assert compute_df_cutoffs(10)[1] >= compute_df_cutoffs(10)[0]


def test_switching_off_domain_stopwords_brings_the_country_names_back(seeds):
    texts = seeds.paragraphs["text"].tolist()
    plain = build_vocabulary(texts, VocabularySettings(domain_stopwords=False, max_df=1.0))
    assert "china" in set(plain.terms)
    assert "china" not in set(build_vocabulary(texts).terms)


# --------------------------------------------------------------------------- model and selection


def test_selection_table_covers_all_candidates_and_follows_the_rule(seed_model):
    sel = seed_model.selection
    settings = seed_model.settings
    assert set(sel["algorithm"]) == {"lda", "nmf"}
    # every k of the range is a candidate; k beyond it only when the choice sat at the top (widened)
    assert sel.groupby("algorithm")["k"].apply(lambda k: set(settings.k_range) <= set(k)).all()
    assert (sel.loc[sel["widened"], "k"] > max(settings.k_range)).all()
    assert (~sel["widened"]).sum() == 2 * len(settings.k_range)
    if sel["widened"].any():
        assert sel["k"].max() <= settings.k_max
    assert set(sel["npmi_on"]) <= {"held-out", "fitted"}
    assert sel["chosen"].sum() == 1
    chosen = sel[sel["chosen"]].iloc[0]
    eligible = sel[(sel["stability"] >= settings.min_stability) & (sel["diversity"] >= settings.min_diversity)]
    if len(eligible):
        assert chosen["eligible"]
        assert chosen["rank_sum"] == eligible["rank_sum"].min()
    assert (seed_model.algorithm, seed_model.k) == (chosen["algorithm"], chosen["k"])
    assert sel[["npmi", "diversity", "stability"]].apply(lambda c: c.between(-1, 1)).all().all()


def test_choose_model_falls_back_to_all_candidates_when_none_is_eligible():
    table = pd.DataFrame({"algorithm": ["lda", "nmf"], "k": [2, 3], "npmi": [0.1, 0.2],
                          "npmi_se": [0.0, 0.0], "diversity": [0.1, 0.1], "stability": [0.1, 0.2]})
    out = choose_model(table)
    assert not out["eligible"].any()
    assert out.loc[out["chosen"], "k"].tolist() == [3]


def test_topic_tables_are_consistent(seed_model, seeds):
    r = seed_model
    cols = r.topic_columns
    assert list(r.topics["topic"]) == list(range(r.k))
    assert r.topics["prevalence"].is_monotonic_decreasing
    assert r.topics["prevalence"].sum() == pytest.approx(1.0, abs=0.01)
    assert r.topics["top_terms"].str.split().map(len).eq(r.settings.n_top).all()
    assert list(r.doc_topics["doc_id"]) == list(seeds.documents["doc_id"])
    modelled = r.doc_topics.dropna(subset=cols)
    np.testing.assert_allclose(modelled[cols].sum(axis=1), 1.0, atol=1e-3)
    assert (modelled["top_topic"].astype(int) == modelled[cols].to_numpy().argmax(axis=1)).all()
    np.testing.assert_allclose(r.paragraph_topics[cols].sum(axis=1), 1.0, atol=1e-3)
    assert assign_top_topic(r).columns.tolist() == ["doc_id", "top_topic"]
    assert tabulate_topics(r).columns.tolist() == ["topic", "label", "top_terms", "npmi", "prevalence"]


def test_short_paragraphs_are_left_out_and_their_documents_kept():
    paragraphs = pd.DataFrame({
        "doc_id": ["a"] * 6 + ["b"],
        "text": [
            "Seafood imports from Fukushima met a ban, and exporters and fishermen lost sales.",
            "The seafood ban hit exporters; seafood imports fell and fishermen protested the ban.",
            "Taiwan remarks by the prime minister drew a protest from the foreign ministry.",
            "The foreign ministry lodged a protest over the Taiwan remarks of the prime minister.",
            "Exporters hope the seafood ban ends and imports resume for fishermen.",
            "The ministry said the remarks on Taiwan were a protest matter for the prime minister.",
            "Share this",
        ],
    })
    r = fit_topics(paragraphs, k=2, algorithm="nmf", settings=VocabularySettings(max_df=1.0),
                   topic_settings=TopicSettings(min_unit_terms=3, n_seeds=2))
    assert len(r.paragraph_topics) == 6
    b = r.doc_topics.set_index("doc_id").loc["b"]
    assert b["n_paragraphs"] == 0 and pd.isna(b["top_topic"])
    assert r.selection[["algorithm", "k"]].values.tolist() == [["nmf", 2]]
    # the two themes land in different topics
    top = r.paragraph_topics["top_topic"].tolist()
    assert top[0] == top[1] == top[4] and top[2] == top[3] == top[5] and top[0] != top[2]


def test_a_corpus_too_small_gives_an_empty_result_that_says_why(seeds):
    one = seeds.paragraphs[seeds.paragraphs["doc_id"] == seeds.paragraphs["doc_id"].iloc[0]].head(2)
    for paragraphs in (one, pd.DataFrame({"doc_id": ["a"], "text": ["China and Japan met."]})):
        r = fit_topics(paragraphs)
        assert r.k == 0 and "too" in r.note
        assert r.topics.empty and tabulate_topics(r).empty
        assert assign_top_topic(r)["top_topic"].isna().all()
        assert len(assign_top_topic(r)) == paragraphs["doc_id"].nunique()
        assert plot_prevalence_heatmap(r.doc_topics, r.topics) is not None
    matplotlib.pyplot.close("all")


def test_fits_are_reproducible_with_the_same_seed(sample, sample_model):
    paragraphs, docs = sample
    again = fit_topics(paragraphs, docs, random_state=0)
    pd.testing.assert_frame_equal(again.topics, sample_model.topics)
    pd.testing.assert_frame_equal(again.selection, sample_model.selection)
    pd.testing.assert_frame_equal(again.doc_topics, sample_model.doc_topics)


def test_sample_topics_are_stable_and_follow_the_hand_coded_frames(sample_model, sample):
    _, docs = sample
    r = sample_model
    assert r.selection.loc[r.selection["chosen"], "stability"].iloc[0] >= r.settings.min_stability
    coded = docs.merge(assign_top_topic(r), on="doc_id").dropna(subset=["top_topic", "primary_frame"])
    same_frame, same_topic = [], []
    rows = coded.to_dict("records")
    for i, a in enumerate(rows):
        for b in rows[i + 1:]:
            same_frame.append(a["primary_frame"] == b["primary_frame"])
            same_topic.append(a["top_topic"] == b["top_topic"])
    same_frame, same_topic = np.array(same_frame), np.array(same_topic)
    # documents coded with the same primary frame share a top topic more often than others do
    assert same_topic[same_frame].mean() > same_topic[~same_frame].mean()


def test_evidence_words_come_from_the_paragraph_and_its_topic(seed_model, seeds):
    r = seed_model
    top_terms = r.topics["top_terms"].str.split().map(set)
    merged = r.paragraph_topics.merge(seeds.paragraphs[["doc_id", "para_id", "text"]], on=["doc_id", "para_id"])
    assert merged["evidence"].str.len().gt(0).mean() > 0.5
    for _, row in merged.iterrows():
        words = row["evidence"].split()
        assert set(words) <= top_terms[row["top_topic"]]
        tokens = " ".join(tokenize(row["text"]))
        for w in words:
            assert all(part in tokens for part in w.split("_"))


def test_representative_passages_belong_to_their_topic(seed_model):
    first = seed_model.passages[seed_model.passages["rank"] == 0]
    assert len(first) == seed_model.k
    shares = seed_model.paragraph_topics.set_index(["doc_id", "para_id"])
    for _, row in first.iterrows():
        col = f"topic_{row['topic']}"
        assert row["share"] == pytest.approx(shares[col].max(), abs=1e-3)
        assert len(row["text"]) > 0


def test_frex_prefers_exclusive_terms():
    topic_term = np.array([[0.4, 0.3, 0.3], [0.0, 0.5, 0.5]])
    topic_term = topic_term + 1e-6
    scores = compute_frex(topic_term / topic_term.sum(axis=1, keepdims=True))
    assert scores[0, 0] > scores[0, 1]  # term 0 is frequent and exclusive to topic 0
    assert (scores > 0).all() and (scores <= 1).all()


def test_group_prevalence_has_intervals_and_flags_thin_groups(sample_model, sample):
    _, docs = sample
    table = estimate_prevalence(sample_model, docs, by="outlet_origin", n_boot=200, random_state=0)
    assert (table["ci_low"] <= table["prevalence"] + 1e-9).all()
    assert (table["prevalence"] <= table["ci_high"] + 1e-9).all()
    per_group = table.drop_duplicates("outlet_origin")
    assert per_group["n_docs"].sum() == sample_model.doc_topics["n_paragraphs"].gt(0).sum()
    assert per_group["thin"].equals(per_group["n_docs"] < 5)
    sums = table.groupby("outlet_origin")["prevalence"].sum()
    np.testing.assert_allclose(sums, 1.0, atol=0.01)
    again = estimate_prevalence(sample_model, docs, by="outlet_origin", n_boot=200, random_state=0)
    pd.testing.assert_frame_equal(table, again)
    unknown = estimate_prevalence(sample_model, None, n_boot=20)
    assert set(unknown["outlet_origin"]) == {"unknown"}


def test_online_variants_are_used_past_the_size_threshold(seeds):
    vocab = build_vocabulary(seeds.paragraphs["text"].tolist())
    settings = TopicSettings(online_threshold=20, block_size=16, batch_size=8, online_passes=2)
    for algorithm in ("lda", "nmf"):
        model = fit_model(vocab.counts, algorithm, 3, random_state=0, settings=settings)
        assert model.online
        assert model.unit_topic.shape == (vocab.counts.shape[0], 3)
        np.testing.assert_allclose(model.unit_topic.sum(axis=1), 1.0, atol=1e-6)
    assert not fit_model(vocab.counts, "lda", 3, settings=TopicSettings()).online


def test_selection_on_a_subsample_for_large_corpora(seeds):
    settings = TopicSettings(k_range=(2, 3), n_seeds=2, selection_max_units=30, online_threshold=40)
    r = fit_topics(seeds.paragraphs, seeds.documents, algorithm="nmf", topic_settings=settings)
    assert len(r.paragraph_topics) > 30  # the final model covers every modelled paragraph
    assert r.k in (2, 3)


def test_plots_draw_every_algorithm_and_topic(seed_model, sample_model, sample):
    fig = plot_selection(seed_model.selection, seed_model.settings)
    assert len(fig.axes) == 3
    assert all(len(ax.get_lines()) >= 3 for ax in fig.axes)  # lda, nmf, chosen
    heat = plot_prevalence_heatmap(seed_model.doc_topics, seed_model.topics)
    assert len(heat.axes[0].get_xticklabels()) == seed_model.k
    _, docs = sample
    group = plot_group_prevalence(estimate_prevalence(sample_model, docs, n_boot=20))
    assert len(group.axes[0].get_legend().get_texts()) == docs["outlet_origin"].nunique()
    matplotlib.pyplot.close("all")


def test_block_lda_digamma_is_scikit_learns_bit_for_bit():
    from sklearn.decomposition._online_lda_fast import _dirichlet_expectation_2d

    from sinojp.topics.lda import dirichlet_expectation

    x = np.concatenate([np.logspace(-8, 4, 5000), np.random.default_rng(0).uniform(0, 50, 5000)])
    alpha = np.stack([x, x[::-1], np.full_like(x, 0.3)], axis=1)
    assert np.array_equal(dirichlet_expectation(alpha), _dirichlet_expectation_2d(alpha))


@pytest.mark.parametrize("method", ["batch", "online"])
def test_block_lda_fits_what_scikit_learns_lda_fits_on_the_seeds(seeds, method):
    """Same algorithm, random draws and stopping rule: only the order of floating-point sums differs."""
    from sklearn.decomposition import LatentDirichletAllocation

    from sinojp.topics.lda import BlockLDA

    counts = build_vocabulary(seeds.paragraphs["text"].tolist()).counts.astype(float)
    options = dict(n_components=4, topic_word_prior=0.1, learning_method=method, random_state=3, max_iter=10,
                   batch_size=32, total_samples=counts.shape[0])
    theirs, ours = LatentDirichletAllocation(**options), BlockLDA(block_size=16, **options)
    if method == "batch":
        want, got = theirs.fit_transform(counts), ours.fit_transform(counts)
    else:
        for half in (slice(0, 40), slice(40, None)):
            theirs.partial_fit(counts[half])
            ours.partial_fit(counts[half])
        want, got = theirs.transform(counts), ours.transform(counts)
    np.testing.assert_allclose(ours.components_, theirs.components_, rtol=1e-9)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-10)
    assert not np.allclose(got, BlockLDA(**{**options, "random_state": 4}).fit_transform(counts), atol=1e-3)


def test_selection_on_a_sample_prunes_only_candidates_clearly_worse(sample):
    """On a sample of a larger corpus, stability is measured only for candidates in contention."""
    from sinojp.topics.select import find_contenders, select_model

    paragraphs, _ = sample
    vocab = build_vocabulary(paragraphs["text"].tolist())
    settings = TopicSettings(k_range=(2, 3, 4, 5), n_seeds=3, heldout_share=0.0)
    full, _ = select_model(vocab.counts, vocab.terms, random_state=0, settings=settings)
    pruned, fitted = select_model(vocab.counts, vocab.terms, random_state=0, settings=settings, prune=True)
    assert "pruned" not in full and pruned["pruned"].any() and not pruned["pruned"].all()
    same = ["algorithm", "k", "npmi", "npmi_se", "exclusivity", "diversity"]
    pd.testing.assert_frame_equal(pruned[same], full[same])  # the reference fits are the same fits
    kept = pruned[~pruned["pruned"]]
    assert kept["stability"].notna().all() and pruned.loc[pruned["pruned"], "stability"].isna().all()
    np.testing.assert_array_equal(kept["stability"], full.loc[kept.index, "stability"])
    assert not pruned.loc[pruned["pruned"], ["eligible", "chosen"]].any().any()
    assert (find_contenders(full, settings) == ~pruned["pruned"]).all()
    best = full.loc[full["diversity"] >= settings.min_diversity, "npmi"].max()
    assert (pruned.loc[pruned["pruned"], "npmi"] < best).all()
    assert all(len(fitted[(a, k)][2]) == (0 if p else settings.n_seeds - 1)
               for a, k, p in pruned[["algorithm", "k", "pruned"]].itertuples(index=False))
