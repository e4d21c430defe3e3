"""The items of a corpus: files of a folder or rows of an export, read lazily, one at a time.

A corpus is a folder of article files (``.txt``, ``.md``, ``.html``, ``.htm``), optionally with a
``metadata.csv`` beside them whose ``doc_id`` column holds the file stem, or a single ``.csv`` /
``.jsonl`` export with one article per row (Media Cloud- and GDELT-style exports). Every item,
readable or not, becomes an :class:`Item`; :func:`read_item` decodes one into a raw document row
or says why it is rejected, and :class:`DocIds` gives accepted items unique ids and the notes of
the manifest. Both the in-memory reader (:func:`sinojp.corpus.read_corpus`) and the pipeline's
workers use these functions, so they cannot disagree.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sinojp.corpus.decode import MAX_BYTES, check_language, decode_bytes, html_to_text, looks_like_html

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")


EXPORT_SUFFIXES = (".csv", ".jsonl", ".ndjson")


METADATA_FILE = "metadata.csv"


RAW_COLUMNS = [
    "doc_id", "source", "format", "encoding", "raw_text",
    "url", "title", "author", "pub_date", "outlet", "outlet_origin", "period",
]


MANIFEST_COLUMNS = ["source", "doc_id", "status", "reason"]


# Column names seen in Media Cloud, GDELT and other news exports, most specific first.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "doc_id": ("doc_id", "stories_id", "story_id", "id", "gkgrecordid", "globaleventid", "article_id", "uuid"),
    "text": ("text", "story_text", "full_text", "fulltext", "body", "content", "article_text", "article", "maintext"),
    "title": ("title", "headline", "story_title"),
    "url": ("url", "sourceurl", "documentidentifier", "source_url", "link", "guid"),
    "pub_date": ("pub_date", "publish_date", "publication_date", "date", "seendate", "published", "datetime", "sqldate"),
    "outlet": ("outlet", "media_name", "source_name", "sourcecommonname", "domain", "media_url", "publisher", "site", "source"),
    "outlet_origin": ("outlet_origin", "origin"),
    "author": ("author", "authors", "byline"),
    "period": ("period",),
}


class CorpusError(ValueError):
    """Raised when a corpus path cannot be read at all (missing, or an export without text)."""


def _row(doc_id: str, source: str, fmt: str, encoding: str, text: str, meta: dict[str, str]) -> dict[str, str]:
    row = {c: "" for c in RAW_COLUMNS}
    row.update({"doc_id": doc_id, "source": source, "format": fmt, "encoding": encoding, "raw_text": text})
    for key, value in meta.items():
        if key in row and key not in ("doc_id", "source", "raw_text") and value not in (None, ""):
            row[key] = str(value)
    return row


def read_text_item(data: bytes, source: str, doc_id: str, suffix: str) -> tuple[dict | None, str]:
    """Turn one file's bytes into a raw document row, or return the reason it is rejected."""
    if len(data) > MAX_BYTES:
        return None, f"file too large ({len(data) / 1e6:.0f} MB > {MAX_BYTES / 1e6:.0f} MB)"
    decoded = decode_bytes(data)
    if decoded.text is None:
        return None, decoded.reason
    text, meta, fmt = decoded.text, {}, suffix.lstrip(".") or "txt"
    if suffix in (".html", ".htm") or looks_like_html(text):
        text, meta = html_to_text(text)
        fmt = "html"
        if not text.strip():
            return None, "HTML page with no extractable article text"
    problem = check_language(text)
    if problem:
        return None, problem
    longest = max((len(line) for line in text.splitlines()), default=0)
    notes = [decoded.note, f"note: a single line of {longest:,} characters" if longest > 100_000 else ""]
    note = "; ".join(filter(None, notes))
    return _row(doc_id, source, fmt, decoded.encoding or "", text, meta), note


def read_metadata(path: Path) -> pd.DataFrame:
    """Read a ``metadata.csv`` keyed by ``doc_id`` (the file stem); all columns as strings.

    Parameters
    ----------
    path : Path
        The metadata file.

    Returns
    -------
    DataFrame
        Indexed by ``doc_id``. A doc_id on several rows keeps its first row; the repeated ids are
        listed in ``attrs["repeated"]`` so that the run can report them.
    """
    meta = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    meta.columns = [c.strip() for c in meta.columns]
    if "doc_id" not in meta.columns:
        raise CorpusError(f"{path}: metadata.csv has no doc_id column (columns: {', '.join(meta.columns)})")
    dup = meta["doc_id"].duplicated(keep="first")
    repeated = sorted(set(meta.loc[dup, "doc_id"]))
    meta = meta[~dup].set_index("doc_id")
    meta.attrs["repeated"] = repeated
    return meta


