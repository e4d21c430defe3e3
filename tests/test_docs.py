"""Every Python example in the documentation runs (from the repository root) and its asserts hold.

The examples of one page run in order in one namespace, as a reader would type them.
"""

import re

import pytest
from conftest import ROOT, SAMPLE, shared_corpus

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _blocks(path):
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("path", [p for p in DOCS if _blocks(p)], ids=lambda p: p.name)
def test_documentation_examples_run(path, monkeypatch):
    blocks = _blocks(path)
    if any("../shared/" in b for b in blocks):
        shared_corpus(SAMPLE)
    monkeypatch.chdir(ROOT)
    import matplotlib

    matplotlib.use("Agg")
    namespace = {"__name__": "__docs__"}
    for i, block in enumerate(blocks):
        exec(compile(block, f"<{path.name} example {i}>", "exec"), namespace)


def test_docs_have_examples():
    assert sum(len(_blocks(p)) for p in DOCS) >= 5
