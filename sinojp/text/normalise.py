"""Normalise Unicode without changing any word: quotes, dashes, spaces, mojibake."""

from __future__ import annotations

import re
import unicodedata

_TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "\u2013", "\u2015": "\u2014", "\u2212": "-",
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u3000": " ",
    "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ", "\u2008": " ",
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "", "\u00ad": "",
})
_SPACES = re.compile(r"[ \t]{2,}")
#: the characters that ``_TRANSLATE`` maps: a search and a replacement of the few found is much
#: faster than ``str.translate`` over a long non-ASCII text, with the same result
_REPLACED = re.compile("[" + re.escape("".join(map(chr, _TRANSLATE))) + "]")
_REPLACEMENT = {chr(k): v for k, v in _TRANSLATE.items()}


def _replace(m: re.Match[str]) -> str:
    return _REPLACEMENT[m.group()]


def normalise_unicode(text: str) -> str:
    """Normalise quotes, dashes and spaces and repair mojibake, without changing any word.

    Curly quotes become straight quotes, odd hyphens become ``-``, the many Unicode spaces become
    one plain space, zero-width characters go, and UTF-8 read as cp1252 (``â€™``) is repaired with
    ftfy's conservative encoding fix. The text is also put in NFC form, runs of spaces and tabs
    are collapsed to one space, and leading and trailing white space is stripped.

    Parameters
    ----------
    text : str
        Decoded text (a whole page or a single line).

    Returns
    -------
    str
        The normalised text; line breaks inside it are kept.
    """
    if text.isascii():  # nothing to repair, compose or translate
        return _collapse_spaces(text)
    if any(marker in text for marker in ("\u00e2\u20ac", "\u00c3", "\u00c2")):
        try:
            import ftfy

            text = ftfy.fix_encoding(text)
        except ImportError:  # pragma: no cover - ftfy is a dependency
            pass
    return _collapse_spaces(_REPLACED.sub(_replace, unicodedata.normalize("NFC", text)))


def _collapse_spaces(text: str) -> str:
    """Runs of spaces and tabs as one space, stripped (the search only where such a run can be)."""
    return _SPACES.sub(" ", text).strip() if "  " in text or "\t" in text else text.strip()
