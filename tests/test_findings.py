"""Generated findings state exactly what their tables show: each figure is recomputed here."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from sinojp.compare import estimate_effects, findings


def _documents(seed: int = 0) -> pd.DataFrame:
    """A synthetic corpus: thaw coverage warmer than crisis coverage, security rising in the crisis."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(36):
        period = ("thaw", "middle", "crisis")[i % 3]
        origin = ("china_state", "japan", "us_europe")[(i // 3) % 3]
        base = {"thaw": 0.4, "middle": 0.05, "crisis": -0.45}[period]
        security = {"thaw": 0.1, "middle": 0.2, "crisis": 0.5}[period] + rng.uniform(-0.05, 0.05)
        rows.append({"doc_id": f"d{i:02d}", "outlet": f"outlet{i % 12}", "period": period, "outlet_origin": origin,
                     "relations_stance": base + rng.normal(0, 0.1) if i % 11 else np.nan,
                     "us_stance": np.nan, "primary_frame": "security" if security > 0.3 else "diplomacy",
                     "frame_security": security, "frame_diplomacy": 1 - security})
    return pd.DataFrame(rows)


def _numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"[+-]?\d+\.\d+", text)]


def test_stance_sentences_quote_the_effect_table():
    docs = _documents()
    text = findings.describe_stance(docs)
    n_missing = int(docs["relations_stance"].isna().sum())
    assert f"{n_missing} have none and are left out" in text
    assert f"mean relations_stance is {docs['relations_stance'].mean():+.2f}" in text
    _, means = estimate_effects(docs, "relations_stance", ("outlet_origin", "period"), references={"period": "thaw"})
    for row in means.itertuples():
        assert f"{row.level} {row.estimate:+.2f} [{row.ci_low:+.2f}, {row.ci_high:+.2f}]" in text
    assert "crisis below thaw" in text


def test_no_evidence_is_not_neutral_and_negative_means_are_not_called_positive():
    docs = _documents()
    docs["relations_stance"] = -0.3
    text = findings.describe_stance(docs)
    assert "deteriorating" in text and "most positive" not in text
    docs["relations_stance"] = np.nan
    assert "No document carries evidence" in findings.describe_stance(docs)


def test_framing_shift_names_only_changes_whose_interval_excludes_zero():
    docs = _documents()
    text = findings.describe_framing_shift(docs)
    rising = text.split("rising clearly:")[1].split(";")[0]
    falling = text.split("falling clearly:")[1].split(";")[0]
    assert "security" in rising and "diplomacy" in falling
    contrasts, means = estimate_effects(docs, "frame_security", ("period", "outlet_origin"), share=True,
                                        references={"period": "thaw"})
    m = means[means["factor"] == "period"].set_index("level")
    assert f"security {m.loc['thaw', 'estimate']:.0%} -> {m.loc['crisis', 'estimate']:.0%}" in text


def test_corpus_description_counts_pieces_of_a_page_once():
    docs = pd.DataFrame({"doc_id": ["a", "a#2", "a#3", "b"], "outlet": ["X", "X", "X", "Y"],
                         "period": ["thaw"] * 4, "outlet_origin": ["other", "other", "other", "china_state"]})
    text = findings.describe_corpus(docs)
    assert "4 documents from 2 independent sources" in text
    assert "other: 3 documents, 1 source" in text
    assert "It cannot answer" in text and "framing shift" in text
    table = findings.tabulate_corpus(docs)
    assert table.set_index(["factor", "level"]).loc[("outlet_origin", "other"), "n_sources"] == 1


def test_frames_are_counted_over_sentences_when_the_text_says_so():
    docs = _documents()
    sents = pd.DataFrame({"frame": ["security"] * 5 + ["diplomacy"] * 3 + ["none"] * 4})
    text = findings.describe_frames(docs, sents)
    table = findings.tabulate_sentence_frames(sents)
    assert f"security frames the most ({table.iloc[0]['n_sentences']} of 8 framed sentences, 62%)" in text
    counts = docs["primary_frame"].value_counts()
    assert f"{counts.index[0]} ({counts.iloc[0]} of 36 documents)" in text


