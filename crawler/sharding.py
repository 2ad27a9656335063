"""One crawl as one shard of many: each shard takes a deterministic, disjoint slice of the targets.

A target (a URL, a search term, an account) goes to the shard with the highest
``sha256("<shard index>:<target key>")``: rendezvous (highest-random-weight) hashing.
Every process computes the same answer without talking to the others; the shards
together cover every target exactly once; a target added to the watchlist moves no
other target, and going from N to N+1 shards moves only the targets the new shard
takes (about 1/(N+1) of them).

Settings (or environment variables of the same name):

- ``SHARD_INDEX`` / ``SHARD_COUNT``: this crawl is shard INDEX (0-based) of COUNT. Unset,
  they come from the engine that runs the job:

  - Kubernetes Indexed Job: ``JOB_COMPLETION_INDEX`` (set by Kubernetes) and
    ``JOB_COMPLETIONS``, which the manifests set to the Job's ``spec.completions`` (the
    downward API does not expose it; a test keeps the two equal in deploy/kubernetes);
  - Google Cloud Run jobs: ``CLOUD_RUN_TASK_INDEX`` and ``CLOUD_RUN_TASK_COUNT``;
  - else shard 0 of 1: the whole target list.

- ``RUN_ID``: the same for every shard of one scheduled run; each shard's manifest carries it
  with its shard (``"run_id"``, ``"shard": {"index", "count"}``), so downstream knows the run is
  complete when it holds ``count`` manifests of that run id (``run_complete``). Unset: Cloud Run's
  ``CLOUD_RUN_EXECUTION``; else the crawl id (a run of one shard). The Kubernetes manifests set it
  to the Job's name, which is new for every scheduled run.

A bad value (index out of range, a count below 1, a word) is a bad configuration: exit 2.
"""
from __future__ import annotations

import hashlib
import os
import re
from collections.abc import AsyncIterable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# (index variable, count variable) of each engine, in order of preference
ENGINES = (("JOB_COMPLETION_INDEX", "JOB_COMPLETIONS"), ("CLOUD_RUN_TASK_INDEX", "CLOUD_RUN_TASK_COUNT"))
RUN_ID_ENV = ("RUN_ID", "CLOUD_RUN_EXECUTION")


class ShardError(ValueError):
    """SHARD_INDEX/SHARD_COUNT (or the engine's variables) that make no shard (one line, exit 2)."""


def target_key(kind: str, value: str) -> str:
    """The stable key of a target: its kind and its value as written (a URL without its fragment,
    an account without its leading @), so the same target hashes the same in every run."""
    value = value.strip()
    if kind == "url":
        value = value.split("#", 1)[0]
    elif kind == "account":
        value = value.lstrip("@")
    return "%s:%s" % (kind, value)


def weight(index: int, key: str) -> int:
    return int.from_bytes(hashlib.sha256(("%d:%s" % (index, key)).encode("utf-8")).digest()[:8], "big")


def shard_of(key: str, count: int) -> int:
    """The shard (0..count-1) that owns a target key."""
    if count <= 1:
        return 0
    return max(range(count), key=lambda index: weight(index, key))


