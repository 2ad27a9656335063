"""A tiny HTTP server on 127.0.0.1 for tests: serves fixed responses and logs every request.

Used two ways: as a plain site (``http://127.0.0.1:PORT/path``) to prove that nothing
reaches it, and as an HTTP forward proxy (request lines carry absolute URLs), so a
"live" crawl of ``http://www.tiktok.com/...`` is answered locally and nothing leaves the machine.
"""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class LocalServer:
    def __init__(self, routes: dict[str, tuple[int, dict, bytes]] | None = None):
        self.routes = routes or {}
        self.requests: list[tuple[str, str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                url = self.path if self.path.startswith("http") else "http://%s%s" % (self.headers.get("Host"), self.path)
                server.requests.append((self.command, url, dict(self.headers)))
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                path = urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else "")
                status, headers, body = server.routes.get(url) or server.routes.get(path) or (404, {}, b"not here")
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_HEAD = _serve

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
