"""Command line: ``python -m sinojp run --corpus PATH --out DIR`` and friends."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sinojp.corpus import CorpusError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sinojp", description="News framing of China-Japan relations.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="analyse a corpus and write the output tables and figures")
    run.add_argument("--corpus", required=True, help="folder of articles (with optional metadata.csv) or a CSV/JSONL export")
    run.add_argument("--out", required=True, help="output folder")
    run.add_argument("--random-state", type=int, default=0)
    run.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                     help="progress bar (default: on for long corpora in a terminal)")
    run.add_argument("--engine", choices=("local", "dask", "memory"), default="local",
                     help="local: parallel streaming run on this machine (default); dask: on a dask.distributed "
                          "cluster; memory: the whole corpus in memory")
    run.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    run.add_argument("--no-cache", dest="cache", action="store_false",
                     help="reprocess every document instead of reusing results cached in OUT/.cache")
    run.add_argument("--chunk-size", type=int, default=None, help="documents per parallel chunk (default 200)")
    run.add_argument("--scheduler", default=None,
                     help="address of a running dask scheduler, e.g. tcp://10.0.0.5:8786 "
                          "(default: $SINOJP_DASK_SCHEDULER, else a local cluster)")
    for field in ("text", "title", "url", "pub_date", "outlet", "doc_id"):
        run.add_argument(f"--{field.replace('_', '-')}-column", dest=f"col_{field}", default=None,
                         help=f"export column holding the {field.replace('_', ' ')} (detected when omitted)")
    nb = sub.add_parser("notebooks", help="execute the notebooks on a corpus and render the HTML report")
    nb.add_argument("--corpus", default="data/raw")
    nb.add_argument("--out", default="outputs")
    nb.add_argument("--inplace", action="store_true",
                    help="re-execute the stored notebooks in notebooks/ on the shipped corpus (for developers)")
    ev = sub.add_parser("evaluate", help="score the cleaning against a labelled sample")
    ev.add_argument("--sample", required=True, help="folder with raw/, labels.csv and metadata.csv")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            from sinojp import pipeline

            columns = {k[4:]: v for k, v in vars(args).items() if k.startswith("col_") and v}
            if args.engine != "memory":
                from sinojp import stream

                result = pipeline.run(args.corpus, args.out, random_state=args.random_state, progress=args.progress,
                                      engine=args.engine, n_jobs=args.jobs, cache=args.cache,
                                      chunk_size=args.chunk_size, scheduler=args.scheduler, **columns)
                print(stream.summary(result))
                print(pipeline.analysis_summary(result))
                print(f"outputs written to {args.out}")
                for note in result.notes:
                    print(f"note: {note}")
                return 0
            prep, analysis = pipeline.run(args.corpus, args.out, random_state=args.random_state,
                                          progress=args.progress, **columns)
            print(pipeline.summary(prep))
            print(pipeline.analysis_summary(analysis))
            print(f"outputs written to {args.out}")
            for note in prep.notes:
                print(f"note: {note}")
        elif args.command == "notebooks":
            from sinojp import notebooks

            notebooks.main(corpus=args.corpus, out=args.out, inplace=args.inplace)
        elif args.command == "evaluate":
            from sinojp.evaluate import evaluate_cleaning

            summary, _ = evaluate_cleaning(args.sample)
            print(summary.to_string(index=False))
    except (CorpusError, FileNotFoundError) as exc:
        print(f"sinojp: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
