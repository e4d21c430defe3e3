"""Measure the cleaning against hand labels (line-level boilerplate, body start, title, date).

The labelled corpora code, for each raw file, which lines (1-based, as ``str.splitlines()``
counts) are boilerplate and which are neutral (titles, sub-headings, scored neither way), the
first words of the body, and the title and publication date in ``metadata.csv``. The cleaner is
run on the raw text and URL alone (no metadata title or date), so the scores measure extraction.

* :func:`validate_cleaning` scores the cleaner on a labelled folder (the sample);
* :func:`validate_cleaning_heldout` scores it on the frozen test sites of the development corpus,
  beside two baselines (keep every line of 8+ words; jusText), with bootstrap intervals;
* :func:`train_line_model` retrains the line classifier the cleaner uses
  (``resources/models/line_model.json``) as the cleaning research did.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from sinojp.corpus import read_corpus
from sinojp.text.clean import clean_corpus
from sinojp.text.linefeatures import (
    FEATURES,
    PageFeatures,
    build_line_features,
    count_site_lines,
)
from sinojp.text.linemodel import (
    CLASSES,
    FORMAT,
    MODEL_RESOURCE,
    LineModel,
    LineVerdicts,
    decide_lines,
)
from sinojp.text.normalise import normalise_unicode
from sinojp.text.page import BOILERPLATE, TITLE
from sinojp.text.titledate import extract_date, extract_title
from sinojp.text.tokens import find_words
from sinojp.validate.labelled import line_set, load_labelled

#: gold line classes: boilerplate, neutral (headlines, sub-headings: scored neither way), body
GOLD_BODY, GOLD_HEADING, GOLD_BOILERPLATE = "body", "heading", "boilerplate"

#: the measures of the cleaning tables, in order
MEASURES = ["boilerplate_precision", "boilerplate_recall", "boilerplate_f1", "body_line_recall",
            "body_start_accuracy", "title_accuracy", "date_accuracy", "documents_rejected"]


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


# --------------------------------------------------------------------------------------------
# Labelled pages with one gold class per raw line
# --------------------------------------------------------------------------------------------

@dataclass
class _Page:
    """One labelled page: raw text, metadata and the gold class of every raw line (None: blank)."""

    doc_id: str
    domain: str
    url: str
    text: str
    gold: list[str | None]
    title: str
    pub_date: str
    body_start: str

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()


def _labelled_pages(root: Path, keep: set[str]) -> list[_Page]:
    """The pages of a labelled corpus whose site-split part is in ``keep``, in ``labels.csv`` order."""
    corpus = load_labelled(root)
    part = dict(zip(corpus.documents["doc_id"], corpus.documents["part"]))
    meta = corpus.metadata.set_index("doc_id")
    pages = []
    for rec in corpus.labels.to_dict("records"):
        doc_id = rec["doc_id"]
        if part.get(doc_id, "") not in keep:
            continue
        m = meta.loc[doc_id]
        text = corpus.raw[doc_id]
        bp, neutral = line_set(rec["boilerplate_lines"]), line_set(rec["neutral_lines"])
        gold: list[str | None] = []
        for i, line in enumerate(text.splitlines(), start=1):
            gold.append(None if not line.strip() else GOLD_BOILERPLATE if i in bp
                        else GOLD_HEADING if i in neutral else GOLD_BODY)
        pages.append(_Page(doc_id, m.get("domain", ""), m.get("url", ""), text, gold, m.get("title", ""),
                           m.get("pub_date", ""), rec["body_start"]))
    return pages


# --------------------------------------------------------------------------------------------
# Scoring, with bootstrap intervals over documents
# --------------------------------------------------------------------------------------------

def _score_page(page: _Page, removed: set[int], kept_text: str, title: str | None = None, date: str | None = None,
                rejected: bool | None = None) -> dict:
    """Counts and checks of one page (neutral lines are left out of the boilerplate counts)."""
    gold_bp = {i for i, g in enumerate(page.gold, 1) if g == GOLD_BOILERPLATE}
    gold_body = {i for i, g in enumerate(page.gold, 1) if g == GOLD_BODY}
    neutral = {i for i, g in enumerate(page.gold, 1) if g == GOLD_HEADING}
    pred = removed - neutral
    row = {
        "doc_id": page.doc_id, "domain": page.domain,
        "tp": len(pred & gold_bp), "fp": len(pred - gold_bp), "fn": len(gold_bp - pred),
        "body_lines": len(gold_body), "body_kept": len(gold_body - removed),
        "false_removals": ",".join(map(str, sorted(gold_body & removed))),
        "missed_boilerplate": ",".join(map(str, sorted(gold_bp - removed))),
        "body_start_ok": _norm(kept_text).startswith(_norm(page.body_start)),
        "rejected": (not kept_text.strip()) if rejected is None else rejected,
    }
    if title is not None:
        row.update(title=title, gold_title=page.title, title_ok=_norm(title) == _norm(page.title))
    if date is not None:
        row.update(date=date, gold_date=page.pub_date, date_ok=date == page.pub_date)
    return row


def _figures(tot: dict[str, float], n_docs: int) -> dict[str, float]:
    """The measures from summed per-document counts (micro over lines, means over documents)."""
    p, r, f = prf(tot["tp"], tot["fp"], tot["fn"])
    out = {"boilerplate_precision": p, "boilerplate_recall": r, "boilerplate_f1": f,
           "body_line_recall": tot["body_kept"] / max(1, tot["body_lines"]),
           "body_start_accuracy": tot["body_start_ok"] / n_docs, "documents_rejected": tot["rejected"]}
    if "title_ok" in tot:
        out["title_accuracy"] = tot["title_ok"] / n_docs
    if "date_ok" in tot:
        out["date_accuracy"] = tot["date_ok"] / n_docs
    return out


_COUNTS = ("tp", "fp", "fn", "body_lines", "body_kept", "body_start_ok", "title_ok", "date_ok", "rejected")


def _summarise_method(rows: pd.DataFrame, n_boot: int, seed: int) -> list[dict]:
    """Value, n and 95 % percentile bootstrap interval (documents resampled) of every measure."""
    cols = [c for c in _COUNTS if c in rows]
    arr = rows[cols].astype(float).to_numpy()
    n_docs = len(arr)
    value = _figures(dict(zip(cols, arr.sum(axis=0))), n_docs)
    tp, fp, fn = (int(rows[c].sum()) for c in ("tp", "fp", "fn"))
    ns = {"boilerplate_precision": tp + fp, "boilerplate_recall": tp + fn, "boilerplate_f1": tp + fp + fn,
          "body_line_recall": int(rows["body_lines"].sum())}
    rng = np.random.default_rng(seed)
    draws: dict[str, list[float]] = {k: [] for k in value}
    for _ in range(n_boot):
        tot = arr[rng.integers(0, n_docs, n_docs)].sum(axis=0)
        for k, v in _figures(dict(zip(cols, tot)), n_docs).items():
            draws[k].append(v)
    return [{"measure": k, "value": round(float(value[k]), 3), "n": ns.get(k, n_docs),
             "ci_low": round(float(np.percentile(draws[k], 2.5)), 3),
             "ci_high": round(float(np.percentile(draws[k], 97.5)), 3)} for k in MEASURES if k in value]


# --------------------------------------------------------------------------------------------
# The cleaner and the baselines on labelled pages
# --------------------------------------------------------------------------------------------

def _run_cleaner(pages: list[_Page]) -> tuple[pd.DataFrame, dict[str, dict[int, str]]]:
    """The package's cleaner on the pages (URL and site given, no metadata title or date).

    Site repetition is counted over these pages, the corpus being cleaned.
    """
    docs = pd.DataFrame([{"doc_id": p.doc_id, "source": f"{p.doc_id}.txt", "raw_text": p.text, "url": p.url,
                          "domain": p.domain, "title": "", "pub_date": "", "outlet": "", "outlet_origin": "",
                          "period": "", "author": ""} for p in pages])
    manifest = pd.DataFrame({"source": docs["source"], "doc_id": docs["doc_id"], "status": "ok", "reason": ""})
    cleaned = clean_corpus(docs, manifest)
    labels: dict[str, dict[int, str]] = {}
    for doc_id, line_no, label in zip(cleaned.lines["doc_id"], cleaned.lines["line_no"], cleaned.lines["label"]):
        labels.setdefault(doc_id, {})[int(line_no)] = label
    first = cleaned.documents.assign(_base=cleaned.documents["doc_id"].str.split("#").str[0]).drop_duplicates("_base")
    first = first.set_index("_base")
    rows = []
    for p in pages:
        removed = {no for no, lab in labels.get(p.doc_id, {}).items() if lab in (BOILERPLATE, TITLE)}
        if p.doc_id in first.index:
            doc = first.loc[p.doc_id]
            rows.append(_score_page(p, removed, doc["text"], title=doc["title"], date=doc["date"], rejected=False))
        else:
            rows.append(_score_page(p, removed, "", title="", date="", rejected=True))
    return pd.DataFrame(rows), labels


def _keep_eight_words(page: _Page) -> tuple[dict, dict[int, str]]:
    """Baseline: keep every non-blank line of 8 words or more, remove the rest."""
    decisions, kept = {}, []
    for i, line in enumerate(page.lines, 1):
        if not line.strip():
            continue
        text = normalise_unicode(line)
        keep = len(find_words(text)) >= 8
        decisions[i] = "kept" if keep else "removed"
        if keep:
            kept.append(text)
    removed = {i for i, d in decisions.items() if d == "removed"}
    return _score_page(page, removed, "\n".join(kept)), decisions


def _justext_lines(page: _Page) -> tuple[dict, dict[int, str]]:
    """Baseline: jusText (English stoplist, default settings) with every non-blank line as one ``<p>``."""
    import justext

    nos = [i for i, line in enumerate(page.lines, 1) if line.strip()]
    body = "".join(f"<p>{html.escape(page.lines[i - 1].strip())}</p>\n" for i in nos)
    paras = justext.justext(f"<html><body>\n{body}</body></html>".encode(), justext.get_stoplist("English"))
    if len(paras) != len(nos):  # pragma: no cover - jusText keeps one paragraph per <p> here
        raise RuntimeError(f"{page.doc_id}: jusText gave {len(paras)} paragraphs for {len(nos)} lines")
    decisions = {no: "removed" if p.is_boilerplate else "kept" for no, p in zip(nos, paras)}
    kept = "\n".join(p.text for p in paras if not p.is_boilerplate)
    return _score_page(page, {no for no, d in decisions.items() if d == "removed"}, kept), decisions


def _confusion(pages: list[_Page], decisions: dict[str, dict[int, str]], method: str, kept: tuple[str, ...]) -> list[dict]:
    """Gold class of the non-blank lines against kept / removed."""
    counts: dict[str, dict[str, int]] = {g: {"kept": 0, "removed": 0} for g in (GOLD_BODY, GOLD_BOILERPLATE, GOLD_HEADING)}
    for p in pages:
        for no, decision in decisions.get(p.doc_id, {}).items():
            gold = p.gold[no - 1]
            if gold is not None:
                counts[gold]["kept" if decision in kept else "removed"] += 1
    return [{"method": method, "gold": g, **c, "total": c["kept"] + c["removed"]} for g, c in counts.items()]


def validate_cleaning_heldout(dev_root: str | Path, part: str = "test", random_state: int = 0,
                              n_boot: int = 2000) -> dict[str, pd.DataFrame]:
    """Score the cleaner and two baselines on one part of the frozen site split of the development corpus.

    The cleaner (:func:`sinojp.text.clean.clean_corpus`: the learned line classifier, title and
    date rules) gets each page's raw text and URL, not its metadata title or date; site
    repetition is counted over the pages scored. The baselines are those the cleaning issue
    asks for: ``keep_8_words`` (keep every non-blank line of 8+ words) and ``justext`` (jusText
    with the English stoplist, every non-blank line fed as one paragraph, as the research did);
    they extract no title or date.

    Parameters
    ----------
    dev_root : str or Path
        The labelled development corpus (``raw/``, ``metadata.csv``, ``labels.csv``); the part of
        each page is its site's in the frozen split (:func:`sinojp.validate.load_labelled`).
    part : {"test", "train"}
        ``test``: the held-out sites (the figures to report). ``train``: the sites the shipped
        line model was trained on -- in-sample for the model (and for the title and date rules,
        written while looking at these pages), so optimistic; for the cross-validated figures see
        the model's ``training.cv``.
    random_state : int
        Seed of the bootstrap.
    n_boot : int
        Bootstrap resamples of the documents.

    Returns
    -------
    dict of str to DataFrame
        ``summary``: ``method, measure, value, n, ci_low, ci_high`` for ``cleaner``,
        ``keep_8_words`` and ``justext`` and the measures :data:`MEASURES` (boilerplate precision,
        recall and F1 micro over non-blank lines, neutral lines left out; body-line recall;
        body-start, title and date accuracy; documents rejected, a count), ``n`` the lines or
        documents behind each figure and the interval the 95 % percentile bootstrap over
        documents. ``per_document``: the counts and checks of every page and method.
        ``confusion``: ``method, gold, kept, removed, total`` over non-blank lines (gold
        ``body``, ``boilerplate``, ``heading`` = neutral). ``confusion_cleaner``: gold class
        against the cleaner's label (``body``, ``heading``, ``title``, ``boilerplate``).
    """
    if part not in ("test", "train"):
        raise ValueError(f"part must be 'test' or 'train', not {part!r}")
    pages = _labelled_pages(Path(dev_root), {part})
    if not pages:
        raise ValueError(f"{dev_root}: no labelled page in the {part} part")
    cleaner_rows, cleaner_labels = _run_cleaner(pages)
    per_method = {"cleaner": cleaner_rows}
    decisions = {"cleaner": cleaner_labels}
    for name, method in (("keep_8_words", _keep_eight_words), ("justext", _justext_lines)):
        rows, decided = [], {}
        for p in pages:
            row, decided[p.doc_id] = method(p)
            rows.append(row)
        per_method[name] = pd.DataFrame(rows)
        decisions[name] = decided
    summary = pd.DataFrame([{"method": name, **row} for name, rows in per_method.items()
                            for row in _summarise_method(rows, n_boot, random_state)])
    confusion = pd.DataFrame(
        _confusion(pages, decisions["cleaner"], "cleaner", ("body", "heading"))
        + _confusion(pages, decisions["keep_8_words"], "keep_8_words", ("kept",))
        + _confusion(pages, decisions["justext"], "justext", ("kept",)))
    fine = [(p.gold[no - 1], lab) for p in pages for no, lab in cleaner_labels.get(p.doc_id, {}).items()
            if p.gold[no - 1] is not None]
    fine_frame = pd.DataFrame(fine, columns=["gold", "label"])
    confusion_cleaner = pd.crosstab(fine_frame["gold"], fine_frame["label"]).reindex(
        index=[GOLD_BODY, GOLD_BOILERPLATE, GOLD_HEADING], columns=["body", "heading", "title", "boilerplate"],
        fill_value=0)
    return {"summary": summary,
            "per_document": pd.concat([r.assign(method=k) for k, r in per_method.items()], ignore_index=True),
            "confusion": confusion, "confusion_cleaner": confusion_cleaner}


# --------------------------------------------------------------------------------------------
# Retraining the line classifier
# --------------------------------------------------------------------------------------------

C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0)
T_GRID = tuple(round(t, 3) for t in np.arange(0.05, 0.701, 0.025))
MIN_BODY_RECALL = 0.995
#: 0/1 indicators are standardised with their scale held at or above this floor
BINARY_SCALE_FLOOR = 0.2
#: the pre-registered choice of C and threshold (cleaning research, section 0)
SELECTION_RULE = (
    "Among (C, threshold) pairs whose pooled out-of-fold body-line recall is at least ``min_recall`` and "
    "whose two neighbouring thresholds on the grid (same C) are too -- so the pick sits inside a plateau, not "
    "on the edge of the recall constraint -- take the highest boilerplate F1 (rounded to 3 decimals, about "
    "one line in 300); ties go to the smaller C (the stronger regularisation), then to the lower threshold "
    "(keeps more).")
DECISION_RULE = (
    "remove a line when P(body) < threshold; removed lines are boilerplate unless P(heading) > "
    "P(boilerplate): then a headline, removed above the first body line (title zone), kept between body "
    "lines (sub-heading), removed below the last; lines of a hard-wrapped paragraph are removed only when "
    "all are; a truncated last paragraph below kept text is kept; a page keeps its paragraphs of 8+ words "
    "when nothing else is kept")


@dataclass
class _Dataset:
    """Training pages with their feature tables, stacked rows, labels and site groups."""

    pages: list[_Page]
    feats: list[PageFeatures]
    X: np.ndarray
    y: np.ndarray
    groups: np.ndarray
    page_of_row: np.ndarray


def _build_dataset(pages: list[_Page]) -> _Dataset:
    sites = count_site_lines((p.domain, p.text) for p in pages)
    feats = [build_line_features(p.lines, url=p.url, site=sites.get(p.domain)) for p in pages]
    y, groups, pid = [], [], []
    for i, (p, f) in enumerate(zip(pages, feats)):
        for no in f.line_nos:
            y.append(p.gold[no - 1])
            groups.append(p.domain)
            pid.append(i)
    return _Dataset(pages, feats, np.vstack([f.X for f in feats]), np.array(y), np.array(groups), np.array(pid))


def _fit(X: np.ndarray, y: np.ndarray, C: float):
    """Standardise (indicators with a scale floor) and fit a balanced multinomial logistic regression."""
    from sklearn.linear_model import LogisticRegression

    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    binary = np.all((X == 0) | (X == 1), axis=0)
    scale[binary] = np.maximum(scale[binary], BINARY_SCALE_FLOOR)
    scale[scale < 1e-6] = 1.0
    clf = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    clf.fit((X - mean) / scale, np.asarray(y))
    return mean, scale, clf


def _to_json(mean: np.ndarray, scale: np.ndarray, clf, threshold: float, training: dict) -> dict:
    """The fitted model in the ``sinojp-linear-1`` layout (rows of ``coef`` follow ``classes``)."""
    order = [list(clf.classes_).index(c) for c in CLASSES]
    return {
        "format": FORMAT,
        "target": "line_class",
        "classes": CLASSES,
        "word_ngrams": None,
        "extra_features": list(FEATURES),
        "scaling": {"mean": [float(v) for v in mean], "scale": [float(v) for v in scale]},
        "coef": [[float(v) for v in clf.coef_[i]] for i in order],
        "intercept": [float(clf.intercept_[i]) for i in order],
        "decision": {"threshold": threshold, "rule": DECISION_RULE},
        "training": training,
    }


def _oof_proba(ds: _Dataset, C: float) -> np.ndarray:
    """Out-of-fold class probabilities, leaving one site out at a time."""
    from sklearn.model_selection import LeaveOneGroupOut

    P = np.zeros((len(ds.y), len(CLASSES)))
    for tr, te in LeaveOneGroupOut().split(ds.X, ds.y, ds.groups):
        mean, scale, clf = _fit(ds.X[tr], ds.y[tr], C)
        P[te] = LineModel.from_dict(_to_json(mean, scale, clf, 0.5, {})).predict_proba(ds.X[te])
    return P


def _verdicts(ds: _Dataset, P: np.ndarray, threshold: float) -> list[LineVerdicts]:
    out = []
    for i, f in enumerate(ds.feats):
        Pi = P[ds.page_of_row == i]
        out.append(LineVerdicts(f.line_nos, f.texts, decide_lines(f, Pi, threshold), Pi, f))
    return out


def _page_rows(ds: _Dataset, vs: list[LineVerdicts], with_title_date: bool = True) -> pd.DataFrame:
    rows = []
    for p, v in zip(ds.pages, vs):
        kept = "\n".join(t for t, lab in zip(v.texts, v.labels) if lab in ("body", "heading"))
        title = extract_title(v, p.url) if with_title_date else None
        date = extract_date(v, p.url, tuple(p.lines[:2]))[0] if with_title_date else None
        rows.append(_score_page(p, v.removed(), kept, title=title, date=date))
    return pd.DataFrame(rows)


def _cv_figures(rows: pd.DataFrame) -> dict[str, float]:
    """The research's CV figures (its names) of a table of page rows."""
    cols = [c for c in _COUNTS if c in rows]
    f = _figures(dict(zip(cols, rows[cols].astype(float).sum(axis=0).to_numpy())), len(rows))
    names = {"boilerplate_precision": "bp_precision", "boilerplate_recall": "bp_recall", "boilerplate_f1": "bp_f1",
             "body_line_recall": "body_recall", "body_start_accuracy": "body_start", "documents_rejected": "rejected",
             "title_accuracy": "title_acc", "date_accuracy": "date_acc"}
    return {names[k]: v for k, v in f.items()}


