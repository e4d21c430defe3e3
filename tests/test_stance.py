"""Stance methods on real sentences of the seeds and the sample, and validation against the sample."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sinojp.measures.stance import lexicon as stance_lexicon
from sinojp.measures.stance import scores as stance_scores
from sinojp.measures.stance import supervised as stance_supervised
from sinojp.validate import stance as stance_validate

ROOT = Path(__file__).resolve().parents[1]
from conftest import SAMPLE, shared_corpus

from sinojp.pipeline import prepare_labelled


def real(sentence: str, where: Path) -> str:
    """A sentence exactly as it stands in a seed or sample file."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(where.glob("*.txt"))]
    assert any(sentence in t for t in texts), sentence[:60]
    return sentence


def seed(sentence: str) -> str:
    return real(sentence, ROOT / "data" / "raw")


def rel(text: str) -> tuple[float, list[str]]:
    return stance_lexicon.score_lexicon_sentence(text, "relations")


def test_negation_flips_a_conflict_term():
    s = "both governments said they should treat each other as partners, rather than competitors or a threat."
    score, evidence = rel(s)
    assert any("competitors" in e and "negated" in e for e in evidence)
    plain, _ = rel(s.replace("rather than", "and"))
    assert score > plain


def test_double_negation_keeps_the_negative_reading():
    s = seed("However, Ishiba’s ambitions are not without hurdles.")
    score, evidence = rel(s)
    assert score < 0
    assert len(evidence) == 1 and evidence[0].count("negated") == 2


def test_hedge_weakens_a_claim():
    s = seed("The future is cautiously optimistic.")
    hedged, evidence = rel(s)
    plain, _ = rel(s.replace("cautiously ", ""))
    assert 0 < hedged < plain
    assert any("hedge 'cautiously'" in e for e in evidence)


def test_but_clause_weighs_more_and_despite_clause_less():
    s = seed("Indeed, the stakes are high, but so are the opportunities.")
    _, evidence = rel(s)
    assert any("opportunities" in e and "after 'but'" in e for e in evidence)
    d = seed("Despite these concerns, the two sides agreed to hold a high-level economic dialogue and organize "
             "the Japan-China Security Dialogue to improve communication over security issues.")
    score, evidence = rel(d)
    assert any("concerns" in e and "'despite' clause" in e for e in evidence)
    assert score > 0


def test_not_only_but_also_is_no_contrast():
    s = "The minister met not only his counterpart Wang Yi, but also Premier Li Qiang"
    _, evidence = rel(s + ", the talks were constructive.")
    assert not any("'but'" in e for e in evidence)


def test_attribution_lowers_the_aggregation_weight():
    quoted = seed("According to Ian Chong, a political scientist at the National University of Singapore, "
                  "“Tokyo does want to have smoother ties with Beijing")
    own = seed("China and Japan are currently undertaking a reproachment in relations.")
    sents = pd.DataFrame({"doc_id": "d", "sent_id": [5, 6], "text": [quoted, own]})
    scores = stance_scores.score_sentences(sents)
    assert scores["attributed"].tolist() == [True, False]
    w = stance_scores.weigh_sentences(scores, "relations")
    assert w.iloc[0] < w.iloc[1]
    assert (scores["relations_stance"] > 0).all()


def test_us_stance_only_on_us_sentences():
    sents = pd.DataFrame({"doc_id": "d", "sent_id": [0, 1], "text": [
        seed("Trump generally pursues a unilateralist foreign policy, which thus pressures Tokyo to balance its "
             "relations with China accordingly."),
        seed("Both countries have relaxed travel visas; progress has been made in removing restrictions on "
             "Japanese seafood imports into China.")]})
    for method in ("lexicon", "vader"):
        s = stance_scores.score_sentences(sents, method)
        assert s.loc[0, "is_us_target"] and not s.loc[1, "is_us_target"]
        assert s.loc[1, "us_stance"] == 0.0
    lex = stance_scores.score_sentences(sents)
    assert lex.loc[0, "us_stance"] < 0
    assert "unilateralist" in lex.loc[0, "evidence"]


def test_annotations_are_exact_seed_sentences():
    ann = stance_supervised.load_stance_annotations()
    assert set(ann["relations"]) <= {-1, 0, 1} and set(ann["us"]) <= {-1, 0, 1}
    raw = {p.stem: p.read_text(encoding="utf-8") for p in (ROOT / "data" / "raw").glob("*.txt")}
    missing = [t for d, t in zip(ann["doc_id"], ann["text"]) if t not in raw[d]]
    assert missing == []
    assert ann["doc_id"].nunique() == len(raw)


