"""The enforcement point: a small HTTP forward proxy on 127.0.0.1 that every connection of the crawl
goes through (Chromium is launched behind it; plain Scrapy requests take it as their proxy).

For each connection (``CONNECT host:port`` for https and WebSockets, absolute-form requests for http)
it asks the policy about the host name, resolves the name ITSELF, refuses when any resolved address
is not public unicast (``crawler.egress.addresses``), and connects to exactly the address it checked:
there is no second resolution for a rebinding DNS server to answer differently. Nothing is sent
anywhere before that decision. In replay the policy refuses everything before any lookup.

With an upstream proxy (``PROXIES``) the connection is chained through it: ``CONNECT`` to the checked
address (``EGRESS_UPSTREAM_DNS=local``), or to the allowlisted host name, for the proxy to resolve
(``upstream``, the default: proxies abroad see the platforms' DNS as the crawl should).

Plain http is forwarded one request per connection (``Connection: close``), which keeps a reused
client connection from carrying a second request to another host past the check.
"""
from __future__ import annotations

import asyncio
import base64
import logging
import secrets
import socket
from collections import deque
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import unquote, urlsplit

from crawler.egress.addresses import parse, refused

logger = logging.getLogger(__name__)

MAX_HEAD = 64 * 1024
HEAD_TIMEOUT_S = 30.0
CONNECT_TIMEOUT_S = 15.0
RESOLVE_TIMEOUT_S = 10.0
HOP_HEADERS = {"proxy-connection", "proxy-authorization", "connection", "keep-alive", "te", "trailer", "upgrade"}


class Refused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass
class Policy:
    """What may be connected to. ``host_refusal(host) -> reason | None`` is the platform allowlist
    (the network guard's); ``refuse_all`` is replay; ``allow_private`` only for tests on loopback."""
    host_refusal: Callable[[str], str | None] = lambda host: None
    refuse_all: bool = False
    allow_private: bool = False
    upstream_dns: str = "upstream"
    stats: object | None = None
    # the last decisions (verdict, host, port, reason), for tests and debugging; bounded for long crawls
    log: deque = field(default_factory=lambda: deque(maxlen=1000))
    # the value of the X-Egress-Refused header of a refusal: unknown to servers, so none can forge one
    marker: str = field(default_factory=lambda: secrets.token_hex(8))
    warned: set = field(default_factory=set)  # (destination, reason) already logged at WARNING

    def count(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)


@dataclass
class Upstream:
    host: str
    port: int
    authorization: str | None

    @classmethod
    def parse(cls, url: str) -> "Upstream":
        parts = urlsplit(url if "://" in url else "http://" + url)
        if parts.scheme not in ("http", ""):
            raise ValueError("only http:// upstream proxies are supported, not %s://" % parts.scheme)
        auth = None
        if parts.username is not None:
            raw = "%s:%s" % (unquote(parts.username), unquote(parts.password or ""))
            auth = "Basic " + base64.b64encode(raw.encode("utf-8")).decode("ascii")
        return cls(parts.hostname or "", parts.port or 80, auth)

    def __repr__(self) -> str:  # never the credentials
        return "Upstream(%s:%d)" % (self.host, self.port)