def find_metadata(folder: Path) -> pd.DataFrame | None:
    """The folder's metadata.csv, or its parent's when that one describes these files.

    Corpora are often laid out as ``corpus/raw/*.txt`` with ``corpus/metadata.csv``; the parent's
    file is used only when some of its doc_ids are stems of files in the folder.
    """
    if (folder / METADATA_FILE).exists():
        return read_metadata(folder / METADATA_FILE)
    parent = folder.parent / METADATA_FILE
    if parent.exists():
        meta = read_metadata(parent)
        ids = {key for path in _article_files(folder) if not _hidden(folder, path) for key in _keys(folder, path)}
        if ids & set(meta.index):
            return meta
    return None


def detect_columns(columns: Iterable[str], **given: str | None) -> dict[str, str]:
    """Map the standard fields (text, title, url, pub_date, outlet, ...) to an export's columns.

    Parameters
    ----------
    columns : iterable of str
        The export's column names.
    **given : str or None
        Explicit choices, e.g. ``text="story_text"``; these win over detection.

    Returns
    -------
    dict
        Standard field -> column name, for the fields found.
    """
    cols = list(columns)
    lower = {c.lower().strip(): c for c in cols}
    found: dict[str, str] = {}
    for field_name, aliases in COLUMN_ALIASES.items():
        if given.get(field_name):
            if given[field_name] not in cols:
                raise CorpusError(f"column '{given[field_name]}' (given for {field_name}) is not in the export; "
                                  f"columns are: {', '.join(cols)}")
            found[field_name] = given[field_name]
            continue
        for alias in aliases:
            if alias in lower and lower[alias] not in found.values():
                found[field_name] = lower[alias]
                break
    return found


def _decoded_export_rows(path: Path) -> Iterator[tuple[int, dict | None, str]]:
    """Yield (row number, record, error) from a CSV or JSONL export."""
    if path.suffix.lower() == ".csv":
        data = path.read_bytes()
        decoded = decode_bytes(data)
        if decoded.text is None:
            raise CorpusError(f"{path.name}: {decoded.reason}")
        frame = pd.read_csv(io.StringIO(decoded.text), dtype=str, keep_default_na=False)
        for i, rec in enumerate(frame.to_dict("records"), start=1):
            yield i, rec, ""
        return
    with path.open("rb") as handle:
        for i, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                yield i, None, f"line {i} is not valid JSON ({exc.__class__.__name__})"
                continue
            if not isinstance(rec, dict):
                yield i, None, f"line {i} is not a JSON object"
                continue
            yield i, {k: ("" if v is None else str(v)) for k, v in rec.items()}, ""


@dataclass(frozen=True)
class Item:
    """One input item: a file's bytes or an export row's text, with its metadata.

    ``kind`` is ``"file"``, ``"row"`` or ``"rejected"`` (rejected before any decoding: unsupported
    file type, unreadable export line); ``stem`` is the provisional doc_id.
    """

    kind: str
    source: str
    stem: str
    suffix: str = ".txt"
    payload: bytes = b""
    meta: tuple[tuple[str, str], ...] = ()
    reason: str = ""


@dataclass
class ItemStream:
    """Items of a corpus, read lazily, with what reading the corpus's metadata found."""

    items: Iterator[Item]
    notes: list[str] = field(default_factory=list)
    metadata_ids: frozenset[str] = frozenset()
    metadata_repeated: frozenset[str] = frozenset()
    has_metadata: bool = False
    total: int | None = None


