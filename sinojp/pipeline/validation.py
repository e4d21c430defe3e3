"""Every measure validated on the held-out sites of the development corpus, in one call.

The development corpus is split by site once (``data/annotations/dev_split.csv``); everything the
package learned or tuned saw only the ``train`` sites. :func:`validate_heldout` runs the package on
the raw pages as a user would (cleaning, segmentation, measures) and compares the ``test`` sites with
the coders: cleaning, stance, frames and voices, each with n, a 95% bootstrap interval over
documents, the naive or majority baseline and, where there are classes, a confusion matrix.
:func:`summarise_validation` turns the detail into one table of headline figures against the goals
the project set itself, which the README, notebooks 02, 04 and 06 and the generated findings quote.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sinojp.measures.voices import extract_voices
from sinojp.pipeline.runner import prepare
from sinojp.validate.labelled import load_labelled
from sinojp.validate.voices import load_coded_voices, match_voices, score_voices

#: the goals of the project's issues, as (area, measure) -> lowest acceptable value
GOALS: dict[tuple[str, str], float] = {
    ("cleaning", "body-line recall"): 0.99, ("cleaning", "boilerplate F1"): 0.90,
    ("cleaning", "title accuracy"): 0.90, ("cleaning", "date accuracy"): 0.85,
    ("relations stance", "document Spearman"): 0.85, ("relations stance", "document 3-class macro-F1"): 0.75,
    ("relations stance", "sentence accuracy"): 0.75, ("relations stance", "known groups AUC (crisis < thaw)"): 1.0,
    ("US role", "document Spearman, US-salient"): 0.60,
    ("frames", "primary frame accuracy"): 0.80, ("frames", "sentence frame accuracy"): 0.65,
}
SUMMARY_COLUMNS = ["area", "measure", "method", "value", "ci_low", "ci_high", "n", "baseline", "baseline_value", "goal",
                   "met"]


def _auc(low: np.ndarray, high: np.ndarray) -> float:
    """Share of (low, high) pairs ordered low < high; ties count a half."""
    if not len(low) or not len(high):
        return float("nan")
    diff = high[None, :] - low[:, None]
    return float(((diff > 0) + 0.5 * (diff == 0)).mean())


def known_groups_with_evidence(documents: pd.DataFrame, score: str = "relations_stance", low: str = "crisis",
                               high: str = "thaw", n_boot: int = 1000, random_state: int = 0) -> dict[str, float]:
    """AUC of ``low``-period documents scoring below ``high``-period ones, over documents with evidence.

    Parameters
    ----------
    documents : DataFrame
        ``period`` and the ``score`` (NaN where a document carries no stance evidence).
    score, low, high : str
        The score and the two periods compared.
    n_boot : int
        Bootstrap resamples of the documents (within each period).
    random_state : int

    Returns
    -------
    dict
        ``auc, ci_low, ci_high, n_low, n_high, n_without_evidence``.
    """
    scored = documents[documents[score].notna()]
    a = scored.loc[scored["period"] == low, score].to_numpy(float)
    b = scored.loc[scored["period"] == high, score].to_numpy(float)
    rng = np.random.default_rng(random_state)
    reps = [_auc(rng.choice(a, len(a)), rng.choice(b, len(b))) for _ in range(n_boot)] if len(a) and len(b) else []
    missing = documents[documents["period"].isin([low, high]) & documents[score].isna()]
    return {"auc": _auc(a, b), "ci_low": float(np.percentile(reps, 2.5)) if reps else float("nan"),
            "ci_high": float(np.percentile(reps, 97.5)) if reps else float("nan"), "n_low": len(a), "n_high": len(b),
            "n_without_evidence": len(missing)}


def validate_heldout(dev_root: str | Path, part: str = "test", random_state: int = 0) -> dict[str, object]:
    """Validate every measure on one part of the development corpus, through the whole package.

    Parameters
    ----------
    dev_root : str or Path
        The labelled development corpus (``raw/``, ``labels.csv``, ``metadata.csv``, ...).
    part : {"test", "train"}
        ``test`` for held-out figures; ``train`` figures are in-sample for everything learned or
        tuned on those sites.
    random_state : int
        Seed of the bootstrap intervals.

    Returns
    -------
    dict
        ``cleaning``, ``stance``, ``frames`` (each a dict of tables from the validation functions of
        :mod:`sinojp.validate`), ``voices`` (:func:`sinojp.validate.score_voices`), ``known_groups``
        (:func:`known_groups_with_evidence`) and ``part``.
    """
    from sinojp.measures import stance
    from sinojp.validate.cleaning import validate_cleaning_heldout
    from sinojp.validate.frames import validate_frames_heldout
    from sinojp.validate.stance import validate_stance_heldout

    dev_root = Path(dev_root)
    labelled = load_labelled(dev_root)
    prep = prepare(dev_root / "raw", progress=False)
    results: dict[str, object] = {"part": part}
    results["cleaning"] = validate_cleaning_heldout(dev_root, part=part, random_state=random_state)
    results["stance"] = validate_stance_heldout(dev_root, sentences=prep.sentences, part=part,
                                                random_state=random_state)
    results["frames"] = validate_frames_heldout(dev_root, pipeline_sentences=prep.sentences, part=part,
                                                random_state=random_state)
    docs = labelled.documents[labelled.documents["part"] == part]["doc_id"].tolist()
    in_part = prep.sentences["doc_id"].str.split("#").str[0].isin(docs)
    sents = prep.sentences[in_part]
    coded = load_coded_voices()
    matched = match_voices(extract_voices(sents), sents, coded[coded["doc_id"].isin(docs)], labelled.raw)
    results["voices"] = score_voices(matched, random_state=random_state)
    scores = stance.score_documents(stance.score_sentences(sents, random_state=random_state),
                                    random_state=random_state)
    period = dict(zip(labelled.documents["doc_id"], labelled.documents["period"]))
    scores["period"] = scores["doc_id"].str.split("#").str[0].map(period)
    results["known_groups"] = known_groups_with_evidence(scores, random_state=random_state)
    return results


def _row(area: str, measure: str, method: str, value: float, lo: float, hi: float, n: int, baseline: str,
         baseline_value: float) -> dict:
    goal = GOALS.get((area, measure), np.nan)
    met = "" if np.isnan(goal) or np.isnan(value) else ("yes" if value >= goal - 1e-9 else "no")
    return {"area": area, "measure": measure, "method": method, "value": round(float(value), 3),
            "ci_low": round(float(lo), 3), "ci_high": round(float(hi), 3), "n": int(n), "baseline": baseline,
            "baseline_value": round(float(baseline_value), 3) if not np.isnan(baseline_value) else np.nan,
            "goal": goal, "met": met}


def summarise_validation(results: dict[str, object]) -> pd.DataFrame:
    """The headline figures of :func:`validate_heldout`, one row per measure, against the goals.

    Parameters
    ----------
    results : dict
        :func:`validate_heldout` output.

    Returns
    -------
    DataFrame
        :data:`SUMMARY_COLUMNS`: the package's method with its value, 95% interval and n, the
        naive or majority baseline, the goal (:data:`GOALS`) and whether the value reaches it.
    """
    rows = []
    clean = results["cleaning"]["summary"].set_index(["method", "measure"])
    for measure, name in (("body_line_recall", "body-line recall"), ("boilerplate_f1", "boilerplate F1"),
                          ("title_accuracy", "title accuracy"), ("date_accuracy", "date accuracy")):
        if ("cleaner", measure) in clean.index:
            r = clean.loc[("cleaner", measure)]
            base = clean.loc[("keep_8_words", measure), "value"] if ("keep_8_words", measure) in clean.index else np.nan
            rows.append(_row("cleaning", name, "learned line classifier", r["value"], r["ci_low"], r["ci_high"], r["n"],
                             "keep lines of 8+ words" if not np.isnan(base) else "", base))
    st = results["stance"]
    rel = st["relations_documents"]
    rel = rel[rel["path"] == "real"].set_index("method")
    maj = rel.loc["majority"] if "majority" in rel.index else None
    r = rel.loc["learned"]
    vader = rel.loc["vader"] if "vader" in rel.index else None
    rows.append(_row("relations stance", "document Spearman", "learned", r["spearman"], r["spearman_ci_low"],
                     r["spearman_ci_high"], r["n"], "VADER", vader["spearman"] if vader is not None else np.nan))
    rows.append(_row("relations stance", "document 3-class macro-F1", "learned", r["macro_f1"], r["macro_f1_ci_low"],
                     r["macro_f1_ci_high"], r["n"], "majority class", maj["macro_f1"] if maj is not None else np.nan))
    sent = st["relations_sentences"]
    sent = sent[sent["path"] == "real"].set_index("method")
    s = sent.loc["learned"]
    rows.append(_row("relations stance", "sentence accuracy", "learned", s["accuracy"], s["accuracy_ci_low"],
                     s["accuracy_ci_high"], s["n"], "majority class", sent.loc["majority", "accuracy"]))
    kg = results["known_groups"]
    rows.append(_row("relations stance", "known groups AUC (crisis < thaw)", "learned", kg["auc"], kg["ci_low"],
                     kg["ci_high"], kg["n_low"] + kg["n_high"], "", np.nan))
    us = st["us_documents"]
    us = us[(us["path"] == "real") & (us["subset"] == "us_salient")].set_index("method")
    u = us.loc["learned"]
    rows.append(_row("US role", "document Spearman, US-salient", "lexicon on wider US targets", u["spearman"],
                     u["spearman_ci_low"], u["spearman_ci_high"], u["n"], "VADER",
                     us.loc["vader", "spearman"] if "vader" in us.index else np.nan))
    fr = results["frames"]["summary"]
    fr = fr[fr["path"] == "pipeline"].set_index(["method", "measure"])
    for measure, name, base in (("primary_accuracy", "primary frame accuracy", "majority frame"),
                                ("sentence_accuracy", "sentence frame accuracy", "majority frame")):
        r = fr.loc[("learned", measure)]
        rows.append(_row("frames", name, "learned", r["value"], r["ci_low"], r["ci_high"], r["n"], base,
                         fr.loc[("majority", measure), "value"]))
    vo = results["voices"].set_index("measure")
    for measure in ("extraction recall", "extraction precision", "speaker accuracy", "country accuracy"):
        r = vo.loc[measure]
        rows.append(_row("voices", measure, "rules", r["value"], r["ci_low"], r["ci_high"], r["n"], "", np.nan))
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def write_validation(results: dict[str, object], folder: str | Path) -> list[Path]:
    """Write the summary and every detail table of :func:`validate_heldout` as CSV files.

    Parameters
    ----------
    results : dict
        :func:`validate_heldout` output.
    folder : str or Path
        Where to write (created). ``summary.csv`` holds :func:`summarise_validation`; the details
        are ``<area>_<table>.csv`` (confusion matrices keep their row labels).

    Returns
    -------
    list of Path
        The files written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    summary = summarise_validation(results)
    summary.to_csv(folder / "summary.csv", index=False)
    written.append(folder / "summary.csv")
    for area in ("cleaning", "stance", "frames"):
        for name, table in results[area].items():
            if not isinstance(table, pd.DataFrame) or name in ("documents", "sentences"):
                continue
            path = folder / f"{area}_{name}.csv"
            table.to_csv(path, index=not isinstance(table.index, pd.RangeIndex))
            written.append(path)
    results["voices"].to_csv(folder / "voices_summary.csv", index=False)
    written.append(folder / "voices_summary.csv")
    pd.DataFrame([results["known_groups"]]).to_csv(folder / "stance_known_groups.csv", index=False)
    written.append(folder / "stance_known_groups.csv")
    return written


def load_validation(name: str = "summary") -> pd.DataFrame:
    """A table of the shipped held-out validation (``sinojp/resources/validation/<name>.csv``).

    The tables were written by ``python -m sinojp validate`` (:func:`validate_heldout` and
    :func:`write_validation` on the development corpus's test sites); a test recomputes them.

    Parameters
    ----------
    name : str
        ``summary`` or a detail table (``stance_relations_documents``, ``frames_summary``, ...).

    Returns
    -------
    DataFrame
    """
    from importlib import resources

    path = resources.files("sinojp.resources").joinpath("validation", f"{name}.csv")
    with path.open(encoding="utf-8") as handle:
        table = pd.read_csv(handle)
    for col in ("baseline", "met", "method", "se_type"):  # text columns: an empty cell is empty text
        if col in table:
            table[col] = table[col].fillna("")
    return table
