"""What runs INSIDE the private network namespace (``unshare -n -m``, loopback only): a scripted DNS
server, listeners that record every connection, a "public" shop on an address added to lo, then one
``scrapy crawl``; everything observed is written as JSON for the test outside to assert on.

    unshare -n -m -- python -m tests.security.netns SCENARIO OUTDIR

Nothing here can reach a real network: the namespace has only lo. /etc/resolv.conf and /etc/hosts are
private copies bind-mounted in this mount namespace (the real files are never written).
"""
from __future__ import annotations

import json
import os
import socket
import socketserver
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = "93.184.216.34"          # a public address, added to lo inside the namespace: the attacker's shop
INTERNAL = ["127.0.0.1", "10.0.0.1", "169.254.169.254"]
SECRET = "PLANTED-INTERNAL-SECRET"  # what the internal services answer: must appear nowhere
PLANTED = ["PLANTED-MSTOKEN", "PLANTED-XBOGUS", "PLANTED-COOKIE", "PLANTED-HEADER", "PLANTED-SIG",
           "PLANTED-PROXYPASS", "PLANTED-AWS-SESSION", "PLANTED-AWS-SECRET", "PLANTED-POSTTOKEN"]


def sh(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


# ---- network and files of the namespace ----
def setup_namespace(workdir: Path) -> None:
    sh("ip", "link", "set", "lo", "up")
    for address in [PUBLIC, "10.0.0.1", "169.254.169.254"]:
        sh("ip", "addr", "add", address + "/32", "dev", "lo")
    resolv = workdir / "resolv.conf"
    resolv.write_text("nameserver 127.0.0.1\noptions attempts:1 timeout:2\n")
    hosts = workdir / "hosts"
    hosts.write_text("127.0.0.1 localhost\n")
    sh("mount", "--make-rprivate", "/")
    sh("mount", "--bind", str(resolv), "/etc/resolv.conf")
    sh("mount", "--bind", str(hosts), "/etc/hosts")


# ---- a scripted DNS server on 127.0.0.1:53 ----
class Dns(threading.Thread):
    """Answers A queries from a script: name -> list of answers, one per query (the last repeats);
    unknown names get PUBLIC. Every query is recorded."""

    def __init__(self, script: dict[str, list[str]]):
        super().__init__(daemon=True)
        self.script = {k.lower(): list(v) for k, v in script.items()}
        self.queries: list[str] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 53))

    def run(self) -> None:
        while True:
            try:
                data, peer = self.sock.recvfrom(2048)
            except OSError:
                return
            try:
                self.sock.sendto(self.answer(data), peer)
            except Exception:  # noqa: BLE001 - a malformed query gets no answer
                pass

    def answer(self, data: bytes) -> bytes:
        ident, flags, qd = struct.unpack(">HHH", data[:6])
        pos, labels = 12, []
        while data[pos]:
            labels.append(data[pos + 1:pos + 1 + data[pos]].decode("ascii", "replace"))
            pos += 1 + data[pos]
        qtype, _qclass = struct.unpack(">HH", data[pos + 1:pos + 5])
        question = data[12:pos + 5]
        name = ".".join(labels).lower()
        self.queries.append("%s/%d" % (name, qtype))
        header = struct.pack(">HHHHHH", ident, 0x8180, 1, 0, 0, 0)
        if qtype != 1:  # AAAA and the rest: no data
            return header + question
        answers = self.script.get(name) or [PUBLIC]
        address = answers.pop(0) if len(answers) > 1 else answers[0]
        record = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 0, 4) + socket.inet_aton(address)
        return struct.pack(">HHHHHH", ident, 0x8180, 1, 1, 0, 0) + question + record


# ---- listeners that record every connection ----
class Recorder:
    def __init__(self):
        self.connections: list[str] = []
        self.lock = threading.Lock()

    def add(self, what: str) -> None:
        with self.lock:
            self.connections.append(what)


