"""deploy/ validates offline: hadolint on the Dockerfile, yamllint on every YAML file, `kubernetes-validate
--strict` on every rendered manifest (deploy/kubernetes/rendered, kept in sync with the kustomize sources by
scripts/render_manifests.py), and what the issue asks of the jobs, checked on the rendered objects."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support import ROOT

DEPLOY = ROOT / "deploy"
KUBE = DEPLOY / "kubernetes"
RENDERED = sorted((KUBE / "rendered").glob("*.yaml"))
sys.path.insert(0, str(ROOT / "scripts"))
import render_manifests  # noqa: E402


def tool(name: str) -> str:
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    assert found, "%s is not installed: pip install -e '.[test]'" % name
    return found


def objects(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def jobs() -> list[tuple[str, dict, dict]]:
    """(file name, Job spec, the ConfigMap of the same file) of every rendered CronJob and Job."""
    out = []
    for path in RENDERED:
        docs = objects(path)
        config = next(d for d in docs if d["kind"] == "ConfigMap")
        for doc in docs:
            if doc["kind"] == "CronJob":
                out.append((path.name, doc["spec"]["jobTemplate"]["spec"], config))
            elif doc["kind"] == "Job":
                out.append((path.name, doc["spec"], config))
    return out


def env_of(container: dict) -> dict:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


def test_hadolint_dockerfile():
    proc = subprocess.run([tool("hadolint"), str(DEPLOY / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_yamllint_every_yaml_file():
    proc = subprocess.run([tool("yamllint"), "--strict", "."], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_rendered_manifests_match_their_kustomize_sources():
    if render_manifests.kustomize_command() is None:
        pytest.skip("neither kustomize nor kubectl installed: the committed rendered copies are validated as they are")
    assert sorted(p.stem for p in RENDERED) == sorted(render_manifests.kustomizations())
    assert render_manifests.main(["--check"]) == 0, "run: python scripts/render_manifests.py"


def test_kubernetes_validate_strict_every_rendered_manifest():
    assert len(RENDERED) >= 18
    proc = subprocess.run([tool("kubernetes-validate"), "--strict", "--quiet", *map(str, RENDERED)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_one_cronjob_per_platform():
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    platforms = SpiderLoader.from_settings(get_project_settings()).list()
    crons = {}
    for path in RENDERED:
        for doc in objects(path):
            if doc["kind"] == "CronJob":
                container, = doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
                crons[env_of(container)["PLATFORM"]] = doc
    assert sorted(crons) == sorted(platforms)
    schedules = [c["spec"]["schedule"] for c in crons.values()]
    assert len(set(schedules)) == len(schedules)  # staggered: not every Chromium at once
    for doc in crons.values():
        spec = doc["spec"]
        assert spec["concurrencyPolicy"] == "Forbid" and spec["startingDeadlineSeconds"] > 0 and spec["timeZone"]


@pytest.mark.parametrize("name, spec, config", jobs(), ids=[j[0] for j in jobs()])
def test_every_job_as_the_issue_asks(name, spec, config):
    assert spec["activeDeadlineSeconds"] > 0 and spec["ttlSecondsAfterFinished"] > 0
    assert "backoffLimit" in spec or "backoffLimitPerIndex" in spec
    # a bad configuration (exit 2) fails the Job at once: never retried
    rules = spec["podFailurePolicy"]["rules"]
    first = next(r for r in rules if 2 in r.get("onExitCodes", {}).get("values", []))
    assert first["action"] == "FailJob" and first["onExitCodes"]["operator"] == "In"
    assert first["onExitCodes"]["containerName"] == "crawler"
    assert all(r["action"] != "Count" for r in rules if 2 in r.get("onExitCodes", {}).get("values", []))
    # sharding: Indexed, and the count the crawler reads is the Job's
    assert spec["completionMode"] == "Indexed"
    pod = spec["template"]["spec"]
    container, = pod["containers"]
    env = env_of(container)
    assert env["JOB_COMPLETIONS"] == str(spec["completions"]) and spec["parallelism"] <= spec["completions"]
    assert env["RUN_ID"]["fieldRef"]["fieldPath"].startswith("metadata.labels['batch.kubernetes.io/")
    assert env["LOG_FORMAT"] == "json" and env["STORE_URI"].startswith("s3://")
    assert pod["restartPolicy"] == "Never" and pod["securityContext"]["runAsNonRoot"] is True
    assert pod["automountServiceAccountToken"] is False
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True and security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    resources = container["resources"]
    assert resources["requests"]["memory"] and resources["limits"]["memory"] and resources["limits"]["cpu"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: volumes[m["name"]] for m in container["volumeMounts"]}
    assert "emptyDir" in mounts["/tmp"]
    assert mounts["/dev/shm"]["emptyDir"]["medium"] == "Memory"
    # the watchlist from the ConfigMap of the same rendering, mounted where WATCHLIST points
    watchlist = Path(env["WATCHLIST"])
    assert mounts[str(watchlist.parent)]["configMap"]["name"] == config["metadata"]["name"]
    assert watchlist.name in config["data"]
    # S3 credentials and login states: Secrets mounted as files, never in the environment
    secret_mounts = {path: v["secret"]["secretName"] for path, v in mounts.items() if "secret" in v}
    assert sorted(secret_mounts.values()) == ["crawler-login-states", "crawler-s3"]
    assert all(str(Path(env[k]).parent) in secret_mounts for k in ("AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"))
    for key, value in env.items():
        if key.endswith("_STORAGE_STATE"):
            assert str(Path(value).parent) in secret_mounts
    assert not [e for e in container.get("env", []) if "secretKeyRef" in e.get("valueFrom", {})]
    assert "envFrom" not in container


def test_the_indexed_job_runs_the_cronjob_pod():
    """The Indexed Job's pod template is the CronJob's, but for the platform, the shard count and the run id."""
    def pod_of(name: str, kind: str) -> dict:
        doc = next(d for d in objects(KUBE / "rendered" / name) if d["kind"] == kind)
        spec = doc["spec"]["jobTemplate"]["spec"] if kind == "CronJob" else doc["spec"]
        pod = yaml.safe_load(yaml.safe_dump(spec["template"]))
        pod.get("metadata", {}).get("labels", {}).pop("social-commerce-crawler/platform", None)
        container = pod["spec"]["containers"][0]
        container["env"] = [e for e in container["env"] if e["name"] not in ("PLATFORM", "JOB_COMPLETIONS", "RUN_ID")]
        for volume in pod["spec"]["volumes"]:
            if "configMap" in volume:
                volume["configMap"]["name"] = "watchlist"
        return pod

    assert pod_of("indexed-job.yaml", "Job") == pod_of("cronjob-tiktok.yaml", "CronJob")


def test_dockerfile():
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "playwright install --with-deps chromium" in text   # the pinned playwright's own Chromium
    assert "pip install ." in text and "dumb-init==" in text
    assert "\nUSER 10001" in text
    entrypoint = [line for line in text.splitlines() if line.startswith("ENTRYPOINT")]
    assert entrypoint == ['ENTRYPOINT ["dumb-init", "--", "python", "-m", "crawler.entrypoint"]']


def test_compose():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    crawler = compose["services"]["crawler"]
    assert crawler["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert (DEPLOY / crawler["build"]["context"] / crawler["build"]["dockerfile"]).exists()
    env = crawler["environment"]
    assert {"PLATFORM", "WATCHLIST", "STORE_URI", "AWS_ENDPOINT_URL"} <= set(env)
    assert env["AWS_ENDPOINT_URL"] == "http://s3:8333" and env["STORE_URI"].startswith("s3://")
    source, target = crawler["volumes"][0].split(":")[:2]
    assert (DEPLOY / source).exists() and target == env["WATCHLIST"]
    assert crawler["read_only"] is True and crawler["shm_size"] and crawler["tmpfs"][0].startswith("/tmp")
    assert crawler["depends_on"]["make-bucket"]["condition"] == "service_completed_successfully"
    assert all(port.startswith("127.0.0.1:") for s in compose["services"].values() for port in s.get("ports", []))
