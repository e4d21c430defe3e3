"""Frames: codebook scoring with evidence, supervised scoring, document pooling, validation."""

from pathlib import Path

import pandas as pd
import pytest

from sinojp.measures.framing import codebook as framing_codebook
from sinojp.measures.framing import scores as framing_scores
from sinojp.measures.framing import supervised as framing_supervised
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
    scored = framing_scores.score_sentences(table)
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
    sf = framing_scores.score_sentences(sents)
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
    sf = framing_scores.score_sentences(sents)
    ev = framing_scores.explain_frames(sf, sents, "x")
    assert set(ev["frame"]) == {"economy"} and list(ev["sent_id"]) == [0, 2]
    assert (ev["score"] == sf.loc[[0, 2], "score_economy"].to_numpy()).all()
    assert framing_scores.explain_frames(sf, sents, "x", frame="human_safety")["sent_id"].tolist() == [1]
