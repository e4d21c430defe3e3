"""Settings of the topic model."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

ALGORITHMS: tuple[str, ...] = ("lda", "nmf")


@dataclass(frozen=True)
class TopicSettings:
    """Settings of topic fitting and model selection.

    Attributes
    ----------
    algorithms, k_range : tuple
        Candidates of the selection (``k`` values not below the number of paragraphs).
    k_max : int
        When the chosen ``k`` is the largest candidate, the range grows by two at a time up to this.
    n_seeds : int
        Runs per candidate for stability (the reference run plus ``n_seeds - 1`` others).
    heldout_share : float
        Share of the selection's paragraphs held out to measure NPMI on (none when that would be
        fewer than 20 paragraphs).
    stability_subsample : float
        Share of paragraphs each non-reference run sees (1.0: seed variation only).
    n_top : int
        Top terms per topic for NPMI, diversity, stability and ``top_terms``.
    min_unit_terms : int
        Paragraphs with fewer vocabulary terms are left out of the model (headings, captions).
    min_stability, min_diversity : float
        Eligibility thresholds of the selection rule (see :func:`sinojp.topics.choose_model`).
    lda_max_iter, nmf_max_iter : int
        Iterations of batch LDA / NMF.
    lda_topic_word_prior : float
        Dirichlet prior on topic-word distributions (small: sparser, more distinct topics).
    online_threshold : int
        Above this many paragraphs, online LDA and MiniBatchNMF are used.
    block_size, batch_size, online_passes : int
        Rows per streamed block (of online LDA and of texts read from disk), rows per mini-batch,
        passes over the data of online LDA.
    selection_max_units : int
        Model selection on large corpora runs on a seeded subsample of this many paragraphs.
    n_passages : int
        Representative paragraphs kept per topic.
    frex_weight : float
        Weight of exclusivity in FREX (0.5: equal weight with frequency).
    fit_max_units : int
        Above this many modelled paragraphs, the chosen model is fitted on a seeded sample of this
        many paragraphs and every paragraph's topic shares are computed by transforming its counts
        in blocks of ``block_size`` rows, so memory stays bounded (no corpus-wide TF-IDF or NNDSVD
        matrix); at or below it the model is fitted on all paragraphs. 200,000 paragraphs (about
        20,000 articles) is far more than a model of at most ``max(k_range)`` topics over at most
        ``VocabularySettings.max_features`` terms needs, and keeps the fit's own memory to the order
        of 100 MB.
    """

    algorithms: tuple[str, ...] = ALGORITHMS
    k_range: tuple[int, ...] = (2, 3, 4, 5, 6, 7, 8)
    k_max: int = 14
    n_seeds: int = 5
    heldout_share: float = 0.2
    stability_subsample: float = 0.8
    n_top: int = 10
    min_unit_terms: int = 5
    min_stability: float = 0.5
    min_diversity: float = 0.7
    lda_max_iter: int = 20
    nmf_max_iter: int = 400
    lda_topic_word_prior: float = 0.1
    online_threshold: int = 5000
    block_size: int = 4096
    batch_size: int = 512
    online_passes: int = 3
    selection_max_units: int = 1500
    n_passages: int = 3
    frex_weight: float = 0.5
    fit_max_units: int = 200_000

    def as_frame(self) -> pd.DataFrame:
        """The settings as a two-column table (setting, value) for display."""
        return pd.DataFrame([(k, repr(v)) for k, v in self.__dict__.items()], columns=["setting", "value"])
