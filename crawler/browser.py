"""Which Chromium the crawl drives, and how it is launched.

Chosen automatically, in this order:
1. the ``BROWSER_EXECUTABLE_PATH`` setting or environment variable (an explicit path);
2. Playwright's own browser, when ``playwright install chromium`` put one in its cache;
3. a system Chromium (Debian's ``/usr/bin/chromium``, ``chromium-browser``, Google Chrome).

``python -m crawler.browser --check`` prints the choice and launches it once.
"""
from __future__ import annotations

import glob
import os
import shutil
import sys
from pathlib import Path

# flags that keep a headless Chromium quiet on a closed network and in containers
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
SYSTEM_CHROMIUMS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]


def playwright_browser() -> str | None:
    """Playwright's own Chromium (headless shell first), if it was installed."""
    root = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright")
    patterns = ["chromium_headless_shell-*/chrome-*/headless_shell", "chromium_headless_shell-*/chrome-*/chrome-headless-shell",
                "chromium-*/chrome-linux*/chrome", "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium"]
    for pattern in patterns:
        found = sorted(glob.glob(str(root / pattern)))
        if found:
            return found[-1]
    return None


def system_browser() -> str | None:
    for name in SYSTEM_CHROMIUMS:
        path = shutil.which(name)
        if path:
            return path
    return None


def choose_browser(explicit: str | None = None) -> tuple[str | None, str]:
    """(executable path or None for Playwright's default, where it came from)."""
    explicit = explicit or os.environ.get("BROWSER_EXECUTABLE_PATH")
    if explicit:
        if not Path(explicit).exists():
            raise FileNotFoundError("BROWSER_EXECUTABLE_PATH=%s does not exist" % explicit)
        return explicit, "setting"
    own = playwright_browser()
    if own:
        return None, "playwright"  # Playwright finds its own browser; no executable_path needed
    system = system_browser()
    if system:
        return system, "system"
    raise FileNotFoundError("no Chromium found: run 'playwright install chromium' or install a system chromium "
                            "(Debian: apt-get install chromium), or set BROWSER_EXECUTABLE_PATH")


def launch_options(explicit: str | None = None, headless: bool = True) -> dict:
    path, _source = choose_browser(explicit)
    options: dict = {"headless": headless, "args": list(CHROMIUM_ARGS)}
    if path:
        options["executable_path"] = path
    return options


def _check() -> int:
    try:
        path, source = choose_browser()
    except FileNotFoundError as exc:
        print("browser: %s" % exc, file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options())
        version = browser.version
        browser.close()
    print("browser: Chromium %s (%s%s)" % (version, source, ", " + path if path else ""))
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["--check"]:
        print("usage: python -m crawler.browser --check", file=sys.stderr)
        sys.exit(2)
    sys.exit(_check())