def listen(address: str, port: int, recorder: Recorder, routes=None, record=True) -> socketserver.TCPServer:
    """An HTTP/1.0 server (routes: path -> (status, headers, body)) that records each connection."""

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            if record:
                recorder.add("%s:%d" % (address, port))
            try:
                line = self.rfile.readline(65536).decode("latin-1")
                headers = {}
                while True:
                    h = self.rfile.readline(65536).decode("latin-1")
                    if h in ("\r\n", "\n", ""):
                        break
                    k, _, v = h.partition(":")
                    headers[k.strip().lower()] = v.strip()
                if int(headers.get("content-length") or 0):
                    self.rfile.read(int(headers["content-length"]))
                path = line.split(" ")[1] if line.count(" ") >= 2 else "/"
                if path.startswith("http"):  # asked as a proxy: absolute form
                    path = path.split("/", 3)[3] if path.count("/") >= 3 else ""
                    path = "/" + path
                if not record:
                    recorder.add("%s:%d %s" % (address, port, line.split(" ")[1].split("?")[0]))
                if headers.get("upgrade", "").lower() == "websocket":
                    self.wfile.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                     b"Sec-WebSocket-Accept: x\r\n\r\n\x81\x17" + SECRET.encode())
                    return
                status, extra, body = (routes or {}).get(path.split("?")[0], (200, {"Content-Type": "text/html"},
                                                                             ("<p>%s</p>" % SECRET).encode()))
                self.wfile.write(("HTTP/1.0 %d X\r\n" % status).encode())
                for k, v in extra.items():
                    self.wfile.write(("%s: %s\r\n" % (k, v)).encode())
                self.wfile.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            except OSError:
                pass

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer((address, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# ---- the attacker's pages ----
PRODUCT = """<!doctype html><html><head><title>Glow serum</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Product","name":"Glow serum 1:1",
"sku":"GS-1","url":"http://%(host)s/product?signature=PLANTED-SIG",
"offers":{"@type":"Offer","price":"9.90","priceCurrency":"USD","url":"http://%(host)s/product?signature=PLANTED-SIG"}}</script>
</head><body><h1>Glow serum 1:1</h1><p>Replica serum, best price, ships today from our warehouse.</p>
<div id="out"></div>
%(attacks)s
</body></html>"""

ATTACKS = """
<iframe src="http://10.0.0.1/frame"></iframe>
<iframe src="http://169.254.169.254/latest/meta-data/"></iframe>
<iframe src="http://127.0.0.1/iframe"></iframe>
<object data="http://127.0.0.1/object"></object>
<iframe srcdoc='<meta http-equiv="refresh" content="0;url=http://10.0.0.1/refresh">'></iframe>
<iframe name="f1"></iframe>
<form id="post" method="POST" action="http://127.0.0.1/form" target="f1"><input name="a" value="b"></form>
<script>
const out = document.getElementById("out");
const show = (t) => { const p = document.createElement("p"); p.textContent = t; out.appendChild(p); };
document.getElementById("post").submit();
for (const u of ["/secret", "http://127.0.0.1/fetch", "http://[::169.254.169.254]/", "http://[64:ff9b::7f00:1]/",
                 "http://[::ffff:127.0.0.1]/", "http://169.254.169.254/latest/api/token", "http://10.0.0.1:80/x"]) {
  fetch(u, {mode: "no-cors"}).then(r => r.text()).then(show).catch(() => 0);
}
try { const ws = new WebSocket("ws://127.0.0.1/ws"); ws.onmessage = (e) => show(String(e.data)); } catch (e) {}
try { const ws2 = new WebSocket("ws://%(host)s/ws"); ws2.onmessage = (e) => show(String(e.data)); } catch (e) {}
try { window.open("http://127.0.0.1/popup"); window.open("http://169.254.169.254/popup"); } catch (e) {}
try { navigator.serviceWorker && navigator.serviceWorker.register("/sw.js").catch(() => 0); } catch (e) {}
const img = new Image(); img.src = "http://10.0.0.1/pixel.png";
navigator.sendBeacon && navigator.sendBeacon("http://127.0.0.1/beacon", "x");
</script>"""


def shop_routes(host: str) -> dict:
    page = (PRODUCT % {"host": host, "attacks": ATTACKS % {"host": host}}).encode()
    return {
        "/product": (200, {"Content-Type": "text/html; charset=utf-8", "Set-Cookie": "sid=PLANTED-COOKIE; Path=/",
                           "X-Tt-Token": "PLANTED-HEADER"}, page),
        "/secret": (200, {"Content-Type": "text/plain"}, SECRET.encode()),
        "/sw.js": (200, {"Content-Type": "application/javascript"}, b"self.addEventListener('fetch', () => 0);"),
        "/hop": (302, {"Location": "http://10.0.0.1/latest/meta-data/"}, b""),
        "/hop-name": (302, {"Location": "http://meta.%s/latest/meta-data/" % host}, b""),
    }


WEIBO_API = "http://weibo.com/ajax/statuses/mymblog?uid=1&page=1&feature=0"


def crawl(workdir: Path, platform: str, settings: dict, env: dict | None = None, timeout: int = 150, **args) -> dict:
    out = workdir / "out.jsonl"
    cmd = [sys.executable, "-m", "scrapy", "crawl", platform, "-O", str(out), "-s", "STORE_URI=%s" % (workdir / "store"),
           "-s", "LOG_LEVEL=DEBUG", "-s", "EVIDENCE_ENABLED=True"]
    for key, value in settings.items():
        cmd += ["-s", "%s=%s" % (key, value)]
    for key, value in args.items():
        cmd += ["-a", "%s=%s" % (key, value)]
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", "AWS_SESSION_TOKEN": "PLANTED-AWS-SESSION",
                   "AWS_SECRET_ACCESS_KEY": "PLANTED-AWS-SECRET", **(env or {})}
    environment.pop("CRAWLER_TEST_CDP_URL", None)
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=environment)
    return {"returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr,
            "seconds": round(time.monotonic() - started, 1)}


