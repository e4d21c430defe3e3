"""The learned line classifier: predict from the shipped JSON, and decide keep/remove.

Classes are ``body``, ``heading`` (headlines and sub-headings: neutral in the labels) and
``boilerplate``. A line is removed when its probability of being body falls below a threshold
chosen by site-grouped cross-validation (body-line recall first, then boilerplate F1); a removed
line counts as boilerplate unless the heading class is more probable, in which case it is a
headline (removed above the body, kept as a sub-heading inside it). Lines of one hard-wrapped
paragraph share one decision, and a page never loses all its prose.

The model is ``resources/models/line_model.json`` (layout ``sinojp-linear-1``, dense named features
only); :func:`sinojp.validate.cleaning.train_line_model` retrains it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from sinojp.text.linefeatures import (
    FEATURES,
    PageFeatures,
    SiteCounts,
    build_line_features,
)

#: the model's classes, in the order of its coefficient rows and probability columns
CLASSES = ["body", "heading", "boilerplate"]
FORMAT = "sinojp-linear-1"
#: where the shipped model lives inside the package
MODEL_RESOURCE = "models/line_model.json"

#: the decisions of :func:`decide_lines`
KEEP, HEADING, TITLE, REMOVE = "body", "heading", "title", "boilerplate"
_END = re.compile(r"[.!?:;\"')\]]\s*$")
_LOWER_WORD = re.compile(r"(?:^|\s)[a-z]")


# ---------------------------------------------------------------------------------------------
# Predict from JSON
# ---------------------------------------------------------------------------------------------

@dataclass
class LineModel:
    """A model read from JSON: feature names, scaling, coefficients, threshold."""

    features: list[str]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (classes, features) on standardised features
    intercept: np.ndarray
    classes: list[str]
    threshold: float
    meta: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, d: dict) -> LineModel:
        """The model from its JSON layout (``sinojp-linear-1``).

        Parameters
        ----------
        d : dict
            ``extra_features``, ``scaling`` (``mean``, ``scale``), ``coef``, ``intercept``,
            ``classes`` and ``decision.threshold``. Features of :data:`FEATURES` the model does
            not know get a zero weight.

        Returns
        -------
        LineModel
            With the scaling folded into the coefficients (``mean`` and ``scale`` kept for
            :func:`explain_removal`).
        """
        if d.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} model")
        idx = [d["extra_features"].index(f) if f in d["extra_features"] else -1 for f in FEATURES]
        mean = np.array([d["scaling"]["mean"][i] if i >= 0 else 0.0 for i in idx])
        scale = np.array([d["scaling"]["scale"][i] if i >= 0 else 1.0 for i in idx])
        coef = np.array([[row[i] if i >= 0 else 0.0 for i in idx] for row in d["coef"]])
        # fold the scaling into the coefficients: one matrix product per page
        w = coef / scale
        b = np.array(d["intercept"]) - w @ mean
        return cls(list(FEATURES), mean, scale, w, b, list(d["classes"]), float(d["decision"]["threshold"]), d)

    @classmethod
    def load(cls, path: str | Path | None = None) -> LineModel:
        """Read a model from a JSON file (default: the shipped model).

        Parameters
        ----------
        path : str or Path, optional
            A ``sinojp-linear-1`` line model; ``None`` reads ``resources/models/line_model.json``.

        Returns
        -------
        LineModel
        """
        if path is None:
            text = resources.files("sinojp.resources").joinpath(MODEL_RESOURCE).read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return cls.from_dict(json.loads(text))

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities of feature rows.

        Parameters
        ----------
        X : ndarray
            Rows of :data:`FEATURES` (e.g. :attr:`PageFeatures.X`).

        Returns
        -------
        ndarray
            One row per line, columns in ``classes`` order, rows summing to 1.
        """
        z = X @ self.coef.T + self.intercept
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def contributions(self, x: np.ndarray, cls: str = "boilerplate", against: str = "body") -> np.ndarray:
        """Per-feature contribution to the log-odds of ``cls`` over ``against`` for one row.

        Parameters
        ----------
        x : ndarray
            One feature row.
        cls, against : str
            Two of :data:`CLASSES`.

        Returns
        -------
        ndarray
            One value per feature (their sum plus the intercepts' difference is the log-odds).
        """
        i, j = self.classes.index(cls), self.classes.index(against)
        return (self.coef[i] - self.coef[j]) * x


_DEFAULT: LineModel | None = None


def load_line_model() -> LineModel:
    """The shipped model (``resources/models/line_model.json``), read once per process.

    Returns
    -------
    LineModel
    """
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = LineModel.load()
    return _DEFAULT


# ---------------------------------------------------------------------------------------------
# Decide
# ---------------------------------------------------------------------------------------------

