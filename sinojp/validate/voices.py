"""Validate the voices table against hand-coded quotations (``data/annotations/voices_dev.csv``).

The coded voices are character spans of the raw pages; the extractor works on the cleaned,
segmented text. Each pipeline sentence is located in its raw page (comparing letters and digits
only, so normalised quotes and re-joined lines do not matter), and the two are compared sentence by
sentence: a coded voice is found when an extracted voice's sentence overlaps its statement.
"""

from __future__ import annotations

import re
from importlib import resources

import numpy as np
import pandas as pd

from sinojp import stats


def load_coded_voices() -> pd.DataFrame:
    """The hand-coded voices of the development corpus (``sinojp.annotations/voices_dev.csv``).

    Returns
    -------
    DataFrame
        ``doc_id, start, end, sent_start, sha1, speaker, role, country, kind, cue`` (offsets into
        the raw page ``raw/<doc_id>.txt``).
    """
    with resources.files("sinojp.annotations").joinpath("voices_dev.csv").open(encoding="utf-8") as handle:
        return pd.read_csv(handle, keep_default_na=False)


def _index(text: str) -> tuple[str, list[int]]:
    """Lower-cased letters and digits of ``text`` and the offset of each in ``text``."""
    keep = [(ch.lower(), i) for i, ch in enumerate(text) if ch.isalnum()]
    return "".join(c for c, _ in keep), [i for _, i in keep]


def locate_sentences(sentences: pd.DataFrame, raw: dict[str, str]) -> pd.DataFrame:
    """Add the raw-page span of each sentence (``raw_start``, ``raw_end``; -1 when not found).

    Parameters
    ----------
    sentences : DataFrame
        ``doc_id, sent_id, text`` of cleaned documents.
    raw : dict
        doc_id -> raw page text.

    Returns
    -------
    DataFrame
        ``sentences`` with ``raw_start`` and ``raw_end``; sentences are searched in order, each
        after the previous one's position, so repeated sentences land on their own occurrence.
    """
    starts, ends = [], []
    for doc_id, group in sentences.groupby("doc_id", sort=False):
        page, where = _index(raw.get(str(doc_id).split("#")[0], ""))
        cursor = 0
        for text in group["text"]:
            key, _ = _index(str(text))
            hit = page.find(key, cursor) if key else -1
            if hit < 0 and key:
                hit = page.find(key)
            if hit < 0:
                starts.append(-1)
                ends.append(-1)
                continue
            starts.append(where[hit])
            ends.append(where[hit + len(key) - 1] + 1)
            cursor = hit + len(key)
    order = sentences.groupby("doc_id", sort=False).cumcount()  # keep the frame's own row order below
    located = sentences.assign(_order=order)
    frames = [g for _, g in located.groupby("doc_id", sort=False)]
    located = pd.concat(frames) if frames else located
    located = located.assign(raw_start=starts, raw_end=ends).drop(columns="_order")
    return located.loc[sentences.index]


_NOT_NAMES = {"the", "of", "and", "government", "ministry", "mr", "ms", "dr", "prime", "minister", "president"}


def same_speaker(found: str, coded: str) -> bool:
    """Whether an extracted speaker names the coded one: the name words of one contain the other's
    (``Xi`` and ``Xi Jinping``; ``Chinese government`` and ``Chinese government``)."""
    a = set(re.findall(r"[a-z]+", str(found).lower()))
    b = set(re.findall(r"[a-z]+", str(coded).lower()))
    if not a or not b:
        return False
    if a == b:
        return True
    a, b = a - _NOT_NAMES, b - _NOT_NAMES
    return bool(a) and bool(b) and (a <= b or b <= a)


