"""Fixtures of the deploy tests (the session's SeaweedFS is in tests/conftest.py): replayed Weibo crawls (JSON API, no browser: fast) with as many targets as a test wants."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote


from crawler.har import entry, write_har
from tests.support import PAGES, ROOT

WEIBO_PAGE = json.loads((PAGES / "weibo" / "mymblog_list.json").read_text(encoding="utf-8"))


def weibo_body(seed: int, posts: int = 2) -> bytes:
    """A Weibo status list whose posts and author are this seed's own (ids never shared between targets)."""
    page = json.loads(json.dumps(WEIBO_PAGE))
    statuses = []
    for n in range(posts):
        status = json.loads(json.dumps(page["data"]["list"][n % len(page["data"]["list"])]))
        sid = "50%08d%06d" % (seed, n)
        status.update(id=int(sid), idstr=sid, mid=sid, mblogid="M%dx%d" % (seed, n))
        status["user"] = dict(status["user"], id=7000000000 + seed, idstr=str(7000000000 + seed))
        statuses.append(status)
    page["data"]["list"] = statuses
    page["data"]["total"] = posts
    return json.dumps(page, ensure_ascii=False).encode("utf-8")


def account_url(uid: str) -> str:
    return "https://weibo.com/ajax/statuses/mymblog?uid=%s&page=1&feature=0" % quote(uid)


def search_url(term: str) -> str:
    return "https://weibo.com/ajax/side/search?q=%s" % quote(term)


def weibo_har(path: Path, pages: dict[str, bytes | tuple[int, bytes]]) -> Path:
    """A HAR answering each URL with its body (or (status, body))."""
    entries = []
    for url, answer in pages.items():
        status, body = answer if isinstance(answer, tuple) else (200, answer)
        entries.append(entry(url, body, mime="application/json", status=status))
    return write_har(entries, path)


def scrapy_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "SHARD_", "JOB_COMPLETION", "CLOUD_RUN_", "RUN_ID", "LOG_FORMAT"))}
    env.update(PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def crawl(*args: str, env: dict | None = None, timeout: int = 120, wait: bool = True):
    """`scrapy crawl ...` as a user runs it (a finished CompletedProcess, or a Popen with wait=False)."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", *args]
    if not wait:
        return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env or scrapy_env())
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env or scrapy_env())


def manifests_in(store: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((store / "crawls").glob("*/manifest.json"))]
