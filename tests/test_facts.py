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


# --- alignment rules (synthetic text only) ------------------------------------------------------

def _corpus(docs, dates=None):
    """Facts and alignment of a few synthetic articles: ``docs`` maps doc_id to its sentences."""
    sents = pd.DataFrame([{"doc_id": d, "sent_id": i, "text": t}
                          for d, texts in docs.items() for i, t in enumerate(texts)])
    documents = pd.DataFrame({"doc_id": list(docs), "date": [(dates or {}).get(d, "") for d in docs]})
    table = facts.extract_facts(sents, documents)
    return table, facts.align_facts(table)


def _group(aligned, doc_id, kind):
    rows = aligned[(aligned["doc_id"] == doc_id) & (aligned["kind"] == kind)]
    assert len(rows) == 1, aligned
    return int(rows.iloc[0]["fact_group"])


def test_yearless_date_is_not_compared_with_a_full_date():
    # no publication date and no earlier year, so the first date keeps no year (XXXX-10-10)
    table, al = _corpus({
        "a": ["The ruling parties held their exchange mechanism meeting in Beijing on October 10."],
        "b": ["The ruling parties held their exchange mechanism meeting in Beijing on October 10, 2024."],
        "c": ["The ruling parties held their exchange mechanism meeting in Beijing in 2024."],
    })
    assert table.set_index("doc_id")["value"].to_dict() == {"a": "XXXX-10-10", "b": "2024-10-10", "c": "2024"}
    assert (al["fact_group"] == -1).all()  # a day without year, a full date and a year: three precisions
    # the same precision is compared: two full dates of one event, a year apart, differ
    _, al = _corpus({
        "a": ["The ruling parties held their exchange mechanism meeting in Beijing on October 10, 2023."],
        "b": ["The ruling parties held their exchange mechanism meeting in Beijing on October 10, 2024."],
    })
    assert _group(al, "a", "date") == _group(al, "b", "date") >= 0
    cmp = facts.compare_facts(al)
    assert cmp.iloc[0]["status"] == "differ" and cmp.iloc[0]["note"].startswith("same month and day")


def test_dates_of_different_events_and_datelines_are_not_compared():
    # full dates that differ in year, month and day are two events, not one event dated twice
    _, al = _corpus({
        "a": ["The ruling parties held their exchange mechanism meeting in Beijing on October 10, 2023."],
        "b": ["The ruling parties held their exchange mechanism meeting in Beijing on March 2, 2025."],
    })
    assert (al["fact_group"] == -1).all()
    # a dateline says when a report was filed, not when something happened
    table, al = _corpus({
        "a": ["OSAKA, March 3 (Wire) -- Ministers of both countries met to discuss seafood exports."],
        "b": ["KOBE, March 4 (Wire) -- Ministers of both countries met to discuss seafood exports."],
    }, dates={"a": "2025-03-03", "b": "2025-03-04"})
    assert set(table["qualifier"]) == {"dateline"}
    assert (al["fact_group"] == -1).all()


def test_facts_about_different_subjects_are_not_aligned():
    intro = "Foreign ministers Wang and Iwaya met in Beijing on Tuesday to discuss seafood, visas and tourism."
    table, al = _corpus({
        "a": [intro, "The seafood ban was in force for two years."],
        "b": [intro, "Visa waivers were extended for three years."],
    })
    durations = table[table["kind"] == "duration"]
    assert not set(durations.iloc[0]["subject"].split("|")) & set(durations.iloc[1]["subject"].split("|"))
    # same kind, same qualifier, near-identical contexts: the old rule linked them; the subjects differ
    assert _group(al, "a", "duration") == _group(al, "b", "duration") == -1
    assert facts.compare_facts(al).empty


def test_fact_without_subject_is_not_aligned():
    assert facts.extract_subject("Talks resumed (2019).", 15, 19) == []
    both = {"kind": "date", "value": "2019", "unit": "year", "qualifier": "", "sent_id": 0, "text": "2019",
            "keywords": "ruling|party|exchange|mechanism|talk|resumed"}
    table = pd.DataFrame([{**both, "doc_id": "a", "subject": ""}, {**both, "doc_id": "b", "subject": ""}])
    assert (facts.align_facts(table)["fact_group"] == -1).all()
    # the same two facts with a shared subject are aligned, and the group says what it is about
    table["subject"] = "talk|resumed"
    al = facts.align_facts(table)
    assert al["fact_group"].tolist() == [0, 0]
    assert set(facts.compare_facts(al).iloc[0]["keywords"].split("|")) == {"talk", "resumed"}


