"""End-to-end throughput of the chunked pipeline on synthetic corpora of 1k, 10k and 100k articles.

Each synthetic article is a JSONL row whose text reads like a scraped page: a headline, a share
prompt, 6-14 paragraphs of 1-4 sentences drawn (fixed seed) mostly from one "theme" article of the
shipped corpus (data/raw) and the development sample, the rest from any of them, and a copyright
footer. For every size the script measures, in the same run:

* the wall time of ``sinojp.run`` (local engine) (read, clean, near-duplicates, Punkt, stance,
  frames, topics, all outputs written; no cache), articles per second;
* the peak resident memory of the whole process tree (this process plus its workers), sampled
  every 0.1 s with psutil, and of this process alone (``ru_maxrss``); the CPU seconds of the tree
  (robust to other load on the machine, which the 1-minute load average at the end shows);
* the time of one scikit-learn ``CountVectorizer().fit_transform`` over the same raw texts (the
  floor of any bag-of-words analysis; run in a child process before the pipeline so that its
  memory is not counted), and the ratio of the two.

Run: ``.venv/bin/python benchmarks/bench_pipeline.py [--jobs 2] [--profile] [sizes ...]``
(default sizes 1000 10000). Not a test: it prints a table. ``--cache-rerun 100`` instead times a
cached rerun after appending 100 articles to a corpus of each size; ``--stages`` prints the CPU
per article of each per-document stage (where the time goes).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import multiprocessing
import os
import pstats
import resource
import shutil
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
from sklearn.feature_extraction.text import CountVectorizer

import sinojp
from sinojp import prepare
from sinojp.corpus import iter_items
from sinojp.pipeline.stages import clean_chunk

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "corpora" / "news-sample" / "raw"


def sentences_by_article() -> list[list[str]]:
    """Cleaned sentences of each seed and sample article (five words or more)."""
    sources = [ROOT / "data" / "raw"] + ([SAMPLE] if SAMPLE.exists() else [])
    groups: list[list[str]] = []
    for source in sources:
        sents = prepare(source).sentences
        for _, doc in sents.groupby("doc_id", sort=True):
            kept = [t for t in doc["text"] if len(t.split()) >= 5]
            if kept:
                groups.append(kept)
    return groups


def write_corpus(groups: list[list[str]], n_articles: int, path: Path, random_state: int = 0) -> None:
    """Write ``n_articles`` synthetic scraped articles as a JSONL export."""
    rng = np.random.default_rng(random_state)
    everything = [s for g in groups for s in g]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n_articles):
            theme = groups[rng.integers(len(groups))]
            paras = []
            for _ in range(rng.integers(6, 15)):
                picks = [theme[rng.integers(len(theme))] if rng.random() < 0.7 else everything[rng.integers(len(everything))]
                         for _ in range(rng.integers(1, 5))]
                paras.append(" ".join(picks))
            headline = " ".join(theme[rng.integers(len(theme))].split()[:9]).rstrip(".,;:")
            text = "\n\n".join([headline, "Share"] + paras + [f"Copyright {2020 + i % 6} Example Wire. All rights reserved."])
            row = {"stories_id": f"syn{i:07d}", "title": headline, "text": text,
                   "publish_date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", "media_name": "Example Wire"}
            handle.write(json.dumps(row) + "\n")


def build_corpus(n_articles: int, path: Path, random_state: int = 0) -> None:
    """:func:`write_corpus` from the shipped corpus and the sample (run in a child process)."""
    write_corpus(sentences_by_article(), n_articles, path, random_state)


def in_child(func, *args):
    """Run ``func(*args)`` in a fresh process, so that its memory never counts in this one's peak."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(func, *args).result()


class ProcessTreeMonitor:
    """Peak summed RSS and CPU seconds of this process and all its descendants, sampled in a thread.

    CPU seconds do not depend on what else the machine runs, unlike wall time.
    """

    def __init__(self, interval: float = 0.1) -> None:
        self.interval, self.peak = interval, 0
        self._cpu: dict[int, float] = {}
        self._cpu0 = self._tree_cpu()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _tree_cpu(self) -> dict[int, float]:
        me = psutil.Process()
        seen = {}
        for proc in [me] + me.children(recursive=True):
            try:
                t = proc.cpu_times()
                seen[proc.pid] = t.user + t.system
            except psutil.Error:
                pass
        return seen

    @property
    def cpu_seconds(self) -> float:
        return sum(v - self._cpu0.get(pid, 0.0) for pid, v in self._cpu.items())

    def _watch(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me] + me.children(recursive=True):
                try:
                    total += proc.memory_info().rss
                    t = proc.cpu_times()
                    self._cpu[proc.pid] = t.user + t.system
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> "ProcessTreeMonitor":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def floor_seconds(path: Path) -> float:
    """Time of reading the export and one CountVectorizer fit_transform over its texts."""
    start = time.perf_counter()
    texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
    CountVectorizer().fit_transform(texts)
    return time.perf_counter() - start


