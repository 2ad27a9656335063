"""Scrapy settings of the project (``scrapy.cfg`` points here). Every project setting is listed
here with its default; override with ``-s NAME=VALUE`` or the environment variable of the same
name where noted.
"""
import os

from crawler.browser import CHROMIUM_ARGS

BOT_NAME = "social_commerce_crawler"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
COMMANDS_MODULE = "crawler.commands"

# off unless asked for: nobody should find a debugging console on a crawl box
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

ROBOTSTXT_OBEY = False
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
CONCURRENT_REQUESTS = 8
DOWNLOAD_TIMEOUT = 60
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
# replaced at crawl start by the real browser's (crawler.browser.Identity, set by the spider base)
USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/150.0.0.0 Safari/537.36")

# ---- the browser: scrapy-playwright on Chromium ----
# one scrapy-playwright handler (one Playwright driver, one browser) for both schemes
DOWNLOAD_HANDLERS = {
    "http": "crawler.playwright_handler.SharedPlaywrightHandler",
    "https": "crawler.playwright_handler.SharedPlaywrightHandler",
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
# executable chosen at crawl start by crawler.browser (BROWSER_EXECUTABLE_PATH, Playwright's own, system Chromium)
BROWSER_EXECUTABLE_PATH = os.environ.get("BROWSER_EXECUTABLE_PATH")
PLAYWRIGHT_LAUNCH_OPTIONS = {"headless": True, "args": CHROMIUM_ARGS}
# 4 pages at once saturate 2 cores (FIELD-NOTES); more only adds memory
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_MAX_CONTEXTS = 4
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 45_000
PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER = True
# reuse up to this many long-lived pages per context (0: a new page per request), each for at most MAX_USES pages
PAGE_POOL_SIZE = 4
PAGE_POOL_MAX_USES = 100
# resource types the browser does not load (per spider: the spider's blocked_resource_types)
BLOCKED_RESOURCE_TYPES = ["image", "media", "font"]

# ---- replay and record ----
REPLAY_HAR = os.environ.get("REPLAY_HAR")        # answer every request from this HAR, fail closed
RECORD_HAR = os.environ.get("RECORD_HAR")        # record a live crawl into this HAR (secrets scrubbed)

# ---- sessions, proxies, blocks ----
STORAGE_STATE = None       # Playwright storage-state file; else env <PLATFORM>_STORAGE_STATE
PROXIES = []               # ["http://user:pass@host:port", ...]: one browser context per proxy
BLOCK_RETRY_TIMES = 2      # retries of a blocked page (on another proxy when there is one)
BACKOFF_BASE_S = 2.0
BACKOFF_MAX_S = 60.0
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]  # 403/429 are blocks, handled by the spider
HTTPERROR_ALLOWED_CODES = [403, 429]  # ... so they reach it (else HttpErrorMiddleware drops them as failures)

# ---- network guard ----
GUARD_EXTRA_DOMAINS = []
GUARD_ALLOW_PRIVATE = False  # tests against a local server only

# ---- where records and evidence go ----
STORE_URI = os.environ.get("STORE_URI", "./data")
EVIDENCE_ENABLED = True
# records and evidence are written to a local spool (fsynced) before their upload, and stay there until
# the store confirms them; default: <store>/.spool for a local store, ~/.local/state/social-commerce-crawler/spool
# for S3 (SPOOL_DIR environment variable too). `scrapy flush` uploads what a failed or killed crawl left there.
SPOOL_DIR = os.environ.get("SPOOL_DIR")
PART_MAX_RECORDS = 10_000     # a part is sealed (gzip) and uploaded every N records of a platform and kind ...
PART_MAX_SECONDS = 300.0      # ... or every T seconds
SPOOL_FLUSH_SECONDS = 1.0     # open parts are fsynced this often: what a SIGKILL can lose at most
SPOOL_MIN_FREE_MB = 64.0      # free space the spool keeps in reserve: below it the crawl stops (exit 4), losing nothing
STORE_GZIP_LEVEL = 6
STORE_RETRY_ATTEMPTS = 6      # uploads: tenacity, exponential backoff with jitter, on throttling/5xx/connection
STORE_RETRY_SECONDS = 60.0    # errors (never 403 or a missing bucket), bounded in attempts and in time; also the
                              # deadline of the whole end-of-crawl upload and of records/flush/contacts
