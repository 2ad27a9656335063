"""The attacks of the egress issue, played for real inside a private network namespace (loopback only).

Each scenario (tests/security/netns.py) runs one ``scrapy crawl`` through headless Chromium or plain
requests, with a scripted DNS server on 127.0.0.1:53 (rebinding: a public answer first, then 127.0.0.1),
internal services on 127.0.0.1, 10.0.0.1 and 169.254.169.254 that record every connection, and planted
secrets (URL tokens, a cookie, a session header, a proxy password, an AWS session token and secret key).
Every test asserts that no connection reached an internal listener and that no secret appears in
stdout, stderr (DEBUG logs), records, manifests, the recording or the evidence.

About 35 s for the four crawls on 2 cores. Skipped with the reason where network namespaces are
unavailable (not root, no unshare)."""
from __future__ import annotations

import gzip
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.security.netns import PLANTED, SECRET
from tests.support import ROOT


def _namespaces() -> str | None:
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return "unshare or ip (util-linux, iproute2) is not installed"
    if os.geteuid() != 0:
        return "private network namespaces need root"
    proc = subprocess.run(["unshare", "-n", "-m", "true"], capture_output=True, text=True)
    if proc.returncode:
        return "network namespaces are unavailable here: %s" % proc.stderr.strip()
    return None


pytestmark = pytest.mark.skipif(_namespaces() is not None, reason=_namespaces() or "")

_RESULTS: dict[str, tuple[dict, Path]] = {}


def run(name: str, tmp_path_factory) -> tuple[dict, Path]:
    if name not in _RESULTS:
        workdir = tmp_path_factory.mktemp("attack-%s" % name)
        proc = subprocess.run(["unshare", "-n", "-m", "--", sys.executable, "-m", "tests.security.netns", name,
                               str(workdir)], cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
        _RESULTS[name] = (json.loads((workdir / "result.json").read_text()), workdir)
    return _RESULTS[name]


def outputs(result: dict, workdir: Path) -> dict[str, str]:
    """Every output of the crawl: stdout, stderr, and every file it wrote (gzip parts opened)."""
    texts = {"stdout": result["stdout"], "stderr": result["stderr"]}
    for path in workdir.rglob("*"):
        if path.is_file() and path.name not in ("result.json", "resolv.conf", "hosts"):
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            texts[str(path.relative_to(workdir))] = data.decode("utf-8", "replace")
    return texts


def leaks(texts: dict[str, str], secrets: list[str], allow=lambda name, secret: False) -> list[tuple[str, str]]:
    return [(name, secret) for name, text in texts.items() for secret in secrets
            if secret in text and not allow(name, secret)]


def _evidence_index(name: str) -> bool:
    return name.startswith("store/evidence/") and name.endswith(".json")


def test_browser_attacks_reach_nothing_internal(tmp_path_factory):
    """DNS rebinding of the page's own host, iframes, <object>, a form post, a meta refresh, fetches to
    IPv4-compatible, NAT64 and mapped IPv6 literals, WebSockets, window.open popups, a service worker,
    a beacon: refused before any connection."""
    result, workdir = run("browser", tmp_path_factory)
    assert result["returncode"] == 0, result["stderr"][-3000:]
    assert result["connections"] == []                       # no internal listener saw a connection
    assert result["shop"] == ["93.184.216.34:80 /product"]   # the attacker's host: only the page, before rebinding
    # the rebinding answer (127.0.0.1) was seen by the crawl's proxy and refused; Chromium resolved nothing
    assert {q.split("/")[0] for q in result["dns"]} == {"rebind.shop.attacker.example"}
    assert "127.0.0.1 is a loopback address" in result["stderr"]
    assert "egress/websocket_refused" in result["stderr"] and "egress/route_refused" in result["stderr"]


def test_browser_outputs_hold_no_secret(tmp_path_factory):
    result, workdir = run("browser", tmp_path_factory)
    texts = outputs(result, workdir)
    assert any(n.startswith("store/records/") for n in texts) and "rec.har" in texts
    assert any(n.endswith(".html") and n.startswith("store/evidence/") for n in texts)
    assert leaks(texts, [SECRET]) == []   # nothing an internal service answered, evidence and recording included
    # the page's own text may carry a token (evidence is the page as served); records, logs, the recording,
    # manifests may not; evidence index files are the evidence owner's (see test below)
    assert leaks(texts, PLANTED, allow=lambda n, s: (s == "PLANTED-SIG" and n.endswith(".html"))
                 or _evidence_index(n)) == []
    record = json.loads((workdir / "out.jsonl").read_text().splitlines()[0])
    assert record["source_url"] == "http://rebind.shop.attacker.example/product"
    assert stat.S_IMODE((workdir / "rec.har").stat().st_mode) == 0o600
    assert not list(workdir.glob("rec.har.*"))


def test_evidence_index_holds_no_url_token(tmp_path_factory):
    result, workdir = run("browser", tmp_path_factory)
    texts = {n: t for n, t in outputs(result, workdir).items() if _evidence_index(n)}
    assert texts and leaks(texts, PLANTED) == []


def test_plain_requests_and_redirect_hops_are_refused(tmp_path_factory):
    """Plain Scrapy requests: a redirect to a name that resolves to 10.0.0.1, a host that rebinds to
    127.0.0.1 on its second lookup, private and IPv4-compatible IPv6 literal targets."""
    result, workdir = run("plain", tmp_path_factory)
    assert result["connections"] == []
    assert result["shop"] == ["93.184.216.34:80 /ajax/statuses/mymblog"]
    assert "egress refused m.weibo.com:80: 10.0.0.1 is a private address" in result["stderr"]
    assert "egress refused weibo.com:80: 127.0.0.1 is a loopback address" in result["stderr"]
    assert "private address ::169.254.169.254" in result["stderr"]
    assert "'guard/refused_egress': 2" in result["stderr"]
    assert leaks(outputs(result, workdir), [SECRET] + PLANTED) == []


def test_upstream_proxy_gets_pinned_addresses_and_its_password_is_never_printed(tmp_path_factory):
    """PROXIES with a password, EGRESS_UPSTREAM_DNS=local: the user's proxy is asked for the checked
    address itself; a redirect to a name that resolves to 169.254.169.254 never reaches it."""
    result, workdir = run("proxy", tmp_path_factory)
    assert result["connections"] == []
    assert result["upstream"] == ["127.0.0.1:3128 http://93.184.216.34/hop-name"]
    assert "egress refused meta.shop.attacker.example:80: 169.254.169.254 is a link-local address" in result["stderr"]
    assert leaks(outputs(result, workdir), [SECRET] + PLANTED, allow=lambda n, s: _evidence_index(n)) == []


def test_readme_demo_replay_makes_no_dns_query_and_no_connection(tmp_path_factory):
    """``scrapy crawl tiktok -a query="glow serum" -s REPLAY_HAR=fixtures/tiktok/search.har``: every name
    resolves to a recording listener in the namespace, and nothing asks."""
    result, workdir = run("replay", tmp_path_factory)
    assert result["returncode"] == 0, result["stderr"][-3000:]
    assert result["dns"] == []
    assert result["connections"] == []
    records = [json.loads(line) for line in (workdir / "out.jsonl").read_text().splitlines()]
    assert {r["kind"] for r in records} == {"post", "account"}
    assert leaks(outputs(result, workdir), PLANTED) == []
