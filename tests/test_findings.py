"""Findings sentences are generated from the data and change when the data change."""

import pandas as pd

from sinojp.compare import findings


def _docs():
    return pd.DataFrame({
        "doc_id": list("abcdef"),
        "outlet_origin": ["japan", "japan", "japan", "china_state", "china_state", "us_europe"],
        "period": ["thaw", "thaw", "crisis", "crisis", "crisis", ""],
        "relations_stance": [0.6, 0.4, -0.2, -0.7, -0.5, 0.0],
        "us_stance": [0.1, 0.0, 0.0, -0.6, -0.4, 0.2],
        "primary_frame": ["diplomacy", "diplomacy", "security", "security", "security", "economy"],
        "frame_diplomacy": [0.7, 0.6, 0.1, 0.1, 0.2, 0.2],
        "frame_security": [0.1, 0.2, 0.7, 0.8, 0.6, 0.1],
        "frame_economy": [0.2, 0.2, 0.2, 0.1, 0.2, 0.7],
    })


def test_stance_sentences_follow_the_numbers():
    docs = _docs()
    text = findings.describe_stance(docs)
    table = findings.tabulate_stance(docs, "outlet_origin")
    assert table.loc["japan", "relations_stance"] == round((0.6 + 0.4 - 0.2) / 3, 3)
    assert "japan coverage is the most positive" in text and "china_state the least (-0.60" in text
    assert "only 1 document" not in text.split("china_state the least")[0]
    assert "The most critical portrayal of the US comes from china_state coverage (-0.50" in text
    mild = docs.assign(us_stance=0.0)
    assert "No group portrays the role of the US critically" in findings.describe_stance(mild)
    flipped = docs.assign(relations_stance=-docs["relations_stance"])
    assert "china_state coverage is the most positive" in findings.describe_stance(flipped)


def test_known_groups_direction_is_reported():
    docs = _docs()
    assert "as the known-groups check expects" in findings.describe_periods(docs)
    docs["relations_stance"] = -docs["relations_stance"]
    assert "against the known-groups expectation" in findings.describe_periods(docs)
    assert "cannot be measured" in findings.describe_periods(docs[docs["period"] != "crisis"])


def test_frame_shift_between_periods():
    text = findings.describe_frames(_docs())
    assert text.startswith("The most common primary frame is security (3 of 6 documents)")
    assert "From thaw to crisis, security gains the most" in text and "diplomacy loses the most" in text


def test_facts_and_voices_texts():
    comparison = pd.DataFrame({"kind": ["duration", "date"], "values": ["5 year|7 year", "2025-01-15"],
                               "status": ["differ", "agree"], "keywords": ["mechanism", "li|qiang"]})
    text = findings.describe_facts(comparison)
    assert "2 facts" in text and "1 agree and 1 differ" in text and "5 year vs 7 year" in text
    voices = pd.DataFrame({"doc_id": ["a", "a", "b"], "speaker": ["Wang Yi", "Wang Yi", "Ian Chong"],
                           "country": ["CN", "CN", ""]})
    vt = findings.describe_voices(voices, _docs())
    assert "3 quoted or attributed statements appear in 2 documents of 6" in vt and "Wang Yi (2)" in vt
