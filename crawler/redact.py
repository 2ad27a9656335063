"""Secrets out of every output: URL signing and session tokens, credentials in URLs, known secret values.

One list of names for the whole project:
- ``redact_url(url)``: the canonical URL stored in records (``url``, ``source_url``) and manifests
  (targets): signing/session parameters (msToken, X-Bogus, a_bogus, xsec_token, signature,
  access_token, X-Amz-*, ...) and ``user:password@`` removed;
- ``mask_url(url)``: the same parameters kept with the value ``REDACTED`` (recordings, which
  must still show that a parameter was there);
- ``redact_obj(value)``: every URL string of a JSON-like value redacted, values of secret keys masked;
- ``redact_text(text)``: free text (log lines, bodies): ``name=value`` pairs of those names,
  ``"name": "value"`` of the unambiguous ones, credentials in URLs, bearer tokens, cookies, and every
  value registered with ``register_secret`` (the AWS secret key and session token, proxy passwords);
- ``RedactPipeline``: the item pipeline that stores and exports records without any of them.
"""
from __future__ import annotations

import os
import re
from typing import Any, Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "REDACTED"

# query, form and JSON names that carry a signature, a session or a credential on the platforms crawled
SECRET_NAMES = (
    "mstoken", "x-bogus", "x_bogus", "a_bogus", "x-gnarly", "_signature", "signature", "sig", "verifyfp",
    "s_v_web_id", "fp", "token", "access_token", "refresh_token", "id_token", "oauth_token", "xsec_token",
    "_m_h5_tk", "_m_h5_tk_enc", "sign", "lsd", "fb_dtsg", "jazoest", "session", "sessionid", "session_id",
    "sid", "auth", "auth_key", "authkey", "api_key", "apikey", "key-pair-id", "policy", "password", "passwd",
    "secret", "client_secret", "csrf", "csrftoken", "csrf_token", "ttwid", "odin_tt", "x-amz-signature",
    "x-amz-credential", "x-amz-security-token", "x-goog-signature", "x-goog-credential", "aws_session_token",
    "aws_secret_access_key",
)
# names that are secret as URL/form parameters but ordinary words as JSON keys ("signature" is a TikTok
# bio, "policy" a return policy): masked in query strings and form bodies only
URL_ONLY = {"signature", "sig", "sign", "policy", "fp", "session", "auth", "sid", "key-pair-id", "lsd"}
# tokens a platform needs to open a link found on a list page (XHS refuses a note URL without the list's
# xsec_token): Parser.record keeps them on the record the spider follows; RedactPipeline removes them
# from what is stored and exported
NAVIGATION_PARAMS = ("xsec_token",)

_extra: set[str] = set()
_secrets: set[str] = set()


def _all_names() -> list[str]:
    return sorted(set(SECRET_NAMES) | _extra, key=len, reverse=True)


def _name_re() -> re.Pattern:
    return re.compile(r"^(?:%s)$" % "|".join(re.escape(n) for n in _all_names()), re.I)


def _text_re() -> re.Pattern:
    """``name=value`` for every secret name; ``name: value`` / ``"name": "value"`` for the keys only."""
    every = _all_names()
    keys = [n for n in every if n not in URL_ONLY]
    return re.compile(
        r"(?P<pre>(?<![\w-])(?:(?:%s)=|(?:%s)['\"]?\s*[:=]\s*b?['\"]?))(?P<val>[^&\s'\",;}<>)\]]+)"
        % ("|".join(map(re.escape, every)), "|".join(map(re.escape, keys))), re.I)


_NAMES = _name_re()
_TEXT = _text_re()


def add_names(names: Iterable[str]) -> None:
    """More names to treat as secret (``SCRUB_EXTRA_NAMES``)."""
    global _NAMES, _TEXT
    new = {n.strip().lower() for n in names or () if n and n.strip()} - _extra
    if new:
        _extra.update(new)
        _NAMES = _name_re()
        _TEXT = _text_re()


