"""Paragraphs, sentences (Punkt trained on the corpus) and tokens, with exact offsets."""

from sinojp.text.segment import (
    split_paragraphs,
    split_sentences,
    tokenize_sentences,
    train_punkt,
)


def test_offsets_give_back_the_text(prepared_seeds):
    texts = dict(zip(prepared_seeds.documents["doc_id"], prepared_seeds.documents["text"]))
    for frame in (prepared_seeds.paragraphs, prepared_seeds.sentences):
        for doc_id, text, start, end in zip(frame["doc_id"], frame["text"], frame["start"], frame["end"]):
            assert texts[doc_id][start:end] == text


def test_sent_ids_count_from_zero(prepared_seeds):
    for _, group in prepared_seeds.sentences.groupby("doc_id"):
        assert list(group["sent_id"]) == list(range(len(group)))


def test_abbreviations_do_not_end_sentences(prepared_seeds):
    sents = list(prepared_seeds.sentences["text"])
    assert any(s.startswith("Dr. Akiko Tanaka: Thank you for having me.") for s in sents)
    assert not any(s in ("Dr.", "U.S.") for s in sents)
    assert any("the backdrop of U.S. economic protectionism complicates" in s for s in sents)


def test_glued_sentences_are_split(prepared_seeds):
    sents = list(prepared_seeds.sentences["text"])
    assert any(s.startswith("During the talks, moriyama emphasized") for s in sents)
    assert any(s.endswith("managing differences effectively.") for s in sents)
    # ...but not inside "U.S.and" or numbers.
    assert not any(s.startswith("and its economic interests") for s in sents)


def test_punkt_trained_without_downloads():
    tok = train_punkt(["Mr. Wang met Dr. Tanaka on Jan. 14. They talked. The U.S. was absent."])
    spans = list(tok.tokenize("Mr. Wang met Dr. Tanaka on Jan. 14. They talked."))
    assert spans[0].startswith("Mr. Wang met Dr. Tanaka")


def test_tokens_keep_offsets(prepared_seeds):
    sents = prepared_seeds.sentences.head(30)
    toks = tokenize_sentences(sents)
    by_sent = dict(zip(zip(sents["doc_id"], sents["sent_id"]), sents["text"]))
    for doc_id, sent_id, tok, start, end in zip(toks["doc_id"], toks["sent_id"], toks["token"], toks["start"], toks["end"]):
        assert by_sent[(doc_id, sent_id)][start:end] == tok
    assert "U.S." in set(tokenize_sentences(prepared_seeds.sentences)["token"])


def test_paragraphs_split_on_blank_lines():
    import pandas as pd

    docs = pd.DataFrame({"doc_id": ["d"], "text": ["First para.\n\nSecond para. Two sentences."]})
    paras = split_paragraphs(docs)
    assert list(paras["text"]) == ["First para.", "Second para. Two sentences."]
    assert list(split_sentences(docs)["text"]) == ["First para.", "Second para.", "Two sentences."]


def test_a_huge_repetitive_page_still_splits_into_sentences():
    import pandas as pd

    text = "Japan and China agreed to hold more talks on trade in Beijing. " * 3000
    docs = pd.DataFrame({"doc_id": ["big"], "text": [text.strip()]})
    sents = split_sentences(docs)
    assert len(sents) == 3000 and sents["text"].iloc[0] == "Japan and China agreed to hold more talks on trade in Beijing."
