"""Shared fixtures: the shipped corpus and the labelled development sample."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "data" / "raw"
SAMPLE = ROOT.parent / "shared" / "corpora" / "news-sample"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    if not (SAMPLE / "raw").is_dir():
        pytest.skip("the development sample ../shared/corpora/news-sample is not beside this checkout")
    return SAMPLE


@pytest.fixture(scope="session")
def prepared_seeds():
    from sinojp.pipeline import prepare

    return prepare(SEEDS)


@pytest.fixture(scope="session")
def prepared_sample(sample_dir):
    from sinojp.pipeline import prepare

    return prepare(sample_dir / "raw")
