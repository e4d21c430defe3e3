"""Hand coding inside JupyterLab: draw a stratified sample, code it in a form, compare with a method.

The workflow of notebook 06:

1. :func:`draw_coding_sample` draws sentences stratified by the method's predicted class and by
   outlet origin and period, so that rare classes and groups are coded too;
2. :func:`write_coding_sheet` writes them to a CSV coding sheet (a working file in the run's output
   folder: it holds the sentences' text, so it is not committed with the project);
3. :class:`CodingForm` shows one sentence at a time with the codebook's choices and saves every code
   to the sheet as it is entered, so nothing is lost when the kernel stops;
4. :func:`compare_codes` measures agreement between coders and between each coder and the method:
   Krippendorff's alpha, a confusion matrix, per-class precision and recall with intervals;
5. the coded sheets retrain the supervised models (:func:`sinojp.validate.train_stance.train_stance_models`,
   ``extra_codes=``), and :func:`export_codes` turns a sheet into annotation rows keyed by
   ``doc_id``, offsets and a hash of the sentence, without its text.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from sinojp import stats
from sinojp.validate.agreement import tabulate_agreement
from sinojp.validate.labelled import text_hash

#: what a coder codes per sentence, and the allowed values (frames come from the codebook)
STANCE_CHOICES = {"relations_stance": [-1, 0, 1], "us_stance": [-1, 0, 1]}
SHEET_COLUMNS = ["item_id", "doc_id", "sent_id", "start", "end", "sha1", "text", "stratum", "coder",
                 "relations_stance", "us_stance", "frame", "note"]


def draw_coding_sample(sentences: pd.DataFrame, predictions: pd.DataFrame, documents: pd.DataFrame | None = None,
                       n: int = 60, strata: tuple[str, ...] = ("predicted", "outlet_origin", "period"),
                       target: str = "relations_stance", random_state: int = 0) -> pd.DataFrame:
    """A stratified random sample of sentences for hand coding.

    Parameters
    ----------
    sentences : DataFrame
        ``doc_id, sent_id, text`` (and ``start, end`` offsets when known).
    predictions : DataFrame
        A method's sentence scores with ``doc_id, sent_id`` and ``target``; the predicted class
        is the sign of the score beyond 0.1.
    documents : DataFrame, optional
        ``doc_id`` and the metadata columns named in ``strata`` (``outlet_origin``, ``period``).
    n : int
        Sentences to draw.
    strata : tuple of str
        Columns whose combinations are sampled evenly: ``predicted`` and any document column.
    target : str
        The predicted measure that defines ``predicted``.
    random_state : int
        Seed of the draw.

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, text, start, end, stratum, predicted`` in a random order: the strata take
        turns, each giving its next sentence, until ``n`` are drawn.
    """
    frame = sentences.merge(predictions[["doc_id", "sent_id", target]], on=["doc_id", "sent_id"], how="inner")
    score = pd.to_numeric(frame[target], errors="coerce").fillna(0.0)
    frame["predicted"] = np.where(score > 0.1, 1, np.where(score < -0.1, -1, 0))
    if documents is not None:
        meta = [c for c in strata if c in documents.columns and c != "predicted"]
        frame = frame.merge(documents[["doc_id"] + meta], on="doc_id", how="left")
    cols = [c for c in strata if c in frame.columns]
    frame["stratum"] = frame[cols].astype(str).agg(" / ".join, axis=1) if cols else "all"
    rng = np.random.default_rng(random_state)
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    queues = {k: list(g.index) for k, g in frame.groupby("stratum", sort=True)}
    picked: list[int] = []
    while len(picked) < min(n, len(frame)):
        for key in sorted(queues):
            if queues[key] and len(picked) < n:
                picked.append(queues[key].pop(0))
    out = frame.loc[picked]
    for col in ("start", "end"):
        if col not in out:
            out[col] = -1
    return out[["doc_id", "sent_id", "text", "start", "end", "stratum", "predicted"]].reset_index(drop=True)


def write_coding_sheet(sample: pd.DataFrame, path: str | Path, coder: str) -> Path:
    """Write a coding sheet: one row per sentence, the code columns empty.

    Parameters
    ----------
    sample : DataFrame
        :func:`draw_coding_sample` output.
    path : str or Path
        The CSV to write (its folder is created). An existing sheet is kept: codes already entered
        are never overwritten.
    coder : str
        The coder's name or initials, written on every row.

    Returns
    -------
    Path
    """
    path = Path(path)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet = pd.DataFrame({
        "item_id": range(len(sample)), "doc_id": sample["doc_id"], "sent_id": sample["sent_id"],
        "start": sample["start"], "end": sample["end"], "sha1": sample["text"].map(text_hash),
        "text": sample["text"], "stratum": sample["stratum"], "coder": coder,
        "relations_stance": "", "us_stance": "", "frame": "", "note": "",
    })
    sheet[SHEET_COLUMNS].to_csv(path, index=False, quoting=csv.QUOTE_NONNUMERIC)
    return path


def read_coding_sheet(path: str | Path) -> pd.DataFrame:
    """A coding sheet with its codes as numbers (stance) and strings (frame); empty codes are missing.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    DataFrame
        :data:`SHEET_COLUMNS`.
    """
    sheet = pd.read_csv(path, dtype={"doc_id": str, "coder": str, "frame": str, "note": str}, keep_default_na=False)
    for col in STANCE_CHOICES:
        sheet[col] = pd.to_numeric(sheet[col].replace("", np.nan), errors="coerce").astype("Int64")
    return sheet


def save_code(path: str | Path, item_id: int, codes: dict[str, object]) -> None:
    """Write one item's codes into its sheet at once (the whole file is rewritten atomically).

    Parameters
    ----------
    path : str or Path
        The coding sheet.
    item_id : int
        The row to code.
    codes : dict
        Column -> value, e.g. ``{"relations_stance": 1, "us_stance": 0, "frame": "diplomacy"}``.
    """
    path = Path(path)
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = sheet.index[sheet["item_id"] == str(item_id)]
    for col, value in codes.items():
        sheet.loc[row, col] = "" if value is None else str(value)
    tmp = path.with_suffix(".tmp")
    sheet.to_csv(tmp, index=False, quoting=csv.QUOTE_NONNUMERIC)
    tmp.replace(path)


class CodingForm:
    """An ipywidgets form that codes a sheet one sentence at a time, saving each code as entered.

    Parameters
    ----------
    path : str or Path
        The coding sheet (:func:`write_coding_sheet`).
    frames : sequence of str
        The codebook's frames (``sinojp.measures.framing.list_frames()``).

    Attributes
    ----------
    widget : ipywidgets.VBox
        Display it in a notebook cell.
    """

    def __init__(self, path: str | Path, frames: list[str] | tuple[str, ...]) -> None:
        import ipywidgets as w

        self.path = Path(path)
        self.sheet = read_coding_sheet(self.path)
        first = self.sheet.index[self.sheet["relations_stance"].isna()]
        self.position = int(first[0]) if len(first) else 0
        labels = {-1: "-1 negative", 0: "0 neutral / absent", 1: "+1 positive"}
        self.text = w.HTML()
        self.progress = w.HTML()
        self.relations = w.RadioButtons(options=[(labels[v], v) for v in STANCE_CHOICES["relations_stance"]],
                                        description="relations", value=None)
        self.us = w.RadioButtons(options=[(labels[v], v) for v in STANCE_CHOICES["us_stance"]],
                                 description="US role", value=None)
        self.frame = w.Dropdown(options=[("", "")] + [(f, f) for f in frames], description="frame", value="")
        self.note = w.Text(description="note", placeholder="optional")
        self.save = w.Button(description="Save and next", button_style="primary")
        self.back = w.Button(description="Back")
        self.status = w.HTML()
        self.save.on_click(lambda _: self.submit())
        self.back.on_click(lambda _: self.show(self.position - 1))
        self.widget = w.VBox([self.progress, self.text, w.HBox([self.relations, self.us]), self.frame, self.note,
                              w.HBox([self.back, self.save]), self.status])
        self.widget.add_class("sinojp-coding-form")
        self.show(self.position)

    def show(self, position: int) -> None:
        """Show item ``position`` (clamped to the sheet), with any codes it already has."""
        import html

        self.position = max(0, min(position, len(self.sheet) - 1))
        row = self.sheet.iloc[self.position]
        coded = int(self.sheet["relations_stance"].notna().sum())
        self.progress.value = f"<b>item {self.position + 1} of {len(self.sheet)}</b> ({coded} coded) · {row['doc_id']}"
        self.text.value = f"<blockquote>{html.escape(str(row['text']))}</blockquote>"
        self.relations.value = None if pd.isna(row["relations_stance"]) else int(row["relations_stance"])
        self.us.value = None if pd.isna(row["us_stance"]) else int(row["us_stance"])
        self.frame.value = row["frame"] if row["frame"] in self.frame.options or any(
            row["frame"] == o[1] for o in self.frame.options) else ""
        self.note.value = str(row["note"])

    def submit(self) -> bool:
        """Save the current item's codes to the sheet and move on; False when a code is missing."""
        if self.relations.value is None or self.us.value is None or not self.frame.value:
            self.status.value = "<span style='color:#a00'>choose relations, US role and frame first</span>"
            return False
        codes = {"relations_stance": self.relations.value, "us_stance": self.us.value, "frame": self.frame.value,
                 "note": self.note.value}
        item = int(self.sheet.iloc[self.position]["item_id"])
        save_code(self.path, item, codes)
        self.sheet = read_coding_sheet(self.path)
        self.status.value = f"saved item {self.position + 1}"
        self.show(self.position + 1)
        return True


