"""A small W3C WebDriver client for Debian's chromedriver and headless Chromium.

Enough for the browser tests: open a page, find elements, read text, run a script, take a
screenshot. It speaks the WebDriver HTTP protocol directly, so nothing tries to download
a browser or a driver.
"""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from servers import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


def available() -> bool:
    return CHROMIUM.exists() and CHROMEDRIVER.exists()


class Browser:
    """A headless Chromium session, closed by ``quit``."""

    def __init__(self) -> None:
        self.port = free_port()
        self.driver = subprocess.Popen(
            [str(CHROMEDRIVER), f"--port={self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.profile = tempfile.mkdtemp(prefix="tkg-chromium-")
        self._wait_for_driver()
        args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            f"--user-data-dir={self.profile}",
            "--window-size=1280,1600",
        ]
        caps = {
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {"binary": str(CHROMIUM), "args": args},
                }
            }
        }
        self.session = self._call("POST", "/session", caps)["sessionId"]

    def _wait_for_driver(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/status", timeout=1).read()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("chromedriver did not start")

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())["value"]

    def get(self, url: str) -> None:
        self._call("POST", f"/session/{self.session}/url", {"url": url})

    def find(self, css: str) -> str:
        return str(
            self._call(
                "POST", f"/session/{self.session}/element", {"using": "css selector", "value": css}
            )[ELEMENT]
        )

    def find_all(self, css: str) -> list[str]:
        return [
            e[ELEMENT]
            for e in self._call(
                "POST", f"/session/{self.session}/elements", {"using": "css selector", "value": css}
            )
        ]

    def text(self, element: str) -> str:
        return str(self._call("GET", f"/session/{self.session}/element/{element}/text"))

    def click(self, element: str) -> None:
        self._call("POST", f"/session/{self.session}/element/{element}/click", {})

    def script(self, source: str, *args: Any) -> Any:
        return self._call(
            "POST", f"/session/{self.session}/execute/sync", {"script": source, "args": list(args)}
        )

    def wait_for(self, source: str, seconds: float = 20) -> Any:
        """Run ``source`` until it returns something truthy; script errors while the page is
        still loading count as "not yet"."""
        deadline = time.monotonic() + seconds
        last = ""
        while time.monotonic() < deadline:
            try:
                value = self.script(source)
            except urllib.error.HTTPError as err:
                value, last = None, err.read().decode("utf-8", "replace")[:300]
            if value:
                return value
            time.sleep(0.2)
        raise TimeoutError(f"waited {seconds} s for: {source} {last}")

    def screenshot(self, path: Path) -> None:
        path.write_bytes(base64.b64decode(self._call("GET", f"/session/{self.session}/screenshot")))

    def quit(self) -> None:
        try:
            self._call("DELETE", f"/session/{self.session}")
        finally:
            self.driver.terminate()
            self.driver.wait(timeout=10)
