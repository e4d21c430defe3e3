"""Fit the topic model of a corpus: selection, document shares, passages, tables."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from sinojp.topics.coherence import compute_stability, compute_topic_npmi
from sinojp.topics.model import (
    TopicModelResult,
    compute_frex,
    fit_model_bounded,
    list_topic_columns,
    rank_terms,
    row_blocks,
)
from sinojp.topics.select import select_model
from sinojp.topics.settings import TopicSettings
from sinojp.topics.vocabulary import (
    PHRASE_JOINER,
    EmptyVocabularyError,
    Vocabulary,
    VocabularySettings,
    build_vocabulary_blocks,
)


def _label(terms: Sequence[str], n: int = 3) -> str:
    return " / ".join(t.replace(PHRASE_JOINER, " ") for t in terms[:n])


def _paragraph_frame(paragraphs: pd.DataFrame) -> pd.DataFrame:
    missing = {"doc_id", "text"} - set(paragraphs.columns)
    if missing:
        raise ValueError(f"paragraphs needs columns doc_id and text; missing {sorted(missing)}")
    paras = paragraphs.reset_index(drop=True).copy()
    if "para_id" not in paras.columns:
        paras["para_id"] = paras.groupby("doc_id", sort=False).cumcount()
    paras["text"] = paras["text"].fillna("").astype(str)
    return paras


def _document_shares(ids: pd.Series, shares: np.ndarray, weights: np.ndarray, order: Sequence[str]) -> pd.DataFrame:
    k = shares.shape[1]
    cols = list_topic_columns(k)
    weighted = pd.DataFrame(shares * weights[:, None], columns=cols)
    weighted["doc_id"] = ids.to_numpy()
    weighted["n_terms"] = weights
    weighted["n_paragraphs"] = 1
    sums = weighted.groupby("doc_id", sort=False).sum()
    sums[cols] = sums[cols].div(sums["n_terms"].where(sums["n_terms"] > 0), axis=0)
    out = sums.reindex(pd.Index(order, name="doc_id")).reset_index()
    out["n_paragraphs"] = out["n_paragraphs"].fillna(0).astype(int)
    out["n_terms"] = out["n_terms"].fillna(0).astype(int)
    out["top_topic"] = _top_topics(out[cols])
    return out[["doc_id", "n_paragraphs", "n_terms", *cols, "top_topic"]]


def _top_topics(shares: pd.DataFrame) -> pd.array:
    """Column position of each row's largest share (first on ties); <NA> for rows with a missing share."""
    top = shares.to_numpy().argmax(axis=1)
    out = pd.array(np.where(shares.notna().all(axis=1), top, -1), dtype="Int64")
    out[out == -1] = pd.NA
    return out


_TABLE_CELL = re.compile(r"^[^:.;]{1,40}: \S")


def _is_table_row(text: str) -> bool:
    """A paragraph made from a table row: "Label: value" cells, no closing sentence punctuation."""
    text = str(text).strip()
    return bool(_TABLE_CELL.match(text)) and not re.search(r"[.!?\"'”’)]$", text) and len(text.split()) < 60


def _passage_picks(paragraph_topics: pd.DataFrame, n: int, one_per_document: bool = True) -> list[tuple[int, int, int]]:
    """``(topic, rank, position)`` of each topic's ``n`` most representative rows of ``paragraph_topics``.

    Rows are ranked by the topic's share, largest first, ties by ``doc_id`` then ``para_id``;
    with ``one_per_document`` a document's best row comes before any second row of a document.
    """
    cols = [c for c in paragraph_topics.columns if c.startswith("topic_")]
    codes, _ = pd.factorize(paragraph_topics["doc_id"], sort=True)
    para = paragraph_topics["para_id"].to_numpy()
    picks = []
    for t, col in enumerate(cols):
        order = np.lexsort((para, codes, -paragraph_topics[col].to_numpy(dtype=float)))
        if one_per_document:
            first = np.sort(np.unique(codes[order], return_index=True)[1])
            if len(first) < n:
                first = np.concatenate([first, np.setdiff1d(np.arange(len(order)), first, assume_unique=True)])
            order = order[first[:n]]
        picks.extend((t, rank, int(position)) for rank, position in enumerate(order[:n]))
    return picks


