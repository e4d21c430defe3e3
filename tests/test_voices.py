"""Voices on the interview turns of seed 001 and on attributed statements of the seeds."""

from pathlib import Path

import pandas as pd
import pytest

from sinojp.measures import voices

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def _plain(text: str) -> str:
    """Typographic quotes and runs of spaces folded, as cleaning may normalise them."""
    table = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
    return " ".join(text.translate(table).split())


@pytest.fixture(scope="module")
def seed_voices():
    from sinojp import prepare

    prepared = prepare(RAW)
    return prepared, voices.extract_voices(prepared.sentences)


def test_interview_turns_of_seed_001(seed_voices):
    prepared, v = seed_voices
    turns = v[(v["cue"] == "turn") & v["doc_id"].str.startswith("001_")]
    speakers = set(turns["speaker"].str.lower())
    assert speakers == {"senior editor", "dr. akiko tanaka"}
    tanaka = turns[turns["speaker"].str.lower() == "dr. akiko tanaka"]
    assert (tanaka["role"] == "analyst").all()
    assert (tanaka["country"] == "JP").all()  # "a professor at the university of Tokyo"
    # every statement of the interviewee is in the raw page, and the label is not part of it
    raw = _plain((RAW / "001_8aa480ebde033b0a.txt").read_text(encoding="utf-8"))
    assert all(_plain(s) in raw for s in tanaka["statement"])
    assert not tanaka["statement"].str.contains("Tanaka:").any()
    assert tanaka["statement"].str.contains("cautiously optimistic").any()
    # answers run past their first sentence: more statements than answer paragraphs
    lines = (RAW / "001_8aa480ebde033b0a.txt").read_text(encoding="utf-8").splitlines()
    n_answers = sum(line.lower().startswith("dr. akiko tanaka:") for line in lines)
    assert n_answers > 0 and len(tanaka) > n_answers


def test_according_to_and_said_in_seed_002(seed_voices):
    _, v = seed_voices
    d = v[v["doc_id"].str.startswith("002_")].set_index("sent_id")
    chong = d[d["speaker"] == "Ian Chong"]
    assert set(chong["cue"]) == {"according_to", "said"}
    assert (chong["role"] == "analyst").all()
    assert chong["statement"].str.startswith("Tokyo does want to have smoother ties").any()
    wang = d[d["speaker"] == "Wang Yi"]
    assert len(wang) == 1 and wang["country"].iloc[0] == "CN" and wang["role"].iloc[0] == "minister"
    nagy = d[d["speaker"] == "Stephen Nagy"]
    assert len(nagy) == 1 and nagy["role"].iloc[0] == "analyst"


def test_inverted_said_and_quote_statement():
    text = ("“Fishing exports matter a great deal to coastal towns,” said Chief Cabinet Secretary "
            "Yoshimasa Hayashi at a briefing on Tuesday.")
    sents = pd.DataFrame({"doc_id": ["d"], "sent_id": [0], "text": [text]})
    v = voices.extract_voices(sents)
    assert v.loc[0, "speaker"] == "Chief Cabinet Secretary Yoshimasa Hayashi"
    assert v.loc[0, "country"] == "JP"
    assert v.loc[0, "statement"] == "Fishing exports matter a great deal to coastal towns,"


def test_scare_quotes_are_not_voices():
    text = "Japan strenuously deepened its ties with the \"Squad\" and promoted the cause of \"Taiwan independence.\""
    sents = pd.DataFrame({"doc_id": ["d"], "sent_id": [0], "text": [text]})
    assert voices.extract_voices(sents).empty


def test_tabulate_voices_by_outlet_origin(seed_voices):
    prepared, v = seed_voices
    docs = prepared.documents.assign(outlet_origin=["japan"] * 4 + ["other"] * (len(prepared.documents) - 4))
    table = voices.tabulate_voices(v, docs, by="outlet_origin")
    assert list(table.index) == ["japan", "other"]
    assert table["total"].sum() == len(v)
    assert (table.drop(columns="total").sum(axis=1) == table["total"]).all()
