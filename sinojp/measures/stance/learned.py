"""The learned stance method: the shipped relations model and US rule, applied to a sentence table.

``relations_stance`` comes from a multinomial logistic regression on TF-IDF word 1–2-grams plus the
dense features of :mod:`sinojp.measures.stance.features` (lexicon, rules, attribution, targets, time
cues, position, document context), fitted on hand-coded sentences with the neutral class's intercept
raised so that weakly signalled sentences stay neutral (``models/stance_relations.json``).
``us_stance`` is the lexicon's US score on the extended US targets (a sentence that names the US /
Trump, carries on from one, or names US trade weapons in a document about the US): in the research's
site-grouped cross-validation it beat every learned US model. Aggregation weights and document
thresholds are in ``models/stance_documents.json``. The files are plain JSON, read with
``importlib.resources`` once per process; ``sinojp.validate.train_stance_models`` rebuilds them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from sinojp.measures.linear import LinearModel
from sinojp.measures.stance.documents import Aggregation, label_codes
from sinojp.measures.stance.features import build_feature_table
from sinojp.text.textmatch import TextIndex

#: the shipped files, under ``sinojp/resources/``
MODEL_FILES = {"relations": "models/stance_relations.json", "documents": "models/stance_documents.json"}
DOCUMENTS_FORMAT = "sinojp-stance-documents-1"


@dataclass
class StanceModels:
    """The learned stance method as shipped.

    Attributes
    ----------
    relations : LinearModel
        The sentence model of ``relations_stance`` (classes -1, 0, +1).
    us_rule : dict
        How ``us_stance`` is scored: ``{"method": "lexicon", "target_mask": "us_target_ext",
        "dead_zone": 0.2}`` (a sentence is coded ±1 beyond ``±dead_zone``).
    aggregation : dict of str to Aggregation
        Document aggregation and thresholds of ``relations`` and ``us``.
    """

    relations: LinearModel
    us_rule: dict
    aggregation: dict[str, Aggregation]


def _read(folder: str | None, name: str) -> dict:
    if folder:
        return json.loads((Path(folder) / Path(name).name).read_text(encoding="utf-8"))
    with resources.files("sinojp.resources").joinpath(name).open(encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=4)
def load_stance_models(folder: str | None = None) -> StanceModels:
    """The shipped learned stance models (read once per process and folder; treat them as read-only).

    Parameters
    ----------
    folder : str, optional
        A folder with ``stance_relations.json`` and ``stance_documents.json`` to use instead of the
        packaged ones (e.g. the output of ``sinojp.validate.train_stance_models``).

    Returns
    -------
    StanceModels
    """
    docs = _read(folder, MODEL_FILES["documents"])
    if docs.get("format") != DOCUMENTS_FORMAT:
        raise ValueError(f"not a {DOCUMENTS_FORMAT} file")
    relations = LinearModel.from_json(_read(folder, MODEL_FILES["relations"]))
    if relations.hybrid:
        raise ValueError("hybrid relations models are not supported by the learned method")
    return StanceModels(relations, dict(docs["us_sentences"]),
                        {dim: Aggregation(**docs[dim]) for dim in ("relations", "us")})


_ITEM = re.compile(r"; (?=(?:relations|us): )")


def _items(evidence: str, dim: str) -> list[str]:
    """The lexicon evidence items of one dimension (an item may hold "; " between its effects)."""
    return [item for item in _ITEM.split(evidence) if item.startswith(f"{dim}: ")]


def _lexicon_hits(evidence: str, dim: str) -> str:
    """Compact lexicon hits of one dimension ("relations: strained [...] = -1.00; ..." -> "strained -1.00")."""
    out = []
    for item in _items(evidence, dim):
        if item:
            out.append(f"{item[len(dim) + 2:].split(' [', 1)[0]} {item.rsplit('= ', 1)[-1]}")
    return ", ".join(out)


def predict_learned(sentences: pd.DataFrame, folder: str | None = None, *, index: TextIndex | None = None,
                    targets: list[dict] | None = None) -> pd.DataFrame:
    """Sentence stance of the learned method, with the words and features behind it.

    Parameters
    ----------
    sentences : DataFrame
        ``doc_id, sent_id, text`` (and ``para_id``, to find interview turns) sorted by ``doc_id,
        sent_id``; each document complete (the context features read its neighbours).
    folder : str, optional
        Model folder instead of the packaged models (:func:`load_stance_models`).
    index, targets : optional
        The texts' :class:`TextIndex` and detected targets, when the caller has them already.

    Returns
    -------
    DataFrame
        On the index of ``sentences``: ``relations_stance`` (P(+1) - P(-1)), ``relations_label``
        (the most probable class), ``relations_p_neg``, ``relations_p_neu``, ``relations_p_pos``,
        ``relations_push`` (n-grams and features pushing towards +1 or -1, with their push),
        ``relations_lexicon`` (lexicon hits), ``us_stance``, ``us_label``, ``us_target`` (extended US
        target), ``us_evidence`` (the US lexicon's evidence items) and ``attributed``.
    """
    m = load_stance_models(folder)
    cols = [c for c in ("doc_id", "para_id", "sent_id", "text") if c in sentences]
    table = build_feature_table(sentences[cols], index=index, targets=targets)
    texts = table["text"].astype(str).tolist()
    rel = m.relations
    X = table[rel.extra_features].to_numpy(float) if rel.extra_features else None
    design = rel.design(texts, X)
    proba = rel.proba(design)
    classes = list(rel.classes)
    col = {c: (proba[:, classes.index(c)] if c in classes else np.zeros(len(texts))) for c in (-1, 0, 1)}
    out = pd.DataFrame({
        "relations_stance": rel.score(proba),
        "relations_label": np.asarray(classes, dtype=int)[proba.argmax(axis=1)] if len(texts) else np.zeros(0, int),
        "relations_p_neg": col[-1], "relations_p_neu": col[0], "relations_p_pos": col[1],
        "relations_push": rel.push_design(design),
        "relations_lexicon": [_lexicon_hits(e, "relations") for e in table["lexicon_evidence"]]})
    rule = m.us_rule
    if rule.get("method") != "lexicon":
        raise ValueError(f"unknown US sentence rule {rule.get('method')!r}")
    target = table[rule.get("target_mask", "us_target_ext")].to_numpy() > 0
    us = np.where(target, table["lex_us_score"].to_numpy(float), 0.0)
    dz = float(rule.get("dead_zone", 0.2))
    out["us_stance"] = us
    out["us_label"] = np.where(target, label_codes(us, -dz, dz), 0)
    out["us_target"] = target
    out["us_evidence"] = ["; ".join(_items(e, "us")) if t else ""
                          for e, t in zip(table["lexicon_evidence"], target)]
    out["attributed"] = table["attributed"].to_numpy() > 0
    out.index = sentences.index
    return out
