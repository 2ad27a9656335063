"""The rendering limit: raw Playwright (asyncio) reusing N long-lived pages (default 4).

Each worker owns one page for the whole run: ``page.goto(url)`` (waits for "load"),
``page.content()``, then the project's parser (``crawler.extract.extract_page``) on the
rendered HTML; one JSON line per record goes to ``--out``. Images are aborted by a URL
route (only image URLs reach Python), as the crawler's guard aborts them.

    python benchmarks/raw_playwright.py --urls-file urls.txt --out out.jsonl [--workers 4]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from playwright.async_api import async_playwright  # noqa: E402

from crawler.extract import extract_page  # noqa: E402
from crawler.page import Page  # noqa: E402
from crawler.records import to_dict  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
IMAGES = re.compile(r"\.(?:png|jpe?g|gif|webp|avif|svg|ico)(?:[?#]|$)", re.I)


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--urls-file", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--arg", action="append", default=[], help="an extra Chromium flag (repeatable)")
    args = parser.parse_args()
    urls = [u.strip() for u in open(args.urls_file) if u.strip()]
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    errors = 0
    out = open(args.out, "w", encoding="utf-8")

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=args.chromium, headless=True, args=ARGS + args.arg)
        context = await browser.new_context()
        await context.route(IMAGES, lambda route: route.abort())

        async def worker() -> None:
            nonlocal errors
            page = await context.new_page()
            while True:
                try:
                    url = queue.get_nowait()
                except asyncio.QueueEmpty:
                    break
                try:
                    await page.goto(url)
                    html = await page.content()
                    records = extract_page(Page(url=url, body=html.encode("utf-8")), "tiktok").records
                    for record in records:
                        out.write(json.dumps(to_dict(record), ensure_ascii=False) + "\n")
                    out.flush()
                except Exception as exc:  # count and go on, as a crawler would
                    errors += 1
                    print("%s: %s" % (url, exc), file=sys.stderr)
            await page.close()

        await asyncio.gather(*(worker() for _ in range(args.workers)))
        await context.close()
        await browser.close()
    out.close()
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