def decide_lines(pf: PageFeatures, proba: np.ndarray, threshold: float) -> list[str]:
    """Turn class probabilities into one decision per non-blank line.

    Parameters
    ----------
    pf : PageFeatures
        The page's feature table (for paragraphs and word counts).
    proba : ndarray
        Probabilities, columns in ``CLASSES`` order.
    threshold : float
        Remove a line when P(body) is below it.

    Returns
    -------
    list of str
        ``body``, ``heading`` (kept), ``title`` (headline above the body, removed) or
        ``boilerplate`` (removed), aligned with ``pf.line_nos``.
    """
    n = len(pf.line_nos)
    if n == 0:
        return []
    p_body, p_head, p_bp = proba[:, 0], proba[:, 1], proba[:, 2]
    removed = p_body < threshold
    # a hard-wrapped paragraph is removed only when all its lines are (keep when in doubt)
    para_keep: dict[int, bool] = {}
    for k, p in enumerate(pf.para):
        para_keep[p] = para_keep.get(p, False) or not removed[k]
    removed = np.array([not para_keep[p] for p in pf.para])
    # a truncated last paragraph is body: keep it when a kept paragraph stands within two above
    # and it matches no furniture pattern, has no final punctuation and has lower-case words
    order = list(dict.fromkeys(pf.para))
    last = [k for k, p in enumerate(pf.para) if p == order[-1]]
    if removed[last[0]] and len(order) > 1 and not any(pf.rules[k] for k in last):
        text = " ".join(pf.texts[k] for k in last)
        if any(para_keep[p] for p in order[-3:-1]) and not _END.search(text) and _LOWER_WORD.search(text):
            removed[last] = False
    # a lead is body: full sentences just above the first kept paragraph stay (as the standfirst
    # or one-sentence opening of many pages), unless a furniture or caption cue marks them
    kept_idx = [k for k in range(n) if not removed[k]]
    if kept_idx:
        col = {name: j for j, name in enumerate(pf.names)}
        first_p = order.index(pf.para[kept_idx[0]])
        for q in range(first_p - 1, -1, -1):
            ks = [k for k, p in enumerate(pf.para) if p == order[q]]
            x = pf.X[ks[0]]
            sentence = (x[col["end_sentence"]] and x[col["verb_cue"]] and x[col["n_words_log"]] >= math.log1p(6)
                        and x[col["titlecase_share"]] < 0.5 and not pf.rules[ks[0]]
                        and not pf.texts[ks[-1]].rstrip().endswith(("?", ")", "]"))
                        and not any(x[col[c]] for c in ("caption_cue", "photo_word", "bio_cue", "editor_note",
                                                         "label_colon", "dup_in_page", "teaser_of_later")))
            if not sentence:
                break
            removed[ks] = False
    j_words = pf.names.index("n_words_log")  # of the paragraph
    if removed.all():
        # never reject a page of prose: keep its paragraphs of eight words or more, else (a page of
        # short lines only) every line that matches no furniture pattern
        long_paras = {p for k, p in enumerate(pf.para) if pf.X[k, j_words] >= math.log1p(8)}
        if long_paras:
            removed = np.array([p not in long_paras for p in pf.para])
        else:
            removed = np.array([bool(r) for r in pf.rules])
    out = [REMOVE if removed[k] else HEADING if p_head[k] > p_body[k] else KEEP for k in range(n)]
    body_idx = [k for k in range(n) if out[k] == KEEP]
    first_body, last_body = (body_idx[0], body_idx[-1]) if body_idx else (n, -1)
    for k in range(n):
        if removed[k] and p_head[k] > p_bp[k]:
            # a headline above the body is removed as the title zone; a sub-heading between body
            # paragraphs is kept; a headline-shaped line below the body is furniture (related links)
            out[k] = TITLE if k < first_body else HEADING if k < last_body else REMOVE
    return out


@dataclass
class LineVerdicts:
    """Classifier output for one page, aligned with the non-blank lines."""

    line_nos: list[int]
    texts: list[str]
    labels: list[str]
    proba: np.ndarray
    features: PageFeatures

    def removed(self) -> set[int]:
        """Line numbers removed (boilerplate, or headline above the body).

        Returns
        -------
        set of int
            1-based raw line numbers.
        """
        return {no for no, lab in zip(self.line_nos, self.labels) if lab in (REMOVE, TITLE)}


def classify_lines(lines: Sequence[str], site_counts: SiteCounts | None = None, model: LineModel | None = None,
                   url: str = "", threshold: float | None = None) -> LineVerdicts:
    """Classify every non-blank line of a page as body, heading, headline (title) or boilerplate.

    Parameters
    ----------
    lines : sequence of str
        The page's raw lines (``text.splitlines()``).
    site_counts : SiteCounts, optional
        Line counts of the page's site in the corpus being cleaned (see
        :func:`sinojp.text.linefeatures.count_site_lines`).
    model : LineModel, optional
        Defaults to the shipped model (:func:`load_line_model`).
    url : str, optional
        The page URL (its slug helps to tell the headline).
    threshold : float, optional
        Overrides the model's threshold on P(body).

    Returns
    -------
    LineVerdicts
        The decision of every non-blank line (``body``, ``heading``, ``title`` or
        ``boilerplate``), the probabilities and the feature table.
    """
    model = model or load_line_model()
    pf = build_line_features(lines, url=url, site=site_counts)
    proba = model.predict_proba(pf.X) if len(pf.line_nos) else np.zeros((0, len(CLASSES)))
    labels = decide_lines(pf, proba, model.threshold if threshold is None else threshold)
    return LineVerdicts(pf.line_nos, pf.texts, labels, proba, pf)


