"""Clean a corpus: every page cleaned, one document row per article piece, every removal recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from sinojp.text.dates import assign_period, find_dates, find_url_date, normalise_date
from sinojp.text.linefeatures import SiteCounts, count_site_lines, find_page_site
from sinojp.text.outlets import find_text_outlet, find_url_outlet
from sinojp.text.page import BLANK, BODY, BOILERPLATE, HEADING, TITLE, PageResult, Piece, clean_page, join_piece_text

DOCUMENT_COLUMNS = [
    "doc_id", "source", "title", "author", "date", "date_source", "page_date", "dateline",
    "outlet", "outlet_origin", "period", "url", "text",
]


REMOVAL_COLUMNS = ["doc_id", "source", "line_no", "text", "rule"]


LINE_COLUMNS = ["doc_id", "source", "line_no", "label", "rule", "text"]
TABLE_COLUMNS = ["doc_id", "table", "row", "col", "value"]


@dataclass
class Cleaned:
    """Result of cleaning a corpus: documents, removals, all line decisions, tables, manifest rows."""

    documents: pd.DataFrame
    removals: pd.DataFrame
    lines: pd.DataFrame
    tables: pd.DataFrame
    manifest: pd.DataFrame


def clean_corpus(raw_docs: pd.DataFrame, manifest: pd.DataFrame | None = None, progress: bool = False,
                 site_counts: dict[str, SiteCounts] | None = None) -> Cleaned:
    """Clean every raw document and split stitched pages.

    Each page is cleaned by :func:`sinojp.text.page.clean_page` with its URL and the repetition of
    its lines on other pages of its site (domain: the ``domain`` column, else the URL's host).
    Near-duplicates are found over the whole corpus afterwards (:mod:`sinojp.text.neardup`).

    Parameters
    ----------
    raw_docs : DataFrame
        From :func:`sinojp.corpus.read_corpus` (doc_id, source, raw_text and metadata columns).
    manifest : DataFrame, optional
        The reading manifest; rows are updated for split documents and pages left empty.
    progress : bool
        Show a progress bar (tqdm) while cleaning.
    site_counts : dict, optional
        ``domain -> SiteCounts`` counted over the whole corpus being cleaned
        (:func:`sinojp.text.linefeatures.count_site_lines`), when ``raw_docs`` is only a part of
        it (the pipeline cleans in chunks); by default they are counted over ``raw_docs``.

    Returns
    -------
    Cleaned
        ``documents`` (DOCUMENT_COLUMNS plus any extra metadata columns), ``removals`` (every
        removed line with its rule), ``lines`` (every line's decision), ``tables`` and the
        updated ``manifest``.
    """
    docs, removals, lines, tables = [], [], [], []
    manifest = manifest.copy() if manifest is not None else pd.DataFrame(columns=["source", "doc_id", "status", "reason"])
    extra_cols = [c for c in raw_docs.columns if c not in ("raw_text", "format", "encoding")]
    new_manifest: list[dict] = []
    records = raw_docs.to_dict("records")
    if site_counts is None:
        # repetition across pages of the same site, counted over the corpus being cleaned
        site_counts = count_site_lines((find_page_site(r), r["raw_text"]) for r in records)
    if progress:
        from tqdm.auto import tqdm

        records = tqdm(records, desc="cleaning", unit="doc")
    for rec in records:
        site = find_page_site(rec)
        page = clean_page(rec["raw_text"], known_title=rec.get("title", ""), url=str(rec.get("url", "") or ""),
                          site_counts=site_counts.get(site) if site else None)
        n = len(page.pieces)
        for d in page.decisions:
            lines.append({"doc_id": rec["doc_id"], "source": rec["source"], "line_no": d.line_no,
                          "label": d.label, "rule": d.rule, "text": d.raw})
            if d.label in (BOILERPLATE, TITLE):
                removals.append({"doc_id": rec["doc_id"], "source": rec["source"], "line_no": d.line_no,
                                 "text": d.raw.strip(), "rule": d.rule})
        for t_idx, table in enumerate(page.tables):
            for r_idx, row in enumerate(table):
                for c_idx, value in enumerate(row):
                    tables.append({"doc_id": rec["doc_id"], "table": t_idx, "row": r_idx, "col": c_idx, "value": value})
        for p_idx, piece in enumerate(page.pieces, start=1):
            doc_id = rec["doc_id"] if p_idx == 1 else f"{rec['doc_id']}#{p_idx}"
            doc = _document_row(rec, page, piece, doc_id, first=p_idx == 1)
            docs.append(doc)
            if n > 1:
                first_line = next((d.line_no for d in piece.lines if d.label in (BODY, HEADING, TITLE)), 0)
                new_manifest.append({"source": rec["source"], "doc_id": doc_id, "status": "split",
                                     "reason": f"piece {p_idx} of {n} stitched into one page, from line {first_line}: "
                                               f"{piece.title[:60]}"})
    documents = pd.DataFrame(docs)
    for col in DOCUMENT_COLUMNS:
        if col not in documents.columns:
            documents[col] = pd.Series(dtype=str)
    extra = [c for c in extra_cols if c not in DOCUMENT_COLUMNS and c in documents.columns]
    documents = documents[DOCUMENT_COLUMNS + extra].fillna("").reset_index(drop=True)
    if new_manifest:
        split_sources = {m["source"] for m in new_manifest}
        manifest = pd.concat([manifest[~manifest["source"].isin(split_sources)], pd.DataFrame(new_manifest)],
                             ignore_index=True)
    empty = documents["text"].str.strip() == ""
    if empty.any():
        for doc_id in documents.loc[empty, "doc_id"]:
            manifest.loc[manifest["doc_id"] == doc_id, ["status", "reason"]] = ["rejected", "no article text left after cleaning"]
        documents = documents[~empty].reset_index(drop=True)
    order = {s: i for i, s in enumerate(raw_docs["source"])}
    manifest = manifest.assign(_o=manifest["source"].map(order).fillna(len(order))).sort_values(
        ["_o", "doc_id"], kind="stable").drop(columns="_o").reset_index(drop=True)
    return Cleaned(documents, pd.DataFrame(removals, columns=REMOVAL_COLUMNS),
                   pd.DataFrame(lines, columns=LINE_COLUMNS),
                   pd.DataFrame(tables, columns=TABLE_COLUMNS), manifest)


def _document_row(rec: dict, page: PageResult, piece: Piece, doc_id: str, first: bool) -> dict:
    row = {k: v for k, v in rec.items() if k not in ("raw_text", "format", "encoding")}
    row["doc_id"] = doc_id
    row["text"] = join_piece_text(piece)
    meta_title = rec.get("title", "")
    row["title"] = (meta_title if first and meta_title else piece.title if not first else (piece.title or page.title))
    row["author"] = rec.get("author", "") or (page.author if first else "")
    row["page_date"] = page.page_date
    row["dateline"] = page.dateline if first else ""
    date, source = normalise_date(rec.get("pub_date", "")), "metadata"
    if not date and page.pub_date:
        # the most plausible publication date of the page: URL, header dateline, scraper field
        date, source = page.pub_date, page.pub_date_source
    if not date and page.dateline and first:
        found = find_dates(page.dateline)
        date, source = (found[0].iso, "dateline") if found else ("", "")
    if not date:
        date, source = find_url_date(rec.get("url", "")), "url"
    if not date and page.scraper_date:
        # A "date YYYY-MM-DD" field the scraper wrote before the page text: its own reading of the
        # publication date, unlike a date widget, which shows the day the page was fetched.
        date, source = page.scraper_date, "scraper_field"
    row["date"], row["date_source"] = date, source if date else ""
    row["period"] = rec.get("period", "") or assign_period(date)
    outlet, origin = rec.get("outlet", ""), rec.get("outlet_origin", "")
    if not outlet or not origin:
        u_outlet, u_origin = find_url_outlet(rec.get("url", ""))
        header = "\n".join(d.text for d in page.decisions if d.label in (BOILERPLATE, TITLE))
        t_outlet, t_origin = find_text_outlet(header)
        outlet = outlet or u_outlet or t_outlet
        origin = origin or u_origin or t_origin
    row["outlet"], row["outlet_origin"] = outlet, origin
    return row


def count_removals(removals: pd.DataFrame, model_reasons: bool = True) -> pd.DataFrame:
    """Lines removed per document (rows) and rule (columns), with totals.

    Parameters
    ----------
    removals : DataFrame
        Removed lines with at least ``doc_id`` and ``rule`` (rows of ``REMOVAL_COLUMNS``, e.g.
        :attr:`sinojp.Prepared.removals`).
    model_reasons : bool
        True (default): each of the line model's reasons (``model: short, no verb``) is a column of
        its own. False: every line the model removed without a furniture pattern or title rule is
        counted in one column ``model``.

    Returns
    -------
    DataFrame
        A cross-tabulation indexed by ``doc_id`` with one column per rule holding the number of
        lines it removed; a ``total`` column and a ``total`` row hold the sums. Documents with no
        removals do not appear.
    """
    rule = removals["rule"].astype(str)
    if not model_reasons:
        rule = rule.where(~rule.str.startswith("model"), "model")
    table = pd.crosstab(removals["doc_id"], rule, margins=True, margins_name="total")
    return table


def show_before_after(lines: pd.DataFrame, doc_id: str, width: int = 80) -> pd.DataFrame:
    """Every non-blank raw line of one page with what the cleaner did to it and why.

    Parameters
    ----------
    lines : DataFrame
        Every line's decision (rows of ``LINE_COLUMNS``: ``doc_id, source, line_no, label, rule,
        text``), e.g. :attr:`sinojp.Prepared.lines`.
    doc_id : str
        The document to show.
    width : int
        Characters of each line's text to show (default 80; see :func:`shorten`).

    Returns
    -------
    DataFrame
        ``line_no, kept (yes/no), label, rule, text`` with the text shortened to ``width`` characters;
        a line is kept when its label is ``body`` or ``heading``. Empty for an unknown ``doc_id``.
    """
    rows = lines[(lines["doc_id"] == doc_id) & (lines["label"] != BLANK)]
    return pd.DataFrame({
        "line_no": rows["line_no"].to_numpy(),
        "kept": ["yes" if lab in (BODY, HEADING) else "no" for lab in rows["label"]],
        "label": rows["label"].to_numpy(),
        "rule": rows["rule"].to_numpy(),
        "text": [shorten(t, width) for t in rows["text"]],
    })


def shorten(text: str, width: int = 80) -> str:
    """Collapse white space and cut a text to ``width`` characters with an ellipsis.

    Parameters
    ----------
    text : str
        Any text (other values are converted with ``str``).
    width : int
        Maximum length of the result (default 80).

    Returns
    -------
    str
        The text with runs of white space collapsed to one space and stripped; when longer than
        ``width``, its first ``width - 1`` characters (trailing space removed) and ``…``.
    """
    text = re.sub(r"\s+", " ", str(text)).strip()
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