STORE_CONNECT_TIMEOUT = 5.0   # every request: connect and read timeouts
STORE_READ_TIMEOUT = 20.0
STORE_BREAKER_TIMEOUTS = 3    # after this many timeouts in a row the store is not tried again in this run

# ---- scheduled runs: shards and logs (crawler.sharding, crawler.logformat; deploy/README.md) ----
# this crawl is shard SHARD_INDEX of SHARD_COUNT (environment variables too); unset: Kubernetes' JOB_COMPLETION_INDEX
# with JOB_COMPLETIONS, or Cloud Run's CLOUD_RUN_TASK_INDEX with CLOUD_RUN_TASK_COUNT, else 0 of 1
SHARD_INDEX = None
SHARD_COUNT = None
RUN_ID = None              # shared by the shards of one scheduled run; else RUN_ID/CLOUD_RUN_EXECUTION env, the crawl id
# LOG_FORMAT=json (environment, or -s for scrapy crawl): one JSON object per log line on stdout. Scrapy's own
# LOG_FORMAT (a format string) stays the default here; crawler.logformat takes "json" out before Scrapy sees it.

# the crawl is these components (a platform spider only turns targets into requests and pages into records)
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.guard.NetworkGuardMiddleware": 40,        # refuse what the guard refuses, final URLs too
    "crawler.middlewares.blocks.BackoffMiddleware": 45,            # a retried blocked page waits
    "crawler.middlewares.contexts.BrowserContextMiddleware": 900,  # proxy / login state / recording per request
    "crawler.middlewares.replay.HarReplayMiddleware": 950,         # REPLAY_HAR: answer everything from the HAR
    "crawler.middlewares.pagepool.PagePoolMiddleware": 960,        # reuse a few long-lived browser pages
}
SPIDER_MIDDLEWARES = {
    "crawler.middlewares.sharding.ShardMiddleware": 50,            # this shard's targets only
    "crawler.middlewares.budget.ItemBudgetMiddleware": 600,        # -a max_items; records/<kind> stats
    "crawler.middlewares.refresh.RefreshMiddleware": 620,          # -s REFRESH_AFTER=7d: skip unchanged detail pages
    "crawler.middlewares.blocks.BlockMiddleware": 650,             # blocked pages: retry with backoff, retire proxy
    "crawler.middlewares.pagepool.PageReleaseMiddleware": 1000,    # pages go back to the pool after the callback
}
ITEM_PIPELINES = {
    "crawler.pipelines.StorePipeline": 800,
}
EXTENSIONS = {
    "crawler.recording.HarRecorder": 100,
    "crawler.analyst.alerts.WebhookAlerts": 900,                   # -s ALERT_WEBHOOK: what changed, after the commit
}

# ---- egress ----
# Every connection of the crawl (browser and plain requests) goes through one enforcing proxy on 127.0.0.1
# (crawler.egress): it resolves names itself, refuses private/loopback/link-local/CGNAT/... addresses (IPv6
# embeddings too) and connects to exactly the address it checked; in replay it refuses everything.
DOWNLOADER_MIDDLEWARES["crawler.middlewares.guard.EgressRouteMiddleware"] = 920  # plain requests through it
# with PROXIES: "upstream" lets the user's proxy resolve allowlisted names (its DNS view, e.g. abroad);
# "local" resolves and checks here and has the proxy CONNECT to that address (proxies inside your network)
EGRESS_UPSTREAM_DNS = os.environ.get("EGRESS_UPSTREAM_DNS", "upstream")
# recordings (RECORD_HAR): header, query, form and JSON-key names scrubbed on top of crawler.redact's own
SCRUB_EXTRA_NAMES = []
# boto3/botocore/urllib3/s3transfer log at this level at most (their DEBUG prints request signatures)
AWS_LOG_LEVEL = os.environ.get("AWS_LOG_LEVEL", "WARNING")
# records are stored and exported with URLs free of signing/session tokens (crawler.redact)
ITEM_PIPELINES["crawler.redact.RedactPipeline"] = 100
# every log record of every command redacted (tokens, credentials, AWS secrets), whatever handler prints it
__import__("crawler.logformat").logformat.install_redaction()

