"""A store in an S3-compatible bucket (``s3://bucket/prefix``), through boto3.

Credentials and endpoint come from the standard AWS configuration (AWS_ENDPOINT_URL or
AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION,
AWS_PROFILE, role credentials). For S3-compatible servers: path-style addressing
(``S3_ADDRESSING_STYLE=virtual`` for AWS virtual-hosted buckets), and checksums only when an
operation requires them (newer boto3 sends CRC checksums by default, which some servers refuse;
AWS_REQUEST_CHECKSUM_CALCULATION / AWS_RESPONSE_CHECKSUM_VALIDATION override).

Bounds: every request has a connect timeout (``STORE_CONNECT_TIMEOUT``) and a read timeout
(``STORE_READ_TIMEOUT``); botocore makes one attempt, and tenacity retries each whole operation
(exponential backoff with full jitter, bounded by ``STORE_RETRY_ATTEMPTS`` and ``STORE_RETRY_SECONDS``,
and by a shared deadline, ``set_deadline``) on throttling, 5xx, timeouts and connection errors, never on
403 / bad credentials / a missing bucket. A circuit breaker: after ``STORE_BREAKER_TIMEOUTS`` timeouts in
a row (an endpoint that accepts connections but never answers), every later operation of this run fails
at once instead of paying the timeout per object. Uploads send Content-MD5
(the server refuses a corrupted body) and are then confirmed with a HEAD (size, and the ETag or the
``sha256`` metadata); files above ``multipart_threshold`` go through boto3's transfer manager.
"""
from __future__ import annotations

import base64
import logging
import os
from pathlib import Path

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ConnectTimeoutError,
    ReadTimeoutError,
    ClientError,
    EndpointConnectionError,
    HTTPClientError,
    NoCredentialsError,
    PartialCredentialsError,
    ResponseStreamingError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from crawler.storage.base import Breaker, Deadline
from crawler.storage.errors import (
    StoreAuthError,
    StoreBucketMissing,
    StoreError,
    StoreTimeout,
    StoreUnreachable,
)

logger = logging.getLogger(__name__)
# the SDK's DEBUG lines carry request signatures (and the session token): WARNING unless AWS_LOG_LEVEL asks
for _name in ("botocore", "boto3", "s3transfer", "urllib3"):
    if logging.getLogger(_name).level == logging.NOTSET:
        logging.getLogger(_name).setLevel(str(os.environ.get("AWS_LOG_LEVEL") or "WARNING").upper())

AUTH_CODES = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "403", "InvalidToken",
              "ExpiredToken", "InvalidClientTokenId", "AuthorizationHeaderMalformed", "AllAccessDisabled"}
MISSING_BUCKET_CODES = {"NoSuchBucket"}
THROTTLE_CODES = {"SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequests",
                  "RequestThrottled", "RequestTimeout", "RequestTimeTooSkewed", "ServiceUnavailable",
                  "InternalError", "BadDigest", "IncompleteBody", "XAmzContentSHA256Mismatch"}


class ChecksumMismatch(StoreError):
    """The store answered, but what it holds is not what was sent (retried)."""


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _status(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)


def is_timeout(exc: BaseException) -> bool:
    return isinstance(exc, (ReadTimeoutError, ConnectTimeoutError, TimeoutError))


def retryable(exc: BaseException) -> bool:
    """Throttling, 5xx, timeouts, connection errors and checksum mismatches; never 403 or a missing bucket,
    never once the breaker is open or the deadline passed (StoreTimeout)."""
    if isinstance(exc, StoreTimeout):
        return False
    if isinstance(exc, ChecksumMismatch):
        return True
    if isinstance(exc, ClientError):
        code, status = _code(exc), _status(exc)
        if code in AUTH_CODES or code in MISSING_BUCKET_CODES or status in (401, 403):
            return False
        return status >= 500 or status == 429 or code in THROTTLE_CODES
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError, FileNotFoundError)):
        return False
    return isinstance(exc, (BotoConnectionError, HTTPClientError, ResponseStreamingError, ConnectionError,
                            TimeoutError))


