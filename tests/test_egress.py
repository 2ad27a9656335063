"""Units of the egress layer: address classes, the enforcing proxy's decisions (in-process, on 127.0.0.1),
scrubbing of recordings, redaction of records, manifests and logs, identifiers.

The attacks played for real (Chromium, a rebinding DNS server, a private network namespace) are in
tests/security/."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import stat

import pytest

from crawler import redact
from crawler.egress import launch_options
from crawler.egress.addresses import refused
from crawler.egress.proxy import EgressProxy, Policy
from crawler.har import scrub, write_har
from crawler.ids import IdError, check_id
from crawler.recording import finalize


@pytest.mark.parametrize("address,why", [
    ("127.0.0.1", "loopback"), ("10.0.0.1", "private"), ("169.254.169.254", "link-local"),
    ("100.64.3.4", "CGNAT"), ("224.0.0.1", "multicast"), ("240.0.0.1", "reserved"), ("0.0.0.0", "unspecified"),
    ("::1", "loopback"), ("fe80::1", "link-local"), ("fc00::1", "private"), ("::", "unspecified"),
    ("::ffff:127.0.0.1", "loopback"), ("::169.254.169.254", "link-local"), ("64:ff9b::7f00:1", "loopback"),
    ("64:ff9b:1::a9fe:a9fe", "link-local"), ("2002:a00:1::1", "private"), ("fec0::1", "site-local"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "private"),  # Teredo, client 192.0.2.45
    ("64:ff9b::808:808", "transition"), ("ff02::1", "multicast"),
])
def test_every_non_public_address_and_embedding_is_refused(address, why):
    reason = refused(address)
    assert reason is not None and why in reason


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2606:4700::1111", "1.1.1.1"])
def test_public_addresses_pass(address):
    assert refused(address) is None


class Resolver:
    """getaddrinfo scripted per call: the rebinding DNS server of a unit test."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = 0

    async def __call__(self, host, port, **kwargs):
        self.calls += 1
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return [(2, 1, 6, "", (a, port)) for a in answer]


async def _ask(proxy: EgressProxy, request: bytes) -> bytes:
    await proxy.start()
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
    writer.write(request)
    await writer.drain()
    data = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    return data


def test_proxy_pins_the_checked_address_and_refuses_private_answers(monkeypatch):
    connected: list = []

    # the real open_connection is needed by the test client: patch after its connection is made
    real_open = asyncio.open_connection

    async def scenario_with_client():
        loop = asyncio.get_running_loop()
        resolver = Resolver(["93.184.216.34"], ["127.0.0.1"])
        monkeypatch.setattr(loop, "getaddrinfo", resolver)
        policy = Policy(host_refusal=lambda h: None if h.endswith("shop.example") else "not allowed")
        proxy = EgressProxy(policy)
        await proxy.start()

        async def ask(request: bytes) -> bytes:
            reader, writer = await real_open("127.0.0.1", proxy.port)
            writer.write(request)
            await writer.drain()
            data = await asyncio.wait_for(reader.read(), 5)
            writer.close()
            return data

        async def fake_open(host, port, **kw):
            connected.append((host, port))
            raise ConnectionRefusedError

        monkeypatch.setattr(asyncio, "open_connection", fake_open)
        try:
            first = await ask(b"CONNECT www.shop.example:443 HTTP/1.1\r\nHost: x\r\n\r\n")
            second = await ask(b"CONNECT www.shop.example:443 HTTP/1.1\r\nHost: x\r\n\r\n")
            other = await ask(b"GET http://evil.example/ HTTP/1.1\r\nHost: evil.example\r\n\r\n")
            literal = await ask(b"CONNECT [::169.254.169.254]:80 HTTP/1.1\r\n\r\n")
        finally:
            monkeypatch.setattr(asyncio, "open_connection", real_open)
            await proxy.close()
        return resolver, policy, first, second, other, literal

    resolver, policy, first, second, other, literal = asyncio.run(scenario_with_client())
    assert connected == [("93.184.216.34", 443)]        # the first answer, exactly, and nothing else
    assert first.startswith(b"HTTP/1.1 502")            # (the fake connection failed)
    assert second.startswith(b"HTTP/1.1 403") and b"127.0.0.1 is a loopback address" in second
    assert other.startswith(b"HTTP/1.1 403") and resolver.calls == 2  # a refused host is never resolved
    assert literal.startswith(b"HTTP/1.1 403")
    assert policy.marker.encode() in second               # the unforgeable refusal marker
    assert [v for v, *_ in policy.log] == ["allowed", "refused", "refused", "refused"]