# ---- analyst ----
# (crawler/analyst/: flat exports, one record per object, state across runs, diff, report, takedown, watch)
# a card and its detail page (same platform, kind, id) are committed as one record (crawler.storage.spool.merge)
MERGE_OBJECTS = True
# `-o x.csv` flattens records as `scrapy records --format csv` does (crawler.analyst.export)
FEED_EXPORTERS = {"csv": "crawler.analyst.export.FlatCsvItemExporter"}
# -s REFRESH_AFTER=7d (also 12h, 30m, 90s): skip the detail pages and evidence of objects captured that recently whose
# card is unchanged (crawler.middlewares.refresh, state in <store>/state/objects.sqlite); unset: fetch every detail page
REFRESH_AFTER = os.environ.get("REFRESH_AFTER")
# `scrapy diff` (and, with ALERT_WEBHOOK set, the end of every crawl: crawler.analyst.alerts) posts what changed
# as Slack-compatible JSON; bounded: at most ALERT_MAX_LINES changes, each POST ALERT_WEBHOOK_TIMEOUT seconds,
# ALERT_WEBHOOK_ATTEMPTS tries within ALERT_WEBHOOK_SECONDS; a failing webhook never fails or holds up a crawl
ALERT_WEBHOOK = os.environ.get("ALERT_WEBHOOK")
ALERT_MAX_LINES = 50
ALERT_WEBHOOK_TIMEOUT = 10.0
ALERT_WEBHOOK_ATTEMPTS = 3
ALERT_WEBHOOK_SECONDS = 30.0

# ---- live readiness ----
# one identity (crawler.browser.Identity): the browser sends its own headers (User-Agent and client hints
# from the real version, never Scrapy's), plain requests the same; locale and time zone default to the
# platform's (crawler.platforms), else these
PLAYWRIGHT_PROCESS_REQUEST_HEADERS = None
BROWSER_LOCALE = os.environ.get("BROWSER_LOCALE")      # e.g. en-US: navigator.languages and Accept-Language
BROWSER_TIMEZONE = os.environ.get("BROWSER_TIMEZONE")  # e.g. America/New_York: Intl's time zone
# politeness: per platform (crawler.platforms: concurrency per host, least delay), AutoThrottle above that;
# off in replay; POLITENESS_ENABLED=False keeps Scrapy's defaults
POLITENESS_ENABLED = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
# evidence (crawler.evidence): detail pages, search pages too when asked; images load on those pages only
EVIDENCE_SEARCH_PAGES = False
EVIDENCE_IMAGE_BYTES = 4_000_000       # image bytes one evidence page may load ...
EVIDENCE_IMAGE_REQUESTS = 40           # ... image requests ...
EVIDENCE_IMAGE_MS = 8_000              # ... and time from the start of its navigation (also the wait for images)
EVIDENCE_MAX_IMAGES = 4                # main product images stored with the page (largest rendered)
EVIDENCE_SCREENSHOT_MAX_HEIGHT = 4_000  # CSS pixels from the top
EVIDENCE_SCREENSHOT_QUALITY = 70       # JPEG
EVIDENCE_SCREENSHOT_TIMEOUT_MS = 30_000
# resumable crawls (crawler.frontier): with -s JOBDIR=DIR a killed crawl (SIGKILL too) resumes where it stopped
SCHEDULER = "crawler.frontier.DurableScheduler"
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleLifoSQLiteQueue"        # one committed transaction per push/pop
SCHEDULER_START_DISK_QUEUE = "scrapy.squeues.PickleFifoSQLiteQueue"
DUPEFILTER_CLASS = "crawler.frontier.DurableDupeFilter"
SPIDER_MIDDLEWARES["crawler.frontier.FrontierMiddleware"] = 5          # outermost: records know their request
# page pool memory (crawler.middlewares.pagepool): collect a returned page's garbage above this JS heap, and
# replace a page whose heap stays above the second figure after that
PAGE_POOL_GC_HEAP_MB = 24
PAGE_POOL_MAX_HEAP_MB = 192
