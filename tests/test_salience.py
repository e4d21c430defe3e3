"""Actor salience and co-occurrence on the seed corpus."""

import pytest

from sinojp.compare import salience


@pytest.fixture(scope="module")
def data(prepared_seeds):
    return prepared_seeds, salience.find_actor_mentions(prepared_seeds.sentences)


def test_salience_is_share_of_sentences(data):
    prep, mentions = data
    sal = salience.compute_salience(mentions, prep.sentences)
    assert list(sal.columns) == salience.SALIENCE_COLUMNS
    assert sal["salience"].between(0, 1).all()
    row = sal.iloc[0]
    n_sent = (prep.sentences["doc_id"] == row["doc_id"]).sum()
    naming = mentions[(mentions["doc_id"] == row["doc_id"]) & (mentions["actor"] == row["actor"])]
    assert row["n_sentences"] == naming["sent_id"].nunique()
    assert row["salience"] == pytest.approx(round(naming["sent_id"].nunique() / n_sent, 3))
    assert (sal.groupby("doc_id")["rank"].min() == 1).all()


def test_salience_by_origin_averages_over_group_documents(data):
    prep, mentions = data
    sal = salience.compute_salience(mentions, prep.sentences)
    by = salience.tabulate_salience(sal, prep.documents, "outlet_origin")
    assert (by["n_docs"] <= by["group_docs"]).all()
    g = by.iloc[0]
    docs = prep.documents.loc[prep.documents["outlet_origin"].replace("", "unknown") == g["outlet_origin"], "doc_id"]
    vals = sal[(sal["actor"] == g["actor"]) & sal["doc_id"].isin(docs)]["salience"]
    assert g["mean_salience"] == pytest.approx(vals.sum() / len(docs), abs=1e-3)


def test_cooccurrence_counts_shared_sentences(data):
    _, mentions = data
    co = salience.count_actor_cooccurrence(mentions)
    assert (co["actor_a"] < co["actor_b"]).all()
    top = co.iloc[0]
    sa = set(map(tuple, mentions.loc[mentions["actor"] == top["actor_a"], ["doc_id", "sent_id"]].to_numpy()))
    sb = set(map(tuple, mentions.loc[mentions["actor"] == top["actor_b"], ["doc_id", "sent_id"]].to_numpy()))
    assert top["n_sentences"] == len(sa & sb)
    m = salience.build_cooccurrence_matrix(co, top=5)
    assert (m.to_numpy() == m.to_numpy().T).all()
