"""Read a corpus into a tidy table of raw documents, with a manifest row for every input item.

A corpus is a folder of article files (``.txt``, ``.md``, ``.html``, ``.htm``), optionally with a
``metadata.csv`` beside them whose ``doc_id`` column holds the file stem, or a single ``.csv`` /
``.jsonl`` export with one article per row (Media Cloud- and GDELT-style exports). Nothing read is
dropped silently: what cannot be used is listed in the manifest with the reason.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
EXPORT_SUFFIXES = (".csv", ".jsonl", ".ndjson")
METADATA_FILE = "metadata.csv"
MAX_BYTES = 50_000_000
MIN_WORDS = 5

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

_LEGACY_ENCODINGS = ("cp1252", "gb18030", "shift_jis")


class CorpusError(ValueError):
    """Raised when a corpus path cannot be read at all (missing, or an export without text)."""


@dataclass(frozen=True)
class Decoded:
    """Result of decoding bytes: the text and the encoding used, or a reason it failed."""

    text: str | None
    encoding: str | None
    reason: str = ""


@dataclass
class RawCorpus:
    """Raw documents and the manifest of every input item."""

    documents: pd.DataFrame
    manifest: pd.DataFrame
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------

def _looks_utf16(data: bytes) -> str | None:
    """Guess UTF-16 without a BOM from the pattern of zero bytes in ASCII-heavy text."""
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_zero = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd_zero = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    return None


# Unicode categories Cc (control, less the whitespace controls \t \n \v \f \r), Cs (surrogates) and Co
# (private use), spelled out as ranges: a regex scan is 30 times faster than a per-character loop
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff"
                      "\U000f0000-\U000ffffd\U00100000-\U0010fffd]")


def _control_share(text: str) -> float:
    """Share of characters that are control characters other than whitespace."""
    if not text:
        return 0.0
    return len(_CONTROL.findall(text)) / len(text)


def decode_bytes(data: bytes) -> Decoded:
    """Decode article bytes: UTF-8 (with or without BOM), UTF-16, cp1252, GB18030 or Shift-JIS.

    Parameters
    ----------
    data : bytes
        The file's content.

    Returns
    -------
    Decoded
        The text and encoding, or ``text=None`` with the reason it cannot be read.
    """
    if not data.strip():
        return Decoded(None, None, "empty file")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                     (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return Decoded(data.decode(enc), enc)
            except UnicodeDecodeError as exc:
                return Decoded(None, None, f"starts with a {enc} byte-order mark but does not decode ({exc.reason})")
    utf16 = _looks_utf16(data)
    if utf16:
        try:
            return Decoded(data.decode(utf16), utf16)
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:8000]:
        return Decoded(None, None, "binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8")
        enc = "utf-8"
    except UnicodeDecodeError:
        text, enc = _decode_legacy(data)
        if text is None:
            return Decoded(None, None, "cannot be decoded as UTF-8, UTF-16, cp1252, GB18030 or Shift-JIS")
    if _control_share(text) > 0.02:
        return Decoded(None, None, f"binary or corrupt content ({_control_share(text):.0%} control characters)")
    return Decoded(text, enc)


def _decode_legacy(data: bytes) -> tuple[str | None, str | None]:
    """Pick among the legacy encodings with charset-normalizer's mess detection.

    A byte string is often valid in several legacy encodings at once (Shift-JIS bytes also decode
    as GB18030), so validity alone cannot choose; charset-normalizer scores how chaotic each
    decoding looks. Falls back to the first strict decoding when it finds nothing.
    """
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(_LEGACY_ENCODINGS)).best()
    if best is not None:
        return str(best), best.encoding
    for enc in _LEGACY_ENCODINGS:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return None, None


# --------------------------------------------------------------------------------------------
# Language and content checks
# --------------------------------------------------------------------------------------------

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff66-\uff9f]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_EN_FUNCTION = frozenset(
    "the of and to in a is that for on with as was by it at from are be has have this an said which "
    "were will its but not their who they".split()
)


def language_problem(text: str) -> str:
    """Return why a text is not English article text, or an empty string if it looks English.

    A text counts as non-English when CJK characters outnumber Latin letters, or when its Latin
    words contain almost no English function words.
    """
    cjk = len(_CJK.findall(text))
    words = _LATIN_WORD.findall(text)
    latin_chars = len("".join(words))
    if cjk > latin_chars:
        return f"non-English text ({cjk} CJK characters, {len(words)} Latin words)"
    if len(words) >= 30:
        share = sum(map(_EN_FUNCTION.__contains__, map(str.lower, words))) / len(words)
        if share < 0.08:
            return f"non-English text (only {share:.0%} English function words)"
    if len(words) < MIN_WORDS:
        return f"too little text ({len(words)} words)"
    return ""


def looks_like_html(text: str) -> bool:
    """True when a text is an HTML document (not just a stray tag fragment)."""
    head = text[:2000].lower()
    return bool(re.search(r"<!doctype html|<html[\s>]|<body[\s>]|<head[\s>]", head)) or (
        len(re.findall(r"</?(p|div|span|script|style|a|li|ul|h[1-6]|br|meta|link)\b", head)) >= 5
    )


def html_to_text(html: str) -> tuple[str, dict[str, str]]:
    """Extract the main text and metadata of an HTML page with trafilatura.

    Returns the text (paragraphs on separate lines, title first when found) and a dict with
    ``title``, ``author``, ``outlet``, ``url`` where the page states them. Scripts, styles,
    navigation and comments are dropped by the extractor.
    """
    import trafilatura

    doc = trafilatura.bare_extraction(html, include_comments=False, include_tables=True,
                                      with_metadata=True, favor_recall=True)
    meta: dict[str, str] = {}
    if doc is None:
        return "", meta
    found = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = found.get("text") or ""
    for key, out in (("title", "title"), ("author", "author"), ("sitename", "outlet"), ("url", "url")):
        if found.get(key):
            meta[out] = str(found[key]).strip()
    # trafilatura falls back to today's date when a page has none: keep only dates the page states.
    if found.get("date") and found.get("date") != found.get("filedate"):
        meta["pub_date"] = str(found["date"])
    if meta.get("title") and not text.startswith(meta["title"]):
        text = meta["title"] + "\n\n" + text
    return text, meta


# --------------------------------------------------------------------------------------------
# Reading files and exports
# --------------------------------------------------------------------------------------------

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
    problem = language_problem(text)
    if problem:
        return None, problem
    longest = max((len(line) for line in text.splitlines()), default=0)
    note = f"note: a single line of {longest:,} characters" if longest > 100_000 else ""
    return _row(doc_id, source, fmt, decoded.encoding or "", text, meta), note


def _manifest_row(source: str, doc_id: str, status: str, reason: str = "") -> dict[str, str]:
    return {"source": source, "doc_id": doc_id, "status": status, "reason": reason}


def read_metadata(path: Path) -> pd.DataFrame:
    """Read a ``metadata.csv`` keyed by ``doc_id`` (the file stem); all columns as strings."""
    meta = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    meta.columns = [c.strip() for c in meta.columns]
    if "doc_id" not in meta.columns:
        raise CorpusError(f"{path}: metadata.csv has no doc_id column (columns: {', '.join(meta.columns)})")
    dup = meta["doc_id"].duplicated(keep="first")
    if dup.any():
        meta = meta[~dup]
    return meta.set_index("doc_id")


def _find_metadata(folder: Path) -> pd.DataFrame | None:
    """The folder's metadata.csv, or its parent's when that one describes these files.

    Corpora are often laid out as ``corpus/raw/*.txt`` with ``corpus/metadata.csv``; the parent's
    file is used only when some of its doc_ids are stems of files in the folder.
    """
    if (folder / METADATA_FILE).exists():
        return read_metadata(folder / METADATA_FILE)
    parent = folder.parent / METADATA_FILE
    if parent.exists():
        meta = read_metadata(parent)
        stems = {p.stem for p in folder.iterdir() if p.is_file()}
        if stems & set(meta.index):
            return meta
    return None


def _unique_id(doc_id: str, used: set[str]) -> str:
    candidate, n = doc_id, 2
    while candidate in used:
        candidate, n = f"{doc_id}~{n}", n + 1
    return candidate


def read_folder(folder: Path) -> RawCorpus:
    """Read every article file in a folder (not recursive) plus its optional metadata.csv."""
    rows, manifest, notes = [], [], []
    meta = _find_metadata(folder)
    used: set[str] = set()
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        if path.name == METADATA_FILE or path.name.startswith("."):
            continue
        source = path.name
        if path.suffix.lower() not in ARTICLE_SUFFIXES:
            manifest.append(_manifest_row(source, "", "rejected",
                                          f"unsupported file type '{path.suffix or path.name}' "
                                          f"(articles are {', '.join(ARTICLE_SUFFIXES)})"))
            continue
        row, reason = read_text_item(path.read_bytes(), source, path.stem, path.suffix.lower())
        if row is None:
            manifest.append(_manifest_row(source, path.stem, "rejected", reason))
            continue
        doc_id = _unique_id(path.stem, used)
        note = "" if doc_id == path.stem else f"doc_id '{path.stem}' already used; renamed to '{doc_id}'"
        note = "; ".join(filter(None, [note, reason]))
        row["doc_id"] = doc_id
        if meta is not None and path.stem in meta.index:
            for key, value in meta.loc[path.stem].items():
                if value != "":
                    row[key] = value
        elif meta is not None:
            note = "; ".join(filter(None, [note, "no row in metadata.csv"]))
        used.add(doc_id)
        rows.append(row)
        manifest.append(_manifest_row(source, doc_id, "ok", note))
    if meta is not None:
        missing = sorted(set(meta.index) - {Path(r["source"]).stem for r in rows} - {m["doc_id"] for m in manifest})
        if missing:
            notes.append(f"metadata.csv lists {len(missing)} doc_id(s) with no article file: {', '.join(missing[:5])}")
    return RawCorpus(_frame(rows), pd.DataFrame(manifest, columns=MANIFEST_COLUMNS), notes)


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for col in RAW_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    extra = [c for c in frame.columns if c not in RAW_COLUMNS]
    return frame[RAW_COLUMNS + extra].fillna("").astype(str).reset_index(drop=True)


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


def _iter_export_rows(path: Path) -> Iterator[tuple[int, dict | None, str]]:
    """Yield (row number, record, error) from a CSV or JSONL export."""
    if path.suffix.lower() == ".csv":
        data = path.read_bytes()
        decoded = decode_bytes(data)
        if decoded.text is None:
            raise CorpusError(f"{path.name}: {decoded.reason}")
        import io

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


def read_export(path: Path, **columns: str | None) -> RawCorpus:
    """Read a CSV / JSONL export with one article per row.

    The text, title, url, date and outlet columns are detected from common Media Cloud and GDELT
    names, or given as keyword arguments (``text="story_text"``). Rows without text, with
    non-English text or with a repeated id are listed in the manifest, never dropped silently.
    """
    rows, manifest = [], []
    used: set[str] = set()
    mapping: dict[str, str] | None = None
    for i, rec, error in _iter_export_rows(path):
        source = f"{path.name}:{i}"
        if rec is None:
            manifest.append(_manifest_row(source, "", "rejected", error))
            continue
        if mapping is None:
            mapping = detect_columns(rec.keys(), **columns)
            if "text" not in mapping:
                raise CorpusError(f"{path.name}: no text column found (columns: {', '.join(rec.keys())}); "
                                  "name it with text=... / --text-column")
        raw_id = (rec.get(mapping.get("doc_id", ""), "") or "").strip() or f"{path.stem}_{i:06d}"
        raw_id = re.sub(r"[^\w.#~-]+", "_", raw_id)
        text = rec.get(mapping["text"], "") or ""
        meta = {f: rec.get(c, "") for f, c in mapping.items() if f not in ("text", "doc_id")}
        row, reason = read_text_item(text.encode("utf-8"), source, raw_id, ".txt")
        if row is None:
            manifest.append(_manifest_row(source, raw_id, "rejected", reason or "empty text"))
            continue
        for key, value in meta.items():
            if value:
                row[key] = value
        doc_id = _unique_id(raw_id, used)
        row["doc_id"] = doc_id
        used.add(doc_id)
        rows.append(row)
        note = "" if doc_id == raw_id else f"id '{raw_id}' repeated in the export; renamed to '{doc_id}'"
        manifest.append(_manifest_row(source, doc_id, "ok", note))
    return RawCorpus(_frame(rows), pd.DataFrame(manifest, columns=MANIFEST_COLUMNS))


def read_corpus(path: str | Path, **columns: str | None) -> RawCorpus:
    """Read a corpus folder or export file into raw documents and a manifest.

    Parameters
    ----------
    path : str or Path
        A folder of article files (with optional ``metadata.csv``), or a ``.csv`` / ``.jsonl``
        export with one article per row.
    **columns : str or None
        For exports: explicit column names (``text=``, ``title=``, ``url=``, ``pub_date=``,
        ``outlet=``, ``doc_id=``) overriding detection.

    Returns
    -------
    RawCorpus
        ``documents`` (one row per readable article: doc_id, source, format, encoding, raw_text and
        metadata columns) and ``manifest`` (source, doc_id, status, reason) for every input item.
    """
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    if path.is_dir():
        return read_folder(path)
    if path.suffix.lower() in EXPORT_SUFFIXES:
        return read_export(path, **columns)
    if path.suffix.lower() in ARTICLE_SUFFIXES:
        row, reason = read_text_item(path.read_bytes(), path.name, path.stem, path.suffix.lower())
        manifest = [_manifest_row(path.name, path.stem, "ok" if row else "rejected", reason)]
        return RawCorpus(_frame([row] if row else []), pd.DataFrame(manifest, columns=MANIFEST_COLUMNS))
    raise CorpusError(f"{path}: not a folder, article file ({', '.join(ARTICLE_SUFFIXES)}) "
                      f"or export ({', '.join(EXPORT_SUFFIXES)})")
