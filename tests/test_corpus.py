"""Reading corpora: encodings, bad input, exports, metadata and the manifest."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sinojp.corpus import (
    CorpusError,
    check_language,
    decode_bytes,
    detect_columns,
    read_corpus,
)

SENTENCE = ("Japan’s Prime Minister said “relations” with China are improving — the café talks in Beijing "
            "were held on Monday and both sides agreed to meet again.")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"])
def test_decodes_common_encodings(encoding):
    decoded = decode_bytes(SENTENCE.encode(encoding))
    assert decoded.text == SENTENCE


@pytest.mark.parametrize("text,encoding", [
    ("中国和日本的关系正在改善。外交部长王毅表示，两国应加强对话与合作。", "gb18030"),
    ("日本と中国の関係は改善している。外務大臣は対話を強調した。", "shift_jis"),
])
def test_decodes_chinese_and_japanese_legacy_encodings(text, encoding):
    decoded = decode_bytes(text.encode(encoding))
    assert decoded.text == text and decoded.encoding == encoding


def test_rejects_binary_and_empty():
    assert decode_bytes(b"").reason == "empty file"
    assert decode_bytes(b"  \n\n").reason == "empty file"
    assert "binary" in decode_bytes(bytes(range(256)) * 20).reason


def test_language_check():
    assert check_language(SENTENCE) == ""
    assert "non-English" in check_language("中国和日本的关系正在改善。外交部长王毅表示，两国应加强对话与合作。" * 3)
    assert "non-English" in check_language("Die Beziehungen zwischen China und Japan haben sich verbessert " * 5)


def _folder(tmp_path, seeds_dir):
    (tmp_path / "a.txt").write_bytes((seeds_dir / "002_ea4352de70d833d8.txt").read_bytes())
    (tmp_path / "b_cp1252.txt").write_bytes((SENTENCE + "\n\n" + SENTENCE).encode("cp1252"))
    (tmp_path / "c_utf16.txt").write_bytes((SENTENCE + "\n").encode("utf-16"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "chinese.txt").write_bytes("中国和日本的关系正在改善。外交部长王毅表示，两国应加强对话。".encode("gb18030") * 5)
    (tmp_path / "japanese.md").write_bytes("日本と中国の関係は改善している。外務大臣は対話を強調した。".encode("shift_jis") * 5)
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / "a.html").write_text(
        "<html><head><title>Japan and China hold talks</title><script>var tracking = 1;</script>"
        "<style>p {color: red}</style></head><body><nav>Home | World</nav><article><h1>Japan and China hold talks</h1>"
        f"<p>{SENTENCE}</p><p>{SENTENCE}</p></article><footer>Copyright 2025</footer></body></html>", encoding="utf-8")
    (tmp_path / "long.txt").write_text(("Japan and China agreed to hold more talks on trade. " * 100_000), encoding="utf-8")
    return tmp_path


def test_bad_input_is_listed_never_dropped(tmp_path, seeds_dir):
    folder = _folder(tmp_path, seeds_dir)
    raw = read_corpus(folder)
    man = raw.manifest.set_index("source")
    assert len(man) == len([p for p in folder.iterdir()])
    assert man.loc["empty.txt", "status"] == "rejected" and man.loc["empty.txt", "reason"] == "empty file"
    assert "binary" in man.loc["binary.txt", "reason"]
    assert "non-English" in man.loc["chinese.txt", "reason"]
    assert "non-English" in man.loc["japanese.md", "reason"]
    assert "unsupported file type" in man.loc["picture.png", "reason"]
    ok = raw.documents.set_index("source")
    assert ok.loc["b_cp1252.txt", "encoding"] == "cp1252" and "café" in ok.loc["b_cp1252.txt", "raw_text"]
    assert ok.loc["c_utf16.txt", "raw_text"].strip() == SENTENCE
    assert ok.loc["long.txt", "raw_text"].startswith("Japan and China")
    assert man.loc["long.txt", "status"] == "ok" and "a single line of 5,200,000 characters" in man.loc["long.txt", "reason"]
    # Two files share the stem "a": both kept, the second renamed, and the manifest says so.
    assert sorted(raw.documents["doc_id"][raw.documents["doc_id"].str.startswith("a")]) == ["a", "a~2"]
    assert "renamed" in man.loc["a.txt", "reason"]


def test_html_scripts_and_styles_are_dropped(tmp_path, seeds_dir):
    raw = read_corpus(_folder(tmp_path, seeds_dir))
    html = raw.documents.set_index("source").loc["a.html"]
    assert html["format"] == "html" and html["title"] == "Japan and China hold talks"
    assert "tracking" not in html["raw_text"] and "color" not in html["raw_text"]
    assert "café talks in Beijing" in html["raw_text"]


def test_metadata_fills_documents(seeds_dir):
    raw = read_corpus(seeds_dir)
    doc = raw.documents.set_index("doc_id").loc["004_fe619e919cbf3608"]
    assert doc["author"] == "Tom Fowdy" and doc["outlet_origin"] == "china_state"
    assert (raw.manifest["status"] == "ok").all() and len(raw.manifest) == 5


def test_metadata_in_the_parent_folder_is_found(sample_dir):
    raw = read_corpus(sample_dir / "raw")
    assert (raw.documents["outlet_origin"] != "").all()


def test_csv_export_with_detected_columns(tmp_path, seeds_dir):
    text = (seeds_dir / "002_ea4352de70d833d8.txt").read_text(encoding="utf-8")
    frame = pd.DataFrame({
        "stories_id": ["11", "12", "12", "13"],
        "title": ["Ties improve", "Ties improve again", "Same id", "Empty"],
        "url": ["https://www.reuters.com/world/asia/2025-01-14/x", "https://apnews.com/a", "https://apnews.com/b", ""],
        "publish_date": ["2025-01-14 10:00:00", "2025-01-15", "2025-01-16", ""],
        "media_name": ["Reuters", "AP", "AP", "AP"],
        "story_text": [text, text.replace("Japan", "Tokyo"), SENTENCE, ""],
    })
    path = tmp_path / "export.csv"
    frame.to_csv(path, index=False)
    raw = read_corpus(path)
    assert list(raw.manifest["status"]) == ["ok", "ok", "ok", "rejected"]
    assert list(raw.documents["doc_id"]) == ["11", "12", "12~2"]
    assert raw.documents.loc[0, "outlet"] == "Reuters" and raw.documents.loc[0, "pub_date"].startswith("2025-01-14")
    assert "repeated" in raw.manifest.loc[2, "reason"]


def test_jsonl_export_and_bad_lines(tmp_path):
    path = tmp_path / "gdelt.jsonl"
    lines = [json.dumps({"DocumentIdentifier": "https://www.scmp.com/news/china/article/1", "text": SENTENCE}), "{broken",
             json.dumps({"DocumentIdentifier": "https://x.org/2", "text": ""})]
    path.write_text("\n".join(lines), encoding="utf-8")
    raw = read_corpus(path)
    assert list(raw.manifest["status"]) == ["ok", "rejected", "rejected"]
    assert "not valid JSON" in raw.manifest.loc[1, "reason"]
    assert raw.documents.loc[0, "url"].startswith("https://www.scmp.com")


def test_export_without_text_column_is_a_clear_error(tmp_path):
    path = tmp_path / "no_text.csv"
    pd.DataFrame({"title": ["a"], "url": ["b"]}).to_csv(path, index=False)
    with pytest.raises(CorpusError, match="no text column"):
        read_corpus(path)
    with pytest.raises(CorpusError, match="no such file"):
        read_corpus(tmp_path / "missing")


def test_detect_columns_given_names_win():
    cols = detect_columns(["body", "headline", "link", "seendate", "sourcecommonname"], text="body")
    assert cols == {"text": "body", "title": "headline", "url": "link", "pub_date": "seendate",
                    "outlet": "sourcecommonname"}
    with pytest.raises(CorpusError):
        detect_columns(["body"], text="story")


def test_random_bytes_are_rejected_as_binary():
    rng = np.random.default_rng(0)
    for size in (40, 400, 40_000):
        reason = decode_bytes(bytes(rng.integers(0, 256, size, dtype=np.uint8))).reason
        assert reason.startswith("binary file"), (size, reason)


def test_a_stray_nul_byte_is_removed_not_the_whole_text(tmp_path, seeds_dir):
    data = (seeds_dir / "002_ea4352de70d833d8.txt").read_bytes()
    (tmp_path / "a.txt").write_bytes(data[:500] + b"\x00" + data[500:])
    raw = read_corpus(tmp_path)
    assert list(raw.manifest["status"]) == ["ok"]
    assert "stray control character" in raw.manifest["reason"].iloc[0]
    assert "\x00" not in raw.documents["raw_text"].iloc[0]


def test_sub_folders_are_read_with_ids_from_the_relative_path(tmp_path, seeds_dir):
    (tmp_path / "2025" / "nov").mkdir(parents=True)
    (tmp_path / ".ipynb_checkpoints").mkdir()
    names = sorted(p.name for p in seeds_dir.glob("*.txt"))
    (tmp_path / names[0]).write_bytes((seeds_dir / names[0]).read_bytes())
    (tmp_path / "2025" / names[2]).write_bytes((seeds_dir / names[2]).read_bytes())
    (tmp_path / "2025" / "nov" / "story.txt").write_bytes((seeds_dir / names[3]).read_bytes())
    (tmp_path / ".ipynb_checkpoints" / "copy.txt").write_bytes((seeds_dir / names[3]).read_bytes())
    pd.DataFrame({"doc_id": ["2025/nov/story", Path(names[0]).stem, Path(names[0]).stem],
                  "outlet": ["Nested Daily", "First", "Second"]}).to_csv(tmp_path / "metadata.csv", index=False)
    raw = read_corpus(tmp_path)
    status = dict(zip(raw.manifest["source"], raw.manifest["status"]))
    assert status == {names[0]: "ok", f"2025/{names[2]}": "ok", "2025/nov/story.txt": "ok",
                      ".ipynb_checkpoints/copy.txt": "rejected"}
    outlet = dict(zip(raw.documents["doc_id"], raw.documents["outlet"]))
    assert outlet["2025/nov/story"] == "Nested Daily" and outlet[Path(names[0]).stem] == "First"
    assert any("more than one row" in n for n in raw.notes)
    reason = raw.manifest.set_index("source").loc[names[0], "reason"]
    assert "several rows" in reason
