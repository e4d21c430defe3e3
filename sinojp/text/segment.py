"""Split cleaned documents into paragraphs, sentences and word tokens, keeping character offsets.

Sentences come from NLTK's Punkt trained on the corpus itself (no downloaded model), seeded with
an abbreviation list (``U.S.``, ``Dr.``, ``Jan.``, ...) shipped as package data. Scraped text often
drops the space after a full stop (``(CPC).During the talks``); such joins are split as well.
Every unit is a slice of the document text: ``text[start:end]`` gives it back exactly.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Iterable

import pandas as pd
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer, PunktTrainer

PARAGRAPH_COLUMNS = ["doc_id", "para_id", "text", "start", "end"]
SENTENCE_COLUMNS = ["doc_id", "para_id", "sent_id", "text", "start", "end"]
TOKEN_COLUMNS = ["doc_id", "sent_id", "token_id", "token", "lower", "start", "end"]

TOKEN_RE = re.compile(r"(?:[A-Za-z]\.){2,}|\d+(?:[.,]\d+)+%?|[A-Za-z0-9]+(?:[-'’&][A-Za-z0-9]+)*|[^\w\s]")
# A full stop glued to the next sentence: "effectively.The", "(CPC).During", "reserved.Unauthorized".
_GLUED = re.compile(r"(?<=[a-z0-9)\"'][.!?])(?=[A-Z][a-z])|(?<=[a-z)][.!?][\"'])(?=[A-Z][a-z])")


# Titles before a name never end a sentence, whatever Punkt's orthographic statistics suggest;
# nor is a lone abbreviation ("U.S." before "Tariffs: ...") ever a sentence of its own.
TITLES = frozenset("dr mr mrs ms prof gen lt col maj capt adm gov sen rep rev st".split())


def _merge_after_titles(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged:
            prev = text[merged[-1][0]:merged[-1][1]].split()
            if prev and prev[-1].endswith(".") and (prev[-1].rstrip(".").lower() in TITLES or len(prev) == 1):
                merged[-1] = (merged[-1][0], e)
                continue
        merged.append((s, e))
    return merged


@lru_cache(maxsize=1)
def load_abbreviations() -> frozenset[str]:
    """The shipped abbreviation list (lower case, no final period)."""
    text = resources.files("sinojp.resources").joinpath("abbreviations.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


#: characters of text Punkt is trained on (the leading documents of a corpus)
PUNKT_TRAINING_CHARS = 2_000_000


def train_punkt(texts: Iterable[str], extra_abbreviations: Iterable[str] = ()) -> PunktSentenceTokenizer:
    """Train a Punkt sentence tokenizer on the corpus itself, plus the shipped abbreviations.

    Parameters
    ----------
    texts : iterable of str
        The corpus (cleaned document texts). Training reads at most about 2 million characters.
    extra_abbreviations : iterable of str
        More abbreviations (lower case, without the final period).

    Returns
    -------
    PunktSentenceTokenizer
    """
    trainer = PunktTrainer()
    budget = PUNKT_TRAINING_CHARS
    for text in texts:
        if budget <= 0:
            break
        # At most 100,000 characters per document, so one huge page cannot dominate what is learnt.
        piece = text[: min(budget, 100_000)]
        trainer.train(piece, finalize=False)
        budget -= len(piece)
    trainer.finalize_training()
    params: PunktParameters = trainer.get_params()
    # Real abbreviations are short or dotted ("gen", "u.s"); a long word learnt as one ("beijing",
    # from a page repeating "Beijing.") would glue sentences together.
    params.abbrev_types = {a for a in params.abbrev_types if len(a) <= 4 or "." in a}
    params.abbrev_types.update(load_abbreviations())
    params.abbrev_types.update(a.lower().rstrip(".") for a in extra_abbreviations)
    return PunktSentenceTokenizer(params)


def split_paragraphs(documents: pd.DataFrame) -> pd.DataFrame:
    """One row per paragraph (blank-line separated) with offsets into the document text.

    Parameters
    ----------
    documents : DataFrame
        With ``doc_id`` and ``text``.

    Returns
    -------
    DataFrame
        ``doc_id, para_id, text, start, end`` (``para_id`` counts from 0 in each document).
    """
    rows = []
    for doc_id, text in zip(documents["doc_id"], documents["text"]):
        para_id = 0
        for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
            chunk = m.group(0)
            if not chunk.strip():
                continue
            lead = len(chunk) - len(chunk.lstrip())
            start, end = m.start() + lead, m.start() + len(chunk.rstrip())
            rows.append((doc_id, para_id, text[start:end], start, end))
            para_id += 1
    return pd.DataFrame(rows, columns=PARAGRAPH_COLUMNS)


def _split_glued(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a Punkt sentence span where a full stop is glued to the next sentence."""
    cuts = [start]
    for m in _GLUED.finditer(text, start, end):
        before = text[cuts[-1]:m.start()].split()
        last = before[-1].rstrip(".!?\"'").lower() if before else ""
        if last in load_abbreviations() or re.fullmatch(r"(?:[a-z]\.)*[a-z]", last):
            continue
        cuts.append(m.start())
    cuts.append(end)
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if text[a:b].strip()]


