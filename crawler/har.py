"""HAR files (HTTP Archive 1.2, as Playwright records them): read, write, scrub.

Replay (``REPLAY_HAR``) answers requests from a HAR and aborts anything not in
it; recording (``RECORD_HAR``) writes one. Fixtures under ``fixtures/`` are
HAR files composed with ``entry()`` / ``write_har()`` (see ``scripts/``).
"""
from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import safe_url_string


class HarError(Exception):
    """A HAR file that is missing, unreadable or not a HAR: replay refuses to start."""


@dataclass(frozen=True)
class HarResponse:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def _norm(url: str) -> str:
    """URLs compare as a browser sends them: percent-encoded, without fragment."""
    parts = urlsplit(safe_url_string(url))
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def load(path: str | Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HarError("REPLAY_HAR file %s does not exist" % path) from None
    except (OSError, ValueError) as exc:
        raise HarError("REPLAY_HAR file %s is not readable JSON: %s" % (path, exc)) from None
    entries = data.get("log", {}).get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise HarError("REPLAY_HAR file %s is not a HAR (no log.entries)" % path)
    return data


class HarIndex:
    """Responses of a HAR by (method, URL): the lookup behind non-browser replay."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.data = load(path)
        self._by_key: dict[tuple[str, str], dict] = {}
        for item in self.data["log"]["entries"]:
            request = item.get("request") or {}
            key = ((request.get("method") or "GET").upper(), _norm(request.get("url") or ""))
            self._by_key.setdefault(key, item)

    def __len__(self) -> int:
        return len(self._by_key)

    def urls(self) -> list[str]:
        return [url for _method, url in self._by_key]

    def get(self, method: str, url: str) -> HarResponse | None:
        item = self._by_key.get((method.upper(), _norm(url)))
        if item is None:
            return None
        response = item.get("response") or {}
        content = response.get("content") or {}
        text = content.get("text") or ""
        body = base64.b64decode(text) if content.get("encoding") == "base64" else text.encode("utf-8")
        headers = [(h["name"], h["value"]) for h in response.get("headers") or [] if "name" in h and "value" in h]
        if content.get("mimeType") and not any(n.lower() == "content-type" for n, _v in headers):
            headers.append(("Content-Type", content["mimeType"]))
        # the body is decoded: drop transfer headers that no longer describe it
        headers = [(n, v) for n, v in headers if n.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
        return HarResponse(url=item["request"]["url"], status=int(response.get("status") or 200), headers=headers, body=body)


def entry(url: str, body: bytes | str, mime: str = "text/html; charset=utf-8", status: int = 200,
          method: str = "GET", headers: dict[str, str] | None = None, post_data: str | None = None) -> dict:
    """One HAR entry serving ``body`` at ``url`` (what fixtures are composed of).

    ``post_data``: the request body of a POST (Playwright's replay matches it exactly)."""
    url = safe_url_string(url)  # as the browser will ask for it ("/popular/наушники" -> "%D0%BD...")
    raw = body.encode("utf-8") if isinstance(body, str) else body
    try:
        text, encoding = raw.decode("utf-8"), None
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(raw).decode("ascii"), "base64"
    response_headers = [{"name": "Content-Type", "value": mime}] + [{"name": k, "value": v} for k, v in (headers or {}).items()]
    content = {"size": len(raw), "mimeType": mime, "text": text}
    if encoding:
        content["encoding"] = encoding
    request = {"method": method, "url": url, "httpVersion": "HTTP/1.1", "cookies": [], "headers": [],
               "queryString": [], "headersSize": -1, "bodySize": 0}
    if post_data is not None:
        request["postData"] = {"mimeType": "application/json;charset=UTF-8", "text": post_data}
        request["bodySize"] = len(post_data.encode("utf-8"))
    return {
        "startedDateTime": "2026-01-01T00:00:00.000Z", "time": 1,
        "request": request,
        "response": {"status": status, "statusText": "OK" if status == 200 else "", "httpVersion": "HTTP/1.1",
                     "cookies": [], "headers": response_headers, "content": content, "redirectURL": "",
                     "headersSize": -1, "bodySize": len(raw)},
        "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0},
    }


def write_har(entries: list[dict], path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    har = {"log": {"version": "1.2", "creator": {"name": "social-commerce-crawler", "version": "0.1"}, "entries": entries}}
    path.write_text(json.dumps(har, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


# ---- scrubbing what must never leave the machine in a recording ----

SECRET_HEADERS = {"cookie", "set-cookie", "authorization", "proxy-authorization", "x-csrftoken", "x-csrf-token",
                  "x-ig-www-claim", "x-fb-lsd", "x-secsdk-csrf-token", "x-tt-token", "x-auth-token", "x-api-key"}
# query parameters that carry session or signing tokens on the platforms we crawl
SECRET_PARAMS = re.compile(r"^(mstoken|x-bogus|a_bogus|x_bogus|_signature|verifyfp|fp|token|access_token|xsec_token|"
                           r"_m_h5_tk|sign|lsd|fb_dtsg|session|sessionid|sid|auth)$", re.I)
REDACTED = "REDACTED"


def _scrub_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = [(k, REDACTED if SECRET_PARAMS.match(k) else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe="/:,"), parts.fragment))


def scrub(har: dict[str, Any]) -> dict[str, Any]:
    """Drop cookies, authorization headers and storage tokens from every entry (in place; also returned)."""
    for item in har.get("log", {}).get("entries", []):
        for side in ("request", "response"):
            part = item.get(side) or {}
            part["cookies"] = []
            part["headers"] = [h for h in part.get("headers", []) if h.get("name", "").lower() not in SECRET_HEADERS]
        request = item.get("request") or {}
        if request.get("url"):
            request["url"] = _scrub_url(request["url"])
        request["queryString"] = [
            {"name": q.get("name"), "value": REDACTED if SECRET_PARAMS.match(q.get("name", "")) else q.get("value")}
            for q in request.get("queryString", [])]
        post = request.get("postData")
        if isinstance(post, dict) and post.get("params"):
            post["params"] = [p for p in post["params"] if not SECRET_PARAMS.match(p.get("name", ""))]
    return har