def match_voices(extracted: pd.DataFrame, sentences: pd.DataFrame, coded: pd.DataFrame,
                 raw: dict[str, str]) -> pd.DataFrame:
    """Pair coded voices with the extracted voice of the sentence that holds them.

    Parameters
    ----------
    extracted : DataFrame
        :func:`sinojp.measures.extract_voices` output (``doc_id, sent_id, speaker, role, country, cue``).
    sentences : DataFrame
        The sentences it was extracted from (``doc_id, sent_id, text``).
    coded : DataFrame
        :func:`load_coded_voices`, limited to the documents compared.
    raw : dict
        doc_id -> raw page text.

    Returns
    -------
    DataFrame
        One row per coded voice and per extracted voice (``row``: ``coded`` / ``extracted``): ``doc_id, sent_id, coded_speaker,
        coded_country, coded_role, kind, speaker, country, role, found`` (the coded voice has an
        extracted voice in its sentence) and ``extracted`` (the extracted voice matches a coded one).
    """
    located = locate_sentences(sentences[["doc_id", "sent_id", "text"]], raw)
    rows = []
    ext = extracted.merge(located[["doc_id", "sent_id", "raw_start", "raw_end"]], on=["doc_id", "sent_id"], how="left")
    statements = coded[coded["kind"] != "question"]
    used = set()
    for r in statements.itertuples():
        cand = ext[(ext["doc_id"] == r.doc_id) & (ext["raw_start"] >= 0) & (ext["raw_start"] < r.end)
                   & (ext["raw_end"] > r.start)]
        hit = cand.iloc[0] if len(cand) else None
        if hit is not None:
            used.add((hit["doc_id"], hit["sent_id"]))
        rows.append({"row": "coded", "doc_id": r.doc_id, "sent_id": hit["sent_id"] if hit is not None else np.nan,
                     "coded_speaker": r.speaker, "coded_country": r.country, "coded_role": r.role, "kind": r.kind,
                     "speaker": hit["speaker"] if hit is not None else "", "country": hit["country"] if hit is not None else "",
                     "role": hit["role"] if hit is not None else "", "found": hit is not None, "extracted": hit is not None})
    questions = coded[coded["kind"] == "question"]
    for e in ext.itertuples():
        if (e.doc_id, e.sent_id) in used:
            rows.append({"row": "extracted", "doc_id": e.doc_id, "sent_id": e.sent_id, "coded_speaker": "",
                         "coded_country": "", "coded_role": "", "kind": "", "speaker": e.speaker, "country": e.country,
                         "role": e.role, "found": False, "extracted": True})
            continue
        inside = questions[(questions["doc_id"] == e.doc_id) & (questions["start"] < e.raw_end)
                           & (questions["end"] > e.raw_start)]
        rows.append({"row": "extracted", "doc_id": e.doc_id, "sent_id": e.sent_id, "coded_speaker": "",
                     "coded_country": "", "coded_role": "", "kind": "question" if len(inside) else "", "speaker": e.speaker,
                     "country": e.country, "role": e.role, "found": False, "extracted": False})
    return pd.DataFrame(rows)


def _rate(hits: np.ndarray, groups: np.ndarray, random_state: int) -> tuple[float, float, float, int]:
    if not len(hits):
        return float("nan"), float("nan"), float("nan"), 0
    value = float(np.mean(hits))
    lo, hi = stats.bootstrap_ci_grouped(hits.astype(float), groups, random_state=random_state)
    return value, lo, hi, len(hits)


def score_voices(matched: pd.DataFrame, random_state: int = 0) -> pd.DataFrame:
    """Precision and recall of extraction and accuracy of attribution, with 95% intervals.

    Parameters
    ----------
    matched : DataFrame
        :func:`match_voices` output.
    random_state : int
        Seed of the bootstrap (documents are resampled).

    Returns
    -------
    DataFrame
        ``measure, value, ci_low, ci_high, n``: extraction recall (coded statements found),
        precision (extracted voices that are coded statements), speaker, country and role accuracy
        over the found statements (:func:`same_speaker`), and the share of coded interviewer questions wrongly kept as statements.
    """
    coded = matched[matched["row"] == "coded"]
    extracted = matched[matched["row"] == "extracted"]
    found = coded[coded["found"]]
    rows = []
    for name, hits, frame in (
        ("extraction recall", coded["found"].to_numpy(), coded),
        ("extraction precision", extracted["extracted"].to_numpy(), extracted),
        ("speaker accuracy", np.array([same_speaker(a, b) for a, b in zip(found["speaker"], found["coded_speaker"])]), found),
        ("country accuracy", (found["country"] == found["coded_country"]).to_numpy(), found),
        ("role accuracy", (found["role"] == found["coded_role"]).to_numpy(), found),
    ):
        value, lo, hi, n = _rate(np.asarray(hits, dtype=bool), frame["doc_id"].to_numpy(), random_state)
        rows.append({"measure": name, "value": round(value, 3), "ci_low": round(lo, 3), "ci_high": round(hi, 3), "n": n})
    questions = matched[matched["kind"] == "question"]
    rows.append({"measure": "questions kept as statements", "value": len(questions), "ci_low": np.nan,
                 "ci_high": np.nan, "n": len(questions)})
    return pd.DataFrame(rows)
