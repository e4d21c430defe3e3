"""Labelled corpora (the development corpus, the sample): codes, gold sentences, the frozen site split.

A labelled corpus folder holds ``raw/<doc_id>.txt``, ``metadata.csv``, ``labels.csv`` (document codes
and line labels), optionally ``sentences.csv`` (coded body sentences) and a second coder's files
(``*_coder_b.csv``). The project's own codes of these articles live in ``data/annotations/``
(shipped as ``sinojp.annotations``), keyed by ``doc_id`` and character offsets, never by text: the
text is read from the corpus folder at run time.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

#: the coders' sentence rule: drop boilerplate and neutral lines, split at . ! ? (or a closing
#: quote) before a capital
_SENTENCE_BREAK = re.compile(r"""(?<=[.!?”"])\s+(?=["“‘]?[A-Z])""")
STANCE_CODES = (-1, 0, 1)


def line_set(value: object) -> set[int]:
    """1-based line numbers from a ``|``-separated field (``"1|2|5"``); empty for a missing value."""
    return {int(x) for x in str(value if value is not None else "").split("|") if x.strip().isdigit()}


def text_hash(text: str) -> str:
    """The first 12 hex digits of the SHA-1 of a text: how annotations check a span without storing it."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def gold_sentences(doc_id: str, raw: str, boilerplate: set[int], neutral: set[int]) -> pd.DataFrame:
    """The body sentences of a labelled page, as the coders numbered them.

    Parameters
    ----------
    doc_id : str
        The document.
    raw : str
        The page text exactly as in ``raw/<doc_id>.txt``.
    boilerplate, neutral : set of int
        1-based line numbers that are not body (``labels.csv``).

    Returns
    -------
    DataFrame
        ``doc_id, sent_no, start, end, text``: offsets into ``raw``; ``sent_no`` counts from 0.
    """
    rows = []
    pos = 0
    for number, line in enumerate(raw.splitlines(keepends=True), start=1):
        start = pos
        pos += len(line)
        body = line.rstrip("\r\n")
        if number in boilerplate or number in neutral or not body.strip():
            continue
        cuts = [0] + [m.end() for m in _SENTENCE_BREAK.finditer(body)] + [len(body)]
        for a, b in zip(cuts, cuts[1:]):
            piece = body[a:b]
            text = piece.strip()
            if text:
                offset = start + a + (len(piece) - len(piece.lstrip()))
                rows.append((doc_id, offset, offset + len(text), text))
    frame = pd.DataFrame(rows, columns=["doc_id", "start", "end", "text"])
    frame.insert(1, "sent_no", range(len(frame)))
    return frame


@dataclass
class LabelledCorpus:
    """A labelled corpus read from its folder, with the project's own codes of it.

    Attributes
    ----------
    root : Path
        The folder.
    metadata, labels : DataFrame
        ``metadata.csv`` and coder A's ``labels.csv``, one row per document.
    raw : dict
        doc_id -> page text.
    sentences : DataFrame
        Every gold body sentence (:func:`gold_sentences`) with ``part`` (``train`` / ``test`` from the
        frozen site split, or ``""``) and the codes each coder gave it: ``relations_stance_a``,
        ``..._b``, ``..._c``, ``..._adj`` (A, with the adjudicated code where A and B disagree), the
        same for ``us_stance`` and ``frame``.
    documents : DataFrame
        One row per document: metadata, ``part`` and the document codes of coders A, B, C and the
        adjudication (suffixes as above).
    """

    root: Path
    metadata: pd.DataFrame
    labels: pd.DataFrame
    raw: dict[str, str]
    sentences: pd.DataFrame
    documents: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _annotation(name: str) -> pd.DataFrame:
    path = resources.files("sinojp.annotations").joinpath(name)
    if not path.is_file():
        return pd.DataFrame()
    with path.open(encoding="utf-8") as handle:
        return pd.read_csv(handle, keep_default_na=False, dtype=str)


def load_split() -> pd.DataFrame:
    """The frozen site split of the development corpus: ``domain, part`` (``train`` / ``test``)."""
    return _annotation("dev_split.csv")


