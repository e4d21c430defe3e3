"""Fact extraction on real sentences, and the disagreement finder on the shipped corpus."""

import pandas as pd
import pytest

from sinojp.measures import facts


def _facts(*texts, documents=None):
    sents = pd.DataFrame({"doc_id": "d", "sent_id": range(len(texts)), "text": list(texts)})
    return facts.extract_facts(sents, documents)


def _one(table, kind):
    rows = table[table["kind"] == kind]
    assert len(rows) == 1, table
    return rows.iloc[0]


def test_dates_with_and_without_year():
    t = _facts("The meeting, held in Beijing on January 14, 2025, marks a pivotal moment in bilateral relations.",
               "The japanese delegation is set to meet Li Qiang, the second-ranked leader of the CPC, on January 15, "
               "where they will deliver a personal letter.")
    d = t[t["kind"] == "date"]
    assert d["value"].tolist() == ["2025-01-14", "2025-01-15"]
    assert d["year_inferred"].tolist() == [False, True]
    t = _facts("On September 27, 2024, Ishiba hosted Hiroshi Moriyama and Makoto Nishida.")
    assert _one(t, "date")["value"] == "2024-09-27"


def test_year_falls_back_to_publication_date():
    docs = pd.DataFrame({"doc_id": ["d"], "date": ["2025-01-13"]})
    t = _facts("The recent thaw in relations can be traced back to significant interactions between the foreign "
               "ministers of both nations, culminating in a 10-point consensus on December 25.", documents=docs)
    assert _one(t, "date")["value"] == "2024-12-25" and bool(_one(t, "date")["year_inferred"])
    count = _one(t, "count")
    assert (count["value"], count["unit"]) == ("10", "point consensus")


def test_durations_gap_and_length():
    t = _facts("This gathering, taking place from Monday to Wednesday and marking the mechanism's first session in "
               "seven years, signifies a renewed effort.")
    d = _one(t, "duration")
    assert (d["value"], d["unit"], d["qualifier"]) == ("7", "year", "gap")
    t = _facts("In a significant diplomatic move, Japan and China have resumed high-level talks between their "
               "ruling parties after a five-year hiatus.")
    d = _one(t, "duration")
    assert (d["value"], d["unit"], d["qualifier"]) == ("5", "year", "gap")
    t = _facts("A court handed the employee a term of 3.5 years in prison on spying charges.")
    d = _one(t, "duration")
    assert (d["value"], d["unit"], d["qualifier"]) == ("3.5", "year", "length")
    t = _facts("Visitors from the neighbouring country now get a 30-day visa exemption on arrival.")
    d = _one(t, "duration")
    assert (d["value"], d["unit"], d["qualifier"]) == ("30", "day", "length")


def test_money_percent_counts():
    t = _facts("China-Japan trade amounted to US$308.27 billion, nearly $20 billion less than China-South Korea "
               "trade at US$328.08 billion, putting pressure on Japan.")
    m = t[t["kind"] == "money"]
    assert m["value"].tolist() == ["308270000000", "20000000000", "328080000000"]
    assert set(m["unit"]) == {"USD"}
    t = _facts("During his campaign, Trump vowed to increase tariffs on Chinese goods to 60%, a move that could "
               "significantly disrupt trade.")
    assert _one(t, "percent")["value"] == "60"
    t = _facts("Shipments may restart from 37 prefectures once checks are complete.")
    c = _one(t, "count")
    assert (c["value"], c["unit"]) == ("37", "prefecture")
    c = _one(_facts("Miyagi, Iwate and 8 other prefectures stay on the list for now."), "count")
    assert (c["value"], c["unit"], c["text"]) == ("8", "prefecture", "8 other prefectures")
    t = _facts("These meetings highlight the high-level engagement between the two nations, with the Japanese "
               "delegation meeting two of the seven members of the CPC Politburo Standing Committee and three "
               "of the 24 Politburo members.")
    assert set(zip(t["value"], t["unit"])) == {("7", "member"), ("24", "politburo member")}


def test_keywords_drop_function_words():
    kw = facts.extract_keywords("The ninth meeting of the China-Japan Ruling Party Exchange Mechanism with Li Qiang.")
    assert {"china-japan", "ruling", "party", "exchange", "mechanism", "li", "qiang", "meeting"} <= set(kw)
    assert not {"the", "of", "with", "ninth"} & set(kw)


@pytest.fixture(scope="module")
def aligned(prepared_seeds):
    prep = prepared_seeds
    return facts.align_facts(facts.extract_facts(prep.sentences, prep.documents)), prep


def test_disagreement_on_mechanism_pause_in_shipped_corpus(aligned):
    al, _ = aligned
    cmp = facts.compare_facts(al)
    pause = cmp[(cmp["kind"] == "duration") & (cmp["status"] == "differ")]
    assert len(pause) >= 1
    values = set(pause.iloc[0]["values"].split("|"))
    assert {"5 year", "7 year"} <= values
    docs = set(pause.iloc[0]["docs"].split("|"))
    assert any(d.startswith("000_") for d in docs) and any(d.startswith("001_") for d in docs)


def test_year_disagreement_in_shipped_corpus(aligned):
    al, _ = aligned
    cmp = facts.compare_facts(al)
    dates = cmp[(cmp["kind"] == "date") & (cmp["status"] == "differ")]
    same_day = dates[dates["note"].str.startswith("same month and day")]
    assert any({"2024-01-15", "2025-01-15"} <= set(v.split("|")) for v in same_day["values"])


def test_coverage_marks_who_leaves_a_fact_out(aligned):
    al, prep = aligned
    cov = facts.tabulate_fact_coverage(al, prep.documents["doc_id"].tolist())
    assert list(cov.columns) == prep.documents["doc_id"].tolist()
    assert ((cov != "").sum(axis=1) >= 2).all()
    assert (cov == "").any(axis=None)