def _passages_table(paragraph_topics: pd.DataFrame, picks: list[tuple[int, int, int]], texts: Sequence[str]) -> pd.DataFrame:
    rows = []
    for (t, rank, position), text in zip(picks, texts):
        row = paragraph_topics.iloc[position]
        rows.append((t, rank, row["doc_id"], row["para_id"], round(float(row[f"topic_{t}"]), 3), text))
    return pd.DataFrame(rows, columns=["topic", "rank", "doc_id", "para_id", "share", "text"])


def find_passages(paragraph_topics: pd.DataFrame, paragraphs: pd.DataFrame, n: int = 3, one_per_document: bool = True) -> pd.DataFrame:
    """The paragraphs that express each topic most purely.

    Parameters
    ----------
    paragraph_topics : pandas.DataFrame
        ``TopicModelResult.paragraph_topics``.
    paragraphs : pandas.DataFrame
        ``doc_id, para_id, text``.
    n : int
        Passages per topic.
    one_per_document : bool
        Take at most one paragraph per document while other documents remain.

    Returns
    -------
    pandas.DataFrame
        ``topic, rank, doc_id, para_id, share, text``.
    """
    paragraph_topics = paragraph_topics.reset_index(drop=True)
    picks = _passage_picks(paragraph_topics, n, one_per_document)
    text = _paragraph_frame(paragraphs)[["doc_id", "para_id", "text"]]
    keys = paragraph_topics.iloc[[position for _, _, position in picks]][["doc_id", "para_id"]]
    texts = keys.merge(text, on=["doc_id", "para_id"], how="left")["text"]
    return _passages_table(paragraph_topics, picks, texts)


def _terms_table(topic_term: np.ndarray, terms: np.ndarray, n: int, weight: float) -> pd.DataFrame:
    fx = compute_frex(topic_term, weight)
    rows = []
    for t in range(topic_term.shape[0]):
        by_prob = np.argsort(-topic_term[t], kind="stable")[:n]
        by_frex = np.argsort(-fx[t], kind="stable")[:n]
        for rank, (p, f) in enumerate(zip(by_prob, by_frex)):
            rows.append((t, rank, terms[p], round(float(topic_term[t, p]), 4), terms[f], round(float(fx[t, f]), 3)))
    return pd.DataFrame(rows, columns=["topic", "rank", "by_probability", "probability", "by_frex", "frex"])


def fit_topics(
    paragraphs: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    k: int | None = None,
    algorithm: str | None = None,
    settings: VocabularySettings = VocabularySettings(),
    topic_settings: TopicSettings = TopicSettings(),
    random_state: int = 0,
    n_jobs: int = 1,
) -> TopicModelResult:
    """Fit, select and describe a topic model of the paragraphs of a corpus.

    Parameters
    ----------
    paragraphs : pandas.DataFrame
        ``doc_id, para_id, text`` (``para_id`` optional), one row per paragraph.
    documents : pandas.DataFrame or None
        ``doc_id`` (and metadata); gives the document order of ``doc_topics`` and keeps documents
        without a modelled paragraph (their ``top_topic`` is <NA>).
    k, algorithm : int or None, str or None
        Fix the number of topics / the algorithm; None selects them by the rule of
        :func:`choose_model` over ``topic_settings.k_range`` / ``topic_settings.algorithms``.
    settings : VocabularySettings
        Vocabulary choices.
    topic_settings : TopicSettings
        Fitting and selection choices.
    random_state : int
        Seed of every random step.
    n_jobs : int
        Selection candidates fitted at once (see :func:`select_model`; the result is the same).

    Returns
    -------
    TopicModelResult
        When the corpus is too small for any model (fewer than three paragraphs with
        ``min_unit_terms`` vocabulary terms, or no term passing the cut-offs), a result with
        ``k == 0``, empty topic tables, <NA> top topics and the reason in ``note``.
    """
    paras = _paragraph_frame(paragraphs)
    texts = paras["text"].tolist()
    return fit_topics_blocks(paras[["doc_id", "para_id"]], lambda: (texts,), lambda rows: [texts[i] for i in rows],
                             documents, k, algorithm, settings, topic_settings, random_state, n_jobs)


