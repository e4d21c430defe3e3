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
    tr = sub.add_parser("train", help="retrain the shipped line, stance and frame models from the labelled "
                                      "development corpus")
    tr.add_argument("--dev", default="../shared/corpora/dev", help="the development corpus (raw/, labels.csv, ...)")
    tr.add_argument("--sample", default="../shared/corpora/news-sample",
                    help="the labelled sample, whose third-coder codes join the training data (skipped if absent)")
    tr.add_argument("--out", default=None, help="write the models here instead of replacing the shipped ones")
    tr.add_argument("--random-state", type=int, default=0)
    va = sub.add_parser("validate", help="validate every measure on the held-out sites of the development corpus")
    va.add_argument("--dev", default="../shared/corpora/dev", help="the development corpus (raw/, labels.csv, ...)")
    va.add_argument("--part", default="test", choices=("test", "train"), help="test: held-out sites (default)")
    va.add_argument("--out", default=None,
                    help="folder for the tables (default: print the summary; the shipped tables live in "
                         "sinojp/resources/validation)")
    ev = sub.add_parser("evaluate", help="score the cleaning against a labelled sample")
    ev.add_argument("--sample", required=True, help="folder with raw/, labels.csv and metadata.csv")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            from sinojp.pipeline import run, summarise

            columns = {k[4:]: v for k, v in vars(args).items() if k.startswith("col_") and v}
            result = run(args.corpus, args.out, engine=args.engine, random_state=args.random_state,
                         progress=args.progress, n_jobs=args.jobs, cache=args.cache, chunk_size=args.chunk_size,
                         scheduler=args.scheduler, **columns)
            print(summarise(result))
            print(analysis_summary(result))
            print(f"outputs written to {args.out}")
            for note in result.notes:
                print(f"note: {note}")
        elif args.command == "notebooks":
            from sinojp import report

            report.main(corpus=args.corpus, out=args.out, inplace=args.inplace)
        elif args.command == "train":
            from sinojp.validate.cleaning import train_line_model
            from sinojp.validate.train_frames import train_frame_models
            from sinojp.validate.train_stance import train_stance_models

            sample = args.sample if Path(args.sample, "raw").is_dir() else None
            written = {**train_stance_models(args.dev, args.out, random_state=args.random_state, sample_root=sample,
                                             use_sample=sample is not None),
                       **train_frame_models(args.dev, args.out, sample_root=sample, random_state=args.random_state)}
            written["line_model"] = train_line_model(args.dev, sample_root=sample,
                                                     out=Path(args.out) / "line_model.json" if args.out else None)
            for name, path in written.items():
                print(f"{name}: {path}")
        elif args.command == "validate":
            from sinojp.pipeline.validation import (
                summarise_validation,
                validate_heldout,
                write_validation,
            )

            results = validate_heldout(args.dev, part=args.part)
            print(summarise_validation(results).to_string(index=False))
            if args.out:
                for path in write_validation(results, args.out):
                    print(f"written {path}")
        elif args.command == "evaluate":
            from sinojp.validate import validate_cleaning

            summarise, _ = validate_cleaning(args.sample)
            print(summarise.to_string(index=False))
    except (CorpusError, FileNotFoundError) as exc:
        print(f"sinojp: error: {exc}", file=sys.stderr)
        return 2
    return 0


def analysis_summary(result) -> str:
    """One line on the measures of a run: mean stance, the most common primary frame, the topics."""
    docs = result.documents
    frames = docs["primary_frame"].value_counts()
    top_frame = f"{frames.index[0]} ({frames.iloc[0]} documents)" if len(frames) else "none"
    return (f"relations_stance mean {docs['relations_stance'].mean():+.2f}, us_stance mean "
            f"{docs['us_stance'].mean():+.2f}; most common primary frame: {top_frame}; "
            f"{len(result.topic_table)} topics")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
