"""Cleaning rules on real lines from the seeds and the sample; the split page; never inventing text."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sinojp import prepare
from sinojp.corpus import read_corpus
from sinojp.text.clean import clean_corpus
from sinojp.text.lines import match_rule
from sinojp.text.normalise import normalise_unicode
from sinojp.text.page import clean_page, join_piece_text


@pytest.mark.parametrize("line,rule", [
    ("Home » World » U.S. Regime Shift Drives China and Japan Toward Closer Ties", "breadcrumb"),
    ("HomeGlobal RelationsUS Power Shift: A Crucial Moment for Japan to Rebuild Relations with...", "breadcrumb"),
    ("Home / Opinion / Editorials", "breadcrumb"),
    ("Tuesday, October 21, 2025", "date_widget"),
    ("Monday, 2025-07-21", "date_widget"),
    ("30.9 C", "weather_widget"),
    ("LEAVE A REPLY", "comment_form"),
    ("Please enter your comment!", "comment_form"),
    ("This site uses Akismet to reduce spam. Learn how your comment data is processed.", "comment_form"),
    ("RELATED ARTICLES", "related_block"),
    ("Most Popular", "related_block"),
    ("TRENDING", "related_block"),
    ("- Advertisement -spot_img", "advertisement"),
    ("Share - WeChat", "share_prompt"),
    ("Image Source: Kyodo News", "image_credit"),
    ("Note: this picture is AI-generated and shows no real scene.", "image_credit"),
    ("Stay tuned as we continue to monitor these developments and their impact on global geopolitics.", "copyright_promo"),
    ("This article is based on exclusive reporting by the Nihon Keizai Shimbun.All rights reserved.", "copyright_promo"),
    ('video-container">', "html_fragment"),
    ("By Li Ming and Sato Kenji Published: Oct 3, 2025 09:15 AM", "byline"),
    ("13:16 JST, May 30, 2025", "dateline"),
    ("(The author, a postgraduate student of Chinese studies at Oxford University, is an English analyst "
     "on international relations. The views are his own.)", "author_bio"),
    ("|———————————|—————————————————————————–|", "table_separator"),
    ("(This story has not been edited by Devdiscourse staff and is auto-generated from a syndicated feed.)",
     "copyright_promo"),
    ("Reporting by Kiyoshi Takenaka; Editing by Lincoln Feast", "credit"),
    ("3 min read", "copyright_promo"),
    ("Wang Yi meets Takeshi Iwaya in Beijing, Dec 25, 2024. [Photo/Xinhua]", "image_credit"),
])
def test_furniture_rules(line, rule):
    assert match_rule(normalise_unicode(line)) == rule


@pytest.mark.parametrize("line", [
    "Coverage of the foreign minister's trip to Beijing on Wednesday read like a glass half empty.",
    "However, Ishiba's ambitions are not without hurdles.",
    "Senior Editor: Dr. tanaka, thank you for joining us.",
    "Despite these concerns, the two sides agreed to hold a high-level economic dialogue.",
])
def test_body_sentences_match_no_rule(line):
    assert match_rule(normalise_unicode(line)) == ""


def test_normalise_unicode_keeps_words():
    assert normalise_unicode("Japan\u2019s \u201cstrategic\u00a0hedging\u201d \u2014 now") == 'Japan\'s "strategic hedging" \u2014 now'
    assert normalise_unicode("Japan\u00e2\u20ac\u2122s ties") == "Japan's ties"


def test_stitched_seed_splits_into_three(seeds_dir):
    raw = read_corpus(seeds_dir)
    cleaned = clean_corpus(raw.documents, raw.manifest)
    pieces = cleaned.documents[cleaned.documents["doc_id"].str.startswith("001_")]
    assert list(pieces["doc_id"]) == ["001_8aa480ebde033b0a", "001_8aa480ebde033b0a#2", "001_8aa480ebde033b0a#3"]
    assert pieces.iloc[1]["title"] == "China and Japan Navigate Complex Relations Amid U.S. Pressure"
    assert pieces.iloc[2]["text"].startswith("In a world where geopolitical dynamics")
    assert "Senior Editor:" in pieces.iloc[2]["text"] and "Senior Editor:" not in pieces.iloc[0]["text"]
    man = cleaned.manifest[cleaned.manifest["source"] == "001_8aa480ebde033b0a.txt"]
    assert list(man["status"]) == ["split"] * 3
    # Other seeds are one piece each, and their sub-headings do not split them.
    assert (cleaned.manifest["status"] != "split").sum() == 4


def test_seed_cleaning_keeps_body_and_records_removals(prepared_seeds):
    docs = prepared_seeds.documents.set_index("doc_id")
    text = docs.loc["000_092c08207db673d3", "text"]
    assert text.startswith("In a notable diplomatic development")
    assert "LEAVE A REPLY" not in text and "Most Popular" not in text and "Tuesday, October 21" not in text
    rem = prepared_seeds.removals
    rules = set(rem.loc[rem["doc_id"] == "000_092c08207db673d3", "rule"])
    assert {"date_widget", "breadcrumb", "title", "comment_form", "related_block"} <= rules
    # The weather widget and 'spot_img' ads of seed 003, the repeated byline of seed 004.
    r3 = rem[rem["doc_id"] == "003_927448596f21ff95"]
    assert "weather_widget" in set(r3["rule"]) and "advertisement" in set(r3["rule"])
    assert "Tom Fowdy" not in docs.loc["004_fe619e919cbf3608", "text"]
    assert docs.loc["004_fe619e919cbf3608", "text"].startswith("China and Japan are currently undertaking")


def test_mojibake_tables_become_clean_rows(prepared_seeds):
    text = prepared_seeds.documents.set_index("doc_id").loc["001_8aa480ebde033b0a", "text"]
    assert "———" not in text and "|" not in text
    assert "Participants: Hiroshi Moriyama (LDP), Liu Jianchao (CPC), Wang Yi, Wang Huning, Shi Taifeng" in text
    tables = prepared_seeds.tables
    assert tables[tables["doc_id"] == "001_8aa480ebde033b0a"]["table"].nunique() == 2


def test_slips_are_flagged_not_corrected(prepared_seeds):
    text = prepared_seeds.documents.set_index("doc_id").loc["001_8aa480ebde033b0a", "text"]
    assert "frist time" in text
    flags = prepared_seeds.flags
    assert ((flags["found"] == "frist") & (flags["suggestion"] == "first")).any()
    assert ((flags["kind"] == "lowercase_proper_noun") & (flags["found"] == "moriyama")).any()


def test_sample_header_zone(sample_dir):
    raw = read_corpus(sample_dir / "raw")
    doc_id = "2025-07-17_devdiscourse-com_japanese-national-espionage-sentence"
    rec = raw.documents.set_index("doc_id").loc[doc_id]
    meta = pd.read_csv(sample_dir / "metadata.csv", dtype=str, keep_default_na=False).set_index("doc_id")
    labels = pd.read_csv(sample_dir / "labels.csv", dtype=str, keep_default_na=False).set_index("doc_id")
    page = clean_page(rec["raw_text"])
    assert page.title == meta.loc[doc_id, "title"]
    body = join_piece_text(page.pieces[0])
    assert body.startswith(labels.loc[doc_id, "body_start"])
    assert "TRENDING" not in body  # the page's trending block of links is furniture


def test_near_duplicates_are_marked(tmp_path, seeds_dir):
    text = (seeds_dir / "002_ea4352de70d833d8.txt").read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text.replace("Leave a Reply", "Comments") + "\nShare\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text((seeds_dir / "004_fe619e919cbf3608.txt").read_text(encoding="utf-8"), encoding="utf-8")
    prep = prepare(tmp_path)
    status = prep.manifest.set_index("doc_id")["status"]
    assert status["b"] == "duplicate" and status["a"] == "ok" and status["c"] == "ok"
    assert "b" not in set(prep.documents["doc_id"])
    assert list(prep.documents["doc_id"]) == ["a", "c"]


def _source_words(text):
    import re

    return set(re.findall(r"[A-Za-z0-9]+", normalise_unicode(text)))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(
    st.text(max_size=120),
    st.sampled_from(["Home » World", "LEAVE A REPLY", "| a | b |", "|———|———|", "Tom Fowdy", "Share", "TRENDING", ""]),
    st.from_regex(r"[A-Z][a-z]+( [a-z]+){12,25}\.", fullmatch=True),
), max_size=25))
def test_cleaning_never_raises_and_never_invents_words(lines):
    raw_text = "\n".join(lines)
    docs = pd.DataFrame([{"doc_id": "x", "source": "x.txt", "raw_text": raw_text, "title": ""}])
    cleaned = clean_corpus(docs)
    allowed = _source_words(raw_text)
    for text in cleaned.documents["text"]:
        import re

        assert set(re.findall(r"[A-Za-z0-9]+", text)) <= allowed
    assert len(cleaned.lines) == len(raw_text.splitlines())


@pytest.mark.parametrize("width", [50, 72, 100])
@pytest.mark.parametrize("name", ["000_092c08207db673d3.txt", "001_8aa480ebde033b0a.txt", "003_927448596f21ff95.txt"])
def test_hard_wrapped_pages_clean_like_the_original(seeds_dir, name, width):
    import re
    import textwrap

    raw = (seeds_dir / name).read_text(encoding="utf-8")
    wrapped = "\n".join("\n".join(textwrap.wrap(line, width, break_on_hyphens=False)) if len(line) > width else line
                        for line in raw.splitlines())
    original, rewrapped = clean_page(raw), clean_page(wrapped)
    assert len(rewrapped.pieces) == len(original.pieces)
    flat = [re.sub(r"\s+", " ", join_piece_text(p)) for p in original.pieces]
    assert [re.sub(r"\s+", " ", join_piece_text(p)) for p in rewrapped.pieces] == flat
    # Every raw line of the wrapped page still gets a decision.
    assert len(rewrapped.decisions) == len(wrapped.splitlines())


def test_dates_come_from_dateline_url_or_scraper_field_never_the_widget():
    docs = pd.DataFrame([
        {"doc_id": "a", "source": "a.txt", "title": "", "url": "",
         "raw_text": "Tuesday, October 21, 2025\n\nJapan and China agree on talks\n\n" + "Officials from both sides met in Beijing on Monday and agreed to keep talking about trade. " * 2},
        {"doc_id": "b", "source": "b.txt", "title": "", "url": "https://news.example.com/2025-11-16/story.html",
         "raw_text": "Officials from both sides met in Beijing on Monday and agreed to keep talking about trade and travel."},
        {"doc_id": "c", "source": "c.txt", "title": "", "url": "",
         "raw_text": " date 2025-05-30 Japan and China agree\n" + "Officials in both capitals said on Friday that seafood shipments will restart under new inspection rules."},
    ])
    out = clean_corpus(docs).documents.set_index("doc_id")
    assert out.loc["a", "date"] == "" and out.loc["a", "page_date"] == "2025-10-21"
    assert (out.loc["b", "date"], out.loc["b", "date_source"]) == ("2025-11-16", "url")
    assert (out.loc["c", "date"], out.loc["c", "date_source"]) == ("2025-05-30", "scraper_field")
    assert out.loc["c", "title"] == "Japan and China agree"
