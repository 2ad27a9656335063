"""After a crash: the next run or ``scrapy flush`` adopts the folders of dead crawls (their lock is free),
seals their open parts (up to the last complete line), gives them a manifest marked
``"interrupted": true`` built from their journal, and queues their uploads. Live crawls are left alone."""
from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

from crawler.storage.durable import file_digests
from crawler.storage.keys import MANIFEST_KEY, is_evidence
from crawler.storage.spool.commit import build_manifest, write_manifest
from crawler.storage.spool.layout import CrawlDir, iter_files, remove_stale_temporaries
from crawler.storage.spool.parts import read_journal, seal_part
from crawler.storage.spool.uploader import Upload

logger = logging.getLogger(__name__)


def adopt_dead(crawls: Path, skip: str | None = None) -> list[CrawlDir]:
    """The folders of dead crawls, locked for this process."""
    out = []
    for path in sorted(crawls.iterdir()) if crawls.is_dir() else []:
        if path.name.startswith("."):
            _remove_if_orphaned(path)
            continue
        if path.name == skip or not path.is_dir():
            continue
        crawl = CrawlDir.adopt(path)
        if crawl is not None:
            out.append(crawl)
    return out


def _remove_if_orphaned(path: Path) -> None:
    """A ``.new-*`` or ``.done-*`` folder whose process is gone."""
    match = re.match(r"^\.(?:new|done)-.+-(\d+)-[0-9a-f]{6}$", path.name)
    if not match:
        return
    try:
        os.kill(int(match.group(1)), 0)
    except ProcessLookupError:
        shutil.rmtree(path, ignore_errors=True)
    except PermissionError:
        pass


def prepare(crawl: CrawlDir, compresslevel: int) -> list[Upload]:
    """Seal a dead crawl's open parts, write its manifest (unless it had one), return its uploads."""
    remove_stale_temporaries(crawl.path)
    if not crawl.manifest.exists():
        state = crawl.state()
        parts = {}
        for entry in read_journal(crawl.journal):  # a part superseded by the merge (crawler.storage.spool.merge) goes
            if "superseded" in entry:
                parts.pop(entry["superseded"], None)
            elif "key" in entry:
                parts[entry["key"]] = entry
        opened = crawl.unsealed()
        for path in opened:
            entry = seal_part(crawl, path, state["day"], compresslevel, validate=True)
            if entry is not None:
                parts[entry["key"]] = entry
        if parts:
            write_manifest(crawl, build_manifest(state, sorted(parts.values(), key=lambda p: p["key"]), {},
                                                 finished_at=None, interrupted=True))
            logger.warning("store: crawl %s had died; %d parts (%d records) recovered from the spool", crawl.crawl_id,
                           len(parts), sum(p["records"] for p in parts.values()))
    return [Upload(crawl, key) for key in crawl.pending()]


def flush_legacy(objects: Path, store) -> tuple[int, list[str]]:
    """The shared ``objects/`` folder of earlier versions: everything uploaded as it is, manifests last."""
    import fcntl

    if not objects.is_dir():
        return 0, []
    fd = os.open(objects.parent / "objects.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return 0, []
    uploaded, errors = 0, []
    try:
        remove_stale_temporaries(objects)
        files = list(iter_files(objects))
        files.sort(key=lambda p: bool(MANIFEST_KEY.match(p.relative_to(objects).as_posix())))
        for path in files:
            key = path.relative_to(objects).as_posix()
            if MANIFEST_KEY.match(key) and errors:
                break  # a manifest only once everything else is in
            try:
                size, md5_hex, sha_hex = file_digests(path)
                if not (is_evidence(key) and store.size(key) == size):
                    store.put_file(key, path, size, md5_hex, sha_hex)
            except Exception as exc:
                errors.append("%s: %s" % (key, exc))
                continue
            path.unlink(missing_ok=True)
            uploaded += 1
        if not any(iter_files(objects)):
            shutil.rmtree(objects, ignore_errors=True)
    finally:
        os.close(fd)
    return uploaded, errors
