"""One headless Chromium (Playwright) for the analyst tests that open a generated page; every request but
file:// is refused, so a page that tried to load anything from the network would show it."""
from __future__ import annotations

import contextlib

from crawler.browser import launch_options


@contextlib.contextmanager
def offline_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(**launch_options())
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 900})
            refused: list[str] = []

            def route(r):
                if r.request.url.startswith(("file://", "data:")):
                    r.continue_()
                else:
                    refused.append(r.request.url)
                    r.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.refused = refused
            yield page
        finally:
            browser.close()
