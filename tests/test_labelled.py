"""Labelled corpora, the project's own codes of them (keyed by offsets) and agreement between coders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import binary_distance

from sinojp import stats
from sinojp.validate import load_labelled, tabulate_agreement
from sinojp.validate.labelled import gold_sentences, load_split


@pytest.fixture(scope="module")
def dev(dev_dir):
    return load_labelled(dev_dir)


def test_gold_sentences_are_the_coders_sentences(dev, dev_dir):
    coded = pd.read_csv(dev_dir / "sentences.csv")
    merged = coded.merge(dev.sentences, on=["doc_id", "sent_no"], suffixes=("", "_gold"))
    assert len(merged) == len(coded) and (merged["text"] == merged["text_gold"]).all()
    # offsets point into the raw file
    row = dev.sentences.iloc[10]
    assert dev.raw[row["doc_id"]][row["start"]:row["end"]] == row["text"]


def test_gold_sentences_skip_boilerplate_and_split_before_capitals():
    raw = "Menu | Home\nTitle here\nIt rained. Then it stopped.” She left.\n\nsecond line of body text"
    sents = gold_sentences("d", raw, boilerplate={1}, neutral={2})
    assert sents["text"].tolist() == ["It rained.", "Then it stopped.”", "She left.", "second line of body text"]
    assert all(raw[s:e] == t for s, e, t in zip(sents["start"], sents["end"], sents["text"]))


def test_every_document_has_a_frozen_part_and_the_split_is_by_site(dev):
    assert set(dev.documents["part"]) == {"train", "test"}
    assert dev.documents.groupby("domain")["part"].nunique().max() == 1
    split = load_split()
    assert (split["part"] == "test").sum() == 19 and len(split) == 52


def test_own_codes_cover_every_sentence_and_adjudication_is_applied(dev):
    s = dev.sentences
    assert s["relations_stance_c"].notna().all() and s["frame_c"].notna().all()
    coded = s[s["relations_stance_a"].notna()]
    changed = coded[coded["relations_stance_a"] != coded["relations_stance_adj"]]
    assert 0 < len(changed) <= (coded["relations_stance_a"] != coded["relations_stance_b"]).sum()
    # where A and B agree, the adjudicated code is theirs
    agree = coded[coded["relations_stance_a"] == coded["relations_stance_b"]]
    assert (agree["relations_stance_adj"] == agree["relations_stance_a"]).all()


def test_alpha_for_many_coders_with_missing_codes_matches_nltk():
    rng = np.random.default_rng(3)
    units = []
    for _ in range(60):
        base = int(rng.integers(0, 3))
        codes = [base if rng.random() < 0.75 else int(rng.integers(0, 3)) for _ in range(3)]
        if rng.random() < 0.3:
            codes[int(rng.integers(0, 3))] = None
        units.append(codes)
    data = [(f"c{j}", str(i), v) for i, u in enumerate(units) for j, v in enumerate(u) if v is not None]
    expected = AnnotationTask(data=data, distance=binary_distance).alpha()
    assert stats.alpha_from_units(units, "nominal") == pytest.approx(expected, abs=1e-9)


def test_agreement_table_reports_pairs_and_all_coders(dev):
    table = tabulate_agreement(dev.documents, ["relations_tone", "primary_frame"], ["a", "b", "c"], n_boot=200)
    assert set(table["coders"]) == {"A-B", "A-C", "B-C", "A-B-C"}
    assert (table["n_units"] == len(dev.documents)).all()
    assert ((table["ci_low"] <= table["alpha"]) & (table["alpha"] <= table["ci_high"])).all()
    assert table["alpha"].between(0.5, 1).all()  # these coders agree well above chance