def _choose(grid: pd.DataFrame, min_recall: float = MIN_BODY_RECALL) -> pd.Series:
    """The pre-registered choice of C and threshold (:data:`SELECTION_RULE`)."""
    g = grid.sort_values(["C", "threshold"]).copy()
    g["prev_recall"] = g.groupby("C")["body_recall"].shift(1).fillna(1.0)
    g["next_recall"] = g.groupby("C")["body_recall"].shift(-1).fillna(0.0)
    ok = g[(g["body_recall"] >= min_recall) & (g["prev_recall"] >= min_recall) & (g["next_recall"] >= min_recall)]
    if ok.empty:
        ok = g[g["body_recall"] == g["body_recall"].max()]
    ok = ok.assign(f1_r=ok["bp_f1"].round(3))
    return ok.sort_values(["f1_r", "C", "threshold"], ascending=[False, True, True]).iloc[0]


def train_line_model(dev_root: str | Path, sample_root: str | Path | None = None, out: str | Path | None = None,
                     use_sample: bool = True) -> Path:
    """Retrain the cleaner's line classifier as the cleaning research did, and write its JSON.

    Training pages: the train part of the development corpus (the frozen site split; never a
    test-part page) plus the labelled sample's pages whose site is not a test-part site. Every
    non-blank line is one row of :data:`sinojp.text.linefeatures.FEATURES` (site repetition
    counted over the training pages) with its gold class (body / heading = neutral /
    boilerplate). C and the threshold on P(body) are chosen by leave-one-site-out
    cross-validation on a grid (:data:`C_GRID` x :data:`T_GRID`) with the pre-registered rule
    :data:`SELECTION_RULE`; the final model is fitted on all training pages. The fit runs on one
    thread and is deterministic: on the same data it writes the same bytes.

    Parameters
    ----------
    dev_root : str or Path
        The labelled development corpus (``raw/``, ``metadata.csv``, ``labels.csv``).
    sample_root : str or Path, optional
        The labelled sample; by default ``news-sample`` beside ``dev_root`` when it is there.
    out : str or Path, optional
        Where to write the model; by default the package's own
        ``sinojp/resources/models/line_model.json`` (the shipped file is replaced).
    use_sample : bool
        False trains on the development corpus's train part only.

    Returns
    -------
    Path
        The file written. Its ``training`` entry holds the data sizes, the chosen C and threshold
        and the cross-validated figures (``training.cv``).
    """
    from threadpoolctl import threadpool_limits

    dev_root = Path(dev_root)
    if use_sample and sample_root is None:
        beside = dev_root.parent / "news-sample"
        sample_root = beside if (beside / "labels.csv").exists() and (beside / "raw").is_dir() else None
    pages = _labelled_pages(dev_root, {"train"})
    if use_sample and sample_root is not None:
        pages += _labelled_pages(Path(sample_root), {"train", ""})  # the sample's pages of non-test sites
    with threadpool_limits(limits=1):
        ds = _build_dataset(pages)
        grid_rows, probs = [], {}
        for C in C_GRID:
            P = _oof_proba(ds, C)
            probs[C] = P
            for t in T_GRID:
                s = _cv_figures(_page_rows(ds, _verdicts(ds, P, t), with_title_date=False))
                grid_rows.append({"C": C, "threshold": t, **{k: round(float(v), 4) for k, v in s.items()}})
        best = _choose(pd.DataFrame(grid_rows))
        C, t = float(best["C"]), float(best["threshold"])
        cv = {k: round(float(v), 4) for k, v in _cv_figures(_page_rows(ds, _verdicts(ds, probs[C], t))).items()}
        mean, scale, clf = _fit(ds.X, ds.y, C)
    with_sample = use_sample and sample_root is not None
    training = {
        "n": len(ds.y), "n_pages": len(pages), "n_sites": len(set(ds.groups)),
        "class_counts": {c: int((ds.y == c).sum()) for c in CLASSES},
        "sources": ["development corpus: train part of the frozen site split (sinojp.annotations dev_split.csv)"]
                   + (["labelled sample: pages of non-test sites"] if with_sample else []),
        "command": "sinojp.validate.cleaning.train_line_model(dev_root"
                   + (", sample_root)" if with_sample else ", use_sample=False)"),
        "cv": {"scheme": "leave one site (domain) out", "C": C, "threshold": t, "rule": SELECTION_RULE,
               "min_body_recall": MIN_BODY_RECALL, "c_grid": list(C_GRID),
               "threshold_grid": [T_GRID[0], T_GRID[-1], 0.025], **cv},
        "model": "multinomial logistic regression (L2, class_weight=balanced, lbfgs) on standardised "
                 f"features (0/1 indicators with scale floor {BINARY_SCALE_FLOOR})",
    }
    model = _to_json(mean, scale, clf, t, training)
    # the JSON predictor must reproduce scikit-learn's probabilities
    order = [list(clf.classes_).index(c) for c in CLASSES]
    diff = np.abs(LineModel.from_dict(model).predict_proba(ds.X) - clf.predict_proba((ds.X - mean) / scale)[:, order])
    if diff.max() > 1e-9:  # pragma: no cover - a bug in the export, not in the data
        raise RuntimeError(f"the JSON line model differs from the fitted one by {diff.max():.1e}")
    path = Path(out) if out is not None else Path(str(resources.files("sinojp.resources").joinpath(MODEL_RESOURCE)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    return path