class EgressProxy:
    """One listener on 127.0.0.1 (one per upstream proxy, none for a direct crawl)."""

    def __init__(self, policy: Policy, upstream: str | None = None):
        self.policy = policy
        self.upstream = Upstream.parse(upstream) if upstream else None
        self._sock: socket.socket | None = None
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task] = set()

    # ---- life cycle ----
    def bind(self) -> int:
        """Take a free port now (before the browser is launched with it); serving starts later."""
        if self._sock is None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", 0))
            sock.listen(128)
            sock.setblocking(False)
            self._sock = sock
        return self._sock.getsockname()[1]

    @property
    def port(self) -> int:
        return self.bind()

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self.port

    async def start(self) -> None:
        if self._server is None:
            self.bind()
            self._server = await asyncio.start_server(self._serve, sock=self._sock)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            self._server = None
        elif self._sock is not None:
            self._sock.close()
        self._sock = None

    # ---- one client connection ----
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await self._handle(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.TimeoutError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # never let one connection take the crawl down
            logger.debug("egress: connection failed: %s", type(exc).__name__)
        finally:
            writer.close()
            if task is not None:
                self._tasks.discard(task)

    async def _handle(self, reader, writer) -> None:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEAD_TIMEOUT_S)
        if len(head) > MAX_HEAD:
            return await _reply(writer, 431, self.policy.marker, "request head too large")
        lines = head.decode("latin-1").split("\r\n")
        try:
            method, target, version = lines[0].split(" ", 2)
        except ValueError:
            return await _reply(writer, 400, self.policy.marker, "bad request line")
        headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if ":" in line]
        if method.upper() == "CONNECT":
            host, port = _split_hostport(target, 443)
        else:
            parts = urlsplit(target)
            if parts.scheme != "http" or not parts.hostname:
                return await _reply(writer, 400, self.policy.marker, "only absolute http:// URLs and CONNECT are proxied")
            host, port = parts.hostname, parts.port or 80
        try:
            address = await self._decide(host, port)
            upstream_reader, upstream_writer = await self._connect(host, address, port, method.upper() == "CONNECT")
        except Refused as exc:
            return await _reply(writer, exc.status, self.policy.marker, exc.reason)
        try:
            if method.upper() == "CONNECT":
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await writer.drain()
            else:
                await self._forward_request(method, target, version, headers, reader, upstream_writer, address, port)
            await _pipe_both(reader, writer, upstream_reader, upstream_writer)
        finally:
            upstream_writer.close()

    async def _decide(self, host: str, port: int) -> str:
        """The address to connect to, or Refused: allowlist, then the crawl's own resolution, then the
        class of every address. Hosts are logged, never paths or queries (they carry tokens)."""
        policy = self.policy
        host = host.lower().rstrip(".")
        where = "%s:%d" % (host, port)
        if policy.refuse_all:
            return self._refuse(where, "replay: the crawl makes no connection", 403)
        why = policy.host_refusal(host)
        if why:
            return self._refuse(where, why, 403)
        literal = parse(host)
        if literal is not None:
            addresses = [str(literal)]
        elif self.upstream is not None and policy.upstream_dns == "upstream":
            policy.count("egress/allowed")
            policy.log.append(("allowed", host, port, "via upstream"))
            return host  # an allowlisted name, resolved by the user's proxy
        else:
            try:
                infos = await asyncio.wait_for(asyncio.get_running_loop().getaddrinfo(
                    host, port, type=socket.SOCK_STREAM), RESOLVE_TIMEOUT_S)
            except (OSError, asyncio.TimeoutError):
                return self._refuse(where, "%s does not resolve" % host, 502)
            addresses = list(dict.fromkeys(info[4][0] for info in infos))
            if not addresses:
                return self._refuse(where, "%s does not resolve" % host, 502)
        if not policy.allow_private:
            for address in addresses:
                reason = refused(address)
                if reason:
                    return self._refuse(where, "%s is a %s address" % (address, reason) if literal is None
                                        else "%s address" % reason, 403)
        policy.count("egress/allowed")
        policy.log.append(("allowed", host, port, addresses[0]))
        return addresses[0]

    def _refuse(self, where: str, reason: str, status: int):
        """Counted every time, logged at WARNING once per destination and reason (DEBUG after that:
        Chromium retries, pages repeat themselves). In replay every connection is refused by design
        (Chromium's preconnects to the replayed hosts): counted, logged at DEBUG."""
        policy = self.policy
        policy.count("egress/refused")
        policy.log.append(("refused", where, 0, reason))
        first = (where, reason) not in policy.warned
        if len(policy.warned) > 10_000:
            policy.warned.clear()
        policy.warned.add((where, reason))
        loud = first and not policy.refuse_all
        logger.log(logging.WARNING if loud else logging.DEBUG, "egress refused %s: %s", where, reason)
        raise Refused(status, reason)

    async def _connect(self, host: str, address: str, port: int, tunnel: bool):
        """A connection to exactly ``address`` (directly, or through the upstream proxy)."""
        try:
            if self.upstream is None:
                return await asyncio.wait_for(asyncio.open_connection(address, port), CONNECT_TIMEOUT_S)
            up = self.upstream
            reader, writer = await asyncio.wait_for(asyncio.open_connection(up.host, up.port), CONNECT_TIMEOUT_S)
            if tunnel:
                target = "[%s]:%d" % (address, port) if ":" in address else "%s:%d" % (address, port)
                request = "CONNECT %s HTTP/1.1\r\nHost: %s\r\n" % (target, target)
                if up.authorization:
                    request += "Proxy-Authorization: %s\r\n" % up.authorization
                writer.write((request + "\r\n").encode("latin-1"))
                await writer.drain()
                answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), CONNECT_TIMEOUT_S)
                status = answer.split(b" ", 2)[1] if answer.count(b" ") >= 1 else b""
                if not status.startswith(b"2"):
                    writer.close()
                    raise Refused(502, "the upstream proxy answered %s" % status.decode("latin-1", "replace"))
            return reader, writer
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError) as exc:
            raise Refused(502, "cannot connect to %s:%d (%s)" % (
                host if self.upstream is None else "the upstream proxy", port, type(exc).__name__)) from None

    async def _forward_request(self, method, target, version, headers, reader, upstream_writer, address, port):
        parts = urlsplit(target)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        if self.upstream is not None:
            host_part = "[%s]" % address if ":" in address else address
            line_target = "http://%s%s%s" % (host_part, "" if port == 80 else ":%d" % port, path)
        else:
            line_target = path
        out = ["%s %s %s" % (method, line_target, version if version.startswith("HTTP/1") else "HTTP/1.1")]
        names = {name.lower() for name, _ in headers}
        out += ["%s: %s" % (name, value) for name, value in headers if name.lower() not in HOP_HEADERS]
        if "host" not in names:
            out.append("Host: %s" % parts.netloc)
        if self.upstream is not None and self.upstream.authorization:
            out.append("Proxy-Authorization: %s" % self.upstream.authorization)
        out.append("Connection: close")
        upstream_writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1"))
        length = next((value for name, value in headers if name.lower() == "content-length"), None)
        chunked = any(name.lower() == "transfer-encoding" and "chunked" in value.lower() for name, value in headers)
        if length and length.isdigit():
            remaining = int(length)
            while remaining:
                data = await reader.read(min(remaining, 65536))
                if not data:
                    break
                upstream_writer.write(data)
                remaining -= len(data)
        elif chunked:
            while True:
                size_line = await reader.readuntil(b"\r\n")
                upstream_writer.write(size_line)
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while True:  # trailers, up to the empty line
                        trailer = await reader.readuntil(b"\r\n")
                        upstream_writer.write(trailer)
                        if trailer == b"\r\n":
                            break
                    break
                upstream_writer.write(await reader.readexactly(size + 2))
        await upstream_writer.drain()


