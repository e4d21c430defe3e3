"""Helpers for the end-to-end test: a private JupyterLab server and a headless Chromium driving it.

The notebooks are run on copies laid out in a temporary tree that mirrors the checkout
(``<tmp>/work/notebooks/*.ipynb`` beside symlinks to the repository's other entries, and
``<tmp>/<sibling>`` symlinks to the checkout's siblings such as ``shared``), so relative paths
like ``../data/raw`` and ``../../shared/corpora/news-sample`` resolve as they do in
``notebooks/`` while the stored notebooks are never touched. ``outputs`` is a fresh folder.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

# JupyterLab 4 user settings for the run: every cell attached to the DOM (so rendered outputs
# can be counted and the screenshot shows the whole notebook) and no news or update checks.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}

CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def expected_images(notebook: Path) -> int:
    """Number of ``image/png`` outputs stored in a notebook (what a run should show)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return sum("image/png" in out.get("data", {})
               for cell in nb["cells"] if cell["cell_type"] == "code"
               for out in cell.get("outputs", []))


def code_cell_count(notebook: Path) -> int:
    """Number of non-empty code cells in a notebook."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return sum(1 for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip())


def mirror_checkout(repo: Path, notebooks: list[Path], tmp: Path) -> Path:
    """Lay out ``tmp`` so copies of ``notebooks`` see the same relative paths as in ``repo/notebooks``.

    Returns the root to serve (``tmp/<repo name>``); the copies are in its ``notebooks/``.
    """
    root = tmp / repo.name
    (root / "notebooks").mkdir(parents=True)
    for nb in notebooks:
        shutil.copy2(nb, root / "notebooks" / nb.name)
    for sanitize in (repo / "notebooks").glob("*.cfg"):
        shutil.copy2(sanitize, root / "notebooks" / sanitize.name)
    (root / "outputs").mkdir()
    for entry in repo.iterdir():
        if entry.name not in {"notebooks", "outputs", ".git"}:
            (root / entry.name).symlink_to(entry)
    for sibling in repo.parent.iterdir():
        if sibling.name != repo.name and not sibling.name.startswith("."):
            (tmp / sibling.name).symlink_to(sibling)
    return root


def _pids_with_arg(marker: str) -> list[int]:
    """Process ids whose command line mentions ``marker`` (a unique temporary path of this run)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in cmdline:
            pids.append(int(proc.name))
    return pids


def kill_leftovers(marker: str) -> list[int]:
    """SIGKILL the processes (by id) whose command line holds this run's unique ``marker`` path."""
    pids = _pids_with_arg(marker)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return pids


@dataclass
class JupyterLab:
    """A JupyterLab server on 127.0.0.1 with a random token, isolated config, settings and runtime dirs."""

    root: Path
    state: Path
    python: Path
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(24))
    proc: subprocess.Popen | None = None
    log: Path | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def api(self, path: str, method: str = "GET") -> object:
        req = urllib.request.Request(self.url(f"api/{path}"), method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def start(self, timeout: float = 90) -> None:
        for rel, value in LAB_SETTINGS.items():
            target = self.state / "lab-settings" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(value), encoding="utf-8")
        env = dict(os.environ,
                   JUPYTER_CONFIG_DIR=str(self.state / "config"),
                   JUPYTER_RUNTIME_DIR=str(self.state / "runtime"),
                   JUPYTER_DATA_DIR=str(self.state / "data"),
                   JUPYTERLAB_SETTINGS_DIR=str(self.state / "lab-settings"),
                   JUPYTERLAB_WORKSPACES_DIR=str(self.state / "lab-workspaces"),
                   PYTHONUNBUFFERED="1")
        env.pop("JUPYTER_TOKEN", None)
        cmd = [str(self.python), "-m", "jupyterlab", "--no-browser", "--allow-root",
               "--ip=127.0.0.1", f"--port={self.port}", "--port-retries=0",
               f"--ServerApp.token={self.token}", f"--ServerApp.root_dir={self.root}",
               "--ServerApp.password=", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--LabApp.extension_manager=readonly",
               "--MappingKernelManager.default_kernel_name=python3"]
        self.log = self.state / "jupyterlab.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited early:\n{self.log.read_text(errors='replace')}")
            try:
                self.api("status")
                return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"JupyterLab not up after {timeout}s:\n{self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        """Shut down kernels and the server via the API, then make sure nothing of ours is left."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                for kernel in self.api("kernels"):
                    self.api(f"kernels/{kernel['id']}", method="DELETE")
                self.api("shutdown", method="POST")
            except OSError:
                pass
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait(timeout=10)
        # Kernels run in their own sessions; any still alive carry our private runtime dir.
        kill_leftovers(str(self.state / "runtime"))
        self.proc = None


