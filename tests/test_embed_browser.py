"""The dashboard examples served for real (Streamlit, Dash, Panel) and opened in headless
Chromium: each draws the map's markers, and nothing logged says "deprecated".

Each test starts the example's server on a free local port, waits for it to answer, finds the
map's iframe (through Panel's shadow roots too) and counts the markers in its live DOM.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from geomap.export import browser

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def driver(chromium) -> Iterator["object"]:
    # the dashboards come from a local server; the map itself needs nothing else. Bokeh (Panel)
    # probes WebGL: without a GPU Chromium then logs that its automatic software fallback "has
    # been deprecated" unless software WebGL is asked for.
    with browser(width=1280, height=900, offline=False, flags=["--enable-unsafe-swiftshader"]) as drv:
        yield drv


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(args: list[str], url: str, log: Path, env: dict[str, str] | None = None, timeout: float = 240.0):
    """Start a server (its output to ``log``) and wait until ``url`` answers; return the process."""
    out = log.open("wb")
    proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{args[0]} exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise AssertionError(f"{url} did not answer within {timeout:.0f} s: {log.read_text(errors='replace')[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


#: The number of markers in the first iframe (searched through shadow roots) whose map is ready.
MARKERS_IN_FRAME = """
function frames(root) {
  const out = Array.from(root.querySelectorAll('iframe'));
  for (const el of root.querySelectorAll('*')) if (el.shadowRoot) out.push(...frames(el.shadowRoot));
  return out;
}
for (const f of frames(document)) {
  let w, d;
  try { w = f.contentWindow; d = f.contentDocument; } catch (e) { continue; }
  if (w && d && w.geomapReady) return d.querySelectorAll('path.leaflet-interactive').length;
}
return null;
"""


def markers_shown(driver, url: str, timeout: float = 120.0) -> int:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get_log("browser")  # drop earlier pages' messages
    driver.get(url)
    return WebDriverWait(driver, timeout, poll_frequency=0.25).until(lambda d: d.execute_script(MARKERS_IN_FRAME))


#: What a deprecation notice says (Streamlit's for components.v1.html: "Please replace
#: `st.components.v1.html` with `st.iframe`. … will be removed after 2026-06-01.").
DEPRECATED = re.compile(r"deprecat|will be removed|please replace", re.IGNORECASE)


def no_deprecation(driver, log: Path) -> None:
    console = "\n".join(str(e.get("message")) for e in driver.get_log("browser"))
    server = log.read_text(errors="replace")
    assert not DEPRECATED.search(server), server[-3000:]
    assert not DEPRECATED.search(console), console[-3000:]


def test_streamlit_example_draws_markers(driver, tmp_path):
    port = free_port()
    log = tmp_path / "streamlit.log"
    proc = serve([sys.executable, "-m", "streamlit", "run", str(EXAMPLES / "streamlit_app.py"),
                  "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
                  "--browser.gatherUsageStats", "false"], f"http://127.0.0.1:{port}/_stcore/health", log)
    try:
        assert markers_shown(driver, f"http://127.0.0.1:{port}/") >= 10
        no_deprecation(driver, log)
    finally:
        stop(proc)


def test_dash_example_draws_markers(driver, tmp_path):
    port = free_port()
    log = tmp_path / "dash.log"
    proc = serve([sys.executable, str(EXAMPLES / "dash_app.py")], f"http://127.0.0.1:{port}/", log,
                 env={"PORT": str(port), "HOST": "127.0.0.1"})
    try:
        assert markers_shown(driver, f"http://127.0.0.1:{port}/") >= 10
        no_deprecation(driver, log)
    finally:
        stop(proc)


def test_panel_example_draws_markers(driver, tmp_path):
    port = free_port()
    log = tmp_path / "panel.log"
    proc = serve([sys.executable, "-m", "panel", "serve", str(EXAMPLES / "panel_app.py"), "--port", str(port),
                  "--address", "127.0.0.1", "--allow-websocket-origin", f"127.0.0.1:{port}"],
                 f"http://127.0.0.1:{port}/panel_app", log)
    try:
        assert markers_shown(driver, f"http://127.0.0.1:{port}/panel_app") >= 10
        no_deprecation(driver, log)
    finally:
        stop(proc)