def scenario(name: str, workdir: Path) -> dict:
    recorder = Recorder()
    host = "shop.attacker.example"
    script = {host: [PUBLIC], "rebind." + host: [PUBLIC, "127.0.0.1"], "meta." + host: ["169.254.169.254"],
              "weibo.com": [PUBLIC, "127.0.0.1"], "m.weibo.com": ["10.0.0.1"]}
    dns = Dns(script)
    dns.start()
    for address in INTERNAL:  # internal services: any connection is a failure
        listen(address, 80, recorder)
    for port in (443, 8080):
        listen("127.0.0.1", port, recorder)
    shop = Recorder()
    if name == "browser":
        listen(PUBLIC, 80, shop, routes=shop_routes("rebind." + host), record=False)
        result = crawl(workdir, "web", {"RECORD_HAR": str(workdir / "rec.har"), "BLOCK_RETRY_TIMES": "0"},
                       url="http://rebind.%s/product?msToken=PLANTED-MSTOKEN&X-Bogus=PLANTED-XBOGUS" % host)
    elif name == "plain":
        routes = {"/ajax/statuses/mymblog": (302, {"Location": "http://m.weibo.com/latest/meta-data/"}, b""),
                  "/ajax/hop": (302, {"Location": "http://weibo.com/ajax/again"}, b"")}
        listen(PUBLIC, 80, shop, routes=routes, record=False)
        result = crawl(workdir, "weibo", {"BLOCK_RETRY_TIMES": "0"},
                       url=WEIBO_API + ",http://weibo.com/ajax/hop?x=1,http://10.0.0.1/ajax/x,http://[::169.254.169.254]/ajax/y")
    elif name == "proxy":
        listen(PUBLIC, 80, shop, routes=shop_routes(host), record=False)
        upstream = Recorder()  # a user's proxy (here it answers as the shop): sees only checked, pinned addresses
        listen("127.0.0.1", 3128, upstream, routes=shop_routes(host), record=False)
        result = crawl(workdir, "web", {"PROXIES": "http://crawler:PLANTED-PROXYPASS@127.0.0.1:3128",
                                        "BLOCK_RETRY_TIMES": "0", "EGRESS_UPSTREAM_DNS": "local"},
                       url="http://%s/hop-name" % host)
        result["upstream"] = upstream.connections
    elif name == "replay":
        listen(PUBLIC, 443, recorder)
        listen(PUBLIC, 80, recorder)
        result = crawl(workdir, "tiktok", {"REPLAY_HAR": str(ROOT / "fixtures" / "tiktok" / "search.har")},
                       query="glow serum")
    else:
        raise SystemExit("unknown scenario %s" % name)
    time.sleep(0.5)
    result.update(connections=recorder.connections, shop=shop.connections, dns=dns.queries)
    return result


def main(argv: list[str]) -> int:
    name, outdir = argv[0], Path(argv[1])
    setup_namespace(outdir)
    result = scenario(name, outdir)
    (outdir / "result.json").write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
