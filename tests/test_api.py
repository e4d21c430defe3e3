"""The public surface: each package's ``__all__``, documented in docs/api.md, with numpydoc docstrings."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

from conftest import ROOT

PACKAGES = ["sinojp", "sinojp.corpus", "sinojp.text", "sinojp.measures", "sinojp.measures.stance",
            "sinojp.measures.framing", "sinojp.topics", "sinojp.compare", "sinojp.validate", "sinojp.plots",
            "sinojp.pipeline"]


def _documented() -> dict[str, set[str]]:
    """Names listed under each package heading of docs/api.md."""
    found: dict[str, set[str]] = {}
    current = None
    for line in (ROOT / "docs" / "api.md").read_text(encoding="utf-8").splitlines():
        head = re.match(r"^## `([\w.]+)`", line)
        if head:
            current = head.group(1)
            found[current] = set()
        row = re.match(r"^\| (?:class )?`(\w+)` \|", line)
        if row and current:
            found[current].add(row.group(1))
    return found


def test_every_package_has_an_all_that_resolves():
    for name in PACKAGES:
        module = importlib.import_module(name)
        assert module.__all__, name
        missing = [a for a in module.__all__ if not hasattr(module, a)]
        assert not missing, f"{name}.__all__ names what it lacks: {missing}"


def test_api_page_lists_exactly_the_exports():
    documented = _documented()
    assert set(documented) == set(PACKAGES)
    for name in PACKAGES:
        assert documented[name] == set(importlib.import_module(name).__all__), name


@pytest.mark.parametrize("package", PACKAGES)
def test_public_functions_have_numpydoc_docstrings(package):
    module = importlib.import_module(package)
    for attr in module.__all__:
        obj = getattr(module, attr)
        if not callable(obj) or inspect.isclass(obj):
            continue
        doc = inspect.getdoc(obj) or ""
        assert doc, f"{package}.{attr} has no docstring"
        params = [p for p in inspect.signature(obj).parameters if p not in ("self", "cls")]
        if params:
            assert "Parameters\n----------" in doc, f"{package}.{attr}: no Parameters section"


def test_one_naming_scheme():
    # functions are verb_object (scikit-learn's scheme); no two exported functions share a name, except the
    # parallel verbs every measure has (stance.score_sentences, framing.score_sentences, ...)
    parallel = {"score_sentences", "score_documents"}
    verbs = ("align", "analyse", "assign", "build", "check", "choose", "classify", "chunked", "clean", "compare", "compute",
             "count", "cross", "decode", "detach", "detect", "draw", "estimate", "explain", "export", "extract", "find", "fit", "flag",
             "iter", "label", "list", "load", "mark", "match", "normalise", "plot", "predict", "prepare", "read", "resolve",
             "run", "score", "select", "shorten", "show", "split", "summarise", "tabulate", "tokenize", "train",
             "validate", "weigh", "write")
    seen: dict[str, str] = {}
    for name in PACKAGES:
        module = importlib.import_module(name)
        for attr in module.__all__:
            obj = getattr(module, attr)
            if not callable(obj) or inspect.isclass(obj):
                continue
            assert attr.split("_")[0] in verbs, f"{name}.{attr} is not named verb_object"
            where = f"{obj.__module__}.{obj.__qualname__}" if hasattr(obj, "__qualname__") else attr
            if attr in seen and attr not in parallel:
                assert seen[attr] == where, f"{attr} names two different functions: {seen[attr]} and {where}"
            seen[attr] = where
