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
    run,
    summarise,
    tabulate_documents,
    tabulate_totals,
)
from sinojp.pipeline.validation import (
    load_validation,
    summarise_validation,
    validate_heldout,
    write_validation,
)

__all__ = [
    "analyse", "Analysis", "build_document_table", "ENGINES", "load_validation", "prepare", "prepare_labelled",
    "Prepared", "run", "RunResult", "summarise", "summarise_validation", "tabulate_documents", "tabulate_totals",
    "validate_heldout", "write_validation"
]