def load_labelled(root: str | Path) -> LabelledCorpus:
    """Read a labelled corpus folder and attach every coder's codes and the site split.

    Parameters
    ----------
    root : str or Path
        A folder with ``raw/``, ``metadata.csv`` and ``labels.csv`` (the development corpus or the
        sample).

    Returns
    -------
    LabelledCorpus

    Raises
    ------
    ValueError
        When a shipped annotation no longer matches the text it was coded on (its hash differs).
    """
    root = Path(root)
    corpus = root.name
    meta = pd.read_csv(root / "metadata.csv", dtype=str, keep_default_na=False)
    labels = pd.read_csv(root / "labels.csv", dtype=str, keep_default_na=False)
    raw = {d: (root / "raw" / f"{d}.txt").read_text(encoding="utf-8") for d in labels["doc_id"]}
    sents = pd.concat([gold_sentences(r.doc_id, raw[r.doc_id], line_set(r.boilerplate_lines), line_set(r.neutral_lines))
                       for r in labels.itertuples()], ignore_index=True)
    split = load_split()
    part = dict(zip(split.get("domain", []), split.get("part", [])))
    domain = dict(zip(meta["doc_id"], meta["domain"])) if "domain" in meta else {}
    docs = meta.copy()
    docs["part"] = docs["doc_id"].map(lambda d: part.get(domain.get(d, ""), ""))
    sents["part"] = sents["doc_id"].map(dict(zip(docs["doc_id"], docs["part"])))
    notes: list[str] = []
    variables = {"relations_stance": int, "us_stance": int, "frame": str}
    key = ["doc_id", "sent_no"]
    for suffix, path in (("a", root / "sentences.csv"), ("b", root / "sentences_coder_b.csv")):
        if path.exists():
            coded = pd.read_csv(path, dtype={"doc_id": str})
            coded = coded.rename(columns={v: f"{v}_{suffix}" for v in variables})
            sents = sents.merge(coded[key + [f"{v}_{suffix}" for v in variables]], on=key, how="left")
    c = _annotation("sentences_coder_c.csv")
    if len(c):
        c = c[c["corpus"] == corpus].copy()
        c["sent_no"] = c["sent_no"].astype(int)
        check = c.merge(sents[key + ["text"]], on=key, how="left")
        bad = check[check["text"].fillna("").map(text_hash) != check["sha1"]]
        if len(bad):
            raise ValueError(f"{root}: {len(bad)} coder C sentence codes do not match their text "
                             f"(first: {bad['doc_id'].iloc[0]} #{bad['sent_no'].iloc[0]})")
        c = c.rename(columns={v: f"{v}_c" for v in variables})
        sents = sents.merge(c[key + [f"{v}_c" for v in variables]], on=key, how="left")
    for v in variables:
        if f"{v}_a" in sents:
            sents[f"{v}_adj"] = sents[f"{v}_a"]
    adj = _annotation("adjudications.csv")
    if len(adj) and "relations_stance_a" in sents:
        adj = adj[adj["doc_id"].isin(set(labels["doc_id"]))]
        index = {(r.doc_id, int(r.sent_no), r.variable): r.adjudicated for r in adj[adj["level"] == "sentence"].itertuples()}
        for (doc_id, sent_no, variable), code in index.items():
            mask = (sents["doc_id"] == doc_id) & (sents["sent_no"] == sent_no)
            sents.loc[mask, f"{variable}_adj"] = variables[variable](code)
    for v, kind in variables.items():
        for col in [c for c in sents.columns if c.startswith(v + "_")]:
            if kind is int:
                sents[col] = pd.to_numeric(sents[col], errors="coerce").astype("Int64")
    doc_vars = ["relations_tone", "us_tone", "primary_frame", "frames"]
    docs = docs.merge(labels[["doc_id"] + doc_vars].rename(columns={v: f"{v}_a" for v in doc_vars}), on="doc_id", how="left")
    if (root / "labels_coder_b.csv").exists():
        b = pd.read_csv(root / "labels_coder_b.csv", dtype=str, keep_default_na=False)
        b = b[["doc_id"] + [v for v in doc_vars if v in b]].rename(columns={v: f"{v}_b" for v in doc_vars})
        docs = docs.merge(b, on="doc_id", how="left")
    dc = _annotation("documents_coder_c.csv")
    if len(dc):
        dc = dc[dc["corpus"] == corpus][["doc_id"] + doc_vars].rename(columns={v: f"{v}_c" for v in doc_vars})
        docs = docs.merge(dc, on="doc_id", how="left")
    for v in doc_vars:
        docs[f"{v}_adj"] = docs[f"{v}_a"]
    if len(adj):
        for r in adj[(adj["level"] == "document") & adj["doc_id"].isin(set(docs["doc_id"]))].itertuples():
            docs.loc[docs["doc_id"] == r.doc_id, f"{r.variable}_adj"] = r.adjudicated
    for v in ("relations_tone", "us_tone"):
        for col in [c for c in docs.columns if c.startswith(v + "_")]:
            docs[col] = pd.to_numeric(docs[col], errors="coerce").astype("Int64")
    return LabelledCorpus(root, meta, labels, raw, sents, docs, notes)
