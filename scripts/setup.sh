#!/usr/bin/env bash
# Install everything the crawler and its tests need, on a fresh Debian machine or a laptop:
#   - a virtual environment in .venv with the project and its pinned dependencies (pip install -e '.[test]')
#   - a Chromium for Playwright: Playwright's own when it can be downloaded, else Debian's chromium
# Idempotent: a second run only checks. Set SKIP_BROWSER=1 to skip the browser.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
    .venv/bin/pip install --quiet --upgrade pip
    .venv/bin/pip install --quiet -e '.[test]'
    touch "$stamp"
fi

if [ "${SKIP_BROWSER:-0}" != 1 ]; then
    if ! .venv/bin/python -m crawler.browser --check >/dev/null 2>&1; then
        # Playwright's own browser first (needs its download host); Debian's chromium otherwise.
        if ! timeout 300 .venv/bin/python -m playwright install chromium >/dev/null 2>&1; then
            if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
                (apt-get install -y -qq chromium >/dev/null 2>&1) || \
                    (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
            else
                echo "setup: no Chromium found; install Debian's chromium or run 'playwright install chromium'" >&2
                exit 1
            fi
        fi
    fi
    .venv/bin/python -m crawler.browser --check
fi
