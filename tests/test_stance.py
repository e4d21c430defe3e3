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
    sents, _, _, scores = sample
    lex = scores[scores["method"] == "lexicon"]
    assert list(lex.columns) == stance_scores.DOCUMENT_COLUMNS
    assert (lex["relations_ci_low"] <= lex["relations_stance"]).all()
    assert (lex["relations_stance"] <= lex["relations_ci_high"]).all()
    again = stance_scores.score_documents(stance_scores.score_sentences(sents), random_state=0)
    pd.testing.assert_frame_equal(lex.reset_index(drop=True), again)


def test_default_method_beats_vader_on_the_sample(sample):
    _, _, labels, scores = sample
    summary = stance_validate.summarise_methods(stance_validate.validate_stance(scores, labels)).set_index("method")
    best, base = summary.loc[stance_scores.DEFAULT_METHOD], summary.loc["vader"]
    assert best["mean_alpha_ordinal"] > base["mean_alpha_ordinal"]
    assert best["mean_macro_f1"] > base["mean_macro_f1"]
    assert stance_validate.choose_method(stance_validate.validate_stance(scores, labels)) == stance_scores.DEFAULT_METHOD


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
