"""Which Chromium the crawl drives, and how it is launched.

Chosen automatically, in this order:
1. the ``BROWSER_EXECUTABLE_PATH`` setting or environment variable (an explicit path);
2. Playwright's own browser, when ``playwright install chromium`` put one in its cache;
3. a system Chromium (Debian's ``/usr/bin/chromium``, ``chromium-browser``, Google Chrome).

Playwright's own browser runs as the full Chromium build in its new headless mode (``channel="chromium"``)
when that build is installed, not the headless shell; a system Chromium is the full build already, and
its ``--headless`` is the new headless mode.

One identity (``Identity``), whichever browser runs: the User-Agent is the one the browser itself
would send in a window (its real version, no "HeadlessChrome"), given to Playwright's ``user_agent``
context option, which keeps the client hints (``sec-ch-ua*``, ``navigator.userAgentData``: Chromium's
own brands and full version) in step; ``--disable-blink-features=AutomationControlled`` keeps
``navigator.webdriver`` false; one locale gives ``Accept-Language`` and ``navigator.languages``, one
time zone ``Intl``'s. Plain (non-browser) requests send the same User-Agent and client hints.

``python -m crawler.browser --check`` prints the choice and launches it once.
"""
from __future__ import annotations

import functools
import glob
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# flags that keep a headless Chromium quiet on a closed network and in containers
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    # navigator.webdriver stays false, as in a browser someone uses (the flag Chromium itself honours)
    "--disable-blink-features=AutomationControlled",
]
SYSTEM_CHROMIUMS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]


_FULL = ["chromium-*/chrome-linux*/chrome", "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium"]
_SHELL = ["chromium_headless_shell-*/chrome-*/headless_shell", "chromium_headless_shell-*/chrome-*/chrome-headless-shell"]


def _playwright_root() -> Path:
    return Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright")


def playwright_browser(full_only: bool = False) -> str | None:
    """Playwright's own Chromium, if it was installed: the full build first (new headless mode),
    else its headless shell."""
    for pattern in _FULL + ([] if full_only else _SHELL):
        found = sorted(glob.glob(str(_playwright_root() / pattern)))
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
    elif playwright_browser(full_only=True):
        options["channel"] = "chromium"  # Playwright's full build in new headless mode, not the headless shell
    return options


def executable_of(options: dict) -> str | None:
    """The binary a launch with ``options`` runs (for its version), when it can be told without launching."""
    return options.get("executable_path") or playwright_browser(full_only=bool(options.get("channel")))


@functools.lru_cache(maxsize=8)
def browser_version(executable: str | None) -> str | None:
    """The full version of a Chromium binary (``150.0.7871.100``), from ``--version``; None when unknown."""
    if not executable:
        return None
    try:
        out = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+\.\d+\.\d+\.\d+)", out)
    return match.group(1) if match else None


@dataclass(frozen=True)
class Identity:
    """What the crawl says it is, everywhere: HTTP headers, client hints, the page's navigator, Intl."""
    version: str                 # the browser's real full version, 150.0.7871.100
    locale: str = "en-US"
    timezone: str = "America/New_York"

    @property
    def major(self) -> str:
        return self.version.split(".")[0]

    @property
    def user_agent(self) -> str:
        # Chromium's own (reduced) desktop Linux User-Agent, as a headed window sends it
        return ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%s.0.0.0 "
                "Safari/537.36" % self.major)

    @property
    def accept_language(self) -> str:
        return self.locale  # what Playwright's locale option makes the browser send (navigator.languages alike)

    def brands(self) -> list[tuple[str, str]]:
        """Chromium's brand list: its GREASE brand (derived from the major version, as Chromium does) and
        "Chromium", in Chromium's order."""
        seed = int(self.major)
        chars = [" ", "(", ":", "-", ".", "/", ")", ";", "=", "?", "_"]
        grease = ("Not%sA%sBrand" % (chars[seed % 11], chars[(seed + 1) % 11]), ["8", "99", "24"][seed % 3])
        chromium = ("Chromium", self.major)
        return [grease, chromium] if seed % 2 == 0 else [chromium, grease]

    def client_hints(self) -> dict[str, str]:
        """The low-entropy client hints Chromium sends on every request."""
        return {"sec-ch-ua": ", ".join('"%s";v="%s"' % brand for brand in self.brands()),
                "sec-ch-ua-mobile": "?0", "sec-ch-ua-platform": '"Linux"'}

    def context_kwargs(self) -> dict:
        """Playwright context options: Chromium keeps its client hints in step with this User-Agent."""
        return {"user_agent": self.user_agent, "locale": self.locale, "timezone_id": self.timezone}

    def plain_headers(self) -> dict[str, str]:
        """Headers of plain (non-browser) requests, as the browser sends them for a document."""
        return {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
                          "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
                "Accept-Language": self.accept_language, **self.client_hints()}


def identity_for(options: dict, locale: str | None = None, timezone: str | None = None) -> Identity | None:
    """The identity of the browser ``options`` launch, from its real version; None when the version
    cannot be told (a remote browser over CDP: it keeps its own identity)."""
    version = browser_version(executable_of(options))
    if version is None:
        return None
    return Identity(version, locale or "en-US", timezone or "America/New_York")


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
