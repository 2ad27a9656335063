"""The commands the containers run are ones the project's CLI accepts: the image's ENTRYPOINT with each rendered
manifest's args and environment, checked against the spiders for every platform, and run for real (the Weibo
CronJob's container, replayed, into SeaweedFS with the credentials as the Secret's files)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from crawler import entrypoint, exitcodes
from crawler.watchlist import load_watchlist
from tests.deploy.conftest import scrapy_env, search_url, weibo_body, weibo_har
from tests.support import ROOT

RENDERED = ROOT / "deploy" / "kubernetes" / "rendered"
DOCKERFILE = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
ENTRYPOINT = json.loads(next(line for line in DOCKERFILE.splitlines() if line.startswith("ENTRYPOINT"))[len("ENTRYPOINT"):])


def containers() -> list[tuple[str, dict, dict]]:
    """(file, container, ConfigMap) of every rendered CronJob and Job."""
    out = []
    for path in sorted(RENDERED.glob("*.yaml")):
        docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
        config = next(d for d in docs if d["kind"] == "ConfigMap")
        for doc in docs:
            if doc["kind"] in ("CronJob", "Job"):
                spec = doc["spec"]["jobTemplate"]["spec"] if doc["kind"] == "CronJob" else doc["spec"]
                out.append((path.name, spec["template"]["spec"]["containers"][0], config))
    return out


def local_env(container: dict, config: dict, root: Path, **overrides: str) -> dict:
    """The container's environment on this machine: its paths under ``root``, the ConfigMap's files there."""
    env = {}
    for item in container["env"]:
        value = item.get("value")
        if value is None:
            continue  # fieldRef values: set by the caller, as Kubernetes would
        if value.startswith(("/tmp/", "/etc/", "/var/")):
            value = str(root / value.lstrip("/"))
        env[item["name"]] = value
    mount = next(m["mountPath"] for m in container["volumeMounts"] if m["name"] == "watchlist")
    for name, text in config["data"].items():
        path = root / mount.lstrip("/") / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    env.update(overrides)
    return env


def spargs_of(argv: list[str]) -> dict:
    return dict(argv[i + 1].split("=", 1) for i, arg in enumerate(argv) if arg == "-a")


def test_the_image_runs_the_entrypoint_module():
    assert ENTRYPOINT[-3:] == ["python", "-m", "crawler.entrypoint"]


@pytest.mark.parametrize("name, container, config", containers(), ids=[c[0] for c in containers()])
def test_every_container_command_is_a_crawl_the_cli_accepts(name, container, config, tmp_path):
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    assert "command" not in container  # the image's ENTRYPOINT runs; the manifest gives only arguments
    env = local_env(container, config, tmp_path)
    argv = entrypoint.crawl_argv(env, container.get("args", []))
    assert argv[:2] == ["crawl", env["PLATFORM"]]
    spidercls = SpiderLoader.from_settings(get_project_settings()).load(env["PLATFORM"])
    spidercls.check_targets(spargs_of(argv))   # raises on a target the platform does not take, or none at all
    watchlist = load_watchlist(spargs_of(argv)["watchlist"])
    assert any(spidercls.watchlist_targets(watchlist).values())


def test_the_weibo_cronjob_container_crawls_into_s3(seaweed, tmp_path):
    """The CronJob's container as Kubernetes starts it: its env (RUN_ID from the Job's name, the shard index),
    its args, the watchlist ConfigMap and the S3 Secret as files; replayed, into one SeaweedFS bucket."""
    _name, container, config = next(c for c in containers() if c[0] == "cronjob-weibo.yaml")
    env = local_env(container, config, tmp_path, RUN_ID="crawler-weibo-29400000", JOB_COMPLETION_INDEX="0")
    bucket = env["STORE_URI"][len("s3://"):].split("/")[0]
    seaweed.make_bucket(bucket)
    from tests.storage.seaweed import ACCESS_KEY, SECRET_KEY

    # the Secret crawler-s3: the files AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE point at
    Path(env["AWS_SHARED_CREDENTIALS_FILE"]).parent.mkdir(parents=True, exist_ok=True)
    Path(env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (ACCESS_KEY, SECRET_KEY))
    Path(env["AWS_CONFIG_FILE"]).write_text(
        "[default]\nregion = us-east-1\nendpoint_url = %s\nrequest_checksum_calculation = when_required\n"
        "response_checksum_validation = when_required\ns3 =\n  addressing_style = path\n" % seaweed.endpoint)
    watchlist = load_watchlist(env["WATCHLIST"])
    terms = watchlist.terms_for("weibo")
    har = weibo_har(tmp_path / "replay.har", {search_url(term): weibo_body(10 + i) for i, term in enumerate(terms)})
    run_env = {**scrapy_env(), **env, "REPLAY_HAR": str(har), "AWS_EC2_METADATA_DISABLED": "true"}
    proc = subprocess.run([sys.executable, "-m", "crawler.entrypoint", *container.get("args", [])], cwd=tmp_path,
                          capture_output=True, text=True, timeout=180, env=run_env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    lines = [json.loads(line) for line in proc.stdout.split("\n") if line.strip()]
    summary = lines[-1]
    assert summary["exit_code"] == 0 and summary["records"] == {"post": 2 * len(terms)}
    keys = seaweed.keys(bucket)
    manifest_key, = [k for k in keys if k.endswith("/manifest.json")]
    manifest = json.loads(seaweed.client().get_object(Bucket=bucket, Key=manifest_key)["Body"].read())
    assert manifest["run_id"] == "crawler-weibo-29400000" and manifest["shard"] == {"index": 0, "count": 1}
    assert manifest["records"] == 2 * len(terms) and manifest["spider"] == "weibo"
    assert sorted(manifest["targets"]["watchlist"]["query"]) == sorted(terms)


@pytest.mark.parametrize("env, message", [
    ({"STORE_URI": "s3://b/p"}, "set PLATFORM"),
    ({"PLATFORM": "tiktok"}, "set STORE_URI"),
    ({"PLATFORM": "tiktok", "STORE_URI": "s3://b/p", "WATCHLIST": "/nonexistent/watchlist.yaml"}, "is not a file"),
])
def test_the_entrypoint_refuses_a_bad_configuration(env, message, capsys):
    assert entrypoint.main([], env) == exitcodes.BAD_CONFIG
    assert message in capsys.readouterr().err


def test_the_entrypoint_exit_status_is_the_crawls(tmp_path):
    env = {**scrapy_env(), "PLATFORM": "weibo", "STORE_URI": str(tmp_path / "store"),
           "REPLAY_HAR": str(tmp_path / "missing.har")}
    proc = subprocess.run([sys.executable, "-m", "crawler.entrypoint", "-a", "query=x"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == exitcodes.BAD_CONFIG and "REPLAY_HAR file" in proc.stderr