def start_chromium(profile: Path):
    """A headless Chromium (Debian's binary and driver, nothing downloaded) with a fresh profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    # Leaving a notebook with unsaved changes (after a failed run) must not stall on "Leave site?".
    options.set_capability("unhandledPromptBehavior", "accept")
    service = Service(executable_path=str(CHROMEDRIVER), log_output=subprocess.DEVNULL)
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    return driver


# --- driving the JupyterLab UI -------------------------------------------------------------

# Counts rendered by the page; every cell is in the DOM because windowingMode is "none".
STATE_JS = """
const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
if (!panel) { return null; }
const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
const stderr = [...panel.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')].map(e => e.innerText);
const imgs = [...panel.querySelectorAll('.jp-OutputArea-output img')];
const status = panel.querySelector('.jp-Notebook-ExecutionIndicator');
return {
  prompts: prompts,
  stderr: stderr,
  images: imgs.length,
  images_loaded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
  kernel: status ? status.getAttribute('data-status') : null,
  saw_busy: window.__sinojpSawBusy === true,
};
"""

# Notes (in the page) whether any prompt ever showed "[*]" after the run was started, so a run
# that finishes between two polls is still seen.
WATCH_JS = """
window.__sinojpSawBusy = false;
const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
const obs = new MutationObserver(() => {
  if ([...panel.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'))) {
    window.__sinojpSawBusy = true;
  }
});
obs.observe(panel, {subtree: true, childList: true, characterData: true});
"""


@dataclass
class NotebookRun:
    """What the browser showed after running one notebook."""

    name: str
    prompts: list[str]
    stderr: list[str]
    images: int
    images_loaded: int
    kernel: str | None
    seconds: float

    @property
    def executed(self) -> int:
        return sum(p.strip("[]: ").isdigit() for p in self.prompts)

    @property
    def errors(self) -> list[str]:
        """Rendered stderr/error outputs that show a traceback or an exception line."""
        return [s for s in self.stderr
                if "Traceback" in s or re.search(r"^\w*(Error|Exception)\b", s, re.MULTILINE)]


def _wait(driver, predicate, timeout: float, what: str, poll: float = 0.25):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate(driver)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(poll)


def _click_menu(driver, menu_label: str, command: str) -> None:
    """Open a main-menu entry by its label and click the item bound to ``command``."""
    from selenium.webdriver.common.by import By

    for item in driver.find_elements(By.CSS_SELECTOR, "#jp-MainMenu .lm-MenuBar-item"):
        if item.text.strip() == menu_label:
            item.click()
            break
    else:
        raise AssertionError(f"no '{menu_label}' menu in the JupyterLab menu bar")
    entry = _wait(driver, lambda d: d.find_elements(
        By.CSS_SELECTOR, f'.lm-Menu:not(.lm-mod-hidden) .lm-Menu-item[data-command="{command}"]'),
        10, f"menu item {command}")
    entry[0].click()


class KernelConnectionLost(RuntimeError):
    """The page lost its kernel (status neither idle nor busy for long), not a notebook error."""


def run_all_in_lab(driver, lab: JupyterLab, rel_path: str, n_code: int, timeout: float) -> NotebookRun:
    """Open ``rel_path`` in JupyterLab, clear outputs, Restart Kernel and Run All Cells, wait for idle.

    Everything goes through the UI: the Edit menu's "Clear Outputs of All Cells", then the Run
    menu's "Restart Kernel and Run All Cells…" with its dialog confirmed.
    """
    from selenium.webdriver.common.by import By

    t0 = time.monotonic()
    driver.get(lab.url(f"lab/tree/{rel_path}?reset&token={lab.token}"))
    _wait(driver, lambda d: (s := d.execute_script(STATE_JS)) and len(s["prompts"]) >= n_code
          and s["kernel"] == "idle", 120, f"{rel_path} to open with an idle kernel")
    # Restarting the kernel within a moment of its first connection can hit a race in
    # jupyter_server's websocket handover (the page then loses its kernel); a person would
    # not click that fast either.
    time.sleep(2.0)
    hide_left_sidebar(driver)
    _click_menu(driver, "Edit", "editmenu:clear-all")
    _wait(driver, lambda d: d.execute_script(STATE_JS)["images"] == 0, 20, "outputs to clear")
    driver.execute_script(WATCH_JS)
    _click_menu(driver, "Run", "runmenu:restart-and-run-all")
    accept = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".jp-Dialog .jp-mod-accept"),
                   20, "the restart dialog")
    accept[0].click()

    last_ok = time.monotonic()

    def finished(d):
        nonlocal last_ok
        s = d.execute_script(STATE_JS)
        if s["kernel"] in ("idle", "busy"):
            last_ok = time.monotonic()
        elif time.monotonic() - last_ok > 30:
            raise KernelConnectionLost(f"{rel_path}: kernel status {s['kernel']!r} for 30 s")
        done = (s["saw_busy"] and s["kernel"] == "idle"
                and not any("*" in p for p in s["prompts"])
                and s["images_loaded"] == s["images"])
        return s if done else None

    _wait(driver, finished, timeout, f"{rel_path} to finish running")
    time.sleep(1.0)  # let the last outputs render, then take the settled state
    state = _wait(driver, finished, 30, f"{rel_path} to settle")
    return NotebookRun(name=rel_path, seconds=round(time.monotonic() - t0, 1), **{
        k: state[k] for k in ("prompts", "stderr", "images", "images_loaded", "kernel")})


def save_notebook(driver) -> None:
    """File > Save (the copy in the temporary tree), so the page can be left without a prompt."""
    from selenium.webdriver.common.by import By

    _click_menu(driver, "File", "docmanager:save")
    _wait(driver, lambda d: not d.find_elements(
        By.CSS_SELECTOR, ".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current.jp-mod-dirty"),
        30, "the notebook to be saved")


def hide_left_sidebar(driver) -> None:
    """View > File Browser (toggled off), so the notebook gets the page's width."""
    from selenium.webdriver.common.by import By

    if driver.find_elements(By.CSS_SELECTOR, "#jp-left-stack:not(.lm-mod-hidden)"):
        _click_menu(driver, "View", "filebrowser:toggle-main")


def full_page_screenshot(driver, path: Path, max_height: int = 30000) -> Path:
    """Screenshot the whole notebook, from its first cell to its last, as one PNG."""
    import base64

    measure = """
        const s = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
        s.scrollTop = 0;
        const cells = s.querySelectorAll('.jp-Cell');
        const last = cells[cells.length - 1];
        return Math.ceil(last.getBoundingClientRect().bottom + s.scrollTop) + 60;"""
    height = int(min(max(driver.execute_script(measure), 1000), max_height))
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 1400, "height": height, "deviceScaleFactor": 1, "mobile": False})
    try:
        time.sleep(1.0)
        driver.execute_script(measure)  # scroll back to the top after the relayout
        time.sleep(0.5)
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))
    return path
