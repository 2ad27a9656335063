"""The uploader thread and its typed tasks: ``Seal`` (an open part into a sealed object) and ``Upload``
(a sealed object into the store). A spooled object is deleted only once the store confirmed it.
Content-addressed evidence that the store already holds (uploaded by a sibling crawl or an earlier run)
is not uploaded again, and two crawls uploading the same evidence at once write the same bytes.

``wait(deadline)`` returns at the deadline whatever is in flight (a request that hangs is left behind,
bounded by its own timeout); ``abandon()`` then fails what is still queued without trying it."""
from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

from crawler.storage.base import Deadline
from crawler.storage.durable import file_digests
from crawler.storage.errors import StoreError
from crawler.storage.keys import is_evidence
from crawler.storage.spool.parts import seal_part

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Seal:
    crawl: object        # CrawlDir
    path: Path
    day: str


@dataclass(frozen=True)
class Upload:
    crawl: object        # CrawlDir
    key: str


class Uploader:
    def __init__(self, store, compresslevel: int = 6, on_sealed=None):
        self.store = store
        self.compresslevel = compresslevel
        self.on_sealed = on_sealed
        self.uploaded = 0
        self.failed: list = []
        self.errors: list[str] = []
        self.spool_error: OSError | None = None   # sealing failed on the spool's disk
        self.abandoned = False
        self._queue: queue.Queue = queue.Queue()
        self._cond = threading.Condition()
        self._outstanding = 0
        self._thread = threading.Thread(target=self._work, name="store-uploader", daemon=True)
        self._thread.start()

    def put(self, task) -> None:
        with self._cond:
            self._outstanding += 1
        self._queue.put(task)

    def _work(self) -> None:
        while True:
            task = self._queue.get()
            if task is None:
                return
            try:
                if self.abandoned:
                    self._fail(task, "not tried: the store did not answer in time", quiet=True)
                else:
                    self.run(task)
            except Exception as exc:  # never let the thread die: the task is kept for later
                if isinstance(task, Seal) and isinstance(exc, OSError):
                    self.spool_error = exc
                self._fail(task, str(exc))
            finally:
                with self._cond:
                    self._outstanding -= 1
                    self._cond.notify_all()

    def run(self, task) -> None:
        if isinstance(task, Seal):
            entry = seal_part(task.crawl, task.path, task.day, self.compresslevel, validate=False)
            if entry is not None:
                if self.on_sealed is not None:
                    self.on_sealed(entry)
                self.run(Upload(task.crawl, entry["key"]))
        elif isinstance(task, Upload):
            self._upload(task)

    def _upload(self, task: Upload) -> None:
        path = task.crawl.objects / task.key
        try:
            size, md5_hex, sha_hex = file_digests(path)
        except FileNotFoundError:
            return  # queued twice
        try:
            if is_evidence(task.key):
                if self.store.size(task.key) != size:
                    self.store.put_file(task.key, path, size, md5_hex, sha_hex)
            else:
                self.store.stage_file(task.crawl.crawl_id, task.key, path, size, md5_hex, sha_hex)
        except (StoreError, OSError) as exc:
            self._fail(task, str(exc))
            return
        path.unlink(missing_ok=True)
        with self._cond:
            self.uploaded += 1

    def _fail(self, task, message: str, quiet: bool = False) -> None:
        with self._cond:
            self.failed.append(task)
            self.errors.append(message)
            first = len(self.errors) == 1
        if not quiet:
            what = task.key if isinstance(task, Upload) else task.path.name
            (logger.error if first else logger.warning)("store: %s stays in the spool: %s", what, message)

    def wait(self, deadline: Deadline) -> bool:
        """Until every queued task is done (True), or the deadline (False)."""
        with self._cond:
            while self._outstanding:
                left = deadline.left()
                if left == 0:
                    return False
                self._cond.wait(timeout=left)
            return True

    def retry_failed(self) -> None:
        with self._cond:
            retry, self.failed, self.errors = self.failed, [], []
        for task in retry:
            self.put(task)

    def abandon(self) -> None:
        self.abandoned = True

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=None if not self.abandoned else 1.0)
