"""Downloader middlewares and browser hooks, each wired by a setting in crawler/settings.py:

- ``guard``: the network guard (platform domains only; never private, loopback or link-local addresses)
- ``replay``: ``REPLAY_HAR`` answers every request from a HAR, fail-closed
- ``backoff``: waits before retries of blocked requests (exponential, jittered)
"""
