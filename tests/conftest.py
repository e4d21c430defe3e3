"""Shared fixtures: the shipped corpus, the labelled sample and the development corpus.

The sample and the development corpus are read from ``../shared`` beside the checkout, never copied
into the project. Where they are absent the tests that need them skip, except when
``SINOJP_REQUIRE_SHARED`` is set (CI sets it): then a missing corpus fails the run instead of
quietly skipping a third of the suite.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "data" / "raw"
SHARED = ROOT.parent / "shared"
SAMPLE = SHARED / "corpora" / "news-sample"
DEV = SHARED / "corpora" / "dev"


def shared_corpus(path: Path) -> Path:
    """``path`` if it holds a labelled corpus; else skip, or fail when SINOJP_REQUIRE_SHARED is set."""
    if (path / "raw").is_dir():
        return path
    message = f"{path} is not beside this checkout"
    if os.environ.get("SINOJP_REQUIRE_SHARED"):
        pytest.fail(message + " (SINOJP_REQUIRE_SHARED is set)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return shared_corpus(SAMPLE)


@pytest.fixture(scope="session")
def dev_dir() -> Path:
    return shared_corpus(DEV)


@pytest.fixture(scope="session")
def prepared_seeds():
    from sinojp import prepare

    return prepare(SEEDS)


@pytest.fixture(scope="session")
def prepared_sample(sample_dir):
    from sinojp import prepare

    return prepare(sample_dir / "raw")