def test_topics_below_the_stability_threshold_are_called_tentative():
    table = pd.DataFrame({"topic": [0, 1, 2], "label": ["trade talks", "island patrols", "visa rules"],
                          "top_terms": ["a b", "c d", "e f"], "npmi": [0.2, 0.3, 0.1],
                          "prevalence": [0.5, 0.3, 0.2], "stability": [0.3, 0.8, 0.2]})
    text = findings.describe_topics(table)
    assert "'island patrols', takes 30%" in text  # the most prevalent *stable* topic
    assert "2 of 3 topics" in text and "'trade talks'" in text.split("tentative")[1]


def test_validation_sentence_reports_what_the_summary_table_says():
    summary = pd.DataFrame({"area": ["frames", "frames", "cleaning"],
                            "measure": ["primary frame accuracy", "sentence frame accuracy", "title accuracy"],
                            "method": ["learned"] * 3, "value": [0.65, 0.83, 0.95], "ci_low": [0.45, 0.72, 0.85],
                            "ci_high": [0.85, 0.93, 1.0], "n": [20, 96, 20], "baseline": [""] * 3,
                            "baseline_value": [np.nan] * 3, "goal": [0.8, 0.65, 0.9], "met": ["no", "yes", "yes"]})
    text = findings.describe_validation(summary)
    assert "2 of 3 measures with a goal reach it" in text
    assert "frames primary frame accuracy 0.65 [0.45, 0.85] against 0.80 (n=20)" in text
    assert "methods work as intended" not in text
    caveat = findings.describe_frames(_documents(), pd.DataFrame({"frame": ["security"]}), summary)
    assert "missed its validation goal (primary frame accuracy)" in caveat


@pytest.mark.parametrize("n_docs", [2, 40])
def test_effects_cluster_by_outlet_and_fall_back_with_few_outlets(n_docs):
    docs = _documents().head(n_docs) if n_docs < 36 else _documents()
    contrasts, _ = estimate_effects(docs.assign(outlet="one outlet") if n_docs < 36 else docs, "relations_stance",
                                    ("period",))
    if n_docs < 36:
        assert contrasts.empty or contrasts["se_type"].str.startswith("robust").all()
    else:
        assert (contrasts["se_type"] == "clustered by outlet").all() and (contrasts["n_clusters"] == 12).all()


def test_prevalence_sentences_put_the_larger_share_first():
    docs = _documents()
    topics = pd.DataFrame({"topic": [0, 1], "label": ["patrols", "talks"], "stability": [0.9, 0.9]})
    doc_topics = docs[["doc_id"]].assign(topic_0=docs["frame_security"], topic_1=docs["frame_diplomacy"])
    text = findings.describe_prevalence(docs, topics, doc_topics)
    for high, low in re.findall(r"\((\d+)% against (\d+)% of a document\)", text):
        assert int(high) > int(low)
    assert "'patrols' is more prevalent in crisis than in thaw coverage" in text


def test_one_paragraph_per_research_question():
    docs = _documents()
    sents = pd.DataFrame({"frame": ["security", "diplomacy"]})
    voices = pd.DataFrame({"doc_id": ["d00"], "speaker": ["Kenji Mori"], "country": ["JP"]})
    out = findings.describe_research_questions(docs, sents, None, None, voices, None)
    assert list(out) == ["corpus", "RQ1 stance", "RQ2 topics", "RQ3 framing", "RQ4 sources and facts"]
    assert "From the thaw to the crisis" in out["RQ3 framing"]


def test_voice_counts_give_statements_and_distinct_speakers():
    voices = pd.DataFrame({"doc_id": ["a", "a", "a", "b", "b"],
                           "speaker": ["Akiko Tanaka", "Akiko Tanaka", "Akiko Tanaka", "Mao Ning", "unnamed"],
                           "country": ["JP", "JP", "JP", "CN", ""]})
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"]})
    text = findings.describe_voices(voices, docs)
    assert "5 quoted or attributed statements appear in 2 of 3 documents" in text
    assert "JP 3 (1 named speakers)" in text and "CN 1 (1 named speakers)" in text and "unknown 1 (0 named" in text
    assert "Akiko Tanaka (3 statements in 1 document)" in text
