"""The cleaning evaluation against the sample's hand labels."""

from sinojp.validate.cleaning import prf, validate_cleaning


def test_prf():
    assert prf(8, 2, 0) == (0.8, 1.0, 2 * 0.8 / 1.8)
    assert prf(0, 0, 0) == (1.0, 1.0, 1.0)


def test_cleaning_meets_the_targets_on_the_sample(sample_dir):
    summary, per_doc = validate_cleaning(sample_dir)
    values = dict(zip(summary["measure"], summary["value"]))
    assert values["boilerplate_f1"] >= 0.9
    assert values["body_line_recall"] >= 0.98
    assert len(per_doc) == 8
    assert summary.loc[summary["measure"] == "boilerplate_recall", "n"].item() > 30