def test_supervised_cross_validation_is_grouped_and_reported():
    cv = stance_validate.cross_validate_stance(random_state=0)
    assert list(cv["target"]) == ["relations", "us"]
    assert cv["macro_f1"].between(0, 1).all()
    again = stance_validate.cross_validate_stance(random_state=0)
    pd.testing.assert_frame_equal(cv, again)


@pytest.fixture(scope="module")
def sample():
    sents, docs, labels = prepare_labelled(shared_corpus(SAMPLE))
    return sents, docs, labels, stance_validate.compare_stance_methods(sents, random_state=0)


def test_document_scores_have_seeded_intervals(sample):
    # the lexicon is no longer the default (the learned method is), so it is named here; a document
    # without evidence now has NaN bounds, which the comparisons leave out
    sents, _, _, scores = sample
    for method in ("lexicon", stance_scores.DEFAULT_METHOD):
        d = scores[scores["method"] == method]
        assert list(d.columns) == stance_scores.DOCUMENT_COLUMNS
        scored = d[d["relations_stance"].notna()]
        assert len(scored) and (scored["relations_ci_low"] <= scored["relations_ci_high"]).all()
        assert d.loc[d["relations_stance"].isna(), "relations_ci_low"].isna().all()
        again = stance_scores.score_documents(stance_scores.score_sentences(sents, method), random_state=0)
        pd.testing.assert_frame_equal(d.reset_index(drop=True), again)


def test_default_method_beats_vader_on_the_sample(sample):
    # in-sample for the learned default (the sample's coder-C sentence codes are among its training
    # data); the held-out check is test_heldout_tables_on_the_test_sites below
    _, _, labels, scores = sample
    summary = stance_validate.summarise_methods(stance_validate.validate_stance(scores, labels)).set_index("method")
    best, base = summary.loc[stance_scores.DEFAULT_METHOD], summary.loc["vader"]
    assert best["mean_alpha_ordinal"] > base["mean_alpha_ordinal"]
    assert best["mean_macro_f1"] > base["mean_macro_f1"]
    chosen = stance_validate.choose_method(stance_validate.validate_stance(scores, labels))
    assert chosen == stance_scores.DEFAULT_METHOD


def test_known_groups_crisis_scores_below_thaw(sample):
    _, docs, _, scores = sample
    kg = stance_validate.check_known_groups(scores, docs, n_perm=2000).set_index("method")
    row = kg.loc[stance_scores.DEFAULT_METHOD]
    assert row["n_high"] > 0 and row["n_low"] > 0
    assert row["mean_high"] > row["mean_low"]
    assert 0 < row["permutation_p"] <= 1


def test_explain_lists_the_sentences_behind_a_score(sample):
    sents, _, _, _ = sample
    scored = stance_scores.score_sentences(sents)
    doc = sorted(sents["doc_id"])[0]
    ex = stance_scores.explain_stance(scored, doc, sents)
    assert len(ex) > 0 and (ex["doc_id"] == doc).all()
    assert ex["evidence"].str.len().gt(0).all()
    contrib = ex["contribution"].abs().to_numpy()
    assert np.all(contrib[:-1] >= contrib[1:])


def test_every_method_shows_the_words_behind_its_score():
    s = seed("Improvements in Sino-Japanese relations have accelerated at a pace that many find encouraging.")
    sents = pd.DataFrame({"doc_id": "d", "sent_id": [0], "text": [s]})
    lex = stance_scores.score_sentences(sents, "lexicon").loc[0, "evidence"]
    assert "Improvements [improvement" in lex and "encouraging [optimism" in lex
    vad = stance_scores.score_sentences(sents, "vader").loc[0, "evidence"]
    assert "encouraging +" in vad
    sup = stance_scores.score_sentences(sents, "supervised").loc[0, "evidence"]
    assert sup.startswith("relations P(+1)-P(-1)") and "[" in sup
    learned = stance_scores.score_sentences(sents, "learned").loc[0, "evidence"]
    assert learned.startswith("relations: P(+1)-P(-1)") and "words: " in learned and "features: " in learned
    assert "lexicon: Improvements" in learned


# ----------------------------------------------------------------------------- the learned default
# Synthetic sentences only (written for these tests); the seeds are shipped and may be quoted above.

from sinojp.measures import linear
from sinojp.measures.stance import documents as stance_documents
from sinojp.measures.stance import features as stance_features
from sinojp.measures.stance import learned as stance_learned
from sinojp.validate import train_stance

FILLER = ["The meeting took place in a hotel on Tuesday afternoon.", "Delegates arrived by train from the airport.",
          "The hotel has four hundred rooms and a large garden.", "Lunch was served at noon."]


