"""The literal pre-filter of the term matchers never drops a term that matches, on real sentences."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from sinojp.measures import actors
from sinojp.measures.framing import codebook as framing_codebook
from sinojp.measures.stance import lexicon as stance_lexicon
from sinojp.text.textmatch import PatternSet, literal_of, non_overlapping, word_set


@pytest.mark.parametrize("term, expected", [
    ("China", ("china", True)),
    ("U.S.", ("u.s.", False)),          # dots: only a substring test is safe
    ("Xi's", ("xi", True)),             # the apostrophe is not a word character
    ("cooperat*", ("cooperat", False)),  # a wildcard stem is the start of a longer word
    ("Wang Yi", ("wang", True)),
    ("sino-japanese", ("sino-japanese", False)),
])
def test_literal(term, expected):
    assert literal_of(term) == expected


def _sentences(prepared_seeds, prepared_sample) -> list[str]:
    return pd.concat([prepared_seeds.sentences, prepared_sample.sentences])["text"].astype(str).tolist()


def _sets() -> dict[str, PatternSet]:
    sets = {"gazetteer": actors._compiled(None), **{f"lexicon {d}": p for d, p in stance_lexicon._lexicon_patterns(None).items()}}
    for frame, _, alternatives, literals in framing_codebook._compiled(None):
        # the frame's terms as stand-alone patterns, with its literal index
        rx = [re.compile(rf"(?<![\w-])(?:{alt})(?!\w)", re.IGNORECASE) for alt in alternatives]
        sets[f"frame {frame}"] = PatternSet(tuple((r, None) for r in rx), literals.words, literals.substrings)
    return sets


def test_candidates_keep_every_matching_term(prepared_seeds, prepared_sample):
    texts = _sentences(prepared_seeds, prepared_sample)
    for name, patterns in _sets().items():
        kept = tried = 0
        for text in texts:
            lower = text.lower()
            candidates = set(patterns.candidates(lower, word_set(lower)))
            matching = {i for i, (rx, _) in enumerate(patterns.patterns) if rx.search(text)}
            assert matching <= candidates, (name, text, sorted(matching - candidates))
            kept += len(candidates)
            tried += len(patterns)
        assert kept < tried / 5, name  # the pre-filter must actually filter


def test_non_overlapping_prefers_the_longer_alias():
    hits = non_overlapping("The US-Japan alliance and US President Donald Trump met Japan's leader.",
                           actors._compiled(None))
    surfaces = [h[2] for h in hits]
    assert "Donald Trump" in surfaces and "Trump" not in surfaces
    spans = [(h[0], h[1]) for h in hits]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))  # sorted and disjoint