def test_replay_refuses_before_any_lookup(monkeypatch):
    async def scenario():
        loop = asyncio.get_running_loop()

        async def no_dns(*a, **k):
            raise AssertionError("replay resolved a name")

        monkeypatch.setattr(loop, "getaddrinfo", no_dns)
        proxy = EgressProxy(Policy(refuse_all=True))
        try:
            return await _ask(proxy, b"CONNECT www.tiktok.com:443 HTTP/1.1\r\n\r\n")
        finally:
            await proxy.close()

    assert asyncio.run(scenario()).startswith(b"HTTP/1.1 403")


def test_proxy_forwards_http_to_a_local_server_when_private_is_allowed():
    from tests.e2e.server import LocalServer

    with LocalServer({"/x?a=1": (200, {"Content-Type": "text/plain"}, b"hello")}) as server:
        async def scenario():
            proxy = EgressProxy(Policy(allow_private=True))
            try:
                return await _ask(proxy, ("GET %s/x?a=1 HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nProxy-Connection: keep-alive"
                                          "\r\n\r\n" % (server.url, server.port)).encode())
            finally:
                await proxy.close()

        answer = asyncio.run(scenario())
        assert answer.startswith(b"HTTP/1.0 200") and answer.endswith(b"hello")
        (method, url, headers), = server.requests
        assert url.endswith("/x?a=1") and headers.get("Connection") == "close" and "Proxy-Connection" not in headers


def test_launch_options_put_chromium_behind_the_proxy_with_background_services_off():
    options = launch_options({"headless": True, "args": ["--no-sandbox", "--disable-features=Foo",
                                                         "--proxy-server=http://elsewhere:1"]}, "http://127.0.0.1:5")
    assert options["proxy"] == {"server": "http://127.0.0.1:5", "bypass": "<-loopback>"}
    args = options["args"]
    assert "--proxy-server=http://elsewhere:1" not in args
    assert "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1" in args
    features = [a for a in args if a.startswith("--disable-features=")]
    assert len(features) == 1 and "Foo" in features[0] and "AutofillServerCommunication" in features[0]
    for flag in ("--disable-background-networking", "--disable-component-update", "--no-pings", "--dns-prefetch-disable"):
        assert flag in args


def test_scrub_follows_tokens_into_every_field():
    har = {"log": {"pages": [{"title": "https://www.tiktok.com/?msToken=T1"}], "entries": [{
        "request": {"method": "POST", "url": "https://www.tiktok.com/api/x/?signature=T2&count=3",
                    "headers": [{"name": "Referer", "value": "https://www.tiktok.com/search?q=a&X-Bogus=T3"},
                                {"name": "Origin", "value": "https://u:T4@www.tiktok.com"},
                                {"name": "X-Session-Blob", "value": "T5"}, {"name": "X-Custom", "value": "T6"},
                                {"name": "Accept", "value": "*/*"}],
                    "cookies": [{"name": "sid", "value": "T7"}], "queryString": [{"name": "signature", "value": "T2"}],
                    "postData": {"mimeType": "application/json", "text": json.dumps(
                        {"xsec_token": "T8", "next": "https://x.tiktok.com/?access_token=T9", "q": "serum"})}},
        "response": {"status": 302, "redirectURL": "https://www.tiktok.com/?a_bogus=T10",
                     "headers": [{"name": "Location", "value": "https://www.tiktok.com/?a_bogus=T10"},
                                 {"name": "set-cookie", "value": "ttwid=T11"}], "cookies": [],
                     "content": {"mimeType": "application/json", "text": json.dumps({"data": {"token": "T12"}})}},
    }, {
        "request": {"method": "POST", "url": "https://www.tiktok.com/login", "headers": [], "queryString": [],
                    "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "user=a&password=T13",
                                 "params": [{"name": "password", "value": "T13"}]}},
        "response": {"status": 200, "headers": [], "content": {"mimeType": "text/html",
                                                               "text": '<a href="/v?msToken=T14">x</a>'}},
    }]}}
    text = json.dumps(scrub(har, extra_names=["x-custom"]))
    for n in range(1, 15):
        assert "T%d\"" % n not in text and "T%d&" % n not in text and "=T%d" % n not in text and ":T%d" % n not in text
    entry = har["log"]["entries"][0]
    assert [h["name"] for h in entry["request"]["headers"]] == ["Referer", "Origin", "Accept"]
    assert "q=a" in entry["request"]["headers"][0]["value"]          # the Referer kept what is not a token
    assert json.loads(entry["request"]["postData"]["text"])["q"] == "serum"
    assert "user=a" in har["log"]["entries"][1]["request"]["postData"]["text"]


