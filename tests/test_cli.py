"""The command line writes the output contract on the seeds and the sample."""

import pandas as pd

from sinojp.cli import main


def test_run_on_seeds(tmp_path, seeds_dir, capsys):
    assert main(["run", "--corpus", str(seeds_dir), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "5 input items" in out and "7 documents" in out
    manifest = pd.read_csv(tmp_path / "manifest.csv")
    assert list(manifest.columns) == ["source", "doc_id", "status", "reason"]
    docs = pd.read_csv(tmp_path / "documents.csv")
    contract = ["doc_id", "source", "title", "date", "outlet", "outlet_origin", "n_sentences", "n_words",
                "relations_stance", "us_stance", "primary_frame"]
    assert list(docs.columns[: len(contract)]) == contract
    frames = ["diplomacy", "economy", "security", "us_factor", "history_identity", "human_safety", "domestic_politics"]
    assert {f"frame_{f}" for f in frames} <= set(docs.columns) and "top_topic" in docs.columns
    assert docs["relations_stance"].between(-1, 1).all() and docs["us_stance"].between(-1, 1).all()
    assert set(docs["primary_frame"]) <= set(frames) | {"none"}
    topics = pd.read_csv(tmp_path / "topics.csv")
    assert list(topics.columns) == ["topic", "label", "top_terms", "npmi", "prevalence"]
    assert abs(topics["prevalence"].sum() - 1) < 0.01
    assert {p.name for p in (tmp_path / "figures").glob("*.png")} >= {"relations_stance.png", "frames.png"}
    assert len(list((tmp_path / "clean").glob("*.txt"))) == len(docs) == 7
    sents = pd.read_csv(tmp_path / "sentences.csv")
    assert list(sents.columns[:6]) == ["doc_id", "sent_id", "text", "relations_stance", "us_stance", "frame"]
    assert sents.groupby("doc_id").size().to_dict() == docs.set_index("doc_id")["n_sentences"].to_dict()


def test_run_on_sample(tmp_path, sample_dir):
    assert main(["run", "--corpus", str(sample_dir / "raw"), "--out", str(tmp_path)]) == 0
    docs = pd.read_csv(tmp_path / "documents.csv", keep_default_na=False)
    assert len(docs) == 8 and set(docs["outlet_origin"]) == {"china_state", "japan", "us_europe", "other"}


def test_missing_corpus_is_a_clear_error(tmp_path, capsys):
    assert main(["run", "--corpus", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
