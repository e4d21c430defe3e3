"""The stored notebooks are well-formed, parameterised, and render into one HTML report."""

import json

import pytest

from sinojp.report import list_notebooks, render_report


@pytest.mark.parametrize("path", list_notebooks(), ids=lambda p: p.name)
def test_notebook_has_parameters_cell_and_clean_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    first = code[0]
    assert "parameters" in first.get("metadata", {}).get("tags", []), "first code cell must be tagged 'parameters'"
    assert "CORPUS" in "".join(first["source"])
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    for cell in code:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error"
            assert out.get("name") != "stderr", f"stderr output in {path.name}: {out.get('text')}"


def test_report_has_contents_and_inline_figures(tmp_path):
    paths = list_notebooks()
    report = render_report(paths, tmp_path / "report.html")
    page = report.read_text(encoding="utf-8")
    assert page.count("<section id=") == len(paths)
    assert "Contents" in page and 'href="#nb0"' in page
    assert "data:image/png;base64" in page
