"""Frames: the learned default (JSON model, pooling, retraining, held-out validation), codebook
scoring with evidence, supervised scoring, document pooling, validation."""

import json
import math
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sinojp.measures.framing import codebook as framing_codebook
from sinojp.measures.framing import features as framing_features
from sinojp.measures.framing import learned as framing_learned
from sinojp.measures.framing import pooling as framing_pooling
from sinojp.measures.framing import scores as framing_scores
from sinojp.measures.framing import supervised as framing_supervised
from sinojp.measures.linear import LinearModel
from sinojp.validate import frames as frames_validate

ROOT = Path(__file__).resolve().parents[1]

# One sentence per frame: from the seeds (data/raw), or written for the test.
REAL = {
    "diplomacy": "Building upon this framework of dialogue, Moriyama and Nishida are set to lead a delegation "
                 "to China, highlighting their participation in the ninth meeting of the China-Japan Ruling "
                 "Party Exchange Mechanism.",
    "economy": "Beijing halted all seafood imports from its neighbour, hurting exporters and the trade of the two "
               "largest Asian economies.",
    "security": "Politicians in Taipei voiced concern over the prime minister's remarks on a Taiwan contingency "
                "and the deployment of warships near the islands.",
    "us_factor": "Trump generally pursues a unilateralist foreign policy, which thus pressures Tokyo to balance "
                 "its relations with China accordingly.",
    "history_identity": "In conjunction with these developments, anti-Japanese nationalism in China also surged, "
                        "with historical issues making it very easy to flare up.",
    "human_safety": "Japan has called for the early release of its citizens detained in China on \"national "
                    "security\" grounds.",
    "domestic_politics": "The upcoming elections for the Tokyo Metropolitan Assembly and the House of "
                         "Councillors could significantly influence his political future.",
}


def _table(texts, doc_id="d"):
    return pd.DataFrame({"doc_id": doc_id, "sent_id": range(len(texts)), "text": list(texts)})


@pytest.mark.parametrize("frame", framing_codebook.list_frames())
def test_lexicon_scores_each_frame_on_real_sentences(frame):
    out = framing_scores.score_sentences(_table([REAL[frame]]), method="lexicon")
    assert out.loc[0, "frame"] == frame
    assert out.loc[0, f"score_{frame}"] == max(out.loc[0, [f"score_{f}" for f in framing_codebook.list_frames()]])
    assert f"{frame}:" in out.loc[0, "evidence"]


def test_lexicon_leaves_frameless_sentence_none():
    out = framing_scores.score_sentences(_table(["Thank you for having me."]), method="lexicon")
    assert out.loc[0, "frame"] == "none"
    assert out.loc[0, "evidence"] == ""


def test_case_sensitive_terms_and_wildcards():
    hits = framing_codebook.match_frames("Let us meet the US envoy on tariffs.")
    terms = {(h["frame"], h["match"]) for h in hits}
    assert ("us_factor", "US") in terms and ("us_factor", "us") not in terms
    assert ("economy", "tariffs") in terms
    # "import" must not fire inside "important"
    assert not any(h["frame"] == "economy" for h in framing_codebook.match_frames("This is important."))


def test_kwic_evidence_reconstructs_the_sentence():
    table = _table([REAL["economy"], REAL["human_safety"]])
    kw = framing_codebook.extract_kwic(table, window=3)
    assert list(kw.columns) == framing_codebook.KWIC_COLUMNS
    assert {"seafood", "imports", "citizens", "detained"} <= set(kw["match"].str.lower())
    for row in kw.itertuples(index=False):
        text = table.loc[row.sent_id, "text"]
        assert row.match in text
        pos = text.index(row.match)
        assert text[:pos].split()[-3:] == row.left.split()
        assert len(row.right.split()) <= 3 and row.right.split()[:1] == text[pos + len(row.match):].split()[:1]
    # the lexicon's evidence lists every codebook match ("frame:words"); the default method is now
    # "learned", whose evidence lists what pushes the sentence towards its frame, so ask for the lexicon
    scored = framing_scores.score_sentences(table, method="lexicon")
    for sent_id, grp in kw.groupby("sent_id"):
        ev = scored.loc[sent_id, "evidence"]
        assert all(f"{f}:{m}" in ev for f, m in zip(grp["frame"], grp["match"]))


