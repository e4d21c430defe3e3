"""Outlet and outlet origin from a page's URL or header."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import pandas as pd


@lru_cache(maxsize=1)
def load_outlets() -> pd.DataFrame:
    """The outlet table shipped with the package: domain, outlet name and origin."""
    with resources.files("sinojp.resources").joinpath("outlets.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


_HOST = re.compile(r"^(?:https?://)?([^/:?#]+)")


def find_url_outlet(url: str) -> tuple[str, str]:
    """Outlet name and origin for a URL's domain from the shipped outlet table, else ``('', '')``.

    The first row of the table whose domain is the URL's host or a parent domain of it.
    """
    m = _HOST.match((url or "").strip())
    if not m:
        return "", ""
    host = m.group(1).lower()
    # the host and every tail of it after a dot: the domains that it is or ends with
    tails = [host, *(host[i + 1:] for i, c in enumerate(host) if c == ".")]
    first_rows = _first_rows()
    hits = [first_rows[t] for t in tails if t in first_rows]
    if not hits:
        return "", ""
    _, outlet, origin = min(hits)
    return outlet, origin


@lru_cache(maxsize=1)
def _first_rows() -> dict[str, tuple[int, str, str]]:
    """Lower-case domain -> (row, outlet, origin) of its first row in the outlet table."""
    out: dict[str, tuple[int, str, str]] = {}
    for row, (domain, outlet, origin, _, _) in enumerate(_outlet_patterns()):
        out.setdefault(domain, (row, outlet, origin))
    return out


def find_text_outlet(text: str) -> tuple[str, str]:
    """Outlet and origin named in page furniture (``chinadaily.com.cn | Updated``, ``Global Times``).

    Pass only the lines the cleaner removed (header, byline, footer): outlet names inside the
    article body are usually sources or subjects, not the publisher. Domains match in any case,
    names only as written.
    """
    lower = text.lower()
    for domain, outlet, origin, domain_re, name_re in _outlet_patterns():
        # substring tests first: the regexes only add the word boundaries
        if (domain in lower and domain_re.search(text)) or (
                name_re is not None and outlet in text and name_re.search(text)):
            return outlet, origin
    return "", ""


@lru_cache(maxsize=1)
def _outlet_patterns() -> tuple[tuple[str, str, str, re.Pattern[str], re.Pattern[str] | None], ...]:
    """The outlet table as (lower-case domain, outlet, origin, domain regex, name regex) tuples, compiled once."""
    return tuple(
        (row["domain"].lower(), row["outlet"], row["origin"],
         re.compile(r"(?<![\w.])" + re.escape(row["domain"]) + r"(?![\w])", re.I),
         re.compile(r"(?<![\w])" + re.escape(row["outlet"]) + r"(?![\w])") if len(row["outlet"]) >= 6 else None)
        for row in load_outlets().to_dict("records"))
