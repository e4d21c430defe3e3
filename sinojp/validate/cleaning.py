"""Measure the cleaning against hand labels (line-level boilerplate, body start, title, date).

The labelled sample codes, for each raw file, which lines (1-based, as ``str.splitlines()``
counts) are boilerplate and which are neutral (titles, sub-headings, scored neither way), the
first words of the body, and the title and publication date in ``metadata.csv``. The cleaner is
run on the raw text alone (no metadata title or date), so the scores measure extraction.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from sinojp.corpus import read_corpus
from sinojp.text.clean import clean_corpus
from sinojp.text.page import BOILERPLATE, TITLE


def _line_set(value: str) -> set[int]:
    return {int(x) for x in str(value or "").split("|") if x.strip().isdigit()}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts (1.0 where nothing was expected or predicted)."""
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def validate_cleaning(sample_dir: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score the cleaner on a labelled sample folder (``raw/``, ``labels.csv``, ``metadata.csv``).

    Parameters
    ----------
    sample_dir : str or Path
        Folder with ``raw/`` article files, ``labels.csv`` (doc_id, boilerplate_lines,
        neutral_lines, body_start) and ``metadata.csv`` (doc_id, url, title, pub_date).

    Returns
    -------
    summary : DataFrame
        One row per measure (``measure``, ``value``, ``n``): boilerplate precision, recall
        and F1 (micro over lines), body-line recall, body-start, title and date accuracy.
    per_document : DataFrame
        The same counts and checks per document, for finding what went wrong.
    """
    sample_dir = Path(sample_dir)
    labels = pd.read_csv(sample_dir / "labels.csv", dtype=str, keep_default_na=False)
    meta = pd.read_csv(sample_dir / "metadata.csv", dtype=str, keep_default_na=False).set_index("doc_id")
    raw = read_corpus(sample_dir / "raw")
    docs = raw.documents.copy()
    # Measure extraction, not look-up: keep only the URL from the metadata.
    for col in ("title", "pub_date", "outlet", "outlet_origin", "period", "author"):
        docs[col] = ""
    cleaned = clean_corpus(docs, raw.manifest)
    lines = cleaned.lines
    rows = []
    for rec in labels.to_dict("records"):
        doc_id = rec["doc_id"]
        doc_lines = lines[lines["doc_id"] == doc_id]
        nonblank = {int(n) for n, t in zip(doc_lines["line_no"], doc_lines["text"]) if str(t).strip()}
        gold_bp = _line_set(rec["boilerplate_lines"]) & nonblank
        neutral = _line_set(rec["neutral_lines"])
        gold_body = nonblank - gold_bp - neutral
        removed = {int(n) for n, lab in zip(doc_lines["line_no"], doc_lines["label"]) if lab in (BOILERPLATE, TITLE)}
        pred_bp = removed - neutral
        tp, fp, fn = len(pred_bp & gold_bp), len(pred_bp - gold_bp), len(gold_bp - pred_bp)
        body_kept = len(gold_body - removed)
        pieces = cleaned.documents[cleaned.documents["doc_id"].str.split("#").str[0] == doc_id]
        text = pieces["text"].iloc[0] if len(pieces) else ""
        title = pieces["title"].iloc[0] if len(pieces) else ""
        date = pieces["date"].iloc[0] if len(pieces) else ""
        gold_title = meta.loc[doc_id, "title"] if doc_id in meta.index else ""
        gold_date = meta.loc[doc_id, "pub_date"] if doc_id in meta.index else ""
        rows.append({
            "doc_id": doc_id, "tp": tp, "fp": fp, "fn": fn,
            "body_lines": len(gold_body), "body_kept": body_kept,
            "false_removals": ",".join(str(n) for n in sorted(gold_body & removed)),
            "missed_boilerplate": ",".join(str(n) for n in sorted(gold_bp - removed)),
            "body_start_ok": _norm(text).startswith(_norm(rec["body_start"])),
            "title_ok": _norm(title) == _norm(gold_title), "title": title, "gold_title": gold_title,
            "date_ok": date == gold_date, "date": date, "gold_date": gold_date,
        })
    per_doc = pd.DataFrame(rows)
    tp, fp, fn = per_doc["tp"].sum(), per_doc["fp"].sum(), per_doc["fn"].sum()
    p, r, f = prf(int(tp), int(fp), int(fn))
    body_recall = per_doc["body_kept"].sum() / max(1, per_doc["body_lines"].sum())
    summary = pd.DataFrame([
        ("boilerplate_precision", p, int(tp + fp)),
        ("boilerplate_recall", r, int(tp + fn)),
        ("boilerplate_f1", f, int(tp + fp + fn)),
        ("body_line_recall", body_recall, int(per_doc["body_lines"].sum())),
        ("body_start_accuracy", per_doc["body_start_ok"].mean(), len(per_doc)),
        ("title_accuracy", per_doc["title_ok"].mean(), len(per_doc)),
        ("date_accuracy", per_doc["date_ok"].mean(), len(per_doc)),
    ], columns=["measure", "value", "n"])
    summary["value"] = summary["value"].astype(float).round(3)
    return summary, per_doc
