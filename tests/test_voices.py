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
    assert speakers == {"akiko tanaka"}  # the senior editor asks the questions: they are not statements
    tanaka = turns[turns["speaker"].str.lower() == "akiko tanaka"]
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
    assert v.loc[0, "speaker"] == "Yoshimasa Hayashi"  # one name per speaker, without the title
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


def test_interviewer_questions_are_not_statements():
    paras = [
        "Editor: What do you expect from the talks this week?",
        "Kenji Mori: Both sides want stability, and the talks will help.",
        "Editor: Will the seafood ban be lifted soon?",
        "Kenji Mori: I think the ban will be eased within a year.",
    ]
    sents = pd.DataFrame({"doc_id": "d", "sent_id": range(4), "para_id": range(4), "text": paras})
    v = voices.extract_voices(sents)
    assert v["sent_id"].tolist() == [1, 3] and set(v["speaker"]) == {"Kenji Mori"}
    assert v["cue"].eq("turn").all()


def test_name_variants_of_one_speaker_are_merged():
    text = ["Prime Minister Shigeru Ishiba said the talks were useful.",
            "Ishiba told reporters that ties were improving.",
            "\u201cWe will keep talking,\u201d said Prime Minister Ishiba."]
    sents = pd.DataFrame({"doc_id": "d", "sent_id": range(3), "text": text})
    v = voices.extract_voices(sents)
    assert set(v["speaker"]) == {"Shigeru Ishiba"} and len(v) == 3
    assert set(v["country"]) == {"JP"} and set(v["role"]) == {"leader"}


def test_a_capital_speaks_for_its_government_and_unknowns_stay_unknown():
    sents = pd.DataFrame({"doc_id": "d", "sent_id": [0, 1], "text": [
        "Beijing said on Tuesday that the measures were justified.",
        "Kenta Sato, a writer, said the islands matter to both sides."]})
    v = voices.extract_voices(sents).set_index("sent_id")
    assert (v.loc[0, "speaker"], v.loc[0, "role"], v.loc[0, "country"]) == ("Chinese government", "official", "CN")
    assert v.loc[1, "speaker"] == "Kenta Sato" and v.loc[1, "country"] == "unknown"


def test_voices_validation_on_the_coded_quotations(dev_dir):
    import sinojp
    from sinojp.validate import load_labelled
    from sinojp.validate.voices import load_coded_voices, match_voices, score_voices

    dev = load_labelled(dev_dir)
    docs = dev.documents.loc[dev.documents["part"] == "test", "doc_id"].tolist()[:6]
    corpus = Path(dev_dir) / "raw"
    prep = sinojp.prepare(corpus, progress=False)
    sents = prep.sentences[prep.sentences["doc_id"].isin(docs)]
    coded = load_coded_voices()
    assert len(coded) >= 150
    matched = match_voices(voices.extract_voices(sents), sents, coded[coded["doc_id"].isin(docs)], dev.raw)
    table = score_voices(matched).set_index("measure")
    assert table.loc["extraction recall", "n"] == len(coded[coded["doc_id"].isin(docs)])
    assert 0 < table.loc["extraction recall", "value"] <= 1 and 0 < table.loc["extraction precision", "value"] <= 1