def fit_topics_parquet(
    path: str | Path,
    documents: pd.DataFrame | None = None,
    k: int | None = None,
    algorithm: str | None = None,
    settings: VocabularySettings = VocabularySettings(),
    topic_settings: TopicSettings = TopicSettings(),
    random_state: int = 0,
    n_jobs: int = 1,
    keep_counts: bool = True,
) -> TopicModelResult:
    """:func:`fit_topics` of paragraphs stored in Parquet, without loading their texts.

    The texts are read in blocks of ``topic_settings.block_size`` rows (twice: phrase sample, then
    counts); only the sparse counts, ``doc_id`` and ``para_id`` stay in memory, and the texts of
    the representative passages are read back at the end. The result equals that of
    :func:`fit_topics` on the table the file holds.

    Parameters
    ----------
    path : str or Path
        Parquet file with columns ``doc_id, text`` and optionally ``para_id``.
    documents, k, algorithm, settings, topic_settings, random_state, n_jobs
        As for :func:`fit_topics`.
    keep_counts : bool
        As for :func:`fit_topics_blocks`.

    Returns
    -------
    TopicModelResult
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    with pq.ParquetFile(path) as handle:
        names = set(handle.schema_arrow.names)
        sizes = np.array([handle.metadata.row_group(i).num_rows for i in range(handle.num_row_groups)], dtype=np.int64)
    keys = _paragraph_keys(pd.read_parquet(path, columns=[c for c in ("doc_id", "para_id") if c in names]))

    def read_texts() -> Iterator[list[str]]:
        with pq.ParquetFile(path) as handle:
            for batch in handle.iter_batches(batch_size=topic_settings.block_size, columns=["text"]):
                yield _as_texts(batch.column(0).to_pylist())
        handle = batch = None
        pa.default_memory_pool().release_unused()  # Arrow's allocator keeps freed pages otherwise

    def texts_at(rows: np.ndarray) -> list[str]:
        starts = np.concatenate([[0], np.cumsum(sizes)])
        groups = np.searchsorted(starts, rows, side="right") - 1
        found: dict[int, str] = {}
        with pq.ParquetFile(path) as handle:
            for group in np.unique(groups):
                column = handle.read_row_group(int(group), columns=["text"]).column(0)
                for row in rows[groups == group]:
                    found[int(row)] = _as_texts([column[int(row - starts[group])].as_py()])[0]
        return [found[int(row)] for row in rows]

    return fit_topics_blocks(keys, read_texts, texts_at, documents, k, algorithm, settings, topic_settings,
                             random_state, n_jobs, keep_counts)


def _as_texts(values: Sequence[object]) -> list[str]:
    """Missing texts as empty strings, anything else as ``str`` (as :func:`_paragraph_frame`)."""
    return ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in values]


def _paragraph_keys(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """``doc_id, para_id`` of the paragraphs (``para_id`` counted within documents when missing)."""
    if "doc_id" not in paragraphs.columns:
        raise ValueError("paragraphs needs columns doc_id and text; missing ['doc_id']")
    keys = paragraphs.reset_index(drop=True)
    if "para_id" not in keys.columns:
        keys = keys.assign(para_id=keys.groupby("doc_id", sort=False).cumcount())
    return keys[["doc_id", "para_id"]]


def _evidence(counts: sparse.csr_matrix, top_topic: np.ndarray, top_idx: Sequence[np.ndarray], terms: np.ndarray,
              block: int = 65536) -> list[str]:
    """Each unit's terms among its top topic's top terms, alphabetical and space-joined."""
    in_top = np.zeros((len(top_idx), counts.shape[1]), dtype=bool)
    for t, idx in enumerate(top_idx):
        in_top[t, idx] = True
    out: list[str] = []
    for start in range(0, counts.shape[0], block):
        part = counts[start: start + block]
        rows = np.repeat(np.arange(part.shape[0]), np.diff(part.indptr))
        keep = in_top[top_topic[start + rows], part.indices]
        rows, cols = rows[keep], part.indices[keep]
        order = np.lexsort((cols, rows))  # terms are alphabetical, so column order is word order
        words = terms[cols[order]]
        bounds = np.searchsorted(rows[order], np.arange(part.shape[0] + 1))
        out.extend(" ".join(words[a:b]) for a, b in zip(bounds[:-1], bounds[1:]))
    return out


def _row_sums(matrix: sparse.csr_matrix, block: int = 65536) -> np.ndarray:
    """Row sums (int64 for integer counts) in blocks of rows: no upcast copy of the whole matrix."""
    if matrix.shape[0] == 0:
        return np.asarray(matrix.sum(axis=1)).ravel()
    return np.concatenate([np.asarray(matrix[part].sum(axis=1)).ravel() for part in row_blocks(matrix.shape[0], block)])


def _keep_rows(matrix: sparse.csr_matrix, rows: np.ndarray, block: int = 65536) -> sparse.csr_matrix:
    """``matrix[rows]`` for increasing ``rows``, built in ``matrix``'s own arrays (``matrix`` is consumed).

    Rows only move towards the front, block by block, so no second copy of the entries exists;
    the arrays keep their length (the entries of dropped rows are left unused at the end).
    """
    lengths = np.diff(matrix.indptr)[rows]
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(matrix.indptr.dtype)
    data, indices = matrix.data, matrix.indices
    for start in range(0, len(rows), block):
        stop = min(start + block, len(rows))
        first, last = int(indptr[start]), int(indptr[stop])
        shift = matrix.indptr[rows[start:stop]].astype(np.int64) - indptr[start:stop]
        source = np.repeat(shift, lengths[start:stop]) + np.arange(first, last)
        data[first:last], indices[first:last] = data[source], indices[source]
    nnz = int(indptr[-1])
    return sparse.csr_matrix((data[:nnz], indices[:nnz], indptr), shape=(len(rows), matrix.shape[1]), copy=False)


def _merge_rows(counts: sparse.csr_matrix, used: np.ndarray, spare: sparse.csr_matrix, unused: np.ndarray,
                dtypes: tuple[np.dtype, np.dtype, np.dtype], block: int = 65536) -> sparse.csr_matrix:
    """One CSR matrix of the rows ``counts`` (at positions ``used``) and ``spare`` (at ``unused``).

    Entries keep their order within rows; ``dtypes`` are those of data, indices and indptr.
    """
    lengths = np.zeros(len(used) + len(unused), dtype=np.int64)
    lengths[used], lengths[unused] = np.diff(counts.indptr), np.diff(spare.indptr)
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(dtypes[2])
    data = np.empty(int(indptr[-1]), dtype=dtypes[0])
    indices = np.empty(int(indptr[-1]), dtype=dtypes[1])
    for source, rows in ((counts, used), (spare, unused)):
        for start in range(0, len(rows), block):
            stop = min(start + block, len(rows))
            first, last = source.indptr[start], source.indptr[stop]
            shift = indptr[rows[start:stop]].astype(np.int64) - source.indptr[start:stop]
            dest = np.repeat(shift, np.diff(source.indptr[start: stop + 1])) + np.arange(first, last)
            data[dest], indices[dest] = source.data[first:last], source.indices[first:last]
    return sparse.csr_matrix((data, indices, indptr), shape=(len(lengths), counts.shape[1]))


def fit_topics_blocks(
    keys: pd.DataFrame,
    read_texts: Callable[[], Iterable[Sequence[str]]],
    texts_at: Callable[[np.ndarray], Sequence[str]],
    documents: pd.DataFrame | None = None,
    k: int | None = None,
    algorithm: str | None = None,
    settings: VocabularySettings = VocabularySettings(),
    topic_settings: TopicSettings = TopicSettings(),
    random_state: int = 0,
    n_jobs: int = 1,
    keep_counts: bool = True,
) -> TopicModelResult:
    """:func:`fit_topics` of paragraphs whose texts are read in blocks (the shared implementation).

    Parameters
    ----------
    keys : pandas.DataFrame
        ``doc_id, para_id`` of every paragraph, in the order the texts are read.
    read_texts : callable
        Returns a fresh iterable of blocks of texts (lists of str, in the order of ``keys``) at
        each call; called twice.
    texts_at : callable
        Texts of the paragraphs at some row positions of ``keys`` (for representative passages).
    documents, k, algorithm, settings, topic_settings, random_state, n_jobs
        As for :func:`fit_topics`.
    keep_counts : bool
        False: past ``topic_settings.fit_max_units`` modelled paragraphs the returned
        ``vocabulary.counts`` is None (the matrix is not reassembled, which saves a copy of it).

    Returns
    -------
    TopicModelResult
    """
    keys = keys.reset_index(drop=True)
    doc_order = list(documents["doc_id"]) if documents is not None else list(dict.fromkeys(keys["doc_id"]))
    try:
        vocab = build_vocabulary_blocks(read_texts, len(keys), settings)
    except EmptyVocabularyError as err:
        return _empty_result(doc_order, len(keys), settings, topic_settings, str(err))
    n_terms = _row_sums(vocab.counts)
    used = np.flatnonzero(n_terms >= topic_settings.min_unit_terms)
    if len(used) < 3 or vocab.counts.shape[1] < 2:
        reason = (f"Only {len(used)} paragraphs have {topic_settings.min_unit_terms}+ vocabulary terms "
                  f"({vocab.counts.shape[1]} terms); too few for a topic model.")
        return _empty_result(doc_order, len(keys), settings, topic_settings, reason, vocab)
    # While fitting, hold the modelled rows and the few others apart, not the whole matrix as well
    # (all rows modelled: share the matrix; nothing below writes to it).
    full = vocab.counts
    dtypes = (full.data.dtype, full.indices.dtype, full.indptr.dtype)
    unused = np.setdiff1d(np.arange(full.shape[0]), used, assume_unique=True)
    vocab = replace(vocab, counts=None)
    spare = full[unused] if len(unused) else None
    counts = _keep_rows(full, used) if len(unused) else full  # in place: full is consumed
    del full
    terms = vocab.terms

    sel_counts = counts
    if counts.shape[0] > topic_settings.selection_max_units:
        rng = np.random.default_rng([random_state, 0])
        sel_counts = counts[np.sort(rng.choice(counts.shape[0], topic_settings.selection_max_units, replace=False))]
    # on a sample of a larger corpus, candidates clearly worse after one fit are not refitted for stability
    selection, fitted = select_model(
        sel_counts, terms, [algorithm] if algorithm else None, [k] if k else None, random_state, topic_settings, n_jobs,
        prune=sel_counts is not counts,
    )
    chosen = selection[selection["chosen"]].iloc[0]
    algo, k_chosen = str(chosen["algorithm"]), int(chosen["k"])
    model, per_topic_stability, other_runs = fitted[(algo, k_chosen)]
    del fitted
    if sel_counts is not counts or model.unit_topic.shape[0] != counts.shape[0]:
        # the reference run saw a subsample or left paragraphs out for NPMI: the model of the corpus
        # is fitted on every paragraph, and its topics' stability measured against the same runs
        model = fit_model_bounded(counts, algo, k_chosen, random_state, topic_settings)
        final_terms = [list(terms[i]) for i in rank_terms(model.topic_term, topic_settings.n_top)]
        per_topic_stability = compute_stability(final_terms, other_runs)[1]
    del sel_counts

    # order topics by prevalence (mean document share), largest first
    weights = n_terms[used].astype(float)
    ids = keys["doc_id"].iloc[used].reset_index(drop=True)
    raw_docs = _document_shares(ids, model.unit_topic, weights, doc_order)
    del ids
    cols = list_topic_columns(k_chosen)
    raw_prev = raw_docs[cols].mean(axis=0).to_numpy()
    order = np.argsort(-np.round(raw_prev, 12), kind="stable")
    topic_term = model.topic_term[order]
    unit_topic = model.unit_topic  # reordered in place, in blocks (no second full-size copy)
    for block in row_blocks(len(unit_topic), 65536):
        unit_topic[block] = unit_topic[block][:, order]
    per_topic_stability = per_topic_stability[order]
    del model
    # a document's shares are sums over columns, one column at a time: permuting them is exact
    doc_topics = raw_docs.assign(**dict(zip(cols, raw_docs[cols].to_numpy()[:, order].T)))
    doc_topics["top_topic"] = _top_topics(doc_topics[cols])
    del raw_docs
    prevalence = doc_topics[cols].mean(axis=0).to_numpy()

    top_idx = rank_terms(topic_term, topic_settings.n_top)
    top_terms = [list(terms[i]) for i in top_idx]
    fx = compute_frex(topic_term, topic_settings.frex_weight)
    frex_terms = [list(terms[np.argsort(-fx[t], kind="stable")[: topic_settings.n_top]]) for t in range(k_chosen)]
    top_topic = unit_topic.argmax(axis=1)
    topics = pd.DataFrame({
        "topic": np.arange(k_chosen),
        "label": [_label(f) for f in frex_terms],
        "top_terms": [" ".join(t) for t in top_terms],
        "frex_terms": [" ".join(t) for t in frex_terms],
        "npmi": np.round(compute_topic_npmi(counts, top_idx), 3),
        "prevalence": np.round(prevalence, 3),
        "stability": np.round(per_topic_stability, 3),
        "n_paragraphs": np.bincount(top_topic, minlength=k_chosen),
    })

    # the evidence first, so the counts can go before the per-paragraph table is built
    evidence = _evidence(counts, top_topic, top_idx, terms)
    if keep_counts or len(used) <= topic_settings.fit_max_units:
        vocab = replace(vocab, counts=counts if spare is None else _merge_rows(counts, used, spare, unused, dtypes))
    del spare
    del counts
    para_topics = keys.iloc[used].reset_index(drop=True)
    para_topics["n_terms"] = weights.astype(int)
    para_topics[cols] = np.round(unit_topic, 4)
    para_topics["top_topic"] = top_topic
    para_topics["top_share"] = np.round(unit_topic.max(axis=1), 4)
    del unit_topic
    para_topics["evidence"] = evidence
    del evidence

    # a table's rows ("Participants: ...; Date: ...") are no passage: draw spare candidates and skip them
    picks = _passage_picks(para_topics, topic_settings.n_passages * 4)
    texts = texts_at(used[[position for _, _, position in picks]])
    kept: dict[int, int] = {}
    chosen_picks, chosen_texts = [], []
    for (t, _, position), text in zip(picks, texts):
        if kept.get(t, 0) < topic_settings.n_passages and not _is_table_row(text):
            chosen_picks.append((t, kept.get(t, 0), position))
            chosen_texts.append(text)
            kept[t] = kept.get(t, 0) + 1
    passages = _passages_table(para_topics, chosen_picks, chosen_texts)
    doc_topics[cols] = doc_topics[cols].round(4)
    return TopicModelResult(
        algorithm=algo,
        k=k_chosen,
        topics=topics,
        doc_topics=doc_topics,
        paragraph_topics=para_topics,
        selection=selection,
        passages=passages,
        terms=_terms_table(topic_term, terms, topic_settings.n_top, topic_settings.frex_weight),
        vocabulary=vocab,
        topic_term=topic_term,
        settings=topic_settings,
    )


def _empty_result(doc_order: list, n_units: int, settings: VocabularySettings, topic_settings: TopicSettings,
                  note: str, vocab: Vocabulary | None = None) -> TopicModelResult:
    """A result without topics, for corpora too small to model (``note`` says why)."""
    if vocab is None:
        vocab = Vocabulary(sparse.csr_matrix((n_units, 0), dtype=np.int32), np.array([], dtype=object),
                           pd.DataFrame(columns=["phrase", "first", "second", "count", "llr", "pmi"]), 0, 0, 0, settings)
    docs = pd.DataFrame({"doc_id": doc_order, "n_paragraphs": 0, "n_terms": 0})
    docs["top_topic"] = pd.array([pd.NA] * len(docs), dtype="Int64")
    return TopicModelResult(
        algorithm="",
        k=0,
        topics=pd.DataFrame(columns=["topic", "label", "top_terms", "frex_terms", "npmi", "prevalence", "stability", "n_paragraphs"]),
        doc_topics=docs,
        paragraph_topics=pd.DataFrame(columns=["doc_id", "para_id", "n_terms", "top_topic", "top_share", "evidence"]),
        selection=pd.DataFrame(columns=["algorithm", "k", "npmi", "npmi_se", "diversity", "stability", "eligible", "rank_sum", "chosen"]),
        passages=pd.DataFrame(columns=["topic", "rank", "doc_id", "para_id", "share", "text"]),
        terms=pd.DataFrame(columns=["topic", "rank", "by_probability", "probability", "by_frex", "frex"]),
        vocabulary=vocab,
        topic_term=np.zeros((0, vocab.counts.shape[1])),
        settings=topic_settings,
        note=note,
    )


def detach_paragraphs(result: TopicModelResult, path: str | Path) -> TopicModelResult:
    """The result with ``paragraph_topics`` written to a Parquet file and dropped from memory.

    For large corpora, whose per-paragraph table is too large to keep or send between processes;
    ``pandas.read_parquet(result.paragraph_topics_file)`` reads it back (for
    :func:`sinojp.topics.estimate_prevalence`, for instance).

    Parameters
    ----------
    result : TopicModelResult
        A fitted model; it is not changed.
    path : str or Path
        The Parquet file to write (overwritten if it exists).

    Returns
    -------
    TopicModelResult
        With ``paragraph_topics`` emptied (same columns) and ``paragraph_topics_file`` set.
    """
    path = Path(path)
    result.paragraph_topics.to_parquet(path, index=False)
    return replace(result, paragraph_topics=result.paragraph_topics.iloc[:0].copy(), paragraph_topics_file=str(path))


def assign_top_topic(result: TopicModelResult) -> pd.DataFrame:
    """``doc_id, top_topic`` for documents.csv (<NA> where no paragraph was modelled).

    Parameters
    ----------
    result : TopicModelResult
        A fitted model (:func:`sinojp.topics.fit_topics`).

    Returns
    -------
    DataFrame
        ``doc_id, top_topic``: one row per document of ``result.doc_topics``, ``top_topic`` the
        topic with the largest term-weighted share of the document.
    """
    return result.doc_topics[["doc_id", "top_topic"]].copy()


def tabulate_topics(result: TopicModelResult) -> pd.DataFrame:
    """The columns of topics.csv: ``topic, label, top_terms, npmi, prevalence``.

    Parameters
    ----------
    result : TopicModelResult
        A fitted model (:func:`sinojp.topics.fit_topics`).

    Returns
    -------
    DataFrame
        One row per topic, numbered by prevalence (largest first): ``topic``, ``label`` (its first
        three FREX terms, `` / ``-joined), ``top_terms`` (space-joined, phrases with ``_``),
        ``npmi`` (coherence of the top terms) and ``prevalence`` (mean document share); empty
        when no model could be fitted.
    """
    return result.topics[["topic", "label", "top_terms", "npmi", "prevalence"]].copy()
