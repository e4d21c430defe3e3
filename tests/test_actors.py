"""Gazetteer and target detection on real sentences of the seeds and the sample."""

from pathlib import Path

import pandas as pd
import pytest

from sinojp.measures import actors

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def seed_sentence(stem: str, sentence: str) -> str:
    """A sentence exactly as it stands in a seed file (fails if the seed changed)."""
    text = (RAW / f"{stem}.txt").read_text(encoding="utf-8")
    assert sentence in text, f"not in {stem}: {sentence[:60]}"
    return sentence


def test_gazetteer_columns_and_codes():
    gaz = actors.load_gazetteer()
    assert list(gaz.columns) == actors.GAZETTEER_COLUMNS
    assert set(gaz["country"]) <= {"CN", "JP", "US", "TW", "KR", "other"}
    assert not gaz.duplicated(["alias", "country"]).any()
    for name in ["Ishiba", "Takaichi", "Xi Jinping", "Li Qiang", "Wang Yi", "Iwaya", "Trump",
                 "LDP", "CPC", "Komeito", "Beijing", "Tokyo", "Washington"]:
        assert name in set(gaz["alias"]), name


def test_lower_cased_variants_in_scraped_text_match():
    s = seed_sentence("001_8aa480ebde033b0a",
                      "The delegation, led by Hiroshi moriyama, Secretary-General of japan’s Liberal Democratic Party (LDP)")
    found = {(m["actor"], m["country"]) for m in actors.match_actors(s)}
    assert ("Hiroshi Moriyama", "JP") in found
    assert ("Japan", "JP") in found
    assert ("Liberal Democratic Party", "JP") in found
    t = seed_sentence("001_8aa480ebde033b0a", "the impending second Trump administration in the united States")
    assert "US" in {m["country"] for m in actors.match_actors(t)}


def test_longest_match_first_and_word_boundaries():
    s = seed_sentence("001_8aa480ebde033b0a",
                      "personal letter from Japanese Prime Minister Shigeru Ishiba to Chinese President Xi Jinping")
    surfaces = [m["surface"] for m in actors.match_actors(s)]
    assert "Shigeru Ishiba" in surfaces and "Ishiba" not in surfaces
    assert "Xi Jinping" in surfaces and "Xi" not in surfaces
    assert "Japanese" in surfaces and "Japan" not in surfaces


def test_case_sensitive_acronyms_do_not_fire_on_ordinary_words():
    s = seed_sentence("001_8aa480ebde033b0a", "thank you for joining us.")
    assert actors.match_actors(s) == []
    t = seed_sentence("002_ea4352de70d833d8", "As US President-elect Donald Trump prepares to return to the White House")
    assert {m["actor"] for m in actors.match_actors(t)} >= {"United States", "Donald Trump"}


@pytest.mark.parametrize("stem, sentence, relations, us", [
    ("002_ea4352de70d833d8",
     "Recently, Japanese Foreign Minister Takeshi Iwaya met with Chinese Foreign Minister Wang Yi and Chinese Premier Li Qiang in Beijing.",
     True, False),
    ("003_927448596f21ff95", "Trump re-entered the White House wielding high tariffs as a weapon.", False, True),
    ("003_927448596f21ff95",
     "Improvements in Sino-Japanese relations have accelerated at a pace that many find encouraging.", True, False),
    ("004_fe619e919cbf3608",
     "However, his bizarre and botched imposition of martial law has accumulated in his impeachment from office.",
     False, False),
])
def test_targets_on_seed_sentences(stem, sentence, relations, us):
    t = actors.detect_targets(seed_sentence(stem, sentence))
    assert t["is_relations_target"] is relations
    assert t["is_us_target"] is us


def test_find_actors_returns_tidy_mentions():
    sents = pd.DataFrame({"doc_id": ["d", "d"], "sent_id": [0, 1],
                          "text": ["Ishiba met Xi Jinping.", "No actors here."]})
    out = actors.find_actors(sents)
    assert list(out["actor"]) == ["Shigeru Ishiba", "Xi Jinping"]
    assert set(out["sent_id"]) == {0}
    flags = actors.detect_sentence_targets(sents)
    assert flags["is_relations_target"].tolist() == [True, False]
