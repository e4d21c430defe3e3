"""Keyness statistics against hand-computed values, and on the seed corpus."""

import numpy as np
import pandas as pd
import pytest

from sinojp.compare import keyness
from sinojp.plots import keyness as keyness_plots


def test_g2_chi2_log_ratio_match_hand_computation():
    # Term seen 10 times in a 100-token target and 2 times in a 100-token reference.
    # Expected counts: E1 = E2 = 100 * 12 / 200 = 6.
    # G2 = 2 * (10 ln(10/6) + 2 ln(2/6)) = 2 * (5.10826 - 2.19722) = 5.82206
    # chi2 = 200 * (10*98 - 2*90)^2 / (12 * 188 * 100 * 100) = 128000000 / 22560000 = 5.67376
    # log ratio = log2((10/100) / (2/100)) = log2(5) = 2.32193
    assert float(keyness.g2(10, 2, 100, 100)) == pytest.approx(5.82206, abs=1e-4)
    assert float(keyness.chi2(10, 2, 100, 100)) == pytest.approx(5.67376, abs=1e-4)
    assert float(keyness.log_ratio(10, 2, 100, 100)) == pytest.approx(2.32193, abs=1e-4)
    # Zero count in the reference: G2 = 2 * 4 ln(4/2) = 5.54518; log ratio uses 0.5 for zero.
    assert float(keyness.g2(4, 0, 50, 50)) == pytest.approx(5.54518, abs=1e-4)
    assert float(keyness.log_ratio(4, 0, 50, 50)) == pytest.approx(3.0, abs=1e-9)


def test_keyness_table_on_tiny_corpus():
    texts = pd.DataFrame({"doc_id": ["a", "b", "c"],
                          "text": ["tariffs tariffs tariffs trade summit",
                                   "tariffs trade summit summit summit",
                                   "summit summit visit"]})
    groups = pd.DataFrame({"doc_id": ["a", "b", "c"], "origin": ["x", "y", "y"]})
    table = keyness.compute_keyness(texts, groups, "origin", "x", ngram_range=(1, 1), min_count=1,
                            stop_words=None).set_index("term")
    # target: tariffs 3, trade 1, summit 1 (5 tokens); reference: tariffs 1, trade 1, summit 5, visit 1 (8)
    assert table.loc["tariffs", "target_count"] == 3 and table.loc["tariffs", "reference_count"] == 1
    assert table.loc["tariffs", "g2"] == pytest.approx(round(float(keyness.g2(3, 1, 5, 8)), 3))
    assert table.loc["tariffs", "key_for"] == "target" and table.loc["summit", "key_for"] == "reference"
    assert table.loc["summit", "g2"] < 0
    assert list(table.index[:1]) == ["tariffs"]


def test_keyness_on_seeds_by_origin_and_plot(prepared_seeds):
    import matplotlib

    matplotlib.use("Agg")
    docs = prepared_seeds.documents
    target = docs["outlet_origin"].value_counts().index[-1]
    table = keyness.compute_keyness(docs, docs, "outlet_origin", target, min_count=2)
    assert list(table.columns) == keyness.KEYNESS_COLUMNS
    assert (table["g2"].diff().dropna() <= 0).all()
    assert ((table["g2"] > 0) == (table["key_for"] == "target")).all()
    ax = keyness_plots.plot_keyness(table, n=5)
    assert len(ax.patches) == min(5, (table["g2"] > 0).sum()) + min(5, (table["g2"] < 0).sum())


def test_keyness_needs_both_groups():
    texts = pd.DataFrame({"doc_id": ["a"], "text": ["trade"]})
    with pytest.raises(ValueError):
        keyness.compute_keyness(texts, pd.DataFrame({"doc_id": ["a"], "g": ["x"]}), "g", "x")


def test_p_values_are_adjusted_for_the_number_of_terms():
    from statsmodels.stats.multitest import multipletests

    p = np.array([0.001, 0.04, 0.03, 0.5, 0.0001, 0.2])
    expected = multipletests(p, method="fdr_bh")[1]
    assert np.allclose(keyness.benjamini_hochberg(p), expected)


def test_single_article_groups_are_flagged():
    texts = pd.DataFrame({"doc_id": ["a", "b", "c"],
                          "text": ["tariffs tariffs tariffs rise", "summit talks resume", "summit talks held again"]})
    groups = pd.DataFrame({"doc_id": ["a", "b", "c"], "origin": ["x", "y", "y"]})
    with pytest.warns(UserWarning, match="single articles"):
        table = keyness.compute_keyness(texts, groups, "origin", "x", min_count=1)
    assert table.attrs["n_target_docs"] == 1 and "warning" in table.attrs
    assert (table["q_value"] >= table["p_value"]).all()
