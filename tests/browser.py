"""A real headless Chromium for tests, driven through chromedriver's W3C WebDriver HTTP API.

Standard library only (urllib and json): no Selenium or Playwright download. Needs Debian's
``chromium`` and ``chromium-driver`` packages (``apt-get install chromium chromium-driver``; .ci/run
installs them). The browser runs with the network blocked: every host name resolves to nothing and
every request goes to a proxy that does not exist, so a page that tried to load anything from the
network would fail visibly (and ``resources()`` lists what it tried).

    with Chromium(tmp_path) as browser:
        browser.open(path)                      # a local file
        browser.click("#tg-step")
        browser.text("#tg-narration")
        browser.run("return document.title")    # JavaScript in the page
        browser.screenshot()                    # PNG bytes
"""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C WebDriver key of an element reference

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
MISSING = (
    None
    if CHROMIUM and CHROMEDRIVER
    else "headless Chromium is not installed: apt-get install chromium chromium-driver"
)

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # the network, blocked: no name resolves, and every request would go to a closed port
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Chromium:
    """One headless Chromium session (a fresh profile in ``folder``)."""

    def __init__(self, folder: Path, width: int = 1300, height: int = 900):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.driver = subprocess.Popen(
            [CHROMEDRIVER, f"--port={self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            self._wait_ready()
            profile = Path(folder) / "chromium-profile"
            profile.mkdir(parents=True, exist_ok=True)
            options = {
                "binary": CHROMIUM,
                "args": [*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"],
            }
            caps = {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}
            reply = self._call("POST", "/session", {"capabilities": caps})
            self.session = reply["sessionId"]
        except BaseException:
            self.driver.kill()
            self.driver.wait()
            raise

    # -- plumbing ------------------------------------------------------------------------------

    def _wait_ready(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self._call("GET", "/status").get("ready"):
                    return
            except (urllib.error.URLError, ConnectionError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("chromedriver did not start")
            time.sleep(0.1)

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read() or b"{}").get("value")
        except urllib.error.HTTPError as err:
            detail = json.loads(err.read() or b"{}").get("value", {})
            raise RuntimeError(f"webdriver {method} {path}: {detail.get('message', err)}") from None

    def _session(self, method: str, path: str, body: Any = None) -> Any:
        return self._call(method, f"/session/{self.session}{path}", body)

    # -- what tests use ------------------------------------------------------------------------

    def open(self, path: Path) -> None:
        self._session("POST", "/url", {"url": Path(path).resolve().as_uri()})

    def find(self, css: str) -> str:
        found = self._session("POST", "/element", {"using": "css selector", "value": css})
        return found[ELEMENT]

    def click(self, css: str) -> None:
        self._session("POST", f"/element/{self.find(css)}/click", {})

    def text(self, css: str) -> str:
        return self._session("GET", f"/element/{self.find(css)}/text")

    def run(self, script: str, *args: Any) -> Any:
        return self._session("POST", "/execute/sync", {"script": script, "args": list(args)})

    def key(self, key: str) -> None:
        """Press one key (e.g. ``"\\ue014"``, the right arrow) in the page."""
        actions = [{"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]
        keyboard = {"type": "key", "id": "keyboard", "actions": actions}
        self._session("POST", "/actions", {"actions": [keyboard]})

    def resources(self) -> list[str]:
        """Every URL the page requested after its own document (images, scripts, styles, ...)."""
        return self.run("return performance.getEntriesByType('resource').map(e => e.name)")

    def screenshot(self) -> bytes:
        return base64.b64decode(self._session("GET", "/screenshot"))

    def close(self) -> None:
        try:
            self._session("DELETE", "")
        except (RuntimeError, urllib.error.URLError, ConnectionError):
            pass
        finally:
            self.driver.terminate()
            try:
                self.driver.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.driver.kill()
                self.driver.wait()

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