@dataclass(frozen=True)
class Shard:
    index: int = 0
    count: int = 1

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ShardError("SHARD_COUNT must be at least 1, got %d" % self.count)
        if not 0 <= self.index < self.count:
            raise ShardError("SHARD_INDEX must be in 0..%d (SHARD_COUNT %d), got %d" % (
                self.count - 1, self.count, self.index))

    def owns(self, key: str) -> bool:
        return shard_of(key, self.count) == self.index

    def select(self, targets: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """The (kind, value) targets of this shard, in their order."""
        return [(kind, value) for kind, value in targets if self.owns(target_key(kind, value))]

    async def filter(self, requests: AsyncIterable, stats=None):
        """The start requests of this shard's targets (each start request is one target)."""
        if stats is not None:
            stats.set_value("shard/targets", 0)
        async for request in requests:
            if not hasattr(request, "meta"):  # an item from start(): not a target
                yield request
                continue
            if self.owns(request_key(request)):
                if stats is not None:
                    stats.inc_value("shard/targets")
                yield request
            elif stats is not None:
                stats.inc_value("shard/skipped")

    def as_dict(self) -> dict:
        return {"index": self.index, "count": self.count}


def request_key(request) -> str:
    """The target key of a start request: the search term or account it reads, else its URL."""
    role = request.meta.get("role", "url")
    query = request.meta.get("query")
    if role == "search" and query:
        return target_key("query", query)
    if role == "account" and query:
        return target_key("account", query)
    return target_key("url", request.url)


def _int(name: str, value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"\d+", text):
        raise ShardError("%s must be a whole number, got %r" % (name, value))
    return int(text)


def _given(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def shard_from(settings: Mapping | Any, environ: Mapping[str, str] | None = None) -> Shard:
    """This crawl's shard: SHARD_INDEX/SHARD_COUNT (setting, then environment), else the engine's
    variables (Kubernetes Indexed Job, Cloud Run), else 0 of 1."""
    environ = os.environ if environ is None else environ
    index = settings.get("SHARD_INDEX") if _given(settings.get("SHARD_INDEX")) else environ.get("SHARD_INDEX")
    count = settings.get("SHARD_COUNT") if _given(settings.get("SHARD_COUNT")) else environ.get("SHARD_COUNT")
    if _given(index) or _given(count):
        if not (_given(index) and _given(count)):
            raise ShardError("give both SHARD_INDEX and SHARD_COUNT (got %s)" % (
                "SHARD_INDEX only" if _given(index) else "SHARD_COUNT only"))
        return Shard(_int("SHARD_INDEX", index), _int("SHARD_COUNT", count))
    for index_name, count_name in ENGINES:
        if _given(environ.get(index_name)):
            if not _given(environ.get(count_name)):
                raise ShardError("%s is set but %s is not: set %s to the number of shards (%s)" % (
                    index_name, count_name, count_name,
                    "the Job's spec.completions" if count_name == "JOB_COMPLETIONS" else "the task count"))
            return Shard(_int(index_name, environ[index_name]), _int(count_name, environ[count_name]))
    return Shard()


def run_id_from(settings: Mapping | Any, crawl_id: str, environ: Mapping[str, str] | None = None) -> str:
    """The scheduled run this crawl belongs to: RUN_ID (setting, environment), Cloud Run's execution,
    else the crawl itself."""
    from crawler.ids import check_id  # egress issue: RUN_ID becomes part of keys, validated (crawler.ids)

    environ = os.environ if environ is None else environ
    if _given(settings.get("RUN_ID")):
        return check_id(str(settings.get("RUN_ID")).strip(), "RUN_ID")
    for name in RUN_ID_ENV:
        if _given(environ.get(name)):
            return check_id(environ[name].strip(), name)
    return crawl_id


def run_complete(manifests: Iterable[dict], run_id: str) -> bool:
    """Whether the manifests hold every shard of a run (what downstream waits for)."""
    mine = [m for m in manifests if m.get("run_id") == run_id and isinstance(m.get("shard"), dict)]
    if not mine:
        return False
    count = mine[0]["shard"].get("count")
    return isinstance(count, int) and {m["shard"].get("index") for m in mine} == set(range(count))


def attach(spider, settings) -> None:
    """When the spider is made: its shard and run id, and the crawl's context in every JSON log line."""
    from crawler import logformat

    spider.shard = shard_from(settings)
    spider.run_id = run_id_from(settings, spider.crawl_id)
    logformat.set_context(spider=spider.name, crawl_id=spider.crawl_id, run_id=spider.run_id,
                          shard="%d/%d" % (spider.shard.index, spider.shard.count))
