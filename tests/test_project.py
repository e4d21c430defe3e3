"""The project's set-up files agree with each other."""

import re
import tomllib

import yaml
from conftest import ROOT


def _name(req: str) -> str:
    return re.split(r"[<>=!\[ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_pyproject_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            listed |= {_name(d) for d in dep.get("pip", []) if not d.startswith("-e")}
        else:
            listed.add(_name(dep))
    wanted.discard("dask")  # conda names dask[bag] plain "dask"
    listed.discard("dask")
    assert wanted - listed == set(), f"missing from environment.yml: {sorted(wanted - listed)}"
    assert listed - wanted - {"python", "pip"} == set(), f"not in pyproject: {sorted(listed - wanted - {'python', 'pip'})}"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make run" in readme
    assert re.search(r"^(SINOJP_REQUIRE_SHARED=1 )?make test$", ci, re.M)


def test_the_seed_corpus_is_shipped_unchanged():
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.is_dir():
        import os

        import pytest

        if os.environ.get("SINOJP_REQUIRE_SHARED"):
            pytest.fail("../shared/seeds is not beside this checkout (SINOJP_REQUIRE_SHARED is set)")
        pytest.skip("../shared/seeds not beside this checkout")
    for path in shared.glob("*.txt"):
        assert (ROOT / "data" / "raw" / path.name).read_bytes() == path.read_bytes()
