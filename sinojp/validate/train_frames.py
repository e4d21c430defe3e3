"""Retrain the learned frame models from the labelled development corpus and write them as JSON.

:func:`train_frame_models` rebuilds ``sinojp/resources/models/frame_sentence.json`` (the sentence
model, ``sinojp-linear-1``) and ``frame_pooling.json`` (the document pooling,
``sinojp-frame-pooling-1``) byte for byte. It fits on the **train part** of the frozen site split
only, as the research did (research/frames/REPORT.md): coder A's sentence codes with the
adjudicated code where A and B disagree, coder C's codes of the other gold body sentences of the
same documents, coder C's codes of the sample (when given) and the seed annotations. The test
part stays held out for :func:`sinojp.validate.frames.validate_frames_heldout`.
"""

from __future__ import annotations

import json
import math
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from sinojp.measures.framing.codebook import list_frames
from sinojp.measures.framing.features import compute_dense_features
from sinojp.measures.framing.learned import SENTENCE_SETTINGS, fit_sentence_model
from sinojp.measures.framing.pooling import Pooling, pooling_to_json
from sinojp.measures.framing.supervised import load_frame_annotations
from sinojp.measures.linear import LinearModel
from sinojp.validate.labelled import load_labelled

#: the pooling chosen by site-grouped CV on the train part (votes; the first 2 sentences with frame
#: content weigh 5; frame set at share 0.05)
CHOSEN_POOLING = Pooling(lead_sentences=2, lead_weight=5.0, power=math.inf, threshold=0.05, irrelevant_weight=1.0)

#: the selection figures of the chosen method (leave-one-site-out CV on the train part;
#: research/frames/results/cv_selection.csv), kept as provenance
SELECTION_CV = {"candidate": "ngrams+lexicon+targets LR", "sentence_acc": 0.7526, "primary_gold_sentences": 0.7436,
                "primary_pipeline": 0.7949, "set_micro_f1_gold_sentences": 0.8545,
                "set_micro_f1_pipeline": 0.8584, "criterion": 0.7609}

TRAINING_COLUMNS = ["doc_id", "sent_no", "text", "frame", "source"]


def _models_dir() -> Path:
    return Path(str(resources.files("sinojp.resources").joinpath("models")))


def load_training_sentences(dev_root: str | Path, sample_root: str | Path | None = None,
                            part: str = "train") -> pd.DataFrame:
    """The coded sentences the frame model is trained on.

    Parameters
    ----------
    dev_root : str or Path
        The labelled development corpus (:func:`sinojp.validate.load_labelled`).
    sample_root : str or Path, optional
        The labelled sample, whose coder C sentence codes are added (the sample is in neither part).
    part : {"train", "all"}
        Development documents whose codes are used: the train part of the frozen split (the
        evaluated model) or every document (a refit with no held-out figure of its own).

    Returns
    -------
    DataFrame
        ``doc_id, sent_no, text, frame, source`` in this order: coder A (``A``, or ``A+adj`` where
        the adjudicated code replaced A's), coder C on the other sentences of those documents
        (``C``), coder C on the sample (``C:sample``), the seed sentences (``seed``; their
        ``none`` codes dropped, since the development coders always chose a frame).
    """
    if part not in ("train", "all"):
        raise ValueError("part must be 'train' or 'all'")
    frames = set(list_frames())
    sents = load_labelled(dev_root).sentences
    if part == "train":
        sents = sents[sents["part"] == "train"]
    coded_a = sents["frame_a"].notna()
    a = sents[coded_a & sents["frame_adj"].isin(frames)]
    a = a.assign(frame=a["frame_adj"], source=np.where(a["frame_adj"] == a["frame_a"], "A", "A+adj"))
    c = sents[~coded_a & sents["frame_c"].isin(frames)]
    rows = [a, c.assign(frame=c["frame_c"], source="C")]
    if sample_root is not None:
        sample = load_labelled(sample_root).sentences
        sample = sample[sample["frame_c"].isin(frames)] if "frame_c" in sample else sample.iloc[:0]
        rows.append(sample.assign(frame=sample.get("frame_c"), source="C:sample"))
    seeds = load_frame_annotations()
    seeds = seeds[seeds["frame"].isin(frames)]
    rows.append(seeds.assign(sent_no=seeds.groupby("doc_id").cumcount(), source="seed"))
    out = pd.concat([r[TRAINING_COLUMNS] for r in rows], ignore_index=True)
    out["text"] = out["text"].astype(str)
    out["sent_no"] = out["sent_no"].astype(int)
    return out


