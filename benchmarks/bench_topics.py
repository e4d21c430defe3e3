"""Fit time of the topic models on synthetic corpora of 1,000 and 10,000 articles.

Synthetic articles are built from the sentences of the seed articles (data/raw) and, if present,
the development sample: each article draws a "theme" document and fills 8-16 paragraphs of 2-4
sentences, mostly from that document and sometimes from any document, all with a fixed seed. The
script prints the corpus size, the time of each stage and the peak memory; it is not a test.

Run: ``.venv/bin/python benchmarks/bench_topics.py [n_articles ...]``
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sinojp import prepare
from sinojp.topics import TopicSettings, build_vocabulary, fit_model, fit_topics

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "corpora" / "news-sample" / "raw"


def sentence_pool() -> pd.DataFrame:
    """Sentences (doc_id, text) of the seeds and the sample."""
    frames = [prepare(ROOT / "data" / "raw").sentences]
    if SAMPLE.exists():
        frames.append(prepare(SAMPLE).sentences)
    pool = pd.concat(frames, ignore_index=True)[["doc_id", "text"]]
    return pool[pool["text"].str.split().str.len() >= 5].reset_index(drop=True)


def synthetic_paragraphs(pool: pd.DataFrame, n_articles: int, random_state: int = 0) -> pd.DataFrame:
    """Paragraph table (doc_id, para_id, text) of ``n_articles`` synthetic articles."""
    rng = np.random.default_rng(random_state)
    by_doc = {d: part.to_numpy() for d, part in pool.groupby("doc_id", sort=True)["text"]}
    docs = sorted(by_doc)
    everything = pool["text"].to_numpy()
    rows = []
    for a in range(n_articles):
        theme = by_doc[docs[rng.integers(len(docs))]]
        for p in range(rng.integers(8, 17)):
            source = theme if rng.random() < 0.8 else everything
            sents = source[rng.integers(0, len(source), rng.integers(2, 5))]
            rows.append((f"synthetic_{a:05d}", p, " ".join(sents)))
    return pd.DataFrame(rows, columns=["doc_id", "para_id", "text"])


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, *args, **kwargs):
    """Call ``fn`` and return (result, wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - wall, time.process_time() - cpu


def bench(pool: pd.DataFrame, n_articles: int) -> dict:
    """Time vocabulary, one LDA and one NMF fit (k = 6) and the full fit_topics with selection.

    Wall-clock times depend on the machine's load; CPU times (``cpu_s``) less so.
    """
    paragraphs = synthetic_paragraphs(pool, n_articles)
    settings = TopicSettings()
    vocab, vocab_wall, vocab_cpu = timed(build_vocabulary, paragraphs["text"].tolist())
    lda, lda_wall, lda_cpu = timed(fit_model, vocab.counts, "lda", 6, random_state=0, settings=settings)
    _, nmf_wall, nmf_cpu = timed(fit_model, vocab.counts, "nmf", 6, random_state=0, settings=settings)
    result, total_wall, total_cpu = timed(fit_topics, paragraphs, random_state=0)
    return {
        "articles": n_articles,
        "paragraphs": len(paragraphs),
        "terms": vocab.counts.shape[1],
        "nonzeros": vocab.counts.nnz,
        "online": lda.online,
        "vocabulary_s": round(vocab_wall, 1),
        "vocabulary_cpu_s": round(vocab_cpu, 1),
        "lda_k6_s": round(lda_wall, 1),
        "lda_k6_cpu_s": round(lda_cpu, 1),
        "nmf_k6_s": round(nmf_wall, 1),
        "nmf_k6_cpu_s": round(nmf_cpu, 1),
        "fit_topics_s": round(total_wall, 1),
        "fit_topics_cpu_s": round(total_cpu, 1),
        "chosen": f"{result.algorithm} k={result.k}",
        "peak_rss_mb": round(peak_memory_mb()),
    }


def main(sizes: list[int]) -> None:
    pool = sentence_pool()
    print(f"sentence pool: {len(pool)} sentences from {pool['doc_id'].nunique()} documents")
    rows = []
    for n in sizes:
        rows.append(bench(pool, n))
        print(pd.DataFrame(rows[-1:]).to_string(index=False), flush=True)
    print()
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000])