def bench(size: int, folder: Path, jobs: int, profile: bool) -> dict:
    export = folder / f"synthetic_{size}.jsonl"
    # corpus and floor in child processes: their memory does not count in the pipeline's peak
    in_child(build_corpus, size, export)
    floor = in_child(floor_seconds, export)
    out = folder / f"out_{size}"
    profiler = cProfile.Profile() if profile else None
    with ProcessTreeMonitor() as mem:
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        result = sinojp.run(export, out, n_jobs=jobs, cache=False, progress=False, figures=False)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - start
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    shutil.rmtree(out)
    export.unlink()
    load = os.getloadavg()[0]
    return {"articles": size, "documents": result.counts["documents"], "sentences": result.counts["sentences"],
            "seconds": round(seconds, 1), "articles_per_s": round(size / seconds, 1),
            "cpu_s": round(mem.cpu_seconds, 1), "cpu_ms_per_article": round(1000 * mem.cpu_seconds / size, 1),
            "peak_tree_MB": round(mem.peak / 2**20), "peak_main_MB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "countvectorizer_s": round(floor, 2), "ratio_to_floor": round(seconds / floor, 1),
            **{f"{k}_s": v for k, v in result.seconds.items()}, "load_avg_1min": round(load, 1)}


def stage_costs(path: Path, limit: int = 1000, chunk_size: int = 200) -> dict[str, float]:
    """CPU milliseconds per article of each per-document stage, in this process, on the first ``limit`` articles.

    The same calls as :func:`sinojp.pipeline.stages.clean_chunk` and ``analyse_chunk``,
    timed one by one (process time, so other load on the machine does not count); Punkt training
    is a fixed cost and reported in seconds.
    """
    from sinojp.measures import voices
    from sinojp.measures.framing import scores as framing_scores
    from sinojp.measures.stance import scores as stance_scores
    from sinojp.text import segment, slips

    items = [it for _, it in zip(range(limit), iter_items(path).items)]
    cpu = {name: 0.0 for name in ("read + clean", "paragraphs + sentences", "stance (sentences)",
                                  "stance (documents, bootstrap)", "frames", "voices", "slip flags")}
    def timed(name: str, func, *args):
        t = time.process_time()
        value = func(*args)
        cpu[name] += time.process_time() - t
        return value

    docs = []
    for start in range(0, len(items), chunk_size):
        for res in timed("read + clean", clean_chunk, items[start:start + chunk_size]):
            docs.extend((d["doc_id"], d["text"]) for d in res["documents"])
    t = time.process_time()
    tokenizer = segment.train_punkt(text for _, text in docs)
    punkt = time.process_time() - t
    for start in range(0, len(docs), chunk_size):
        frame = pd.DataFrame(docs[start:start + chunk_size], columns=["doc_id", "text"])
        sents = timed("paragraphs + sentences", segment.split_sentences, frame, tokenizer)
        scores = timed("stance (sentences)", stance_scores.score_sentences, sents)
        timed("stance (documents, bootstrap)", stance_scores.score_documents, scores)
        timed("frames", lambda s: framing_scores.score_documents(framing_scores.score_sentences(s)), sents)
        timed("voices", voices.extract_voices, sents, scores)
        timed("slip flags", slips.flag_slips, frame)
    out = {f"{name} ms/article": round(1000 * v / len(items), 2) for name, v in cpu.items()}
    out["total ms/article"] = round(sum(out.values()), 2)
    out["punkt training s (fixed)"] = round(punkt, 1)
    return out


def bench_rerun(size: int, added: int, folder: Path, jobs: int | None) -> dict:
    """Cold run on ``size`` articles with the cache, then a rerun after appending ``added`` articles."""
    full = folder / "grown.jsonl"
    in_child(build_corpus, size + added, full)
    first = folder / "first.jsonl"
    with full.open(encoding="utf-8") as src, first.open("w", encoding="utf-8") as dst:
        for _, line in zip(range(size), src):
            dst.write(line)
    out = folder / "out_cache"
    runs = {}
    for name, path in (("cold", first), ("rerun", full)):
        start = time.perf_counter()
        result = sinojp.run(path, out, n_jobs=jobs, cache=True, progress=False, figures=False)
        runs[name] = (round(time.perf_counter() - start, 1), result.cache, result.seconds)
    shutil.rmtree(out)
    return {"articles": f"{size} + {added}", "cold_s": runs["cold"][0], "rerun_s": runs["rerun"][0],
            "rerun_clean": runs["rerun"][1]["clean"], "rerun_analyse": runs["rerun"][1]["analyse"],
            "rerun_stages_s": runs["rerun"][2]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the main process per size")
    parser.add_argument("--cache-rerun", type=int, default=0, metavar="N",
                        help="instead: time a cached rerun after adding N articles to each size")
    parser.add_argument("--stages", action="store_true",
                        help="instead: CPU per article of each per-document stage, one process, 1,000 articles")
    args = parser.parse_args()
    if args.stages:
        with tempfile.TemporaryDirectory() as tmp:
            export = Path(tmp) / "synthetic_1000.jsonl"
            build_corpus(1000, export)
            print(pd.Series(stage_costs(export)).to_string(), flush=True)
        return
    if args.cache_rerun:
        with tempfile.TemporaryDirectory() as tmp:
            for size in args.sizes:
                print(pd.Series(bench_rerun(size, args.cache_rerun, Path(tmp), args.jobs)).to_string(), flush=True)
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            rows.append(bench(size, Path(tmp), args.jobs, args.profile))
            print(pd.DataFrame(rows[-1:]).T.to_string(header=False), flush=True)
    print()
    print(pd.DataFrame(rows).set_index("articles").T.to_string())


if __name__ == "__main__":
    main()