def test_supervised_classifier_learns_from_annotations():
    ann = framing_supervised.load_frame_annotations()
    assert set(ann["frame"]) <= set(framing_codebook.list_frames()) | {"none"}
    held_out = "004_fe619e919cbf3608"
    model = framing_supervised.train_classifier(ann[ann["doc_id"] != held_out], random_state=0)
    sents = _table([REAL["us_factor"]])
    out = framing_scores.score_sentences(sents, method="supervised", model=model)
    assert out.loc[0, "frame"] == "us_factor"
    assert out.loc[0, "evidence"].startswith("us_factor:")
    probs = out[[f"score_{f}" for f in framing_codebook.list_frames()]].iloc[0]
    assert 0 < probs.sum() <= 1.0001


def test_hybrid_learns_frames_missing_from_hand_coding():
    # Without any hand-coded security sentence, only the codebook examples can teach the frame.
    ann = framing_supervised.load_frame_annotations()
    train = ann[ann["frame"] != "security"]
    sample_sentence = "She said a military attack on Taiwan could threaten Japan's survival and draw in its forces."
    table = _table([sample_sentence])
    sup = framing_scores.score_sentences(table, "supervised", model=framing_supervised.train_classifier(train))
    hyb = framing_scores.score_sentences(table, "hybrid", model=framing_supervised.train_classifier(train, with_codebook=True))
    assert sup.loc[0, "score_security"] == 0 and sup.loc[0, "frame"] != "security"
    assert hyb.loc[0, "frame"] == "security" and "security:taiwan" in hyb.loc[0, "evidence"]


def test_annotations_are_spans_of_the_cleaned_seeds(prepared_seeds):
    prep = prepared_seeds
    docs = dict(zip(prep.documents["doc_id"], prep.documents["text"]))
    ann = framing_supervised.load_frame_annotations()
    missing = [t for d, t in zip(ann["doc_id"], ann["text"]) if t not in docs.get(d, "")]
    assert len(missing) <= 0.05 * len(ann), missing[:3]
    aligned = frames_validate.align_annotations(ann, prep.sentences)
    assert len(aligned) >= 0.8 * len(prep.sentences)


def test_score_documents_pools_sentences():
    sents = pd.concat([_table([REAL["economy"], REAL["economy"], REAL["security"]], "a"),
                       _table(["Thank you."], "b")])
    # this checks the lexicon pooling (score proportions, lead weight 2); the default method is now
    # "learned", pooled by votes (test_learned_pooling_weighs_the_lead_as_shipped)
    sf = framing_scores.score_sentences(sents, method="lexicon")
    cols = [f"score_{f}" for f in framing_codebook.list_frames()]
    scores = sf[sf["doc_id"] == "a"][cols].to_numpy()
    expected = (scores / scores.sum(axis=1, keepdims=True)).mean(axis=0)
    flat = framing_scores.score_documents(sf, threshold=0.2, lead_weight=1.0).set_index("doc_id")
    shares = flat[[f"frame_{f}" for f in framing_codebook.list_frames()]]
    assert shares.loc["a"].to_numpy() == pytest.approx(expected, abs=1e-3)
    assert flat.loc["a", "primary_frame"] == "economy"
    assert flat.loc["a", "frames"].split("|") == [f for f, v in sorted(
        zip(framing_codebook.list_frames(), expected), key=lambda x: -x[1]) if round(v, 3) >= 0.2]
    assert flat.loc["b", "primary_frame"] == "none" and shares.loc["b"].sum() == 0
    # the lead (first two sentences, both economy) weighs double
    lead = framing_scores.score_documents(sf, threshold=0.2, lead_weight=2.0).set_index("doc_id")
    assert lead.loc["a", "frame_economy"] > flat.loc["a", "frame_economy"]
    assert lead.loc["a", "frame_security"] < flat.loc["a", "frame_security"]


def test_default_method_beats_majority_baseline_on_sample(sample_dir):
    labels = pd.read_csv(sample_dir / "labels.csv", dtype=str, keep_default_na=False)
    sents = frames_validate.load_gold_sentences(sample_dir)
    docs = framing_scores.score_documents(framing_scores.score_sentences(sents, framing_scores.DEFAULT_METHOD))
    ev = frames_validate.validate_frames(docs, labels)
    s = ev["summary"].iloc[0]
    assert s["primary_accuracy"] > s["primary_baseline"]
    assert s["set_micro_f1"] > s["set_baseline_micro_f1"]
    assert set(ev["per_frame"]["frame"]) == set(framing_codebook.list_frames())


def test_frame_evidence_lists_the_sentences_behind_a_frame():
    sents = _table([REAL["economy"], REAL["human_safety"], REAL["economy"].replace("seafood", "beef")], "x")
    # lexicon scores (the default method is now "learned": see test_learned_explain_frames)
    sf = framing_scores.score_sentences(sents, method="lexicon")
    ev = framing_scores.explain_frames(sf, sents, "x")
    assert set(ev["frame"]) == {"economy"} and list(ev["sent_id"]) == [0, 2]
    assert (ev["score"] == sf.loc[[0, 2], "score_economy"].to_numpy()).all()
    assert framing_scores.explain_frames(sf, sents, "x", frame="human_safety")["sent_id"].tolist() == [1]


