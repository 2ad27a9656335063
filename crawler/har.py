"""HAR files (HTTP Archive 1.2, as Playwright records them): read, write, scrub.

Replay (``REPLAY_HAR``) answers requests from a HAR and aborts anything not in
it; recording (``RECORD_HAR``) writes one. Fixtures under ``fixtures/`` are
HAR files composed with ``entry()`` / ``write_har()`` (see ``scripts/``).
"""
from __future__ import annotations

import base64
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import safe_url_string

from crawler import redact
from crawler.redact import REDACTED


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


def write_har(entries: list[dict], path: str | Path, private: bool = False) -> Path:
    """``private``: created owner-only (0600) and replaced atomically (recordings)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    har = {"log": {"version": "1.2", "creator": {"name": "social-commerce-crawler", "version": "0.1"}, "entries": entries}}
    text = json.dumps(har, ensure_ascii=False, indent=1)
    if not private:
        path.write_text(text, encoding="utf-8")
        return path
    tmp = path.with_name(path.name + ".tmp-%d" % os.getpid())
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


# ---- scrubbing what must never leave the machine in a recording ----

SECRET_HEADERS = {"cookie", "set-cookie", "set-cookie2", "authorization", "proxy-authorization", "x-csrftoken",
                  "x-csrf-token", "x-ig-www-claim", "x-fb-lsd", "x-secsdk-csrf-token", "x-tt-token", "x-auth-token",
                  "x-api-key", "x-amz-security-token", "x-goog-api-key", "x-s", "x-t", "x-s-common", "x-b3-traceid",
                  "x-mssdk-info", "x-tt-params", "x-argus", "x-gorgon", "x-khronos", "x-ladon", "x-sign"}
# custom session headers by their look: anything with token, csrf, auth, session, sign, secret, bogus in its name
SECRET_HEADER_LOOK = re.compile(r"token|csrf|xsrf|auth|session|sign|secret|bogus|gnarly|cookie|claim|credential", re.I)
# headers whose value is a URL: scrubbed like the request URL (the Referer carries every token of the page)
URL_HEADERS = {"referer", "origin", "location", "content-location", "link", "refresh"}
# query parameters that carry session or signing tokens on the platforms we crawl (crawler.redact's list)
SECRET_PARAMS = re.compile(r"^(mstoken|x-bogus|a_bogus|x_bogus|_signature|signature|verifyfp|fp|token|access_token|"
                           r"xsec_token|_m_h5_tk|sign|lsd|fb_dtsg|session|sessionid|sid|auth)$", re.I)


def _secret_param(name: str) -> bool:
    return bool(name) and (bool(SECRET_PARAMS.match(name)) or redact.is_secret_name(name))


def _scrub_url(url: str) -> str:
    return redact.mask_url(url)


def _secret_header(name: str) -> bool:
    low = (name or "").lower()
    return low in SECRET_HEADERS or bool(SECRET_HEADER_LOOK.search(low)) or redact.is_secret_name(low)


def _scrub_header(header: dict) -> dict:
    name = (header.get("name") or "").lower()
    value = header.get("value")
    if name in URL_HEADERS and isinstance(value, str):
        return {**header, "value": redact.redact_text(_scrub_url(value))}
    return header


def _scrub_text(text: str, mime: str) -> str:
    """A body: JSON walked (secret keys masked, URLs scrubbed), form bodies by field, else token pairs."""
    if not text:
        return text
    stripped = text.lstrip()
    if "json" in (mime or "").lower() or stripped[:1] in ("{", "["):
        try:
            data = json.loads(text)
        except ValueError:
            pass
        else:
            scrubbed = redact.redact_obj(data, url=_scrub_url)
            return text if scrubbed == data else json.dumps(scrubbed, ensure_ascii=False, separators=(",", ":"))
    if "x-www-form-urlencoded" in (mime or "").lower():
        pairs = parse_qsl(text, keep_blank_values=True)
        return urlencode([(k, REDACTED if _secret_param(k) else v) for k, v in pairs])
    return redact.redact_text(text)


def scrub(har: dict[str, Any], extra_names=()) -> dict[str, Any]:
    """Everything secret out of every entry (in place; also returned): cookies, authorization and custom
    session headers, ``Set-Cookie``; URL tokens in the request URL, queryString, Referer, Origin, Location
    and ``redirectURL``; POST bodies (form fields, JSON keys, URLs inside) and text response bodies.
    ``extra_names``: more header/parameter/key names (``SCRUB_EXTRA_NAMES``)."""
    if extra_names:
        redact.add_names(extra_names)
    for page in har.get("log", {}).get("pages", []) or []:
        if isinstance(page.get("title"), str):
            page["title"] = _scrub_url(page["title"])
    for item in har.get("log", {}).get("entries", []):
        for side in ("request", "response"):
            part = item.get(side) or {}
            part["cookies"] = []
            part["headers"] = [_scrub_header(h) for h in part.get("headers", []) if not _secret_header(h.get("name", ""))]
        request = item.get("request") or {}
        if request.get("url"):
            request["url"] = _scrub_url(request["url"])
        request["queryString"] = [
            {**q, "value": REDACTED if _secret_param(q.get("name", "")) else q.get("value")}
            for q in request.get("queryString", [])]
        post = request.get("postData")
        if isinstance(post, dict):
            if post.get("params"):
                post["params"] = [{**p, "value": REDACTED} if _secret_param(p.get("name", "")) else p
                                  for p in post["params"]]
            if isinstance(post.get("text"), str):
                post["text"] = _scrub_text(post["text"], post.get("mimeType", ""))
        response = item.get("response") or {}
        if isinstance(response.get("redirectURL"), str) and response["redirectURL"]:
            response["redirectURL"] = _scrub_url(response["redirectURL"])
        content = response.get("content") or {}
        if isinstance(content.get("text"), str) and content.get("encoding") != "base64":
            scrubbed = _scrub_text(content["text"], content.get("mimeType", ""))
            if scrubbed != content["text"]:
                content["text"] = scrubbed
                content["size"] = len(scrubbed.encode("utf-8"))
    return har
