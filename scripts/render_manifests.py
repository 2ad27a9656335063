"""Render every kustomization of deploy/kubernetes (one CronJob overlay per platform, the Indexed Job) into
deploy/kubernetes/rendered/<name>.yaml, the manifests CI validates offline (kubernetes-validate --strict).

    python scripts/render_manifests.py           # write the rendered copies
    python scripts/render_manifests.py --check   # exit 1 when a committed copy differs from a fresh render

Rendering needs kustomize: the `kustomize` binary, else `kubectl kustomize` (kustomize is not on PyPI, Debian or
npm; kubectl comes with the Google Cloud CLI). tests/deploy keeps the committed copies in sync with the sources.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KUBE = ROOT / "deploy" / "kubernetes"
RENDERED = KUBE / "rendered"


def kustomizations() -> dict[str, Path]:
    """name -> directory: overlays/<platform> as cronjob-<platform>, and indexed-job."""
    out = {"cronjob-%s" % d.name: d for d in sorted((KUBE / "overlays").iterdir()) if (d / "kustomization.yaml").exists()}
    out["indexed-job"] = KUBE / "indexed-job"
    return out


def kustomize_command() -> list[str] | None:
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    return None


def render(directory: Path) -> str:
    command = kustomize_command()
    if command is None:
        raise RuntimeError("neither kustomize nor kubectl is installed")
    proc = subprocess.run([*command, str(directory)], capture_output=True, text=True, timeout=60)
    if proc.returncode:
        raise RuntimeError("%s %s: %s" % (" ".join(command), directory, proc.stderr.strip()))
    source = directory.relative_to(ROOT)
    return "# Rendered from %s by scripts/render_manifests.py:\n# do not edit; edit the source and re-render.\n%s" % (
        source, proc.stdout)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    RENDERED.mkdir(exist_ok=True)
    stale = []
    names = kustomizations()
    for name, directory in names.items():
        text = render(directory)
        path = RENDERED / ("%s.yaml" % name)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text, encoding="utf-8")
    extra = sorted(p for p in RENDERED.glob("*.yaml") if p.stem not in names)
    if check:
        stale += [str(p.relative_to(ROOT)) for p in extra]
        if stale:
            print("stale rendered manifests (run python scripts/render_manifests.py): %s" % ", ".join(stale),
                  file=sys.stderr)
            return 1
        return 0
    for path in extra:
        path.unlink()
    print("rendered %d manifests into %s" % (len(names), RENDERED.relative_to(ROOT)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