def table(docs: dict[str, list[str]]) -> pd.DataFrame:
    return pd.DataFrame([(d, i, t) for d, texts in docs.items() for i, t in enumerate(texts)],
                        columns=["doc_id", "sent_id", "text"])


def test_default_is_the_learned_method_from_shipped_json():
    assert stance_scores.DEFAULT_METHOD == "learned" and "learned" in stance_scores.METHODS
    models = stance_learned.load_stance_models()
    assert models.relations.classes == [-1, 0, 1]
    assert models.relations.extra_features == stance_features.FEATURE_NAMES
    assert models.us_rule["target_mask"] == "us_target_ext"
    assert models.aggregation["relations"].mode == "all" and models.aggregation["relations"].lo <= 0


def test_json_predictor_equals_scikit_learn():
    ann = stance_supervised.load_stance_annotations()
    feats = stance_features.build_feature_table(
        pd.DataFrame({"doc_id": ann["doc_id"], "sent_id": ann.groupby("doc_id").cumcount(), "text": ann["text"]}))
    X = feats[stance_features.FEATURE_NAMES].to_numpy(float)
    texts = ann["text"].tolist()
    model, vec, clf = linear.fit_linear(texts, ann["relations"].to_numpy(int), X, target="relations_stance",
                                        extra_features=stance_features.FEATURE_NAMES, extra_scale=0.5,
                                        return_sklearn=True)
    import scipy.sparse as sp

    expected = clf.predict_proba(sp.hstack([vec.transform(texts), sp.csr_matrix(X * 0.5)], format="csr"))
    restored = linear.LinearModel.from_json(model.to_json())
    assert np.abs(restored.predict_proba(texts, X) - expected).max() < 1e-9


def test_documents_without_evidence_get_nan_never_zero():
    sents = table({"empty": FILLER, "also_empty": FILLER[:2]})
    for method in ("learned", "vader"):
        docs = stance_scores.score_documents(stance_scores.score_sentences(sents, method))
        assert docs["relations_stance"].isna().all() and docs["us_stance"].isna().all()
        for col in ("relations_ci_low", "relations_ci_high", "us_ci_low", "us_ci_high"):
            assert docs[col].isna().all()
        for col in ("n_relations_sentences", "n_us_sentences", "relations_n_evidence", "us_n_evidence"):
            assert (docs[col] == 0).all()
        assert (docs["relations_label"] == 0).all()
    scored = stance_scores.score_sentences(sents)
    assert stance_scores.explain_stance(scored, "empty", sents).empty


THAW_LEAD = "The Japanese and Chinese foreign ministers met in Beijing on Wednesday and agreed to deepen cooperation."
THAW_TAIL = "Both sides said they would meet again next year."
THAW_BACKGROUND = [  # the current trajectory is improvement; the strain is background
    ("The two sides resumed the ruling-party exchange mechanism for the first time since 2018, signalling a thaw "
     "after years of frosty relations."),
    "Despite years of tension, the two countries are now working to improve relations.",
    ("The foreign ministers agreed to build constructive and stable ties, after relations had soured over the "
     "seafood dispute."),
    "Tokyo and Beijing agreed to restart the exchange mechanism, which had been suspended since 2019 amid tensions.",
    ("Japan and China resumed high-level economic talks for the first time in six years after a long period of "
     "strained relations."),
    "Relations between Japan and China, which had deteriorated in recent years, are now improving.",
    "China lifted its ban on Japanese seafood imports, easing a dispute that had strained ties since 2023.",
]


def test_thaw_sentence_with_past_strain_as_background_scores_positive():
    sents = table({f"d{i}": [THAW_LEAD, s, THAW_TAIL] for i, s in enumerate(THAW_BACKGROUND)})
    scored = stance_scores.score_sentences(sents)
    background = scored[scored["sent_id"] == 1].reset_index(drop=True)
    assert background.loc[0, "relations_stance"] > 0.5 and background.loc[0, "relations_label"] == 1
    # not every such sentence is read right (the last ones lean on "strained" / "deteriorated"), but
    # most are, and every document of this kind scores positive
    assert (background["relations_stance"] > 0).sum() >= 5
    docs = stance_scores.score_documents(scored)
    assert (docs["relations_stance"] > 0).all()