def train_frame_models(dev_root: str | Path, out_dir: str | Path | None = None,
                       sample_root: str | Path | None = None, random_state: int = 0,
                       extra_codes: pd.DataFrame | None = None) -> dict[str, Path]:
    """Fit the learned frame model on the train part and write both JSON files.

    With the development corpus and the sample of ``../shared/corpora`` this reproduces the
    shipped ``frame_sentence.json`` and ``frame_pooling.json`` byte for byte (a test checks it).

    Parameters
    ----------
    dev_root : str or Path
        The labelled development corpus (``raw/``, ``metadata.csv``, ``labels.csv``,
        ``sentences.csv``, ...).
    out_dir : str or Path, optional
        Where to write (default: the package's ``sinojp/resources/models``, replacing the shipped
        models).
    sample_root : str or Path, optional
        The labelled sample, whose coder C codes are added to the training sentences (the shipped
        model used them).
    random_state : int
        Passed to the logistic regression (newton-cg is deterministic).
    extra_codes : DataFrame, optional
        More coded sentences (e.g. coding sheets of notebook 06): ``doc_id, sent_id, text, frame``;
        rows without a codebook frame are skipped.

    Returns
    -------
    dict
        ``{"frame_sentence": path, "frame_pooling": path}``.

    Raises
    ------
    AssertionError
        When the JSON model does not reproduce scikit-learn's probabilities to 1e-9.
    """
    rows = load_training_sentences(dev_root, sample_root, part="train")
    if extra_codes is not None and len(extra_codes):
        extra = extra_codes[extra_codes["frame"].isin(set(list_frames()))]
        rows = pd.concat([rows, pd.DataFrame({"doc_id": "extra:" + extra["doc_id"].astype(str),
                                              "sent_no": extra["sent_id"].astype(int), "text": extra["text"],
                                              "frame": extra["frame"], "source": "coding sheet"})], ignore_index=True)
    texts = rows["text"].tolist()
    call = (f"train_frame_models(dev_root=<{Path(dev_root).name}>, "
            + (f"sample_root=<{Path(sample_root).name}>, " if sample_root is not None else "")
            + f"random_state={random_state})")
    provenance = {
        "model": "train-part model: fitted on the train-part sites of the frozen split (annotations/dev_split.csv) "
                 "only; the test part is held out, and this is the model whose held-out figures are reported "
                 "(sinojp.validate.frames.validate_frames_heldout; research/frames/REPORT.md)",
        "part": "train",
        "call": "sinojp.validate.train_frames." + call,
        "sources": {k: int(v) for k, v in rows["source"].value_counts(sort=False).items()},
        "gold": "coder A sentence codes, adjudicated where A and B disagreed; coder C (third coder) codes of the "
                "other body sentences of the same documents and of the sample; seed sentences (frame 'none' dropped)",
        "selection_cv": SELECTION_CV,
        "settings": {k: list(v) if isinstance(v, tuple) else v for k, v in SENTENCE_SETTINGS.items()},
    }
    model, X, clf = fit_sentence_model(texts, rows["frame"].tolist(), training=provenance, random_state=random_state,
                                       return_sklearn=True, **SENTENCE_SETTINGS)
    reloaded = LinearModel.from_json(json.loads(json.dumps(model.to_json())))
    gap = float(np.abs(clf.predict_proba(X) - reloaded.predict_proba(texts, compute_dense_features(texts))).max())
    assert gap <= 1e-9, f"the JSON frame model differs from scikit-learn by {gap}"
    model.training["json_vs_sklearn_below"] = 1e-9
    out = _models_dir() if out_dir is None else Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {"frame_sentence": out / "frame_sentence.json", "frame_pooling": out / "frame_pooling.json"}
    model.save(written["frame_sentence"])
    pooling = pooling_to_json(CHOSEN_POOLING, {
        "chosen_by": "leave-one-site-out CV on the train-part sites (highest mean primary-frame accuracy over gold "
                     "and pipeline sentences; threshold by frame-set micro-F1)", "part": "train"})
    written["frame_pooling"].write_text(json.dumps(pooling, indent=1) + "\n", encoding="utf-8")
    return written
