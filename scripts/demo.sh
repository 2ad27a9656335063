#!/usr/bin/env bash
# The main job, offline: a TikTok search crawled through headless Chromium, every response
# replayed from the shipped HAR fixture, records and evidence written to the local store (./data).
# Live, the same command without REPLAY_HAR.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/scrapy crawl tiktok -a query="glow serum" -s REPLAY_HAR=fixtures/tiktok/search.har -s LOG_LEVEL=WARNING "$@"