def describe(exc: BaseException, store: "S3Store") -> StoreError:
    """One line naming the cause: wrong endpoint, bad credentials, missing bucket, or what the server said."""
    if isinstance(exc, StoreError):
        return exc
    endpoint = store.endpoint
    if is_timeout(exc):
        return StoreTimeout("store %s: the endpoint %s did not answer in time (%s)" % (store.uri, endpoint, exc))
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return StoreAuthError("store %s: no AWS credentials (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
                              "AWS_PROFILE or a role)" % store.uri)
    if isinstance(exc, ClientError):
        code, status = _code(exc), _status(exc)
        message = exc.response.get("Error", {}).get("Message") or ""
        if code in MISSING_BUCKET_CODES or (status == 404 and code in ("404", "NotFound") and "Bucket" in str(
                exc.operation_name)):
            return StoreBucketMissing("store %s: bucket %r does not exist at %s" % (store.uri, store.bucket, endpoint))
        if code in AUTH_CODES or status in (401, 403):
            return StoreAuthError("store %s: bad credentials or no permission at %s (%s%s)" % (
                store.uri, endpoint, code or status, ": " + message if message else ""))
        return StoreError("store %s: %s from %s (%s)" % (store.uri, code or status, endpoint, message or exc))
    if isinstance(exc, (EndpointConnectionError, BotoConnectionError)) or isinstance(exc, (ConnectionError, OSError)):
        return StoreUnreachable("store %s: cannot reach the endpoint %s (%s)" % (store.uri, endpoint, exc))
    return StoreError("store %s: %s" % (store.uri, exc))


