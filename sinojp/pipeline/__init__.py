"""One run of the whole analysis, on any engine: ``run(corpus, out, engine="memory" | "local" | "dask")``.

Imports every stage below it; only :mod:`sinojp.cli` and :mod:`sinojp.report` import it.
"""

from sinojp.pipeline.outputs import build_document_table
from sinojp.pipeline.runner import (
    ENGINES,
    Analysis,
    Prepared,
    RunResult,
    analyse,
    prepare,
    prepare_labelled,
    tabulate_documents,
    tabulate_totals,
    run,
    summarise,
)

__all__ = [
    "analyse", "Analysis", "build_document_table", "ENGINES", "prepare", "prepare_labelled", "Prepared", "run",
    "RunResult", "summarise", "tabulate_documents", "tabulate_totals"
]
