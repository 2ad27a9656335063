"""crawlee-python's PlaywrightCrawler with its defaults, on the benchmark's pages.

Run with the Python of a separate virtual environment holding ``crawlee[playwright]``
(it is not a dependency of the project). Only what FIELD-NOTES says it needs on this box
is set: Debian's Chromium (``executable_path``), no sandbox, the quiet-Chromium flags.
Everything else is crawlee's default: autoscaled concurrency, its browser pool (a new
browser every 100 pages), fingerprints, no resource blocking.

The handler takes the rendered HTML (``page.content()``) and reads the post from the
``__UNIVERSAL_DATA_FOR_REHYDRATION__`` state with ``json`` (the project's parser and its
dependencies are not installed in that environment; it costs ~16 ms of CPU per page,
which ``browser_bench.py`` reports separately). One JSON line per post goes to ``--out``.

    /path/to/venv/bin/python benchmarks/crawlee_run.py --urls-file urls.txt --out out.jsonl
"""
from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys

from crawlee.crawlers import PlaywrightCrawler, PlaywrightCrawlingContext

ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
STATE = re.compile(r'<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">(.*?)</script>', re.S)


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--urls-file", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    urls = [u.strip() for u in open(args.urls_file) if u.strip()]
    out = open(args.out, "w", encoding="utf-8")

    crawler = PlaywrightCrawler(
        browser_type="chromium", headless=True,
        browser_launch_options={"executable_path": args.chromium, "chromium_sandbox": False, "args": ARGS},
    )

    @crawler.router.default_handler
    async def handler(context: PlaywrightCrawlingContext) -> None:
        html = await context.page.content()
        match = STATE.search(html)
        item = json.loads(match.group(1))["__DEFAULT_SCOPE__"]["webapp.video-detail"]["itemInfo"]["itemStruct"]
        record = {"kind": "post", "id": item["id"], "text": item["desc"], "created_at": item["createTime"],
                  "author": {"id": item["author"]["id"], "handle": item["author"]["uniqueId"],
                             "name": item["author"]["nickname"]},
                  "metrics": {"views": item["stats"]["playCount"], "likes": item["stats"]["diggCount"],
                              "comments": item["stats"]["commentCount"], "shares": item["stats"]["shareCount"],
                              "saves": item["stats"]["collectCount"]},
                  "duration_s": item["video"]["duration"],
                  "music": {"title": item["music"]["title"], "author": item["music"]["authorName"]},
                  "source_url": context.request.url}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()

    await crawler.run(urls)
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
