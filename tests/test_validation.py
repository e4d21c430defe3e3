"""The shipped held-out validation tables are what the package computes now, and they say the truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sinojp.pipeline import load_validation, summarise_validation, validate_heldout
from sinojp.pipeline.validation import GOALS, known_groups_with_evidence


@pytest.fixture(scope="module")
def fresh(dev_dir):
    return validate_heldout(dev_dir)


def test_shipped_summary_equals_a_fresh_validation(fresh):
    shipped = load_validation()
    now = summarise_validation(fresh)
    pd.testing.assert_frame_equal(now.reset_index(drop=True), shipped.reset_index(drop=True), check_dtype=False,
                                  check_exact=False, atol=1e-9)


def test_every_goal_is_reported_with_its_interval_and_whether_it_is_met():
    shipped = load_validation()
    for (area, measure), goal in GOALS.items():
        row = shipped[(shipped["area"] == area) & (shipped["measure"] == measure)]
        assert len(row) == 1, (area, measure)
        r = row.iloc[0]
        assert r["goal"] == goal and r["n"] > 0 and r["ci_low"] <= r["value"] <= r["ci_high"]
        assert r["met"] == ("yes" if r["value"] >= goal - 1e-9 else "no")


def test_documents_without_evidence_are_left_out_of_the_known_groups_check():
    docs = pd.DataFrame({"period": ["crisis", "crisis", "thaw", "thaw", "thaw"],
                         "relations_stance": [-0.5, np.nan, 0.3, np.nan, 0.1]})
    kg = known_groups_with_evidence(docs, n_boot=50)
    assert kg["auc"] == 1.0 and kg["n_low"] == 1 and kg["n_high"] == 2 and kg["n_without_evidence"] == 2
