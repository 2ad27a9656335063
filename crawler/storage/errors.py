"""The storage errors, one line each: ``StoreConfigError`` (a STORE_URI this build cannot use: exit 2),
``StoreError`` and its kinds (exit 4), and ``SpoolFull`` (the local spool cannot take a write: exit 4)."""
from __future__ import annotations


class StoreConfigError(ValueError):
    """STORE_URI names a store this build cannot write to."""


class StoreError(RuntimeError):
    """The store cannot be used right now (one line naming why)."""


class StoreUnreachable(StoreError):
    """Wrong endpoint, the server is down, or it does not answer in time."""


class StoreTimeout(StoreUnreachable):
    """The endpoint accepted the connection but did not answer within the request timeout, or the
    deadline of the whole operation (``STORE_RETRY_SECONDS``) passed; or it timed out N times in a row
    and this run no longer tries it (the circuit breaker)."""


class StoreAuthError(StoreError):
    """Bad or missing credentials, or no permission."""


class StoreBucketMissing(StoreError):
    """The bucket does not exist."""


class SpoolFull(StoreError):
    """The spool's file system has less free space than the reserve (``SPOOL_MIN_FREE_MB``)."""

    def __init__(self, path, free_bytes: int, reserve_bytes: int):
        self.path, self.free_bytes, self.reserve_bytes = str(path), int(free_bytes), int(reserve_bytes)
        super().__init__("the spool %s is full: %.1f MiB free, below the reserve of SPOOL_MIN_FREE_MB=%g" % (
            self.path, max(0, self.free_bytes) / 2**20, self.reserve_bytes / 2**20))
