"""sinojp: computational analysis of news coverage of China–Japan relations.

Data flows one way: files -> documents -> paragraphs -> sentences -> measures -> tables and
figures. The sub-packages follow the stages, and each imports only the ones below it:

``resources`` (package data) <- ``corpus`` <- ``text`` <- ``measures`` / ``topics``
<- ``compare`` / ``validate`` / ``plots`` <- ``pipeline`` <- ``cli``, ``report``.

The entry points are exported here::

    import sinojp
    result = sinojp.run("data/raw", "outputs")          # the whole analysis, every output file
    prep = sinojp.prepare("data/raw")                   # read, clean, segment (in memory)
    analysis = sinojp.analyse(prep)                      # stance, frames, voices, topics
"""

from sinojp._version import __version__
from sinojp.corpus import CorpusError, read_corpus
from sinojp.pipeline import Analysis, Prepared, RunResult, analyse, prepare, run, summarise

__all__ = [
    "__version__", "analyse", "Analysis", "CorpusError", "prepare", "Prepared", "read_corpus", "run", "RunResult",
    "summarise"
]
