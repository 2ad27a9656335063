"""``LOG_FORMAT=json``: one JSON object per log line on stdout, for the log systems of job runners
(Cloud Logging, CloudWatch, Loki...).

Each line: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, ``spider``, ``crawl_id``,
``run_id``, ``shard`` (``"2/4"``), and ``exception`` when there is one. Scrapy's own ``LOG_FORMAT``
setting is a format string, so the value ``json`` is taken out of it before Scrapy sees it: the
crawl command calls ``configure(settings)`` first (``LOG_FORMAT=json`` in the environment, or
``-s LOG_FORMAT=json``), which turns Scrapy's stderr handler off and puts this one on the root
logger. Any other value keeps Scrapy's text lines on stderr.

The crawl's one-line summary (``summary_line``) is a JSON object too in this format.

Whatever the format, every log record is redacted (``install_redaction``, ``crawler.redact``): URL
signing and session tokens, credentials in URLs, bearer tokens and cookies, and the values of
``AWS_SECRET_ACCESS_KEY``/``AWS_SESSION_TOKEN`` and proxy passwords never reach a handler, at any
level. A ``RedactFilter`` does it on every handler of the root logger (Scrapy's included); the log
record factory does it at the source, so handlers added later are covered too. The AWS SDK's
loggers (botocore, boto3, s3transfer, urllib3) stay at ``AWS_LOG_LEVEL`` (WARNING) or above.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from datetime import datetime, timezone
from typing import Any

from crawler import redact

# what every line says about the crawl; filled once the spider exists (crawler.sharding.attach)
CONTEXT: dict[str, Any] = {"spider": None, "crawl_id": None, "run_id": None, "shard": None}
SCRAPY_DEFAULT_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"


def wanted(settings=None) -> bool:
    """Whether JSON logs are asked for (the setting, else the environment variable)."""
    value = settings.get("LOG_FORMAT") if settings is not None else None
    if value is None or value == SCRAPY_DEFAULT_FORMAT:
        value = os.environ.get("LOG_FORMAT", "")
    return str(value).strip().lower() == "json"


def set_context(**values: Any) -> None:
    CONTEXT.update(values)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        spider = getattr(record, "spider", None)
        out = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "spider": getattr(spider, "name", None) or CONTEXT.get("spider"),
            "crawl_id": getattr(spider, "crawl_id", None) or CONTEXT.get("crawl_id"),
            "run_id": CONTEXT.get("run_id"),
            "shard": CONTEXT.get("shard"),
        }
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            out["exception"] = record.exc_text
        # one line whatever the message holds: json.dumps escapes newlines
        return json.dumps(out, ensure_ascii=False, default=str)


class JsonHandler(logging.StreamHandler):
    """The JSON handler on stdout (looked up by class, so it is installed once)."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout  # follow a replaced stdout (tests capture it)
        super().emit(record)


AWS_LOGGERS = ("botocore", "boto3", "s3transfer", "urllib3")


def _redact_record(record: logging.LogRecord) -> logging.LogRecord:
    if getattr(record, "_redacted", False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: leave it to the handler's own error path
        return record
    record.msg, record.args = redact.redact_text(message), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact.redact_text(record.exc_text)
    if record.stack_info:
        record.stack_info = redact.redact_text(record.stack_info)
    record._redacted = True
    return record


class RedactFilter(logging.Filter):
    """Redacts a record before its handler formats it (crawler.redact)."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


_FACTORY_INSTALLED = False


def install_redaction(settings=None) -> None:
    """Every log record redacted from now on (idempotent): the record factory, a filter on every root
    handler, the secrets of the environment and of PROXIES registered, the AWS loggers capped."""
    global _FACTORY_INSTALLED
    redact.register_environment()
    if settings is not None:
        redact.register_proxies(settings.getlist("PROXIES"))
        redact.add_names(settings.getlist("SCRUB_EXTRA_NAMES"))
    if not _FACTORY_INSTALLED:
        previous = logging.getLogRecordFactory()

        def factory(*args, **kwargs):
            return _redact_record(previous(*args, **kwargs))

        logging.setLogRecordFactory(factory)
        _FACTORY_INSTALLED = True
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactFilter) for f in handler.filters):
            handler.addFilter(RedactFilter())
    level = (settings.get("AWS_LOG_LEVEL") if settings is not None else None) or os.environ.get("AWS_LOG_LEVEL") \
        or "WARNING"
    level = logging.getLevelName(str(level).upper())
    if not isinstance(level, int):
        level = logging.WARNING
    for name in AWS_LOGGERS:
        logging.getLogger(name).setLevel(level)


def configure(settings) -> bool:
    """Before the crawl process starts: JSON lines on stdout when asked for. Returns whether they are."""
    install_redaction(settings)
    json_logs = wanted(settings)
    if str(settings.get("LOG_FORMAT", "")).strip().lower() in ("json", "text"):
        # Scrapy's LOG_FORMAT is a logging format string: never hand it "json"
        settings.set("LOG_FORMAT", SCRAPY_DEFAULT_FORMAT, priority="cmdline")
    if not json_logs:
        return False
    settings.set("LOG_JSON", True, priority="cmdline")
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, JsonHandler)), None)
    if handler is None:
        handler = JsonHandler()
        handler.addFilter(RedactFilter())
        root.addHandler(handler)
    enabled = settings.getbool("LOG_ENABLED", True)
    handler.setLevel(settings.get("LOG_LEVEL") or "INFO" if enabled else logging.CRITICAL + 1)
    # Scrapy's own handler (stderr or LOG_FILE) stays quiet: the lines are ours
    settings.set("LOG_ENABLED", False, priority="cmdline")
    settings.set("LOG_FILE", None, priority="cmdline")
    return True


def summary_line(summary: dict) -> str:
    """The crawl's final summary as one JSON object (the same fields as a log line, and the counts)."""
    out = {"time": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
           "level": "INFO" if summary.get("exit_code") == 0 else "ERROR", "logger": "crawler.summary",
           "message": redact.redact_text(summary.get("message", "")),
           "spider": summary.get("spider") or CONTEXT.get("spider"),
           "crawl_id": summary.get("crawl_id") or CONTEXT.get("crawl_id"),
           "run_id": CONTEXT.get("run_id"), "shard": CONTEXT.get("shard")}
    out.update({k: v for k, v in summary.items() if k not in out})
    return json.dumps(out, ensure_ascii=False, default=str)


def active() -> bool:
    """Whether JSON lines are on (configure() installed the handler)."""
    return any(isinstance(h, JsonHandler) for h in logging.getLogger().handlers)


def error_line(message: str, logger_name: str = "crawler.commands.crawl") -> str:
    """A one-line error of the crawl command (bad configuration...) as a JSON log line."""
    return json.dumps({"time": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                       "level": "ERROR", "logger": logger_name, "message": redact.redact_text(message),
                       "spider": CONTEXT.get("spider"), "crawl_id": CONTEXT.get("crawl_id"),
                       "run_id": CONTEXT.get("run_id"), "shard": CONTEXT.get("shard")}, ensure_ascii=False)
