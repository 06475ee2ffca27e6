"""Headless Chromium for the browser tests, driven by Selenium through Debian's chromedriver.

Both the browser and the driver are named by path, so Selenium never looks for or downloads
one of its own; the flags keep Chromium off the network (only the page's loopback server).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import JavascriptException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1600",
)


def available() -> bool:
    return CHROMIUM.exists() and CHROMEDRIVER.exists()


class Browser:
    """A headless Chromium session, closed by ``quit``."""

    def __init__(self) -> None:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in (*FLAGS, f"--user-data-dir={tempfile.mkdtemp(prefix='tkg-chromium-')}"):
            options.add_argument(flag)
        self.driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
        self.driver.set_page_load_timeout(60)

    def get(self, url: str) -> None:
        self.driver.get(url)

    def find(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, element: WebElement) -> str:
        return element.text

    def click(self, element: WebElement) -> None:
        element.click()

    def script(self, source: str, *args: object) -> object:
        return self.driver.execute_script(source, *args)

    def wait_for(self, source: str, seconds: float = 20) -> object:
        """Run ``source`` until it returns something truthy; script errors while the page is
        still loading count as "not yet"."""
        deadline = time.monotonic() + seconds
        last = ""
        while time.monotonic() < deadline:
            try:
                value = self.script(source)
            except (JavascriptException, WebDriverException) as err:
                value, last = None, str(err.msg)[:300]
            if value:
                return value
            time.sleep(0.2)
        raise TimeoutError(f"waited {seconds} s for: {source} {last}")

    def screenshot(self, path: Path) -> None:
        self.driver.save_screenshot(str(path))

    def quit(self) -> None:
        self.driver.quit()
