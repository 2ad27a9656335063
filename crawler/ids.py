"""Identifiers that become parts of paths and object keys: ``crawl_id`` (``-a crawl_id=``) and ``RUN_ID``.

A strict pattern: 1 to 64 characters, letters, digits, ``.``, ``_`` and ``-``, starting with a letter
or a digit (so no ``..``, ``/``, ``\\``, spaces or control characters can take a manifest or a part
outside its folder). A bad one stops the crawl before anything starts: one line, exit 2.
"""
from __future__ import annotations

import re

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class IdError(ValueError):
    """A crawl_id or RUN_ID that may not be used (a one-line message)."""


def check_id(value, what: str = "crawl_id") -> str:
    """``value`` as a string when it matches ``ID_PATTERN``, else IdError naming what is wrong."""
    text = "" if value is None else str(value)
    if not ID_PATTERN.fullmatch(text) or ".." in text:
        shown = text if len(text) <= 80 else text[:77] + "..."
        raise IdError("%s %r is not allowed: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter "
                      "or a digit" % (what, shown))
    return text
