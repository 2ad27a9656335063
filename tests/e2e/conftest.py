"""Browsers for the end-to-end tests.

By default every `scrapy crawl` launches its own Chromium through Playwright, exactly as in
production (a launch costs about half a second). CRAWLER_TEST_SHARED_BROWSER=1 starts one Chromium
for the whole session instead and lets every crawl connect to it over CDP (PLAYWRIGHT_CDP_URL):
faster on a laptop, but a browser started outside Playwright has been seen to time out full-page
screenshots of pages rendered side by side, so CI does not use it."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time

import pytest

from crawler.browser import CHROMIUM_ARGS, choose_browser, playwright_browser


# what Playwright itself passes when it launches Chromium: without these, a page in a background
# window of the shared browser is not rendered, and its screenshot waits until it times out
PLAYWRIGHT_LIKE = ["--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows",
                   "--disable-renderer-backgrounding", "--disable-features=HttpsUpgrades", "--hide-scrollbars",
                   "--mute-audio"]


def _executable() -> str | None:
    path, source = choose_browser()
    if path:
        return path
    return playwright_browser()


@pytest.fixture(scope="session", autouse=True)
def shared_browser():
    if os.environ.get("CRAWLER_TEST_SHARED_BROWSER") != "1":
        yield None
        return
    executable = _executable()
    profile = tempfile.mkdtemp(prefix="crawler-test-chromium-")
    proc = subprocess.Popen([executable, "--headless=new", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
                             "--user-data-dir=%s" % profile, *CHROMIUM_ARGS, *PLAYWRIGHT_LIKE, "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    endpoint = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and endpoint is None:
        line = proc.stderr.readline()
        match = re.search(r"DevTools listening on (ws://\S+)", line or "")
        if match:
            endpoint = match.group(1)
        elif not line and proc.poll() is not None:
            break
    if endpoint is None:
        proc.kill()
        pytest.fail("could not start the shared Chromium for the end-to-end tests")
    os.environ["CRAWLER_TEST_CDP_URL"] = endpoint
    try:
        yield endpoint
    finally:
        os.environ.pop("CRAWLER_TEST_CDP_URL", None)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)