# ---------------------------------------------------------------- the learned default
# One clear sentence per frame, written for these tests.
CLEAR = {
    "diplomacy": "The two foreign ministers held talks in Beijing and agreed to resume dialogue and exchange visits.",
    "economy": "Exports of seafood and beef fell sharply as tariffs hit trade and investment between the two economies.",
    "security": "Coast guard ships and warships sailed near the disputed islands while the military held drills.",
    "us_factor": "Washington pressed Tokyo to side with the United States in its great-power rivalry with Beijing.",
    "history_identity": "Memories of the war and wartime atrocities fuel nationalism and anger in public opinion.",
    "human_safety": "A Japanese schoolboy was stabbed near his school, and Tokyo warned its citizens to take care "
                    "for their safety.",
    "domestic_politics": "The ruling party lost its majority in the upper house election, weakening the prime "
                         "minister at home.",
}
FRAMES = framing_codebook.list_frames()
SHIPPED = resources.files("sinojp.resources").joinpath("models")


def test_default_method_is_the_learned_model():
    assert framing_scores.DEFAULT_METHOD == "learned"
    assert set(framing_scores.METHODS) == {"learned", "lexicon", "supervised", "hybrid"}
    model = framing_learned.load_sentence_model()
    assert model.extra_features == framing_features.list_feature_names()
    assert sorted(model.classes) == sorted(FRAMES)
    # the shipped model is the one fitted on the train part, whose held-out figures are reported
    assert model.training["part"] == "train" and "train-part model" in model.training["model"]
    pooling = framing_pooling.load_pooling()
    assert pooling == framing_pooling.Pooling(lead_sentences=2, lead_weight=5.0, power=math.inf, threshold=0.05,
                                              irrelevant_weight=1.0)


def test_json_predictor_equals_scikit_learn():
    texts = list(CLEAR.values()) + [REAL[f] for f in FRAMES]
    labels = list(CLEAR) + list(FRAMES)
    model, X, clf = framing_learned.fit_sentence_model(texts, labels, C=2.0, return_sklearn=True)
    reloaded = LinearModel.from_json(json.loads(json.dumps(model.to_json())))
    dense = framing_features.compute_dense_features(texts)
    assert np.abs(clf.predict_proba(X) - reloaded.predict_proba(texts, dense)).max() <= 1e-9
    # columns in codebook order, whatever the model's class order
    proba = framing_learned.predict_frame_proba(texts, reloaded)
    order = [list(clf.classes_).index(f) for f in FRAMES]
    assert np.abs(proba - clf.predict_proba(X)[:, order]).max() <= 1e-9


@pytest.mark.parametrize("frame", FRAMES)
def test_learned_model_predicts_each_frame_on_a_clear_sentence(frame):
    out = framing_scores.score_sentences(_table([CLEAR[frame]]))
    assert out.loc[0, "frame"] == frame and out.loc[0, "method"] == "learned"
    scores = out.loc[0, [f"score_{f}" for f in FRAMES]].astype(float)
    assert scores.idxmax() == f"score_{frame}" and scores.sum() == pytest.approx(1, abs=1e-3)
    assert out.loc[0, "evidence"].startswith("ngrams: ") and bool(out.loc[0, "relevant"])


def _learned_frames(frames: list[str], relevant: list[bool], doc_id: str = "a") -> pd.DataFrame:
    """Sentence frames as the learned method writes them: one-hot probabilities."""
    rows = []
    for i, (frame, rel) in enumerate(zip(frames, relevant)):
        rows.append({"doc_id": doc_id, "sent_id": i, "frame": frame,
                     **{f"score_{f}": float(f == frame) for f in FRAMES},
                     "evidence": "", "method": "learned", "relevant": rel})
    return pd.DataFrame(rows)


