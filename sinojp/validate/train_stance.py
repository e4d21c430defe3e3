"""Retrain the learned stance method and write its JSON files (``python -m sinojp train``).

The configuration is the one the stance research chose by site-grouped cross-validation on the
train part of the development corpus, before its held-out run (:data:`CONFIG`): a multinomial
logistic regression (C = 1, balanced classes) on TF-IDF word 1–2-grams (min_df 2) plus every dense
feature of :mod:`sinojp.measures.stance.features` (x 0.5), with the neutral class's intercept raised
by 0.6; ``us_stance`` from the lexicon on the extended US targets; document aggregation and
thresholds as in :data:`CONFIG`. Retraining refits the relations model on

- the adjudicated coder-A codes of the train-part sentences of the development corpus,
- the coder-C codes of the train-part sentences coder A did not code,
- the coder-C codes of the labelled sample (when it is found), and
- the shipped seed-sentence codes (:func:`sinojp.measures.stance.load_stance_annotations`),

never a test-part sentence. The fit is deterministic: on the same data it writes the same bytes.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pandas as pd

from sinojp.measures.linear import LinearModel, fit_linear
from sinojp.measures.stance.features import FEATURE_NAMES, build_feature_table
from sinojp.measures.stance.learned import DOCUMENTS_FORMAT, MODEL_FILES
from sinojp.measures.stance.supervised import load_stance_annotations
from sinojp.validate.labelled import load_labelled

#: the research's selection (research/stance/REPORT.md, sections 1b and 4): relations model, US rule,
#: document aggregation with the thresholds chosen on the out-of-fold realistic-path scores
CONFIG: dict = {
    "relations_stance": {"method": "ngrams+features+context_ns0.6", "C": 1.0, "extra_scale": 0.5,
                         "ngram_range": [1, 2], "min_df": 2, "class_weight": "balanced", "neutral_shift": 0.6},
    "us_sentences": {"method": "lexicon", "target_mask": "us_target_ext", "dead_zone": 0.2},
    "relations": {"attribution": 0.5, "lead": 2.0, "prior": 1.0, "mode": "all", "lo": 0.0, "hi": 0.15},
    "us": {"attribution": 0.5, "lead": 2.0, "prior": 0.0, "mode": "all", "lo": -0.05, "hi": 0.05},
}
#: the research's cross-validated figures of the chosen configuration (train part, 39 documents)
SELECTION: dict = {
    "relations_stance": {"criterion": "mean(realistic-path doc Spearman, doc macro-F1, sentence accuracy)",
                         "real_spearman": 0.836, "real_macro_f1": 0.918, "sent_accuracy": 0.695, "value": 0.8163},
    "us_stance": {"criterion": "realistic-path doc Spearman on US-salient documents", "value": 0.617, "n": 19},
    "folds": "10-fold GroupKFold by site over the train part of the frozen split",
}
SOURCES = {
    "A": "coder A sentence codes, adjudicated where A and B disagree; train-part documents",
    "C": "coder C sentence codes of train-part sentences coder A did not code",
    "C_sample": "coder C sentence codes of the labelled sample",
    "seed": "data/annotations/stance_sentences.csv (the five seed articles)",
}


def _coded(sents: pd.DataFrame, code: str, source: str) -> pd.DataFrame:
    rows = sents[sents[f"relations_stance_{code}"].notna()]
    return pd.DataFrame({"doc_id": rows["doc_id"].astype(str), "sent_id": rows["sent_no"].astype(int),
                         "text": rows["text"], "relations": rows[f"relations_stance_{code}"].astype(int),
                         "us": rows[f"us_stance_{code}"].astype(int), "source": source})


def build_training_sentences(dev_root: str | Path, sample_root: str | Path | None = None) -> pd.DataFrame:
    """The coded sentences the relations model learns from, with their features.

    Parameters
    ----------
    dev_root : str or Path
        The labelled development corpus (``load_labelled``); only its train part is used.
    sample_root : str or Path, optional
        A labelled sample whose coder-C codes are added (none when None).

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, text, relations, us, source`` (``A``, ``C``, ``C_sample``, ``seed``) and one
        column per name of :data:`sinojp.measures.stance.features.FEATURE_NAMES`. Features are
        computed over every gold sentence of a document (coded or not), so the context features see
        the whole document; seed sentences are numbered in the order of the annotation file.
    """
    dev = load_labelled(dev_root).sentences
    dev = dev[dev["part"] == "train"]
    has_a = dev["relations_stance_adj"].notna()
    corpora = [dev]
    coded = [_coded(dev[has_a], "adj", "A"), _coded(dev[~has_a], "c", "C")]
    if sample_root is not None:
        sample = load_labelled(sample_root).sentences
        corpora.append(sample)
        coded.append(_coded(sample, "c", "C_sample"))
    featured = [build_feature_table(pd.DataFrame({"doc_id": c["doc_id"].astype(str),
                                                  "sent_id": c["sent_no"].astype(int), "text": c["text"]}))
                for c in corpora]
    seeds = load_stance_annotations()
    seeds = pd.DataFrame({"doc_id": seeds["doc_id"].astype(str), "sent_id": seeds.groupby("doc_id").cumcount(),
                          "text": seeds["text"], "relations": seeds["relations"].astype(int),
                          "us": seeds["us"].astype(int), "source": "seed"})
    seed_table = build_feature_table(seeds[["doc_id", "sent_id", "text"]])
    coded = pd.concat(coded, ignore_index=True)
    gold_features = pd.concat(featured, ignore_index=True).drop_duplicates(["doc_id", "sent_id"])
    coded = coded.merge(gold_features[["doc_id", "sent_id"] + FEATURE_NAMES], on=["doc_id", "sent_id"], how="left",
                        validate="many_to_one")
    seeds = pd.concat([seeds, seed_table[FEATURE_NAMES]], axis=1)
    return pd.concat([coded, seeds], ignore_index=True)


def fit_relations_model(training: pd.DataFrame, random_state: int = 0) -> LinearModel:
    """Fit the relations sentence model of :data:`CONFIG` on :func:`build_training_sentences`.

    Parameters
    ----------
    training : DataFrame
        ``text, relations, source`` and the :data:`FEATURE_NAMES` columns.
    random_state : int
        Seed of the logistic regression.

    Returns
    -------
    LinearModel
        Classes -1, 0, +1; the neutral intercept shifted by ``neutral_shift``; provenance in
        ``training``.
    """
    cfg = CONFIG["relations_stance"]
    y = training["relations"].to_numpy(int)
    model = fit_linear(training["text"].astype(str).tolist(), y, training[FEATURE_NAMES].to_numpy(float),
                       target="relations_stance", extra_features=list(FEATURE_NAMES), C=cfg["C"],
                       ngram_range=tuple(cfg["ngram_range"]), min_df=cfg["min_df"], extra_scale=cfg["extra_scale"],
                       class_weight=cfg["class_weight"], random_state=random_state)
    k = model.classes.index(0)
    model.intercept = [b + (cfg["neutral_shift"] if i == k else 0.0) for i, b in enumerate(model.intercept)]
    model.training.update({
        "neutral_shift": cfg["neutral_shift"], "extra_scale": cfg["extra_scale"], "method": cfg["method"],
        "random_state": random_state, "sources": SOURCES,
        "n_by_source": {k: int(v) for k, v in training["source"].value_counts().sort_index().items()},
        "class_counts": {str(k): int(v) for k, v in training["relations"].value_counts().sort_index().items()},
        "command": "python -m sinojp train --dev <development corpus>",
        "selection": SELECTION["relations_stance"]})
    return model


def _sample_beside(dev_root: Path) -> Path | None:
    sample = dev_root.parent / "news-sample"
    return sample if (sample / "labels.csv").exists() and (sample / "raw").is_dir() else None


def train_stance_models(dev_root: str | Path, out_dir: str | Path | None = None, random_state: int = 0,
                        sample_root: str | Path | None = None, use_sample: bool = True,
                        extra_codes: pd.DataFrame | None = None) -> dict[str, Path]:
    """Rebuild the learned stance method's JSON files from the labelled development corpus.

    Parameters
    ----------
    dev_root : str or Path
        The labelled development corpus (``raw/``, ``metadata.csv``, ``labels.csv``,
        ``sentences.csv``); its train part (the frozen site split) is used, never the test part.
    out_dir : str or Path, optional
        Where to write ``stance_relations.json`` and ``stance_documents.json``; by default the
        package's own ``sinojp/resources/models/`` (the shipped files are replaced).
    random_state : int
        Seed of the logistic regression (default 0, the shipped models).
    sample_root : str or Path, optional
        The labelled sample whose coder-C codes join the training data; by default ``news-sample``
        beside ``dev_root`` when it is there.
    use_sample : bool
        False trains without the sample.
    extra_codes : DataFrame, optional
        More coded sentences (e.g. coding sheets of notebook 06, :func:`sinojp.validate.coding.read_coding_sheet`):
        ``doc_id, sent_id, text, relations_stance`` and, when known, ``para_id``; rows without a
        ``relations_stance`` code are skipped. Their features are computed with each document's other
        coded sentences as context.

    Returns
    -------
    dict of str to Path
        ``{"relations": ..., "documents": ...}``: the files written.
    """
    dev_root = Path(dev_root)
    if use_sample and sample_root is None:
        sample_root = _sample_beside(dev_root)
    training = build_training_sentences(dev_root, sample_root if use_sample else None)
    if extra_codes is not None and len(extra_codes):
        extra = extra_codes[pd.to_numeric(extra_codes["relations_stance"], errors="coerce").notna()].copy()
        if len(extra):
            table = build_feature_table(extra[[c for c in ("doc_id", "sent_id", "para_id", "text") if c in extra]])
            added = pd.DataFrame({"doc_id": "extra:" + extra["doc_id"].astype(str).to_numpy(),
                                  "sent_id": extra["sent_id"].astype(int).to_numpy(), "text": extra["text"].to_numpy(),
                                  "relations": extra["relations_stance"].astype(int).to_numpy(),
                                  "us": pd.to_numeric(extra.get("us_stance", 0), errors="coerce").fillna(0).astype(int)
                                  .to_numpy(), "source": "coding sheet"})
            training = pd.concat([training, pd.concat([added, table[FEATURE_NAMES].reset_index(drop=True)], axis=1)],
                                 ignore_index=True)
    model = fit_relations_model(training, random_state)
    out = Path(out_dir) if out_dir is not None else Path(str(resources.files("sinojp.resources"))) / "models"
    out.mkdir(parents=True, exist_ok=True)
    paths = {"relations": out / Path(MODEL_FILES["relations"]).name,
             "documents": out / Path(MODEL_FILES["documents"]).name}
    model.save(paths["relations"])
    documents = {"format": DOCUMENTS_FORMAT, "relations": CONFIG["relations"], "us": CONFIG["us"],
                 "us_sentences": CONFIG["us_sentences"], "relations_model": Path(MODEL_FILES["relations"]).name,
                 "selection": SELECTION}
    paths["documents"].write_text(json.dumps(documents, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    return paths