def test_finalize_writes_0600_and_deletes_unscrubbed_parts_on_failure(tmp_path, monkeypatch):
    path = str(tmp_path / "rec.har")
    write_har([{"request": {"url": "https://a.tiktok.com/?msToken=S", "headers": [], "cookies": []},
                "response": {"headers": [{"name": "Set-Cookie", "value": "sid=S"}], "cookies": []}}],
              path + ".default.part")
    assert finalize(path) == 1
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and "=S" not in open(path).read()
    assert not list(tmp_path.glob("*.part"))
    write_har([{"request": {"url": "https://a.tiktok.com/"}}], path + ".default.part")
    monkeypatch.setattr("crawler.recording.scrub", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        finalize(path)
    assert not list(tmp_path.glob("*.part")) and not list(tmp_path.glob("*.tmp-*"))


def test_records_and_manifests_keep_urls_without_signing_tokens():
    from crawler.extract import extract
    from crawler.page import Page
    from tests.support import PAGES

    url = "https://www.tiktok.com/@glowshop.demo/video/7400000000000000001?msToken=SECRET1&X-Bogus=SECRET2&lang=en"
    records = extract(Page(url=url, body=(PAGES / "tiktok" / "video_page.html").read_bytes()))
    dumped = json.dumps([r.model_dump(mode="json") for r in records])
    assert records and "SECRET" not in dumped and "lang=en" in dumped
    assert redact.redact_obj({"urls": [url]}) == {"urls": [url.replace("msToken=SECRET1&X-Bogus=SECRET2&", "")]}


def test_logs_are_redacted_at_any_level(caplog, monkeypatch):
    from crawler.logformat import install_redaction

    monkeypatch.setenv("AWS_SESSION_TOKEN", "FwoGZXIvYXdzEXAMPLESESSION")
    install_redaction()
    log = logging.getLogger("crawler.test")
    with caplog.at_level(logging.DEBUG):
        log.debug("GET https://www.xiaohongshu.com/explore/1?xsec_token=TOK1&x=1 via http://user:PW1@proxy:8080")
        log.info("headers %s", {"X-Amz-Security-Token": "FwoGZXIvYXdzEXAMPLESESSION", "Authorization": "Bearer TOK2TOK2TOK2"})
        try:
            raise ValueError("https://a.tiktok.com/?msToken=TOK3")
        except ValueError:
            log.exception("failed")
    text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    for secret in ("TOK1", "PW1", "FwoGZXIvYXdzEXAMPLESESSION", "TOK2", "TOK3"):
        assert secret not in text
    assert "x=1" in text
    assert logging.getLogger("botocore").getEffectiveLevel() >= logging.WARNING


@pytest.mark.parametrize("value", ["../../x", "a/b", "..", ".hidden", "", "a b", "x" * 65, "a\nb", "é"])
def test_bad_ids_are_refused(value):
    with pytest.raises(IdError, match="is not allowed"):
        check_id(value)


def test_good_ids_pass():
    assert check_id("20261123T041500-1a2b3c4d") == "20261123T041500-1a2b3c4d"
    assert check_id("run.2026-11-23_a") == "run.2026-11-23_a"


@pytest.mark.parametrize("args,settings,what", [
    (["-a", "crawl_id=../../x"], [], "crawl_id '../../x' is not allowed"),
    ([], ["-s", "RUN_ID=run/../../y"], "RUN_ID 'run/../../y' is not allowed"),
])
def test_crawl_refuses_path_like_ids_in_one_line(tmp_path, args, settings, what):
    import subprocess
    import sys

    from tests.support import ROOT

    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "tiktok", "-a", "query=glow serum",
                           "-s", "REPLAY_HAR=fixtures/tiktok/search.har", "-s", "STORE_URI=%s" % tmp_path,
                           *args, *settings], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].startswith("scrapy crawl: ") and what in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "crawls").exists()