def test_learned_pooling_weighs_the_lead_as_shipped():
    pooling = framing_pooling.load_pooling()
    # page furniture first (no frame content), then two economy sentences, then four on diplomacy
    sf = _learned_frames(["diplomacy", "economy", "economy"] + ["diplomacy"] * 4, [False] + [True] * 6)
    doc = framing_scores.score_documents(sf).iloc[0]
    economy = 2 * pooling.lead_weight  # the first two sentences WITH frame content are the lead
    diplomacy = pooling.irrelevant_weight + 4
    assert doc["frame_economy"] == pytest.approx(economy / (economy + diplomacy), abs=1e-3)
    assert doc["frame_diplomacy"] == pytest.approx(diplomacy / (economy + diplomacy), abs=1e-3)
    assert doc["primary_frame"] == "economy" and doc["frames"] == "economy|diplomacy" and doc["n_framed"] == 7
    # without the lead weight, diplomacy wins; with a lead of sentences regardless of content it would too
    flat = framing_scores.score_documents(sf, lead_weight=1.0).iloc[0]
    assert flat["primary_frame"] == "diplomacy" and flat["frame_economy"] == pytest.approx(2 / 7, abs=1e-3)
    assert list(framing_scores.score_documents(sf).columns) == list(framing_scores.score_documents(
        framing_scores.score_sentences(_table(["Thank you."]), method="lexicon")).columns)


def test_learned_frame_set_threshold_keeps_the_primary():
    pooling = framing_pooling.load_pooling()
    n = math.ceil(1 / pooling.threshold) + 5  # one sentence of n is below the threshold share
    sf = _learned_frames(["security"] * (n - 1) + ["economy"], [True] * n)
    doc = framing_pooling.pool_documents(sf, framing_pooling.Pooling(lead_sentences=0, threshold=pooling.threshold))
    assert doc.loc[0, "frames"] == "security" and doc.loc[0, "frame_economy"] == pytest.approx(1 / n, abs=1e-3)


def test_learned_explain_frames_gives_whole_sentences_and_words():
    sents = _table([CLEAR["economy"], CLEAR["security"], CLEAR["economy"].replace("seafood", "rare earths"),
                    "Thank you for reading."], "x")
    sf = framing_scores.score_sentences(sents)
    docs = framing_scores.score_documents(sf)
    assert docs.loc[0, "primary_frame"] == "economy"
    ev = framing_scores.explain_frames(sf, sents, "x")
    assert list(ev.columns) == framing_scores.EXPLAIN_COLUMNS
    assert set(ev["frame"]) == {"economy"} and list(ev["sent_id"]) == [0, 2]
    assert ev["contribution"].sum() == pytest.approx(docs.loc[0, "frame_economy"], abs=2e-3)
    assert ev.loc[0, "text"] == sents.loc[0, "text"] and "codebook: " in ev.loc[0, "evidence"]
    sec = framing_scores.explain_frames(sf, sents, "x", frame="security")
    assert sec["sent_id"].tolist() == [1] and "cues: " in sec.loc[0, "evidence"]


def test_heldout_validation_tables(dev_dir):
    from sinojp import prepare
    from sinojp.validate.labelled import load_labelled

    prep = prepare(dev_dir / "raw")
    out = frames_validate.validate_frames_heldout(dev_dir, prep.sentences, n_boot=100)
    summary = out["summary"]
    assert set(summary["path"]) == {"gold", "pipeline"}
    assert set(summary["method"]) == {framing_scores.DEFAULT_METHOD, "lexicon", "majority"}
    assert {"sentence_accuracy", "primary_accuracy", "set_micro_f1", "set_macro_f1"} <= set(summary["measure"])
    assert (summary["n"] > 0).all() and (summary["n_docs"] > 0).all()
    assert ((summary["ci_low"] <= summary["value"] + 1e-9) & (summary["value"] <= summary["ci_high"] + 1e-9)).all()
    n_test = int((load_labelled(dev_dir).documents["part"] == "test").sum())
    assert (summary.loc[summary["measure"] == "primary_accuracy", "n"] == n_test).all()
    for key in ("confusion_sentence_gold_learned", "confusion_primary_pipeline_learned",
                "confusion_sentence_pipeline_lexicon"):
        table = out[key]
        assert list(table.index) == list(FRAMES) and list(table.columns)[:len(FRAMES)] == list(FRAMES)
    primary = summary[(summary["path"] == "gold") & (summary["measure"] == "primary_accuracy")]
    assert out["confusion_primary_gold_learned"].to_numpy().sum() == n_test
    assert (out["documents"]["path"] == "gold").sum() == 3 * n_test and len(primary) == 3
    assert "text" not in out["documents"] and "text" not in out["sentences"]


def test_retraining_reproduces_the_shipped_models(dev_dir, sample_dir, tmp_path):
    from sinojp.validate.train_frames import train_frame_models

    written = train_frame_models(dev_dir, tmp_path, sample_root=sample_dir)
    for name in ("frame_sentence", "frame_pooling"):
        assert written[name].read_bytes() == SHIPPED.joinpath(f"{name}.json").read_bytes(), name
