"""The cleaner's held-out validation tables, and retraining the shipped line model."""

from __future__ import annotations

import filecmp
from importlib import resources

import pytest

from sinojp.text.linemodel import MODEL_RESOURCE
from sinojp.validate.cleaning import MEASURES, train_line_model, validate_cleaning_heldout


@pytest.fixture(scope="module")
def heldout(dev_dir):
    return validate_cleaning_heldout(dev_dir, n_boot=300)


def test_heldout_tables_have_n_and_intervals(heldout):
    assert {"summary", "per_document", "confusion", "confusion_cleaner"} <= set(heldout)
    summary = heldout["summary"]
    assert list(summary.columns) == ["method", "measure", "value", "n", "ci_low", "ci_high"]
    assert set(summary["method"]) == {"cleaner", "keep_8_words", "justext"}
    cleaner = summary[summary["method"] == "cleaner"].set_index("measure")
    assert list(cleaner.index) == MEASURES  # the baselines extract no title or date
    assert (summary["n"] > 0).all()
    assert ((summary["ci_low"] <= summary["value"] + 1e-9) & (summary["value"] <= summary["ci_high"] + 1e-9)).all()
    n_docs = heldout["per_document"].query("method == 'cleaner'")["doc_id"].nunique()
    assert cleaner.loc["title_accuracy", "n"] == n_docs and cleaner.loc["documents_rejected", "value"] == 0
    # line counts: n of recall = gold boilerplate lines, of body-line recall = gold body lines
    confusion = heldout["confusion"].set_index(["method", "gold"])
    for method in ("cleaner", "keep_8_words", "justext"):
        rows = summary[summary["method"] == method].set_index("measure")
        assert rows.loc["boilerplate_recall", "n"] == confusion.loc[(method, "boilerplate"), "total"]
        assert rows.loc["body_line_recall", "n"] == confusion.loc[(method, "body"), "total"]
        kept = confusion.loc[(method, "body"), "kept"] / confusion.loc[(method, "body"), "total"]
        assert rows.loc["body_line_recall", "value"] == pytest.approx(kept, abs=5e-4)
    assert heldout["confusion_cleaner"].to_numpy().sum() == confusion.loc["cleaner", "total"].sum()
    f1 = summary[summary["measure"] == "boilerplate_f1"].set_index("method")["value"]
    assert f1["cleaner"] > f1["keep_8_words"]


def test_heldout_train_part_is_scored_too(dev_dir):
    train = validate_cleaning_heldout(dev_dir, part="train", n_boot=50)["summary"]
    test = validate_cleaning_heldout(dev_dir, n_boot=50)["summary"]
    n = train.set_index(["method", "measure"]).loc[("cleaner", "title_accuracy"), "n"]
    assert n > 0 and n != test.set_index(["method", "measure"]).loc[("cleaner", "title_accuracy"), "n"]
    with pytest.raises(ValueError):
        validate_cleaning_heldout(dev_dir, part="sample")


def test_retraining_reproduces_the_shipped_model(dev_dir, sample_dir, tmp_path):
    # the train part of the dev corpus plus the sample's pages of non-test sites, as the research did
    path = train_line_model(dev_dir, sample_dir, out=tmp_path / "line_model.json")
    shipped = resources.files("sinojp.resources").joinpath(MODEL_RESOURCE)
    assert filecmp.cmp(path, str(shipped), shallow=False)