def test_quoted_criticism_weighs_less_than_the_authors_own_claim():
    own = "Relations between Tokyo and Beijing are deteriorating fast."
    quoted = '"Relations between Tokyo and Beijing are deteriorating fast," a senior analyst said.'
    sents = table({"own": FILLER + [own], "quoted": FILLER + [quoted]})
    scored = stance_scores.score_sentences(sents)
    last = scored[scored["sent_id"] == 4].set_index("doc_id")
    assert not last.loc["own", "attributed"] and last.loc["quoted", "attributed"]
    assert (last["relations_stance"] < 0).all()
    w = stance_scores.weigh_sentences(scored).groupby(scored["doc_id"]).last()
    assert w["quoted"] < w["own"]
    docs = stance_scores.score_documents(scored).set_index("doc_id")
    assert docs.loc["own", "relations_stance"] < docs.loc["quoted", "relations_stance"] < 0


def test_bootstrap_is_seeded_per_document_and_vectorised():
    sents = table({"a": [THAW_LEAD] + THAW_BACKGROUND[:3], "b": FILLER + [THAW_BACKGROUND[1]], "c": FILLER})
    scored = stance_scores.score_sentences(sents)
    together = stance_scores.score_documents(scored, random_state=3)
    alone = pd.concat([stance_scores.score_documents(scored[scored["doc_id"] == d], random_state=3)
                       for d in ("a", "b", "c")], ignore_index=True)
    pd.testing.assert_frame_equal(together, alone)  # a chunked run gives the same intervals
    rng = np.random.default_rng(0)
    args = (np.repeat(["x", "y"], 40), rng.uniform(-1, 1, 80), np.ones(80, bool), np.ones(80),
            stance_documents.Aggregation(mode="all"))
    first = stance_documents.aggregate_sentences(*args, random_state=3)
    pd.testing.assert_frame_equal(first, stance_documents.aggregate_sentences(*args, random_state=3))
    assert not first["ci_low"].equals(stance_documents.aggregate_sentences(*args, random_state=4)["ci_low"])
    assert (first["ci_low"] < first["score"]).all() and (first["score"] < first["ci_high"]).all()
    # many documents at once: blocks bound the memory and give the same figures
    old = stance_documents.BLOCK_CELLS
    try:
        stance_documents.BLOCK_CELLS = 1000
        small = stance_scores.score_documents(scored, random_state=3)
    finally:
        stance_documents.BLOCK_CELLS = old
    pd.testing.assert_frame_equal(together, small)


def test_explain_keeps_whole_sentences_for_the_default(prepared_seeds):
    sents = prepared_seeds.sentences
    scored = stance_scores.score_sentences(sents)
    doc = min(sents["doc_id"])
    ex = stance_scores.explain_stance(scored, doc, sents, n=3)
    assert len(ex) and ex["text"].isin(sents["text"]).all()
    assert ex["evidence"].str.contains("words: ").all()


def test_retraining_reproduces_the_shipped_json(tmp_path, dev_dir):
    paths = train_stance.train_stance_models(dev_dir, tmp_path, random_state=0)
    shipped = ROOT / "sinojp" / "resources" / "models"
    for name, path in paths.items():
        assert path.read_bytes() == (shipped / path.name).read_bytes(), name


def test_heldout_tables_on_the_test_sites(dev_dir):
    from sinojp import prepare

    real = prepare(dev_dir / "raw").sentences
    out = stance_validate.validate_stance_heldout(dev_dir, real, random_state=0, n_boot=200)
    assert {"relations_documents", "relations_sentences", "us_documents", "us_sentences", "confusion",
            "documents"} <= set(out)
    rel = out["relations_documents"].set_index(["method", "path"])
    assert set(rel.index.get_level_values("path")) == {"gold", "real"}
    assert {"learned", "lexicon", "vader", "majority"} <= set(rel.index.get_level_values("method"))
    assert (rel["n"] == 20).all()
    for col in ("spearman", "macro_f1", "accuracy", "auc_crisis_below_thaw"):
        ok = rel[col].notna()
        assert (rel.loc[ok, f"{col}_ci_low"] <= rel.loc[ok, f"{col}_ci_high"]).all()
    default = rel.loc[(stance_scores.DEFAULT_METHOD, "real")]
    assert default["spearman"] > rel.loc[("vader", "real"), "spearman"]
    sent = out["relations_sentences"].set_index(["method", "path"])
    assert (sent["n"] > 0).all() and sent["accuracy_ci_low"].notna().all()
    us = out["us_documents"]
    assert (us.loc[us["subset"] == "us_salient", "n"] > 0).all()
    assert out["confusion"].groupby(["table", "method", "path", "subset"])["count"].sum().gt(0).all()
    again = stance_validate.validate_stance_heldout(dev_dir, real, random_state=0, n_boot=200)
    pd.testing.assert_frame_equal(out["relations_documents"], again["relations_documents"])