def chunked(iterable: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of ``size`` items (the last may be shorter).

    The iterable is consumed lazily, one batch at a time.

    Parameters
    ----------
    iterable : iterable
        Any iterable, e.g. the ``items`` of an :class:`ItemStream`.
    size : int
        Items per batch (at least 1).

    Returns
    -------
    iterator of list
        Lists of ``size`` consecutive items in their original order; the last list holds what is
        left and is never empty.
    """
    batch: list[Any] = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _article_files(folder: Path) -> list[Path]:
    """Every file under ``folder``, sub-folders included, but the metadata files, by relative path."""
    return sorted((p for p in folder.rglob("*") if p.is_file() and p.name != METADATA_FILE),
                  key=lambda p: p.relative_to(folder).as_posix())


def _hidden(folder: Path, path: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(folder).parts)


def _keys(folder: Path, path: Path) -> tuple[str, ...]:
    """The ids a file may have in metadata.csv: its relative path without suffix, then its stem."""
    relative = path.relative_to(folder).with_suffix("").as_posix()
    return (relative,) if relative == path.stem else (relative, path.stem)


def _folder_items(folder: Path, meta: pd.DataFrame | None) -> Iterator[Item]:
    for path in _article_files(folder):
        source = path.relative_to(folder).as_posix()
        if _hidden(folder, path):
            yield Item("rejected", source, "", reason="hidden file (a name starting with '.'), not read")
            continue
        if path.suffix.lower() not in ARTICLE_SUFFIXES:
            yield Item("rejected", source, "", reason=f"unsupported file type '{path.suffix or path.name}' "
                                                      f"(articles are {', '.join(ARTICLE_SUFFIXES)})")
            continue
        keys = _keys(folder, path)
        fields: tuple[tuple[str, str], ...] = ()
        if meta is not None:
            key = next((k for k in keys if k in meta.index), None)
            if key is not None:
                fields = tuple((str(k), str(v)) for k, v in meta.loc[key].items() if v != "")
                fields += (("_metadata_key", key),)
        yield Item("file", source, keys[0], path.suffix.lower(), path.read_bytes(), fields)


def _is_utf8(path: Path, block: int = 1 << 20) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while data := handle.read(block):
                decoder.decode(data)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _export_records(path: Path, chunk_size: int) -> Iterator[tuple[int, dict | None, str]]:
    """(row number, record, error) of an export, a UTF-8 CSV read in chunks."""
    if path.suffix.lower() == ".csv" and _is_utf8(path):
        reader = pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=chunk_size, encoding="utf-8-sig")
        i = 0
        for frame in reader:
            for rec in frame.to_dict("records"):
                i += 1
                yield i, rec, ""
        return
    # JSONL is read line by line; a CSV in a legacy encoding is decoded whole
    yield from _decoded_export_rows(path)


def _export_items(path: Path, columns: dict[str, str | None], chunk_size: int) -> Iterator[Item]:
    mapping: dict[str, str] | None = None
    for i, rec, error in _export_records(path, chunk_size):
        source = f"{path.name}:{i}"
        if rec is None:
            yield Item("rejected", source, "", reason=error)
            continue
        if mapping is None:
            mapping = detect_columns(rec.keys(), **columns)
            if "text" not in mapping:
                raise CorpusError(f"{path.name}: no text column found (columns: {', '.join(rec.keys())}); "
                                  "name it with text=... / --text-column")
        raw_id = (rec.get(mapping.get("doc_id", ""), "") or "").strip() or f"{path.stem}_{i:06d}"
        raw_id = re.sub(r"[^\w.#~-]+", "_", raw_id)
        text = rec.get(mapping["text"], "") or ""
        meta = tuple((f, rec.get(c, "")) for f, c in mapping.items() if f not in ("text", "doc_id") and rec.get(c, ""))
        yield Item("row", source, raw_id, ".txt", text.encode("utf-8"), meta)


def iter_items(path: str | Path, chunk_size: int = 200, **columns: str | None) -> ItemStream:
    """Stream the items of a corpus folder, article file or CSV/JSONL export.

    Parameters
    ----------
    path : str or Path
        A folder of article files (with an optional ``metadata.csv`` beside them or in the parent
        folder), one article file, or a ``.csv`` / ``.jsonl`` export with one article per row.
    chunk_size : int
        Rows per read of a CSV export.
    **columns : str
        Export column names overriding detection (``text=``, ``title=``, ...).

    Returns
    -------
    ItemStream
        ``items`` is a lazy iterator: a folder's files are read one at a time as it is consumed.
    """
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    if path.is_dir():
        meta = find_metadata(path)
        total = len(_article_files(path))
        ids = frozenset(meta.index) if meta is not None else frozenset()
        notes = []
        if meta is not None and meta.attrs.get("repeated"):
            repeated = meta.attrs["repeated"]
            notes.append(f"metadata.csv has more than one row for {len(repeated)} doc_id(s); the first row of each "
                         f"was used: {', '.join(repeated[:5])}")
        return ItemStream(_folder_items(path, meta), notes=notes, metadata_ids=ids,
                          metadata_repeated=frozenset(meta.attrs.get("repeated", ())) if meta is not None else frozenset(),
                          has_metadata=meta is not None, total=total)
    if path.suffix.lower() in EXPORT_SUFFIXES:
        return ItemStream(_export_items(path, dict(columns), chunk_size))
    if path.suffix.lower() in ARTICLE_SUFFIXES:
        return ItemStream(iter([Item("file", path.name, path.stem, path.suffix.lower(), path.read_bytes())]), total=1)
    raise CorpusError(f"{path}: not a folder, article file ({', '.join(ARTICLE_SUFFIXES)}) "
                      f"or export ({', '.join(EXPORT_SUFFIXES)})")


def read_item(item: Item) -> tuple[dict | None, str]:
    """Decode one item into a raw document row, its metadata merged in.

    The bytes are decoded (:func:`sinojp.corpus.decode_bytes`), HTML is reduced to its article
    text, and the text is checked by :func:`sinojp.corpus.check_language`. Metadata fields that
    are not empty override the row's values (for an export row, only the :data:`RAW_COLUMNS` fields).

    Parameters
    ----------
    item : Item
        One input item from :func:`sinojp.corpus.iter_items`.

    Returns
    -------
    (row, note) or (None, reason)
        The row (:data:`RAW_COLUMNS` plus any extra metadata fields, ``doc_id`` the item's
        provisional id) and a note for the manifest, or ``None`` and why the item is rejected.
    """
    if item.kind == "rejected":
        return None, item.reason
    row, reason = read_text_item(item.payload, item.source, item.stem, item.suffix)
    if row is None:
        return None, reason or "empty text"
    for key, value in item.meta:
        if value != "" and not key.startswith("_") and (item.kind == "file" or key in row):
            row[key] = value
    row["doc_id"] = item.stem
    return row, reason


class DocIds:
    """Unique doc_ids for accepted items, with the manifest note each one gets.

    A repeated id gets ``~2``, ``~3``, ... appended. Notes say so, and for files also carry the
    reading note and whether ``metadata.csv`` lacks a row for the file.
    """

    def __init__(self, stream: ItemStream) -> None:
        self.stream = stream
        self.used: set[str] = set()
        self.sources: list[str] = []
        self.matched: set[str] = set()
        self.repeated = stream.metadata_repeated

    def assign(self, item: Item, note: str = "") -> tuple[str, str]:
        """The doc_id of an accepted item and its manifest note."""
        doc_id, n = item.stem, 2
        while doc_id in self.used:
            doc_id, n = f"{item.stem}~{n}", n + 1
        text = "" if doc_id == item.stem else (
            f"doc_id '{item.stem}' already used; renamed to '{doc_id}'" if item.kind == "file"
            else f"id '{item.stem}' repeated in the export; renamed to '{doc_id}'")
        if item.kind == "file":  # reading notes are kept for files, not for export rows
            text = "; ".join(filter(None, [text, note]))
            matched = dict(item.meta).get("_metadata_key")
            if self.stream.has_metadata and matched is None:
                text = "; ".join(filter(None, [text, "no row in metadata.csv"]))
            elif matched in self.repeated:
                text = "; ".join(filter(None, [text, "metadata.csv has several rows for this doc_id; the first was used"]))
            if matched is not None:
                self.matched.add(matched)
        self.used.add(doc_id)
        self.sources.append(item.source)
        return doc_id, text

    def notes(self, rejected_ids: Iterable[str] = ()) -> list[str]:
        """Reading notes plus, with a metadata file, the metadata rows that have no article file."""
        notes = list(self.stream.notes)
        if self.stream.has_metadata:
            missing = sorted(set(self.stream.metadata_ids) - self.matched - set(rejected_ids))
            if missing:
                notes.append(f"metadata.csv lists {len(missing)} doc_id(s) with no article file: {', '.join(missing[:5])}")
        return notes