def is_secret_name(name: str) -> bool:
    """A URL/form parameter name whose value is a secret."""
    return bool(name) and bool(_NAMES.match(name.strip()))


def is_secret_key(name: str) -> bool:
    """A JSON key or header-like name whose value is a secret (``URL_ONLY`` names excluded)."""
    return is_secret_name(name) and name.strip().lower() not in URL_ONLY


def register_secret(value: str | None) -> None:
    """A value that must never be printed (replaced by REDACTED in every log line)."""
    if value and len(value) >= 6:
        _secrets.add(value)


def register_environment(environ=None) -> None:
    environ = os.environ if environ is None else environ
    for name in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        register_secret(environ.get(name))


def register_proxies(proxies: Iterable[str]) -> None:
    for proxy in proxies or ():
        try:
            register_secret(urlsplit(proxy).password)
        except ValueError:
            pass


def _strip_userinfo(netloc: str) -> str:
    return netloc.rsplit("@", 1)[-1]


def redact_url(url: str, keep: tuple[str, ...] = ()) -> str:
    """The URL without signing/session parameters and credentials (canonical, for records/manifests);
    ``keep``: parameter names left in place."""
    if not isinstance(url, str) or "://" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = _strip_userinfo(parts.netloc)
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not is_secret_name(k) or k.lower() in keep]
        if len(kept) != len(pairs):
            query = urlencode(kept, safe="/:,@")
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def mask_url(url: str) -> str:
    """The URL with the values of secret parameters replaced by REDACTED (recordings)."""
    if not isinstance(url, str):
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_text(url)
    netloc = _strip_userinfo(parts.netloc)
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(is_secret_name(k) for k, _ in pairs):
            query = urlencode([(k, REDACTED if is_secret_name(k) else v) for k, v in pairs], safe="/:,@")
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


_URL = re.compile(r"^(?:https?|wss?)://\S+$", re.I)


def redact_obj(value: Any, url=redact_url) -> Any:
    """Every URL string in a JSON-like value redacted, and every value under a secret key masked."""
    if isinstance(value, str):
        return url(value) if _URL.match(value) else value
    if isinstance(value, list):
        return [redact_obj(v, url) for v in value]
    if isinstance(value, tuple):
        return tuple(redact_obj(v, url) for v in value)
    if isinstance(value, dict):
        return {k: (REDACTED if isinstance(k, str) and is_secret_key(k) and v not in (None, "")
                    else redact_obj(v, url)) for k, v in value.items()}
    return value


_USERINFO = re.compile(r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)[^/\s:@'\"]+:[^/\s@'\"]*@", re.I)
_BEARER = re.compile(r"\b(Bearer|Basic|AWS4-HMAC-SHA256)\s+[A-Za-z0-9._~+/=,:\-]{8,}", re.I)
_COOKIE = re.compile(r"(?P<pre>\b(?:Cookie|Set-Cookie)['\"]?\s*[:=]\s*b?['\"]?)(?P<val>[^'\"\r\n]+)", re.I)


def redact_text(text: str) -> str:
    if not text or not isinstance(text, str):
        return text
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    text = _USERINFO.sub(lambda m: m.group("scheme") + REDACTED + "@", text)
    text = _BEARER.sub(lambda m: m.group(1) + " " + REDACTED, text)
    text = _COOKIE.sub(lambda m: m.group("pre") + REDACTED, text)
    return _TEXT.sub(lambda m: m.group("pre") + REDACTED, text)


class RedactPipeline:
    """Item pipeline (before the store and the feed exports): every URL of a record without signing or
    session tokens (navigation tokens included), every value under a secret key masked. ``query`` (the
    target that led to the record, as the user gave it) keeps its navigation tokens only."""

    def process_item(self, item, spider=None):
        if isinstance(item, dict):  # in place: later pipelines may hold on to the item
            for key, value in list(item.items()):
                redacted = redact_url(value, keep=NAVIGATION_PARAMS) if key == "query" and isinstance(value, str) \
                    else redact_obj(value)
                if redacted != value:
                    item[key] = redacted
        return item
