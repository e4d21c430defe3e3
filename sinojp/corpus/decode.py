"""Decode article bytes and check that they hold English article text."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

MAX_BYTES = 50_000_000


MIN_WORDS = 5


_LEGACY_ENCODINGS = ("cp1252", "gb18030", "shift_jis")


@dataclass(frozen=True)
class Decoded:
    """Result of decoding bytes: the text and the encoding used, or a reason it failed."""

    text: str | None
    encoding: str | None
    reason: str = ""
    note: str = ""


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


#: C0 control characters other than white space, and DEL: never part of a text, removed when few
_C0 = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
#: bytes that do not occur in text in any of the encodings read (C0 controls but tab, newlines, form feed)
_CONTROL_BYTES = bytes((*range(0, 9), *range(14, 32), 127))


def _count_bytes(data: bytes, which: bytes) -> int:
    """How many bytes of ``data`` are among ``which`` (one pass: delete them and compare lengths)."""
    return len(data) - len(data.translate(None, which))


def _count_c0(text: str) -> int:
    """The number of ``_C0`` characters in a text."""
    if text.isascii():  # the same count, faster over the encoded bytes
        return _count_bytes(text.encode("ascii"), _CONTROL_BYTES)
    return len(_C0.findall(text))


def _control_share(text: str) -> float:
    """Share of characters that are control characters other than whitespace."""
    if not text:
        return 0.0
    # in an ASCII text the control characters of ``_CONTROL`` are those of ``_C0``
    count = _count_c0(text) if text.isascii() else len(_CONTROL.findall(text))
    return count / len(text)


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
    head = data[:65536]
    control = _count_bytes(head, _CONTROL_BYTES)
    if control > 2 and control / len(head) > 0.01:
        return Decoded(None, None, f"binary file ({control / len(head):.0%} of its first bytes are control bytes)")
    try:
        text = data.decode("utf-8")
        enc = "utf-8"
    except UnicodeDecodeError:
        text, enc = _decode_legacy(data)
        if text is None:
            return Decoded(None, None, "cannot be decoded as UTF-8, UTF-16, cp1252, GB18030 or Shift-JIS")
    if _control_share(text) > 0.02:
        return Decoded(None, None, f"binary or corrupt content ({_control_share(text):.0%} control characters)")
    stray = _count_c0(text)
    if stray:  # a few stray control characters (a NUL from a bad export) do not make a text binary
        return Decoded(_C0.sub("", text), enc, note=f"note: {stray} stray control character(s) removed")
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


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff66-\uff9f]")


_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


_EN_FUNCTION = frozenset(
    "the of and to in a is that for on with as was by it at from are be has have this an said which "
    "were will its but not their who they".split()
)


def check_language(text: str) -> str:
    """Return why a text is not English article text, or an empty string if it looks English.

    A text counts as non-English when CJK characters outnumber Latin letters, or when its Latin
    words contain almost no English function words (under 8% of them, checked from 30 words on).
    A text of fewer than ``MIN_WORDS`` (5) Latin words is rejected as too short.

    Parameters
    ----------
    text : str
        Decoded article text.

    Returns
    -------
    str
        ``""`` when the text looks like English article text, else the reason it is rejected
        (``"non-English text (...)"`` or ``"too little text (...)"``), used as a manifest reason.
    """
    cjk = 0 if text.isascii() else len(_CJK.findall(text))
    n_words, latin_chars, n_function = _count_latin_words(text)
    if cjk > latin_chars:
        return f"non-English text ({cjk} CJK characters, {n_words} Latin words)"
    if n_words >= 30:
        share = n_function / n_words
        if share < 0.08:
            return f"non-English text (only {share:.0%} English function words)"
    if n_words < MIN_WORDS:
        return f"too little text ({n_words} words)"
    return ""


#: bytes.translate table: ASCII letters lower-cased, every other byte a space
_LOWER_LETTER_BYTES = bytes(c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 else 32 for c in range(256))
#: the function words as bytes (all of two letters or more but ``a``, which no Latin word can be)
_EN_FUNCTION_BYTES = frozenset(w.encode("ascii") for w in _EN_FUNCTION if len(w) > 1)


def _count_latin_words(text: str) -> tuple[int, int, int]:
    """(Latin words, their letters, English function words among them) of a text.

    The Latin words are the runs of two ASCII letters or more (``_LATIN_WORD``): every run of
    letters is found by one ``translate`` and a split (a non-ASCII character, encoded as ``?``,
    separates runs as it does for the pattern), and the one-letter runs are subtracted.
    """
    runs = text.encode("ascii", "replace").translate(_LOWER_LETTER_BYTES).split()
    singles = sum(map((1).__eq__, map(len, runs)))
    return len(runs) - singles, sum(map(len, runs)) - singles, sum(map(_EN_FUNCTION_BYTES.__contains__, runs))


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