def test_different_values_for_the_same_duration_are_compared_and_flagged():
    table, al = _corpus({
        "a": ["The ruling parties resumed their exchange mechanism talks in Beijing after a five-year hiatus."],
        "b": ["The ruling parties resumed their exchange mechanism talks in Beijing after a seven-year hiatus."],
    })
    assert set(table["qualifier"]) == {"gap"}
    assert _group(al, "a", "duration") == _group(al, "b", "duration") >= 0
    cmp = facts.compare_facts(al)
    assert len(cmp) == 1 and cmp.iloc[0]["status"] == "differ"
    assert set(cmp.iloc[0]["values"].split("|")) == {"5 year", "7 year"}
    assert cmp.iloc[0]["keywords"]  # the group names its subject, never "()"
    assert set(facts.flag_facts(al, cmp)["status"]) == {"differ"}


def test_amounts_far_apart_or_of_other_times_are_not_compared():
    # "a day after" and "two years ahead": no slip turns one into the other
    _, al = _corpus({
        "a": ["The defence spending plan for the navy was agreed a day after the summit."],
        "b": ["The defence spending plan for the navy was agreed two years after the summit."],
    })
    assert (al["fact_group"] == -1).all()
    # a tariff rate of March and one of August are two figures, not a disagreement
    texts = {"a": ["Washington raised its tariff on steel from the region to 25 percent."],
             "b": ["Washington raised its tariff on steel from the region to 20 percent."]}
    _, al = _corpus(texts, dates={"a": "2025-03-01", "b": "2025-08-01"})
    assert (al["fact_group"] == -1).all()
    _, al = _corpus(texts, dates={"a": "2025-03-01", "b": "2025-03-05"})
    assert _group(al, "a", "percent") == _group(al, "b", "percent") >= 0


def test_subject_stops_at_another_figure_of_the_same_kind():
    table = _facts("Washington set a 60% tariff on cars and a 10 to 20% tariff on steel.")
    subjects = table.set_index("value")["subject"].str.split("|").to_dict()
    assert "car" in subjects["60"] and "steel" not in subjects["60"]
    assert "steel" in subjects["20"] and "car" not in subjects["20"]


def test_compound_duration_is_one_length():
    d = _one(_facts("She was the first minister to visit the country in a year and eight months."), "duration")
    assert (d["value"], d["unit"], d["qualifier"]) == ("20", "month", "gap")


def test_check_alignment_scores_hand_checked_pairs():
    pairs = pd.DataFrame({"same_fact": [1, 1, 1, 0, 0, 1, 1, 1],
                          "version": ["after"] * 6 + ["before"] * 2,
                          "fact_group": ["g1", "g1", "g2", "g3", "g4", "g5", "b1", "b2"]})
    out = facts.check_alignment(pairs, n_boot=200).set_index("version")
    assert out.loc["after", "n"] == 6 and out.loc["after", "same"] == 4
    assert out.loc["after", "precision"] == pytest.approx(4 / 6)
    assert 0 <= out.loc["after", "ci_low"] <= 4 / 6 <= out.loc["after", "ci_high"] <= 1
    assert out.loc["after", "n_clusters"] == 5 and out.loc["before", "precision"] == 1.0
    single = facts.check_alignment(pairs, by=None, cluster=None, n_boot=200)
    assert len(single) == 1 and single.iloc[0]["n_clusters"] == 8


def test_shipped_fact_pair_judgements():
    pairs = pd.read_csv(facts.FACT_PAIRS)
    assert {"doc_a", "sent_a", "doc_b", "sent_b", "kind", "value_a", "value_b", "same_fact", "reason",
            "version"} <= set(pairs.columns)
    assert set(pairs["same_fact"]) <= {0, 1} and (pairs["version"] == "after").sum() >= 30
    assert pairs["reason"].str.split().str.len().max() <= 8  # own words, no article text
    out = facts.check_alignment(pairs).set_index("version")
    assert out.loc["after", "precision"] > out.loc["before", "precision"]