def _per_class(truth: pd.Series, predicted: pd.Series, groups: pd.Series, random_state: int) -> pd.DataFrame:
    rows = []
    for cls in sorted(set(truth.dropna()) | set(predicted.dropna()), key=str):
        for name, relevant, retrieved in (("precision", predicted == cls, truth == cls), ("recall", truth == cls,
                                                                                          predicted == cls)):
            hits = retrieved[relevant].to_numpy(dtype=float)
            value = float(hits.mean()) if len(hits) else float("nan")
            lo, hi = stats.bootstrap_ci_grouped(hits, groups[relevant], random_state=random_state) if len(hits) else (
                float("nan"), float("nan"))
            rows.append({"class": cls, "measure": name, "value": round(value, 3), "ci_low": round(lo, 3),
                         "ci_high": round(hi, 3), "n": int(relevant.sum())})
    return pd.DataFrame(rows)


def compare_codes(sheets: list[pd.DataFrame], predictions: pd.DataFrame | None = None,
                  variables: tuple[str, ...] = ("relations_stance", "us_stance", "frame"),
                  random_state: int = 0) -> dict[str, pd.DataFrame]:
    """Agreement between coders and between each coder and a method.

    Parameters
    ----------
    sheets : list of DataFrame
        Coded sheets (:func:`read_coding_sheet`) of the same items, one per coder.
    predictions : DataFrame, optional
        The method's sentence table (``doc_id, sent_id`` and the variables; stance scores are
        turned into classes at ±0.1).
    variables : tuple of str
        The coded variables to compare.
    random_state : int
        Seed of the bootstrap intervals.

    Returns
    -------
    dict of DataFrame
        ``alpha``: :func:`sinojp.validate.tabulate_agreement` over the coders and the method;
        ``confusion_<variable>``: first coder (rows) against the method (columns);
        ``per_class``: the method's precision and recall per class against the first coder,
        with 95% intervals over documents.
    """
    key = ["doc_id", "sent_id"]
    table = None
    coders = []
    for i, sheet in enumerate(sheets):
        name = str(sheet["coder"].iloc[0]).lower() if len(sheet) and str(sheet["coder"].iloc[0]) else f"coder{i}"
        name = name if name not in coders else f"{name}{i}"
        coders.append(name)
        part = sheet[key + list(variables)].rename(columns={v: f"{v}_{name}" for v in variables})
        table = part if table is None else table.merge(part, on=key, how="outer")
    out: dict[str, pd.DataFrame] = {}
    if predictions is not None and table is not None:
        pred = predictions[key + [v for v in variables if v in predictions]].copy()
        for v in STANCE_CHOICES:
            if v in pred:
                score = pd.to_numeric(pred[v], errors="coerce")
                pred[v] = np.where(score > 0.1, 1, np.where(score < -0.1, -1, 0))
        pred = pred.rename(columns={v: f"{v}_method" for v in variables})
        table = table.merge(pred, on=key, how="left")
        coders = coders + ["method"]
        first = coders[0]
        groups = table["doc_id"]
        per_class = []
        for v in variables:
            truth, guess = table.get(f"{v}_{first}"), table.get(f"{v}_method")
            if truth is None or guess is None:
                continue
            mask = truth.notna() & (truth.astype(str) != "")
            out[f"confusion_{v}"] = pd.crosstab(truth[mask].astype(str), guess[mask].astype(str),
                                                rownames=[first], colnames=["method"])
            pc = _per_class(truth[mask].astype(str), guess[mask].astype(str), groups[mask], random_state)
            per_class.append(pc.assign(variable=v))
        if per_class:
            out["per_class"] = pd.concat(per_class, ignore_index=True)
    out["alpha"] = tabulate_agreement(table, list(variables), coders, random_state=random_state) if table is not None \
        else pd.DataFrame()
    return out


def export_codes(sheet: pd.DataFrame) -> pd.DataFrame:
    """The coded rows of a sheet as annotation rows, keyed by doc_id, offsets and a hash, without text.

    Parameters
    ----------
    sheet : DataFrame
        :func:`read_coding_sheet` output.

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, start, end, sha1, coder, relations_stance, us_stance, frame, note`` for
        the rows that have every code.
    """
    coded = sheet[sheet["relations_stance"].notna() & sheet["us_stance"].notna() & (sheet["frame"] != "")]
    return coded[["doc_id", "sent_id", "start", "end", "sha1", "coder", "relations_stance", "us_stance", "frame",
                  "note"]].reset_index(drop=True)