def _split_hostport(target: str, default: int) -> tuple[str, int]:
    if target.startswith("["):
        host, _, rest = target[1:].partition("]")
        port = rest.lstrip(":")
    else:
        host, _, port = target.rpartition(":") if ":" in target else (target, "", "")
    return host, int(port) if port.isdigit() else default


async def _reply(writer, status: int, marker: str, reason: str) -> None:
    text = {400: "Bad Request", 403: "Forbidden", 431: "Request Header Fields Too Large",
            502: "Bad Gateway"}.get(status, "Error")
    body = ("egress refused: %s\n" % reason).encode("utf-8", "replace")
    writer.write(b"HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n"
                 b"X-Egress-Refused: %s\r\n\r\n" % (status, text.encode(), len(body), marker.encode()) + body)
    try:
        await writer.drain()
    except ConnectionError:
        pass


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            if writer.can_write_eof():
                writer.write_eof()
        except (OSError, RuntimeError):
            pass


async def _pipe_both(client_reader, client_writer, upstream_reader, upstream_writer) -> None:
    """Bytes both ways until the server side is done (a closed server ends the client connection too)."""
    up = asyncio.ensure_future(_pipe(client_reader, upstream_writer))
    down = asyncio.ensure_future(_pipe(upstream_reader, client_writer))
    try:
        await down
    finally:
        up.cancel()
