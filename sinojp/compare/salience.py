"""Actor salience and co-occurrence: who is mentioned, how often, and by whom.

Mentions come from the gazetteer (:func:`sinojp.measures.find_actors`). Salience is the share of a
document's sentences that name an actor (so long and short articles compare); by outlet origin
(or any metadata column) it is averaged over the group's documents. Co-occurrence counts the
sentences that name two actors together.
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd

SALIENCE_COLUMNS = ["doc_id", "actor", "country", "n_mentions", "n_sentences", "salience", "rank"]


def find_actor_mentions(sentences: pd.DataFrame) -> pd.DataFrame:
    """Gazetteer mentions in a sentence table (``doc_id, sent_id, surface, actor, country, ...``).

    The packaged gazetteer is used (:func:`sinojp.measures.find_actors`).

    Parameters
    ----------
    sentences : DataFrame
        ``doc_id, sent_id, text``, e.g. :attr:`sinojp.Prepared.sentences`.

    Returns
    -------
    DataFrame
        One row per mention: ``doc_id, sent_id, start, end, surface, actor, country, role, type``
        (the character span and text of the mention within its sentence, then the actor's
        gazetteer fields).
    """
    from sinojp.measures.actors import find_actors

    return find_actors(sentences)


def compute_salience(mentions: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Actor salience per document.

    Parameters
    ----------
    mentions : DataFrame
        ``doc_id, sent_id, actor, country`` (from :func:`find_actor_mentions`).
    sentences : DataFrame
        ``doc_id, sent_id`` of all sentences (the denominators).

    Returns
    -------
    DataFrame
        ``doc_id, actor, country, n_mentions, n_sentences`` (sentences naming the actor),
        ``salience`` (``n_sentences`` over the document's sentences), ``rank`` (1 = most
        salient in the document; ties share the rank).
    """
    if mentions.empty:
        return pd.DataFrame(columns=SALIENCE_COLUMNS)
    totals = sentences.groupby("doc_id")["sent_id"].nunique()
    g = mentions.groupby(["doc_id", "actor", "country"], sort=True)
    out = pd.DataFrame({"n_mentions": g.size(), "n_sentences": g["sent_id"].nunique()}).reset_index()
    out["salience"] = (out["n_sentences"] / out["doc_id"].map(totals)).round(3)
    out["rank"] = out.groupby("doc_id")["salience"].rank(method="min", ascending=False).astype(int)
    return out.sort_values(["doc_id", "rank", "actor"], kind="mergesort").reset_index(drop=True)[SALIENCE_COLUMNS]


def tabulate_salience(salience: pd.DataFrame, documents: pd.DataFrame, by: str = "outlet_origin",
                min_docs: int = 1) -> pd.DataFrame:
    """Mean actor salience over the documents of each group.

    A document that never names an actor counts as salience 0 for it.

    Parameters
    ----------
    salience : DataFrame
        Actor salience per document (:func:`sinojp.compare.compute_salience`).
    documents : DataFrame
        ``doc_id`` and the ``by`` column for every document of the groups (the denominators);
        missing or empty values form the group ``"unknown"``.
    by : str
        The grouping column (default ``"outlet_origin"``; ``"period"``, ``"outlet"``...).
    min_docs : int
        Keep only actors named by at least this many documents of the group (default 1).

    Returns
    -------
    DataFrame
        ``<by>, actor, country, n_docs`` (documents of the group naming the actor),
        ``group_docs`` (documents of the group), ``n_mentions`` (mentions summed over the group),
        ``mean_salience`` (rounded to 3 decimals); sorted by group, then by decreasing salience.
    """
    meta = documents[["doc_id", by]].copy()
    meta[by] = meta[by].fillna("").astype(str).replace("", "unknown")
    sal = salience.merge(meta, on="doc_id", how="inner")
    size = meta.groupby(by)["doc_id"].nunique()
    g = sal.groupby([by, "actor", "country"], sort=True)
    out = pd.DataFrame({"n_docs": g["doc_id"].nunique(), "n_mentions": g["n_mentions"].sum(),
                        "sum_salience": g["salience"].sum()}).reset_index()
    out["group_docs"] = out[by].map(size)
    out["mean_salience"] = (out["sum_salience"] / out["group_docs"]).round(3)
    out = out[out["n_docs"] >= min_docs]
    out = out.sort_values([by, "mean_salience", "actor"], ascending=[True, False, True], kind="mergesort")
    return out[[by, "actor", "country", "n_docs", "group_docs", "n_mentions", "mean_salience"]].reset_index(drop=True)


def count_actor_cooccurrence(mentions: pd.DataFrame) -> pd.DataFrame:
    """Sentence-level co-mentions of actor pairs.

    Parameters
    ----------
    mentions : DataFrame
        ``doc_id, sent_id, actor`` (from :func:`find_actor_mentions`); an actor named twice in a
        sentence counts once.

    Returns
    -------
    DataFrame
        ``actor_a, actor_b`` (alphabetical), ``n_sentences`` (sentences naming both),
        ``n_docs`` (documents with such a sentence), sorted by ``n_sentences`` descending, then
        ``n_docs`` descending, then by the actors' names.
    """
    pairs: dict[tuple[str, str], set] = {}
    for (doc_id, sent_id), grp in mentions.groupby(["doc_id", "sent_id"], sort=True):
        for a, b in combinations(sorted(set(grp["actor"])), 2):
            pairs.setdefault((a, b), set()).add((doc_id, sent_id))
    rows = [{"actor_a": a, "actor_b": b, "n_sentences": len(s), "n_docs": len({d for d, _ in s})}
            for (a, b), s in pairs.items()]
    out = pd.DataFrame(rows, columns=["actor_a", "actor_b", "n_sentences", "n_docs"])
    return out.sort_values(["n_sentences", "n_docs", "actor_a", "actor_b"],
                           ascending=[False, False, True, True], kind="mergesort").reset_index(drop=True)


def build_cooccurrence_matrix(cooc: pd.DataFrame, actors: list[str] | None = None, top: int = 12) -> pd.DataFrame:
    """Square actor x actor matrix of co-mention counts (the ``top`` actors by co-mentions).

    Parameters
    ----------
    cooc : DataFrame
        ``actor_a, actor_b, n_sentences`` (from :func:`count_actor_cooccurrence`).
    actors : list of str, optional
        The actors to show, in this order; by default the ``top`` actors with the most co-mention
        sentences summed over their pairs (ties by name).
    top : int
        Number of actors chosen when ``actors`` is not given (default 12).

    Returns
    -------
    DataFrame
        Symmetric, indexed (index named ``actor``) and columned by the actors: the number of
        sentences naming both actors, 0 for pairs never named together and on the diagonal.
    """
    if actors is None:
        weight = pd.concat([cooc[["actor_a", "n_sentences"]].rename(columns={"actor_a": "actor"}),
                            cooc[["actor_b", "n_sentences"]].rename(columns={"actor_b": "actor"})])
        tot = weight.groupby("actor")["n_sentences"].sum()
        actors = sorted(tot.index, key=lambda a: (-tot[a], a))[:top]
    m = pd.DataFrame(0, index=pd.Index(actors, name="actor"), columns=actors)
    for a, b, n in cooc[["actor_a", "actor_b", "n_sentences"]].itertuples(index=False):
        if a in m.index and b in m.index:
            m.loc[a, b] = m.loc[b, a] = int(n)
    return m