def split_sentences(documents: pd.DataFrame, tokenizer: PunktSentenceTokenizer | None = None,
              paras: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per sentence, with paragraph id and offsets into the document text.

    Parameters
    ----------
    documents : DataFrame
        With ``doc_id`` and ``text``.
    tokenizer : PunktSentenceTokenizer, optional
        A trained tokenizer; by default one is trained on ``documents`` themselves.
    paras : DataFrame, optional
        Paragraphs from :func:`paragraphs` (computed when not given).

    Returns
    -------
    DataFrame
        ``doc_id, para_id, sent_id, text, start, end``; ``sent_id`` counts from 0 in each document.
    """
    if tokenizer is None:
        tokenizer = train_punkt(documents["text"])
    if paras is None:
        paras = split_paragraphs(documents)
    texts = dict(zip(documents["doc_id"], documents["text"]))
    rows = []
    counters: dict[str, int] = {}
    for doc_id, para_id, ptext, pstart in zip(paras["doc_id"], paras["para_id"], paras["text"], paras["start"]):
        doc_text = texts[doc_id]
        for s, e in _merge_after_titles(ptext, list(tokenizer.span_tokenize(ptext))):
            for a, b in _split_glued(doc_text, pstart + s, pstart + e):
                seg = doc_text[a:b]
                lead = len(seg) - len(seg.lstrip())
                a2, b2 = a + lead, a + len(seg.rstrip())
                sent_id = counters.get(doc_id, 0)
                counters[doc_id] = sent_id + 1
                rows.append((doc_id, para_id, sent_id, doc_text[a2:b2], a2, b2))
    return pd.DataFrame(rows, columns=SENTENCE_COLUMNS)


def tokenize_sentences(sents: pd.DataFrame) -> pd.DataFrame:
    """Word tokens of each sentence (regular-expression tokenizer; offsets within the sentence).

    Tokens are abbreviations (``U.S.``), numbers (``3.5%``), words joined by hyphens, apostrophes or
    ``&``, and single punctuation characters (:data:`TOKEN_RE`).

    Parameters
    ----------
    sents : DataFrame
        Sentences with ``doc_id``, ``sent_id`` and ``text`` (:func:`split_sentences`).

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, token_id, token, lower, start, end``: one row per token, ``token_id``
        numbering the tokens of a sentence from 0, ``lower`` the lower-cased token and
        ``start``/``end`` its character offsets within the sentence text.
    """
    rows = []
    for doc_id, sent_id, text in zip(sents["doc_id"], sents["sent_id"], sents["text"]):
        for token_id, m in enumerate(TOKEN_RE.finditer(text)):
            tok = m.group(0)
            rows.append((doc_id, sent_id, token_id, tok, tok.lower(), m.start(), m.end()))
    return pd.DataFrame(rows, columns=TOKEN_COLUMNS)


def count_words(text: str) -> int:
    """Number of word tokens (letters or digits) in a text.

    A word is a run of ASCII letters and digits, possibly joined by hyphens or apostrophes
    (``China-Japan``, ``Japan's`` count once); punctuation is not counted.

    Parameters
    ----------
    text : str
        Any text, e.g. a cleaned document.

    Returns
    -------
    int
        The number of words (the ``n_words`` of the documents table).
    """
    return len(re.findall(r"[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*", text))
