"""The fast paths give exactly what the library code they replace gives, on real sentences.

VADER's tokens and compound (NLTK), n-gram counts (scikit-learn's ``CountVectorizer``) and the
batch tokeniser of the frame features (``re.findall``) were rewritten for speed; each promises the
same result to the bit, so each is compared with the original on every sentence of the seeds, the
sample and the development corpus, and on awkward strings.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from sinojp.measures.framing.batch import TextBatch
from sinojp.measures.linear import TOKEN_PATTERN, ngram_counts
from sinojp.measures.stance.vader import load_vader, score_vader, vader_tokens

AWKWARD = [
    "", " ", "!!!", "a", "Great!!! :) :-( ok?", "'quoted' \"double\" (brackets) [x] {y}",
    "U.S.-Japan ties -- worse?!", "...and then", "end...", "«Guillemets» and “curly” quotes — dash",
    "NOT GOOD at all, but not bad either", "kind of good", "sort of bad; hardly terrible",
    "don't won't can't", "#hashtag @user e-mail", "ALL CAPS ANGER here", "x\x00y", "tab\tand\nnewline",
    "Ünïcödé wörds ünd 日本 中国", "'!'", "!?x", "x?!", "--", "a - b", "good, good; GOOD",
]


@pytest.fixture(scope="module")
def texts(prepared_seeds, prepared_sample, dev_dir) -> list[str]:
    from sinojp import prepare

    dev = prepare(dev_dir / "raw")
    out = [str(t) for c in (prepared_seeds, prepared_sample, dev) for t in c.sentences["text"]]
    return out + AWKWARD


def test_vader_tokens_are_nltks(texts):
    from nltk.sentiment.vader import SentiText

    constants = load_vader().constants
    differ = [t for t in texts
              if vader_tokens(t) != SentiText(t, constants.PUNC_LIST, constants.REGEX_REMOVE_PUNCTUATION)
              .words_and_emoticons]
    assert not differ, differ[:5]


def test_vader_compound_is_nltks(texts):
    vader = load_vader()
    differ = [t for t in texts if score_vader(t) != round(float(vader.polarity_scores(t)["compound"]), 3)]
    assert not differ, differ[:5]
    assert any(score_vader(t) != 0 for t in texts)  # the comparison covered scored sentences


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (2, 3)])
def test_ngram_counts_are_countvectorizers(texts, ngram_range):
    from sklearn.feature_extraction.text import CountVectorizer

    vocabulary = CountVectorizer(ngram_range=ngram_range, min_df=2).fit(texts).vocabulary_
    expected = CountVectorizer(vocabulary=vocabulary, ngram_range=ngram_range).transform(texts)
    got = ngram_counts(texts, vocabulary, ngram_range, TOKEN_PATTERN)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    expected.sort_indices()
    for part in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(got, part), getattr(expected, part))
    assert got.nnz > 1000


@pytest.mark.parametrize("pattern", [r"\w+", TOKEN_PATTERN])
@pytest.mark.parametrize("lower", [False, True])
def test_batch_tokens_are_findall(texts, pattern, lower):
    batch = TextBatch(texts)
    tokens = batch.tokens(pattern, lower=lower)
    got: list[list[str]] = [[] for _ in texts]
    for row, code in zip(tokens.rows.tolist(), tokens.codes.tolist()):
        got[row].append(tokens.types[code])
    expected = [re.findall(pattern, t.lower() if lower else t) for t in texts]
    assert got == expected


def test_batch_rows_containing_is_substring_search(texts):
    batch = TextBatch(texts)
    for literal in ("japan", "china's", "u.s.", "prime minister", "\x00", "zzzz-none"):
        expected = [i for i, t in enumerate(texts) if literal in t.lower()]
        assert batch.rows_containing(literal).tolist() == expected, literal


ODD_CASE = ["İstanbul talks on the Senkaku İslands", "ıslands dispute", "ſecurity alliance", "\u212aishida met Xi",
            "CHINA-JAPAN SUMMIT ON TRADE", "U.S. and US officials; the PLA and pla", "Ærø tourism to Japan",
            "ΣΟΦΙΑ security talks", "war-memory disputes over Yasukuni's shrine"]


def test_batch_frame_matching_is_per_sentence_matching(texts):
    from sinojp.measures.framing.codebook import match_frames, match_frames_batch

    sample = texts + ODD_CASE
    batch = match_frames_batch(sample)
    differ = [t for t, hits in zip(sample, batch) if hits != match_frames(t)]
    assert not differ, differ[:5]
    assert sum(map(len, batch)) > 1000  # the comparison covered many hits
