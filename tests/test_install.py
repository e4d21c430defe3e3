"""A non-editable install works outside the checkout: resources, hand codes and notebooks are package data."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import ROOT

SCRIPT = """
import sys
from importlib import resources
from pathlib import Path

import sinojp
from sinojp import prepare
from sinojp.measures import framing, stance
from sinojp.report import list_notebooks

assert "site-packages" in sinojp.__file__, sinojp.__file__
assert len(list_notebooks()) >= 5
assert resources.files("sinojp.annotations").joinpath("stance_sentences.csv").is_file()
prep = prepare(sys.argv[1], progress=False)
sup = stance.score_sentences(prep.sentences, method="supervised")
assert sup["relations_stance"].abs().sum() > 0
frames = framing.score_sentences(prep.sentences, method="supervised")
assert (frames["frame"] != "none").any()
print("installed", Path(sinojp.__file__).parent)
"""


@pytest.mark.slow
def test_non_editable_install_runs_on_the_sample(tmp_path, sample_dir):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # third-party dependencies come from the test environment; its editable sinojp does not (a path
    # in a .pth file is added to sys.path, but the .pth files inside it are not run)
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(wheels), str(ROOT)], check=True, cwd=tmp_path)
    wheel = next(wheels.glob("sinojp-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, cwd=tmp_path)
    work = tmp_path / "elsewhere"
    work.mkdir()
    check = subprocess.run([str(python), "-c", SCRIPT, str(sample_dir / "raw")], cwd=work, capture_output=True,
                           text=True)
    assert check.returncode == 0, check.stderr[-3000:]
    assert str(site) in check.stdout
    out = tmp_path / "out"
    run = subprocess.run([str(python), "-m", "sinojp", "run", "--corpus", str(sample_dir / "raw"), "--out", str(out),
                          "--jobs", "1"], cwd=work, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    for name in ("manifest.csv", "documents.csv", "sentences.csv", "topics.csv", "voices.csv"):
        assert (out / name).stat().st_size > 0, name
    assert len(list((out / "clean").glob("*.txt"))) == 8
