"""Execute the numbered notebooks on a corpus and render them into one HTML report.

`make run` calls :func:`main`: each notebook in ``notebooks/`` is executed with papermill, its
``parameters`` cell given the corpus and output folder, into ``OUT/notebooks/``; then all are
rendered into ``OUT/report.html`` with a table of contents. ``--inplace`` re-executes the stored
notebooks on the shipped corpus (their outputs are what nbval checks).
"""

from __future__ import annotations

import html
import re
from importlib import resources
from pathlib import Path


def locate_notebooks() -> Path:
    """The folder of the numbered notebooks, shipped as package data (``sinojp.notebooks``).

    In a checkout (editable install) this is the repository's ``notebooks/`` folder.
    """
    return Path(str(resources.files("sinojp.notebooks")))


def list_notebooks(folder: Path | None = None) -> list[Path]:
    """The numbered notebooks (``NN_name.ipynb``) in order."""
    return sorted(p for p in (folder or locate_notebooks()).glob("[0-9][0-9]_*.ipynb"))


def execute_inplace(paths: list[Path], timeout: int = 600) -> None:
    """Execute notebooks in place in a fresh kernel each (cwd = the notebook's folder)."""
    import nbformat
    from nbclient import NotebookClient

    for path in paths:
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        nbformat.write(nb, path)
        print(f"executed {path.name}")


def execute_on(paths: list[Path], corpus: Path, out: Path, timeout: int = 1200) -> list[Path]:
    """Execute notebooks with papermill on another corpus, writing copies to ``out/notebooks``."""
    import papermill as pm

    target = out / "notebooks"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        dest = target / path.name
        declared = pm.inspect_notebook(str(path))
        params = {k: v for k, v in {"CORPUS": str(corpus.resolve()), "OUT": str(out.resolve())}.items() if k in declared}
        pm.execute_notebook(str(path), str(dest), cwd=str(path.parent), kernel_name="python3", parameters=params,
                            progress_bar=False, execution_timeout=timeout)
        written.append(dest)
        print(f"executed {path.name} -> {dest}")
    return written


def render_report(paths: list[Path], dest: Path, title: str = "sinojp report") -> Path:
    """Render executed notebooks into one HTML page with a table of contents and inline figures."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="classic")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    sections, toc, styles = [], [], ""
    for i, path in enumerate(paths):
        nb = nbformat.read(path, as_version=4)
        body, _ = exporter.from_notebook_node(nb)
        if not styles:
            styles = "\n".join(re.findall(r"<style[^>]*>.*?</style>", body, flags=re.S))
        inner = re.search(r"<body[^>]*>(.*)</body>", body, flags=re.S)
        content = inner.group(1) if inner else body
        anchor = f"nb{i}"
        heads = re.findall(r"<h([12])[^>]*id=\"([^\"]+)\"[^>]*>(.*?)</h\1>", content, flags=re.S)
        sub = "".join(f'<li><a href="#{hid}">{re.sub("<[^>]+>", "", text).replace("¶", "").strip()}</a></li>'
                      for level, hid, text in heads if level == "2")
        toc.append(f'<li><a href="#{anchor}">{html.escape(path.stem)}</a><ul>{sub}</ul></li>')
        sections.append(f'<section id="{anchor}"><hr>{content}</section>')
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>{styles}"
            "<style>nav.toc{background:#f7f7f7;padding:1em;margin:1em 0} nav.toc ul{margin:0}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><nav class='toc'><h2>Contents</h2><ul>{''.join(toc)}</ul></nav>"
            f"{''.join(sections)}</body></html>")
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(page, encoding="utf-8")
    return dest


def main(corpus: str | Path = "data/raw", out: str | Path = "outputs", inplace: bool = False) -> None:
    """Execute all notebooks (in place, or on ``corpus`` into ``out``) and render the report."""
    paths = list_notebooks()
    if inplace:
        execute_inplace(paths)
        return
    out = Path(out)
    executed = execute_on(paths, Path(corpus), out)
    report = render_report(executed, out / "report.html")
    print(f"report written to {report}")
