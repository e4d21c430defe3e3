"""End-to-end throughput of the chunked pipeline on synthetic corpora of 1k, 10k and 100k articles.

Each synthetic article is a JSONL row (Media Cloud's field names) built from real pages: the
site, URL, outlet and page furniture of one labelled page of the development corpus or the
sample (``../shared/corpora``, read at run time, never copied), and 6-14 real body paragraphs,
70% from one "theme" article (a seed, development or sample article), the rest from any (fixed
seed). Vocabulary, paragraph lengths and furniture are those of real pages, and the pages of a
site repeat its furniture as a real crawl does. For every size the script measures, in the same run:

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
from dataclasses import dataclass, field
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
SHARED = ROOT.parent / "shared" / "corpora"
DEV, SAMPLE = SHARED / "dev", SHARED / "news-sample"


@dataclass
class Page:
    """What a synthetic article borrows from one real page: its site, furniture and body paragraphs."""

    url: str
    outlet: str
    title: str
    head: list[str] = field(default_factory=list)
    inner: list[str] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)


def _line_numbers(value: str) -> set[int]:
    return {int(v) for v in str(value).split("|") if v.strip().isdigit()}


def labelled_pages(root: Path) -> list[Page]:
    """Pages of a labelled corpus (the development corpus or the sample), split by their line labels.

    Boilerplate lines before the first body line are the page's head, after the last its tail, and
    between body lines its inner furniture; headings are left out; body lines are paragraphs.
    """
    meta = pd.read_csv(root / "metadata.csv", dtype=str, keep_default_na=False).set_index("doc_id")
    labels = pd.read_csv(root / "labels.csv", dtype=str, keep_default_na=False)
    pages = []
    for rec in labels.to_dict("records"):
        m = meta.loc[rec["doc_id"]]
        lines = (root / "raw" / f"{rec['doc_id']}.txt").read_text(encoding="utf-8").splitlines()
        boiler, neutral = _line_numbers(rec["boilerplate_lines"]), _line_numbers(rec["neutral_lines"])
        body = [i for i, line in enumerate(lines, 1) if line.strip() and i not in boiler and i not in neutral]
        if not body:
            continue
        page = Page(url=m.get("url", ""), outlet=m.get("outlet", ""), title=m.get("title", ""))
        for i, line in enumerate(lines, 1):
            if not line.strip() or i in neutral:
                continue
            if i in boiler:
                (page.head if i < body[0] else page.tail if i > body[-1] else page.inner).append(line)
            else:
                page.paragraphs.append(line)
        pages.append(page)
    return pages


def seed_pages() -> list[Page]:
    """The shipped seed articles as body paragraphs only (they carry no line labels)."""
    docs = prepare(ROOT / "data" / "raw").documents
    return [Page(url="", outlet="", title=str(rec["title"] or ""),
                 paragraphs=[p for p in str(rec["text"]).split("\n\n") if p.strip()])
            for rec in docs.to_dict("records")]


def real_pages() -> list[Page]:
    """Every real article at hand: the seeds, the development corpus and the sample (when present)."""
    pages = seed_pages()
    for root in (DEV, SAMPLE):
        if (root / "labels.csv").exists():
            pages.extend(labelled_pages(root))
    return pages


def write_corpus(pages: list[Page], n_articles: int, path: Path, random_state: int = 0) -> None:
    """Write ``n_articles`` synthetic scraped articles as a JSONL export (Media Cloud's field names).

    Each article takes the site, URL, outlet and page furniture (head, tail and, now and then, a
    line of inner furniture between paragraphs) of one real labelled page, and 6-14 real body
    paragraphs: 70% from one "theme" article, whose title it also takes, the rest from any article.
    So the vocabulary, the paragraph lengths and the furniture are those of real pages, and pages of
    one site repeat their furniture as real crawls do.
    """
    rng = np.random.default_rng(random_state)
    templates = [p for p in pages if p.url]
    everything = [para for p in pages for para in p.paragraphs]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n_articles):
            site = templates[rng.integers(len(templates))]
            theme = pages[rng.integers(len(pages))]
            body: list[str] = []
            for _ in range(rng.integers(6, 15)):
                pool = theme.paragraphs if rng.random() < 0.7 else everything
                body.append(pool[rng.integers(len(pool))])
                if site.inner and rng.random() < 0.15:
                    body.append(site.inner[rng.integers(len(site.inner))])
            title = theme.title or " ".join(body[0].split()[:9])
            text = "\n".join(site.head + [title, ""] + ["\n\n".join(body), ""] + site.tail)
            day = np.datetime64("2024-06-01") + int(rng.integers(0, 730))
            row = {"stories_id": f"syn{i:07d}", "title": title, "text": text, "url": f"{site.url}#syn{i}",
                   "publish_date": str(day), "media_name": site.outlet}
            handle.write(json.dumps(row) + "\n")


def build_corpus(n_articles: int, path: Path, random_state: int = 0) -> None:
    """:func:`write_corpus` from the shipped corpus and the sample (run in a child process)."""
    write_corpus(real_pages(), n_articles, path, random_state)


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
