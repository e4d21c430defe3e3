"""Word tokens."""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z][A-Za-z'’.-]*|\d[\d,.%]*")


def find_words(line: str) -> list[str]:
    """Word-like tokens of a line (letters or numbers).

    A token starts with a letter (then letters, apostrophes, dots, hyphens) or with a digit (then
    digits, commas, dots, ``%``).

    Parameters
    ----------
    line : str
        One line of text.

    Returns
    -------
    list of str
        The tokens in order of appearance.
    """
    return _WORD.findall(line)
