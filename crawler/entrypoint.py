"""The container's entrypoint: one crawl from environment variables, for a job runner.

    python -m crawler.entrypoint [more scrapy crawl arguments...]

runs ``scrapy crawl $PLATFORM -a watchlist=$WATCHLIST [arguments...]`` in place of itself (exec: the
init process's signals reach the crawl, and the crawl's exit status is the container's). Environment:

- ``PLATFORM`` (required): the spider (``scrapy list``);
- ``WATCHLIST``: the watchlist file (a mounted ConfigMap); without it the arguments give the targets
  (``-a query=...``);
- ``STORE_URI`` (required): where records go, ``s3://bucket/prefix`` (credentials: the standard AWS
  variables, or ``AWS_SHARED_CREDENTIALS_FILE`` pointing at a mounted Secret);
- anything ``crawler.settings`` reads from the environment: ``SHARD_INDEX``/``SHARD_COUNT`` (or the
  engine's own index variables), ``RUN_ID``, ``LOG_FORMAT``, ``<PLATFORM>_STORAGE_STATE``, ``SPOOL_DIR``...

A missing or wrong variable is a bad configuration: one line, exit 2, before anything starts.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from crawler import exitcodes

REQUIRED = ("PLATFORM", "STORE_URI")


class EntrypointError(ValueError):
    pass


def crawl_argv(environ: Mapping[str, str], args: list[str]) -> list[str]:
    """The ``scrapy crawl`` command line (after ``python -m scrapy``) of this job."""
    missing = [name for name in REQUIRED if not environ.get(name, "").strip()]
    if missing:
        raise EntrypointError("set %s (see deploy/README.md)" % " and ".join(missing))
    argv = ["crawl", environ["PLATFORM"].strip()]
    watchlist = environ.get("WATCHLIST", "").strip()
    if watchlist:
        if not os.path.isfile(watchlist):
            raise EntrypointError("WATCHLIST %s is not a file (is the ConfigMap mounted?)" % watchlist)
        argv += ["-a", "watchlist=%s" % watchlist]
    return argv + list(args)


def main(args: list[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    args = sys.argv[1:] if args is None else args
    try:
        argv = crawl_argv(environ, args)
    except EntrypointError as exc:
        from crawler import logformat

        message = "entrypoint: %s" % exc
        if logformat.wanted():
            print(logformat.error_line(message, "crawler.entrypoint"), flush=True)
        else:
            print(message, file=sys.stderr)
        return exitcodes.BAD_CONFIG
    home = environ.get("HOME")
    if home:  # a read-only root filesystem: HOME lives under the writable /tmp (deploy/Dockerfile)
        try:
            os.makedirs(home, exist_ok=True)
        except OSError:
            pass
    env = dict(environ)
    env.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    sys.stdout.flush()
    os.execvpe(sys.executable, [sys.executable, "-m", "scrapy", *argv], env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
