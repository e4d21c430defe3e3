"""End to end: every numbered notebook runs cleanly in a real JupyterLab driven by headless Chromium.

For each ``notebooks/NN_*.ipynb`` (found when the tests are collected) the test opens a copy in
JupyterLab, clears its outputs and uses Run > "Restart Kernel and Run All Cells…", waits for the
kernel to go idle, and then checks what the page shows: every code cell executed, no traceback or
other stderr output, and as many rendered figures as the stored notebook has ``image/png``
outputs. A full-page screenshot per notebook goes to ``outputs/browser/`` (or ``$SINOJP_BROWSER_OUT``).

Opt-in, because it needs Debian's ``chromium`` and ``chromium-driver`` and takes minutes::

    SINOJP_BROWSER=1 .venv/bin/python -m pytest -m browser tests/test_browser.py
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from browser_support import (
    CHROMEDRIVER,
    CHROMIUM,
    JupyterLab,
    KernelConnectionLost,
    code_cell_count,
    expected_images,
    full_page_screenshot,
    kill_leftovers,
    mirror_checkout,
    run_all_in_lab,
    save_notebook,
    start_chromium,
)

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TIMEOUT = float(os.environ.get("SINOJP_BROWSER_TIMEOUT", "300"))  # seconds per notebook


def _requested(config: pytest.Config) -> bool:
    """Run only when asked: ``SINOJP_BROWSER=1`` or a ``-m`` expression that selects ``browser``."""
    if os.environ.get("SINOJP_BROWSER") == "1":
        return True
    markexpr = config.getoption("-m") or ""
    return "browser" in markexpr and "not browser" not in markexpr


@pytest.fixture(scope="module")
def browser_requested(request) -> None:
    if not _requested(request.config):
        pytest.skip("browser test is opt-in: set SINOJP_BROWSER=1 or run pytest -m browser")
    for exe in (CHROMIUM, CHROMEDRIVER):
        if not exe.exists():
            pytest.skip(f"{exe} is missing (apt-get install -y chromium chromium-driver)")
    pytest.importorskip("selenium")


@pytest.fixture(scope="module")
def out_dir(browser_requested) -> Path:
    out = Path(os.environ.get("SINOJP_BROWSER_OUT", REPO / "outputs" / "browser"))
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="module")
def lab(browser_requested, tmp_path_factory):
    """JupyterLab serving copies of the notebooks in a tree that mirrors the checkout."""
    tmp = tmp_path_factory.mktemp("browser")
    root = mirror_checkout(REPO, NOTEBOOKS, tmp / "tree")
    state = tmp / "state"
    state.mkdir()
    # The kernelspec "python3" launches the server's own interpreter, so this is also the kernel's.
    python = REPO / ".venv" / "bin" / "python"
    server = JupyterLab(root=root, state=state, python=python if python.exists() else Path(sys.executable))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(lab, tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    driver = start_chromium(profile)
    try:
        yield driver
    finally:
        try:
            driver.quit()
        finally:
            kill_leftovers(str(profile))  # any Chromium child still holding this run's profile


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_all_cells_in_jupyterlab(notebook, lab, browser, out_dir):
    rel = f"notebooks/{notebook.name}"
    copy = lab.root / rel  # the snapshot being run, read before the run changes it
    n_code = code_cell_count(copy)
    want_images = expected_images(copy)
    shot = out_dir / f"{notebook.stem}.png"
    try:
        try:
            run = run_all_in_lab(browser, lab, rel, n_code, TIMEOUT)
        except KernelConnectionLost:
            # The page lost its kernel connection (a server/websocket hiccup, not the notebook's
            # doing): run the notebook once more from a fresh page.
            run = run_all_in_lab(browser, lab, rel, n_code, TIMEOUT)
    except Exception:
        try:  # keep a picture of the failure, but report the failure itself
            full_page_screenshot(browser, shot)
        except Exception:
            pass
        raise
    full_page_screenshot(browser, shot)
    save_notebook(browser)
    (out_dir / f"{notebook.stem}.json").write_text(json.dumps({
        "notebook": notebook.name, "code_cells": n_code, "executed": run.executed,
        "images_expected": want_images, "images_rendered": run.images,
        "stderr_outputs": len(run.stderr), "seconds": run.seconds}, indent=1) + "\n", encoding="utf-8")

    assert not run.errors, f"{notebook.name} shows errors in JupyterLab:\n" + "\n---\n".join(run.errors)
    assert not run.stderr, f"{notebook.name} writes to stderr in JupyterLab:\n" + "\n---\n".join(run.stderr)
    assert run.executed == n_code, (
        f"{notebook.name}: {run.executed} of {n_code} code cells executed; prompts {run.prompts}")
    assert run.images == want_images, (
        f"{notebook.name}: {run.images} figures rendered, the stored notebook has {want_images}"
        + (" (are its stored outputs missing? re-execute it in place)" if want_images == 0 else ""))
    assert run.images_loaded == run.images, f"{notebook.name}: some figures failed to load"
    assert shot.stat().st_size > 10_000, f"screenshot {shot} looks empty"


def test_coding_form_saves_codes_in_jupyterlab(lab, browser, out_dir):
    """Notebook 06's coding form, used as a coder would: pick codes, save, and the sheet holds them."""
    import csv
    import time

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    rel = "notebooks/06_validation.ipynb"
    run_all_in_lab(browser, lab, rel, code_cell_count(lab.root / rel), TIMEOUT)
    form = browser.find_elements(By.CSS_SELECTOR, ".sinojp-coding-form")
    assert form, "the coding form did not render"
    form = form[0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", form)
    coded = [("+1 positive", "0 neutral / absent", "diplomacy"), ("-1 negative", "-1 negative", "security"),
             ("0 neutral / absent", "+1 positive", "us_factor")]
    for relations, us, frame in coded:
        boxes = form.find_elements(By.CSS_SELECTOR, ".widget-radio-box")
        assert len(boxes) == 2, "two radio groups (relations, US role)"
        for box, label in zip(boxes, (relations, us)):
            for option in box.find_elements(By.TAG_NAME, "label"):
                if option.text.strip() == label:
                    option.find_element(By.TAG_NAME, "input").click()
                    break
            else:
                raise AssertionError(f"no option {label!r}")
        Select(form.find_element(By.TAG_NAME, "select")).select_by_visible_text(frame)
        progress = form.text
        next(b for b in form.find_elements(By.TAG_NAME, "button") if b.text.strip() == "Save and next").click()
        deadline = time.monotonic() + 20
        while form.text == progress and time.monotonic() < deadline:  # the form moves to the next item
            time.sleep(0.2)
    full_page_screenshot(browser, out_dir / "06_coding_form.png")
    sheet = lab.root / "outputs" / "coding" / "sheet_coder1.csv"
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    saved = [(r["relations_stance"], r["us_stance"], r["frame"]) for r in rows if r["frame"]]
    assert saved == [("1", "0", "diplomacy"), ("-1", "-1", "security"), ("0", "1", "us_factor")]
