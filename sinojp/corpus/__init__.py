"""Reading a corpus: folders of article files or CSV/JSONL exports, decoded, with a manifest.

The lowest stage of the package: it imports nothing from the other sub-packages.
"""

from sinojp.corpus.decode import check_language, decode_bytes
from sinojp.corpus.items import (
    MANIFEST_COLUMNS,
    RAW_COLUMNS,
    CorpusError,
    DocIds,
    Item,
    ItemStream,
    chunked,
    detect_columns,
    iter_items,
    read_item,
)
from sinojp.corpus.read import RawCorpus, read_corpus

__all__ = [
    "check_language", "chunked", "CorpusError", "decode_bytes", "detect_columns", "DocIds", "Item", "ItemStream",
    "iter_items", "MANIFEST_COLUMNS", "RAW_COLUMNS", "RawCorpus", "read_corpus", "read_item"
]