def explain_removal(verdicts: LineVerdicts, k: int, model: LineModel | None = None, top: int = 3) -> str:
    """Short reason for a removed line: the features that pushed it most towards its class.

    Contributions are taken against the training mean, so a missing property can be a reason
    ("no verb", "short").

    Parameters
    ----------
    verdicts : LineVerdicts
        The page's verdicts (:func:`classify_lines`).
    k : int
        Index of the line among the non-blank lines.
    model : LineModel, optional
        The model that decided (default: the shipped one).
    top : int
        At most this many reasons.

    Returns
    -------
    str
        ``"model: "`` and the readable reasons (:data:`READABLE`), e.g. ``"model: title case,
        short, no verb"``; ``"model"`` when no feature pushed towards removal.
    """
    model = model or load_line_model()
    cls = "heading" if verdicts.labels[k] == TITLE else "boilerplate"
    i, j = model.classes.index(cls), model.classes.index("body")
    x = verdicts.features.X[k]
    contrib = (model.coef[i] - model.coef[j]) * (x - model.mean)
    reasons: list[str] = []
    for f in np.argsort(-contrib):
        if contrib[f] <= 0 or len(reasons) == top:
            break
        name = model.features[f]
        high, low = READABLE.get(name, (name, f"no {name}"))
        text = high if x[f] > model.mean[f] else low
        if text and text not in reasons:
            reasons.append(text)
    return "model: " + ", ".join(reasons) if reasons else "model"


#: feature -> (reason when the value is above the training mean, reason when below)
READABLE: dict[str, tuple[str, str]] = {
    "n_words_log": ("long", "short"), "n_chars_log": ("long", "short"), "le3_words": ("very short", "not very short"),
    "le8_words": ("short", "not short"), "stop_share": ("many function words", "few function words"),
    "end_sentence": ("ends a sentence", "no final punctuation"), "end_open": ("no final punctuation", "punctuated"),
    "titlecase_share": ("title case", "lower case"), "allcaps": ("all caps", ""), "digit_share": ("digits", ""),
    "cjk_share": ("non-Latin script", ""), "verb_cue": ("verb", "no verb"), "is_prose": ("prose", "not prose"),
    "is_prose5": ("prose", "not prose"), "is_headline": ("headline-shaped", "not headline-shaped"),
    "is_date_only": ("only a date", ""), "is_name_line": ("a name", ""), "has_date": ("has a date", ""),
    "has_time": ("has a time", ""), "ends_with_date": ("ends with a date", ""), "has_link": ("link or address", ""),
    "label_colon": ("label: text", ""), "editor_note": ("editor's note", ""), "bio_cue": ("author/translation note", ""),
    "caption_cue": ("caption wording", ""), "photo_word": ("photo/credit word", ""), "web_words": ("web-page words", ""),
    "ends_paren": ("ends with a credit", ""), "bracket_tag": ("bracket tag", ""), "starts_bullet": ("bullet", ""),
    "site_share": ("repeated on site", ""), "site_any": ("repeated on site", ""),
    "site_x_short": ("short and repeated on site", ""), "dup_in_page": ("repeated on page", ""),
    "dup_earlier": ("repeats an earlier line", ""), "teaser_of_later": ("repeats a later paragraph", ""),
    "repeat_of_earlier_prose": ("repeats an earlier paragraph", ""), "overlap_other": ("restates another paragraph", ""),
    "before_first_prose": ("above the first paragraph", ""), "after_last_prose": ("below the last paragraph", ""),
    "footer_x_short": ("short, below the last paragraph", ""), "header_x_headline": ("headline above the body", ""),
    "header_x_prose": ("prose above the body", ""), "header_x_credit_shape": ("caption/credit above the body", ""),
    "dist_prose_log": ("far from prose", ""), "in_block": ("in a link/comment block", ""),
    "rule_any": ("furniture pattern", ""), "rel_pos": ("low on the page", "high on the page"),
    "is_first": ("first line", ""), "is_last": ("last line", ""), "last_fragment": ("", "not a cut-off ending"),
    "prev_is_headline": ("after a headline", ""), "next_is_headline": ("before a headline", ""),
    "prev_is_prose": ("after prose", "not after prose"), "next_is_prose": ("before prose", "not before prose"),
    "prev_rule_any": ("after furniture", ""), "next_rule_any": ("before furniture", ""),
    "prev_n_words_log": ("after a long line", "after a short line"),
    "next_n_words_log": ("before a long line", "before a short line"),
    "prev_end_sentence": ("", "after an unpunctuated line"), "next_end_sentence": ("", "before an unpunctuated line"),
    "prev_dup_in_page": ("after a repeated line", ""), "next_dup_in_page": ("before a repeated line", ""),
    "slug_cover": ("matches the URL", ""), "slug_precision": ("matches the URL", ""),
}