class S3Store:
    remote = True

    def __init__(self, bucket: str, prefix: str = "", retry_attempts: int = 6, retry_seconds: float = 60.0,
                 connect_timeout: float = 5.0, read_timeout: float = 20.0, breaker_timeouts: int = 3,
                 multipart_threshold: int = 64 * 1024 * 1024):
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.retry_attempts = max(1, int(retry_attempts))
        self.retry_seconds = float(retry_seconds)
        self.connect_timeout, self.read_timeout = float(connect_timeout), float(read_timeout)
        self.deadline = Deadline()  # a shared end time (a crawl's final upload, a command), on top of the bounds
        self.breaker = Breaker(breaker_timeouts)
        config = Config(
            s3={"addressing_style": os.environ.get("S3_ADDRESSING_STYLE", "path")},
            retries={"mode": "standard", "total_max_attempts": 1},  # retried by tenacity, under the deadline
            connect_timeout=connect_timeout, read_timeout=read_timeout, max_pool_connections=16,
            signature_version="s3v4",
            request_checksum_calculation=os.environ.get("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required"),
            response_checksum_validation=os.environ.get("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required"),
        )
        self._session = boto3.session.Session()
        self.client = self._session.client("s3", config=config)
        # the fail-fast probe: one quick attempt, a short timeout
        self._probe_client = self._session.client("s3", config=config.merge(Config(
            retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=min(connect_timeout, 3.0),
            read_timeout=min(read_timeout, 10.0))))
        self.transfer = TransferConfig(multipart_threshold=multipart_threshold, multipart_chunksize=16 * 1024 * 1024,
                                       max_concurrency=4)

    @property
    def uri(self) -> str:
        return "s3://%s/%s" % (self.bucket, self.prefix) if self.prefix else "s3://%s" % self.bucket

    @property
    def endpoint(self) -> str:
        return self.client.meta.endpoint_url

    def location(self, key: str) -> str:
        return "s3://%s/%s" % (self.bucket, self._key(key))

    def _key(self, key: str) -> str:
        return "%s/%s" % (self.prefix, key) if self.prefix else key

    # ---- bounds ----
    def set_deadline(self, seconds: float | None) -> None:
        self.deadline = Deadline(seconds)

    def recover(self) -> list[str]:
        return []  # parts are written in place; the manifest alone commits

    def _stop(self, state: RetryCallState) -> bool:
        if stop_after_attempt(self.retry_attempts)(state) or stop_after_delay(self.retry_seconds)(state):
            return True
        return self.deadline.passed()

    def _attempt(self, fn, *args, **kwargs):
        """One attempt, unless the breaker is open or the deadline passed; timeouts feed the breaker."""
        if self.breaker.open:
            raise StoreTimeout("store %s: the endpoint %s timed out %d times in a row; not tried again in this run"
                               % (self.uri, self.endpoint, self.breaker.limit))
        if self.deadline.passed():
            raise StoreTimeout("store %s: no answer from %s within the deadline (STORE_RETRY_SECONDS=%g)"
                               % (self.uri, self.endpoint, self.retry_seconds))
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:
            if is_timeout(exc) or is_timeout(exc.__context__ or exc):
                self.breaker.timed_out()
            raise
        self.breaker.succeeded()
        return result

    def _retrying(self) -> Retrying:
        def log(state: RetryCallState) -> None:
            logger.warning("store %s: %s; retry %d in %.1fs", self.uri, state.outcome.exception(),
                           state.attempt_number, state.next_action.sleep if state.next_action else 0)

        return Retrying(retry=retry_if_exception(retryable), stop=self._stop,
                        wait=wait_random_exponential(multiplier=0.5, max=10), before_sleep=log, reraise=True)

    def call(self, fn, *args, **kwargs):
        """``fn`` under tenacity; a final failure becomes a StoreError naming the cause."""
        try:
            return self._retrying()(self._attempt, fn, *args, **kwargs)
        except StoreError:
            raise
        except (ClientError, BotoCoreError, OSError) as exc:
            raise describe(exc, self) from exc

    # ---- operations ----
    def check(self) -> None:
        """Before the crawl: endpoint, credentials and bucket, in one quick request."""
        if self.breaker.open:
            raise StoreTimeout("store %s: the endpoint %s timed out %d times in a row" % (
                self.uri, self.endpoint, self.breaker.limit))
        try:
            self._probe_client.list_objects_v2(Bucket=self.bucket, Prefix=self._key(""), MaxKeys=1)
        except (ClientError, BotoCoreError, OSError) as exc:
            raise describe(exc, self) from exc

    def _head(self, key: str) -> dict | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if _code(exc) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def exists(self, key: str) -> bool:
        return self.call(self._head, key) is not None

    def size(self, key: str) -> int | None:
        head = self.call(self._head, key)
        return None if head is None else head["ContentLength"]

    def put(self, key: str, data: bytes) -> str:
        import hashlib

        md5 = hashlib.md5(data)
        self.call(self._put_bytes, key, data, base64.b64encode(md5.digest()).decode(), md5.hexdigest(),
                  hashlib.sha256(data).hexdigest())
        return key

    def _put_bytes(self, key: str, data: bytes, md5_b64: str, md5_hex: str, sha256_hex: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, ContentMD5=md5_b64,
                               Metadata={"sha256": sha256_hex})
        self._confirm(key, len(data), md5_hex, sha256_hex)

    def put_file(self, key: str, source: Path, size: int, md5_hex: str, sha256_hex: str) -> None:
        """Upload a spooled file and confirm it (size and checksum); retried as a whole."""
        self.call(self._put_file, key, Path(source), size, md5_hex, sha256_hex)

    def stage_file(self, crawl_id: str, key: str, source: Path, size: int, md5_hex: str, sha256_hex: str) -> None:
        """A part is written in place: invisible to readers, who go by the manifests, until the commit."""
        self.put_file(key, source, size, md5_hex, sha256_hex)

    def read_staged(self, crawl_id: str, key: str) -> bytes:
        return self.get(key)  # staged in place

    def discard_staged(self, crawl_id: str, key: str) -> None:
        self.call(lambda: self.client.delete_object(Bucket=self.bucket, Key=self._key(key)))

    def commit(self, crawl_id: str, manifest_key: str, manifest: Path, parts: list[dict]) -> None:
        from crawler.storage.durable import file_digests

        size, md5_hex, sha_hex = file_digests(manifest)
        self.put_file(manifest_key, manifest, size, md5_hex, sha_hex)

    def _put_file(self, key: str, source: Path, size: int, md5_hex: str, sha256_hex: str) -> None:
        if size < self.transfer.multipart_threshold:
            with open(source, "rb") as body:
                self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=body,
                                       ContentMD5=base64.b64encode(bytes.fromhex(md5_hex)).decode(),
                                       Metadata={"sha256": sha256_hex})
        else:  # boto3's transfer manager: multipart, parts retried by botocore
            self.client.upload_file(str(source), self.bucket, self._key(key), Config=self.transfer,
                                    ExtraArgs={"Metadata": {"sha256": sha256_hex}})
        self._confirm(key, size, md5_hex, sha256_hex)

    def _confirm(self, key: str, size: int, md5_hex: str, sha256_hex: str) -> None:
        head = self._head(key)
        if head is None:
            raise ChecksumMismatch("%s: not found right after its upload" % self.location(key))
        etag = str(head.get("ETag", "")).strip('"')
        if head.get("ContentLength") != size or (etag != md5_hex and head.get("Metadata", {}).get("sha256") != sha256_hex):
            raise ChecksumMismatch("%s: stored %s bytes (ETag %s), sent %d bytes (MD5 %s)" % (
                self.location(key), head.get("ContentLength"), etag, size, md5_hex))

    def get(self, key: str) -> bytes:
        return self.call(lambda: self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read())

    def keys(self, prefix: str = "") -> list[str]:
        def listing() -> list[str]:
            out = []
            paginator = self.client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self._key(prefix)):
                for item in page.get("Contents", []):
                    out.append(item["Key"][len(self.prefix) + 1:] if self.prefix else item["Key"])
            return sorted(out)

        return self.call(listing)
