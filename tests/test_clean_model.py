"""The learned line classifier inside clean_page: keep when in doubt, reasons for removals, site
repetition counted once over the corpus, title and date rules."""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from importlib import resources

import pandas as pd

from sinojp.corpus import iter_items
from sinojp.pipeline.stages import clean_chunk, count_chunk
from sinojp.text.clean import clean_corpus
from sinojp.text.linefeatures import (
    FEATURES,
    build_line_features,
    count_site_lines,
    hash_page_lines,
    merge_site_lines,
)
from sinojp.text.linemodel import MODEL_RESOURCE, LineModel, classify_lines, load_line_model
from sinojp.text.lines import LINE_RULES, line_key
from sinojp.text.page import clean_page, join_piece_text
from sinojp.text.titledate import find_line_dates, read_url_date

PROSE = [
    ("Japan and China agreed on Monday to resume talks on seafood imports, officials in Tokyo said after a "
     "meeting that both sides described as constructive and long overdue."),
    ("The two governments have been at odds for months over the release of treated water, and exporters in "
     "Hokkaido have lost much of their largest overseas market since the ban was imposed."),
    ("Analysts said the move reflected a wider effort by both capitals to stabilise relations before the "
     "next round of leaders' meetings, although disputes over security remain unresolved."),
]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]+", text))


def test_model_json_matches_the_feature_list():
    model = load_line_model()
    assert model.features == FEATURES
    assert model.coef.shape == (3, len(FEATURES)) and 0 < model.threshold < 1
    shipped = resources.files("sinojp.resources").joinpath(MODEL_RESOURCE)
    assert shipped.is_file()
    assert (LineModel.load(str(shipped)).coef == model.coef).all()


def test_furniture_goes_body_stays_with_reasons():
    page = "\n\n".join(["Home » World » Asia", "Share", PROSE[0], "ADVERTISEMENT", PROSE[1], PROSE[2],
                        "Leave a Reply", "Most Popular"])
    result = clean_page(page)
    text = join_piece_text(result.pieces[0])
    for para in PROSE:
        assert para in text
    rules = {d.rule for d in result.decisions if d.label == "boilerplate"}
    known = {r for r, _, _ in LINE_RULES} | {"date_widget", "table_separator", "non_english_line", "headline"}
    # every removal says why: the furniture pattern that fired, or the model's reasons
    assert rules and all(r in known or r.startswith("model") for r in rules)
    assert all(d.rule for d in result.decisions if d.label in ("boilerplate", "title"))


def test_hard_wrapped_opinion_with_a_byline_first_is_not_rejected():
    body = "\n".join(textwrap.wrap(" ".join(PROSE), 68))
    docs = pd.DataFrame([{"doc_id": "op", "source": "op.txt", "title": "", "url": "",
                          "raw_text": "By Tom Fowdy\n" + body}])
    cleaned = clean_corpus(docs)
    assert list(cleaned.documents["doc_id"]) == ["op"]
    assert "rejected" not in set(cleaned.manifest["status"])
    assert _words(" ".join(PROSE)) <= _words(cleaned.documents.iloc[0]["text"])


def test_truncated_last_fragment_is_body():
    page = "\n\n".join(PROSE + ["Senior officials appear to"])
    v = classify_lines(page.splitlines())
    assert v.labels[-1] == "body"


def test_site_repetition_is_counted_per_domain():
    pages = [("a.com", "Share\n" + PROSE[0]), ("a.com", "Share\n" + PROSE[1]), ("b.com", "Share\n" + PROSE[2])]
    sc = count_site_lines(pages)
    assert sc["a.com"].others("share") == (1, 1) and sc["a.com"].others(line_key(PROSE[0])) == (0, 1)
    assert "b.com" not in sc  # a site of one page repeats nothing
    X = build_line_features(pages[0][1].splitlines(), site=sc["a.com"]).X
    assert X[0, FEATURES.index("site_any")] == 1.0 and X[1, FEATURES.index("site_any")] == 0.0


def test_site_counts_keep_what_the_features_need():
    # what every page would see with complete counts (every line of every page) and with the kept ones
    texts = ["Share\nMenu\n" + PROSE[0], " date 2025-01-02 Share\n\n" + PROSE[1], "Menu\nShare\nShare\n" + PROSE[2],
             "Subscribe\n" + PROSE[0]]
    full: Counter = Counter()
    for t in texts:
        full.update({line_key(x.replace(" date 2025-01-02 ", "")) for x in t.splitlines() if x.strip()})
    sc = count_site_lines(("x.org", t) for t in texts)["x.org"]
    assert sc.pages == 4 and len(sc.lines) == sum(1 for n in full.values() if n >= 2)
    for key, n in full.items():
        assert sc.others(key) == (n - 1, 3)
    # the same counts from per-page hashes (what the pipeline's pre-pass merges)
    assert merge_site_lines(("x.org", hash_page_lines(t)) for t in texts)["x.org"] == sc


def test_chunks_clean_like_the_whole_corpus(tmp_path):
    # four pages of one site repeat a template line between their paragraphs: with the counts of
    # the whole corpus, a chunk of one page cleans it as the whole corpus does
    rows = []
    for i in range(4):
        (tmp_path / f"p{i}.txt").write_text(f"{PROSE[i % 3]}\n\nExample Wire daily edition\n\n{PROSE[(i + 1) % 3]}\n",
                                            encoding="utf-8")
        rows.append({"doc_id": f"p{i}", "url": f"https://www.example-wire.com/news/p{i}"})
    pd.DataFrame(rows).to_csv(tmp_path / "metadata.csv", index=False)
    items = list(iter_items(tmp_path).items)
    counts = merge_site_lines(pair for pair in count_chunk(items) if pair[0])
    assert counts["example-wire.com"].others("example wire daily edition") == (3, 3)

    def removals(results):
        return [r["removals"] for r in results]

    whole = clean_chunk(items, site_counts=counts)
    assert removals(whole) == removals(clean_chunk(items))  # the whole corpus in one chunk counts the same
    assert all("repeated on site" in rem[0][4] for rem in removals(whole))
    parts = clean_chunk(items[:1], site_counts=counts) + clean_chunk(items[1:], site_counts=counts)
    assert removals(parts) == removals(whole)
    assert [r["documents"] for r in parts] == [r["documents"] for r in whole]
    # counted within the chunk, a page alone would not see its site's repetition
    assert removals(clean_chunk(items[:1])) != removals(whole[:1])


def test_title_and_date_from_the_page_header():
    page = "\n\n".join(["Tuesday, October 21, 2025", "Japan and China agree to resume seafood talks",
                        "Published: October 3, 2025", *PROSE])
    result = clean_page(page)
    assert result.title == "Japan and China agree to resume seafood talks"
    # the bare date above the headline is a date widget (the day the page was fetched), not the date
    assert (result.pub_date, result.pub_date_source) == ("2025-10-03", "dateline")
    assert result.page_date == "2025-10-21"
    url = "https://example.com/world/japan-china-seafood-talks?key=20241226110400"
    assert clean_page("\n\n".join(PROSE), url=url).pub_date_source == "url"
    assert read_url_date(url) == "2024-12-26" and read_url_date("https://example.com/9-4-2025-7/") == "2025-09-04"
    assert find_line_dates("2025-07-23浏览") == ["2025-07-23"]
