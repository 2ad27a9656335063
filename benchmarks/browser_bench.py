"""Browser benchmark: this crawler against crawlee-python and raw Playwright, on the same pages.

One run serves N synthetic ~100 KB TikTok video pages (benchmarks/pages.py) on 127.0.0.1
and crawls them with each variant, one after the other, each in its own process tree:

  a   the crawler's browser path: ``scrapy crawl tiktok -a url=...`` (scrapy-playwright, page pool)
  a+e the same with evidence (full-page screenshots), with --evidence
  b   the crawler's no-browser path (benchmarks/nobrowser_spider.py: browser = False)
  c   crawlee-python's PlaywrightCrawler, defaults (skipped when its virtual environment is absent)
  d   raw Playwright reusing 4 long-lived pages (the rendering limit on 2 cores)

For each: pages/s and the peak PSS of the whole process tree (Python, Playwright's driver,
every Chromium process), sampled every 0.2 s from /proc/<pid>/smaps_rollup, and the CPU
seconds the tree used per page (wait4 rusage: robust to other load on the box, pages/s is not).
"seconds" runs from the first detail page the server served to the exit of the process:
process start, imports and browser launch are excluded, shutdown is included.

``--flat`` runs variant a over 1000 pages and compares the tree's PSS when 200 pages' records
were written with the PSS at the end (flat: within 10%).

    cd /work/main && python benchmarks/browser_bench.py            # 300 pages, a b c d
    cd /work/main && python benchmarks/browser_bench.py --flat     # memory flatness of a
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import pages  # noqa: E402
from measure import LineCounter, TreeSampler  # noqa: E402

GIB = 1024 * 1024  # KiB per GiB
CRAWLEE_PYTHONS = [os.path.join(HERE, ".venv-crawlee", "bin", "python"), "/tmp/venv-crawlee/bin/python"]
TARGET_RATIO, TARGET_GIB = 2.5, 1.0


@dataclass
class Result:
    key: str
    name: str
    pages: int
    seconds: float = 0.0
    wall: float = 0.0
    peak_kib: int = 0
    records: int = 0
    matched: int = 0
    exit_code: int | None = None
    cpu: float = 0.0  # user + system CPU seconds of the tree (the process and its reaped descendants)
    load: tuple = ()  # 1-minute load average at the start and at the end
    notes: list[str] = field(default_factory=list)
    samples: list = field(default_factory=list)
    snapshots: list = field(default_factory=list)
    peak_breakdown: dict = field(default_factory=dict)
    cpu_by_kind: dict = field(default_factory=dict)
    skipped: str | None = None

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def cpu_per_page(self) -> float:
        return self.cpu / self.pages if self.pages else 0.0


# ---- the local server --------------------------------------------------------------------

class Server:
    def __init__(self, n_pages: int):
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "pages.py"), "--pages", str(n_pages)],
                                     stdout=subprocess.PIPE, text=True, start_new_session=True)
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            self.stop()
            raise SystemExit("the page server did not start")
        self.port = int(line.split()[1])
        self.base = "http://127.0.0.1:%d" % self.port

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.base + path, timeout=10) as response:
            return response.read()

    def stats(self) -> dict:
        return json.loads(self.get("/__stats"))

    def reset(self) -> None:
        self.get("/__reset")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ---- running one variant -----------------------------------------------------------------

def run_variant(result: Result, cmd: list[str], workdir: str, out_path: str, server: Server, timeout: float,
                cwd: str = ROOT, env: dict | None = None, snapshot_every: int = 0) -> Result:
    server.reset()
    load_start = os.getloadavg()[0]
    stdout = open(os.path.join(workdir, "stdout.log"), "wb")
    stderr = open(os.path.join(workdir, "stderr.log"), "wb")
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=stdout, stderr=stderr, start_new_session=True,
                            env=dict(os.environ, **(env or {})))
    sampler = TreeSampler(proc.pid, session=proc.pid, interval=0.2, progress=LineCounter(out_path),
                          snapshot_every=snapshot_every)
    sampler.start()
    status = rusage = None
    while status is None:
        pid, wstatus, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            status, rusage = wstatus, usage
            break
        if time.monotonic() - started > timeout:
            result.notes.append("timed out after %ds: killed" % timeout)
            os.killpg(proc.pid, signal.SIGKILL)  # the session/group this run started (its pid is the group id)
            _pid, status, rusage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    ended = time.monotonic()
    result.exit_code = proc.returncode = os.waitstatus_to_exitcode(status)
    result.cpu = rusage.ru_utime + rusage.ru_stime
    result.load = (load_start, os.getloadavg()[0])
    sampler.stop()
    stdout.close()
    stderr.close()
    served = server.stats()
    result.wall = ended - started
    result.seconds = ended - served["first"] if served["first"] else result.wall
    result.peak_kib = sampler.peak_kib
    result.samples = sampler.samples
    result.snapshots = sampler.snapshots
    result.peak_breakdown = sampler.peak_breakdown
    result.cpu_by_kind = sampler.cpu_by_kind()
    # rusage misses processes whose parent exited first (re-parented, reaped elsewhere): take the larger
    result.cpu = max(result.cpu, sum(result.cpu_by_kind.values()))
    if served["pages"] != result.pages:
        result.notes.append("server served %d detail pages for %d URLs" % (served["pages"], result.pages))
    result.records, result.matched = count_records(out_path, server)
    if sampler.samples:
        result.notes.append("%d PSS samples, up to %d processes; load average %.1f -> %.1f; wall %.1fs" % (
            len(sampler.samples), max(s[2] for s in sampler.samples), result.load[0], result.load[1], result.wall))
    tail = open(os.path.join(workdir, "stderr.log"), "rb").read().decode("utf-8", "replace")
    for line in tail.splitlines():
        if line.startswith("crawl tiktok "):  # the crawl command's own summary line
            result.notes.append(line.strip())
    problems = [line for line in tail.splitlines() if " ERROR" in line or "Traceback" in line
                or "network guard" in line]
    if problems:
        result.notes.append("%d error/guard lines in %s, first: %s" % (
            len(problems), os.path.join(workdir, "stderr.log"), problems[0][:300]))
    if result.exit_code:
        result.notes.append("exit status %s" % result.exit_code)
    return result


EXPECTED_IDS: set[str] = set()


def count_records(out_path: str, server: Server) -> tuple[int, int]:
    """(records written, posts whose id is one of the served pages' ids)."""
    records = matched = 0
    try:
        lines = open(out_path, encoding="utf-8").read().splitlines()
    except OSError:
        return 0, 0
    seen = set()
    for line in lines:
        line = line.strip().rstrip(",")
        if not line or line in ("[", "]"):
            continue
        records += 1
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("kind") == "post" and record.get("id") in EXPECTED_IDS:
            seen.add(record["id"])
    matched = len(seen)
    return records, matched


def crawler_cmd(spider_args: list[str], urls: list[str], workdir: str, evidence: bool = False) -> tuple[list[str], str]:
    out = os.path.join(workdir, "out.jsonl")
    cmd = [sys.executable, "-m", "scrapy"] + spider_args + [
        "-a", "url=" + ",".join(urls),
        "-s", "GUARD_ALLOW_PRIVATE=1",
        "-s", "EVIDENCE_ENABLED=%d" % evidence,
        # one local server standing in for the platform: no per-platform delay or AutoThrottle (crawler.platforms)
        "-s", "POLITENESS_ENABLED=0", "-s", "AUTOTHROTTLE_ENABLED=0",
        "-s", "STORE_URI=" + os.path.join(workdir, "store"),
        "-s", "LOG_LEVEL=WARNING",
        "-O", out,
    ]
    return cmd, out


def variant_dir(tmp: str, key: str) -> str:
    path = os.path.join(tmp, key.replace("+", "_"))
    os.makedirs(path, exist_ok=True)
    return path


def crawlee_python(explicit: str | None) -> str | None:
    for candidate in ([explicit] if explicit else []) + [os.environ.get("CRAWLEE_PYTHON")] + CRAWLEE_PYTHONS:
        if candidate and os.path.exists(candidate):
            return candidate
    return None


# ---- reports -----------------------------------------------------------------------------

def print_table(results: list[Result]) -> None:
    print()
    print("%-4s %-46s %6s %8s %8s %10s %8s %10s" % ("", "variant", "pages", "seconds", "pages/s",
                                                   "peak GiB", "records", "CPU s/page"))
    for r in results:
        if r.skipped:
            print("%-4s %-46s %s" % (r.key, r.name, "skipped: " + r.skipped))
            continue
        print("%-4s %-46s %6d %8.1f %8.2f %10.3f %8s %10.3f" % (
            r.key, r.name, r.pages, r.seconds, r.rate, r.peak_kib / GIB,
            "%d" % r.records + ("" if r.matched == r.pages else " (%d ok)" % r.matched), r.cpu_per_page))
    print()
    for r in results:
        for note in r.notes:
            print("  %s: %s" % (r.key, note))
        if r.peak_breakdown:
            print("  %s: at the peak: %s" % (r.key, ", ".join(
                "%s x%d %.0f MiB" % (kind, count, kib / 1024)
                for kind, (count, kib) in sorted(r.peak_breakdown.items(), key=lambda kv: -kv[1][1]))))
        if r.cpu_by_kind:
            print("  %s: CPU s/page by process: %s" % (r.key, ", ".join(
                "%s %.3f" % (kind, sec / r.pages) for kind, sec in sorted(r.cpu_by_kind.items(), key=lambda kv: -kv[1]))))


def print_ratios(results: list[Result]) -> None:
    by = {r.key: r for r in results if not r.skipped and r.seconds}
    a = by.get("a")
    if not a:
        return
    print()
    if "c" in by:
        ratio = a.rate / by["c"].rate
        met = ratio >= TARGET_RATIO and a.peak_kib / GIB <= TARGET_GIB
        print("a / c (crawler / crawlee defaults): %.2fx pages/s, memory %.2f vs %.2f GiB" % (
            ratio, a.peak_kib / GIB, by["c"].peak_kib / GIB))
        print("target (a >= %.1fx crawlee at <= %.1f GiB): %s" % (TARGET_RATIO, TARGET_GIB, "MET" if met else "NOT MET"))
    else:
        print("a / c: no crawlee row in this run (not asked for, or its venv is missing)")
    if "d" in by:
        print("a / d (crawler / raw Playwright limit): %.2f of the limit (%.2f vs %.2f pages/s)" % (
            a.rate / by["d"].rate, a.rate, by["d"].rate))
    if "b" in by:
        print("b / a (no-browser / browser path): %.1fx" % (by["b"].rate / a.rate))
    if any(r.matched != r.pages for r in by.values()):
        print("WARNING: some variant did not produce one matching record per page (see the records column)")


RECORDS_PER_PAGE = [1]  # records the crawler writes per page (the page's post, and the related ones it lists)


def parser_cost(server: Server, paths: list[str], n: int = 50) -> float:
    """CPU ms per page of the project's parser on these pages (in this process)."""
    sys.path.insert(0, ROOT)
    from crawler.extract import extract_page
    from crawler.page import Page
    bodies = [(server.base + p, server.get(p)) for p in paths[:n]]
    first = extract_page(Page(url=bodies[0][0], body=bodies[0][1]), "tiktok")
    # the page's own post (the parser may also read the related videos the page lists as posts)
    if pages.post_id(0) not in [r.id for r in first.records if r.kind == "post"]:
        raise SystemExit("the project's parser does not read the benchmark page: %r" % first.records[:3])
    RECORDS_PER_PAGE[0] = len(first.records)
    started = time.process_time()
    for url, body in bodies:
        extract_page(Page(url=url, body=body), "tiktok")
    return (time.process_time() - started) / len(bodies) * 1000


def _window(samples: list, low: float, high: float) -> list:
    return [s for s in samples if low <= s[3] <= high]


def _gib(kib: float) -> str:
    return "%.3f" % (kib / GIB)


def flat_report(r: Result, pages_n: int, at_page: int = 200) -> None:
    """PSS when ``at_page`` pages were written against the end, as points and as windows (out.jsonl is
    counted in lines: ``RECORDS_PER_PAGE`` lines per page).

    Single samples swing by +-20% (renderer processes swapped on navigation, pages recycled
    after PAGE_POOL_MAX_USES, garbage collection), so medians over a window of records are
    compared too: records at-50..at+50 against the last 10% before shutdown (0.88n..0.98n)."""
    per_page = RECORDS_PER_PAGE[0]
    n, at = pages_n * per_page, at_page * per_page
    samples = [s for s in r.samples if s[2] > 0]
    if not samples:
        print("flat: no samples")
        return
    t0 = samples[0][0]
    print()
    print("memory flatness, variant a over %d pages, %d records each (tree PSS in GiB; processes by kind in MiB):"
          % (pages_n, per_page))
    for lines, t, procs in r.snapshots:
        kinds: dict[str, list[int]] = {}
        for _pid, kind, kib in procs:
            kinds.setdefault(kind, []).append(kib)
        parts = []
        for kind, values in sorted(kinds.items(), key=lambda kv: -sum(kv[1])):
            if kind.startswith("node") or kind == "python":
                parts.append("%s %s" % (kind.split(" ")[0], "+".join("%d" % (v / 1024) for v in values)))
            else:
                parts.append("%s x%d %d" % (kind.replace("chromium ", "chr-"), len(values), sum(values) / 1024))
        print("  t=%6.1fs pages=%5d PSS=%s  %s" % (t - t0, lines // per_page, _gib(sum(p[2] for p in procs)),
                                                   ", ".join(parts)))
    point = next((s for s in samples if s[3] >= at), None)
    # the end: the last sample before the last records appear. The feed file gets its last lines when
    # the crawl closes, by which time the pages and the browser are being shut down (the tree shrinks)
    end = max((s for s in samples if 0.95 * n <= s[3] < n), key=lambda s: s[0], default=None) or samples[-1]
    if point is None:
        print("flat: out.jsonl never reached %d pages while sampling" % at_page)
        return
    change = (end[1] - point[1]) / point[1] * 100
    print("points:  PSS at page %d %s GiB (t=%.1fs); at page %d (last before shutdown) %s GiB (t=%.1fs); "
          "change %+.1f%%" % (
        point[3] // per_page, _gib(point[1]), point[0] - t0, end[3] // per_page, _gib(end[1]), end[0] - t0, change))
    early, late = _window(samples, at - 50 * per_page, at + 50 * per_page), _window(samples, 0.88 * n, 0.98 * n)
    if early and late:
        med_e, med_l = statistics.median(s[1] for s in early), statistics.median(s[1] for s in late)
        max_e, max_l = max(s[1] for s in early), max(s[1] for s in late)
        wchange = (med_l - med_e) / med_e * 100
        print("windows: pages %d-%d median %s max %s GiB; pages %d-%d median %s max %s GiB; "
              "median change %+.1f%%, max change %+.1f%%" % (
                  at_page - 50, at_page + 50, _gib(med_e), _gib(max_e), 0.88 * pages_n, 0.98 * pages_n, _gib(med_l),
                  _gib(max_l),
                  wchange, (max_l - max_e) / max_e * 100))
    else:
        wchange = change
    print("peak of the run %s GiB" % _gib(r.peak_kib))
    print("flat (within 10%%): points %s, window medians %s" % ("YES" if abs(change) <= 10 else "NO",
                                                              "YES" if abs(wchange) <= 10 else "NO"))


# ---- main --------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description="Browser benchmark (see the module docstring).")
    parser.add_argument("--pages", type=int, help="detail pages (default 300; 1000 with --flat)")
    parser.add_argument("--flat", action="store_true", help="memory flatness of variant a only")
    parser.add_argument("--variants", default="a,b,c,d", help="comma-separated: a, a+e, b, c, d (default a,b,c,d)")
    parser.add_argument("--evidence", action="store_true", help="add a+e: variant a with screenshots")
    parser.add_argument("--crawlee-python", help="python of a venv with crawlee[playwright] "
                                                 "(default benchmarks/.venv-crawlee, /tmp/venv-crawlee, $CRAWLEE_PYTHON)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--timeout", type=float, default=900, help="per variant, seconds")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, outputs)")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()
    n = args.pages or (1000 if args.flat else 300)
    variants = ["a"] if args.flat else [v.strip() for v in args.variants.split(",") if v.strip()]
    if args.evidence and "a+e" not in variants:
        variants.insert(variants.index("a") + 1 if "a" in variants else 0, "a+e")

    tmp = tempfile.mkdtemp(prefix="browser-bench-")
    print("generating and serving %d pages (~100 KB each) on 127.0.0.1 ..." % n, flush=True)
    server = Server(n)
    results: list[Result] = []
    try:
        paths = [pages.path_for(i) for i in range(n)]
        urls = [server.base + p for p in paths]
        EXPECTED_IDS.update(pages.post_id(i) for i in range(n))
        urls_file = os.path.join(tmp, "urls.txt")
        with open(urls_file, "w") as f:
            f.write("\n".join(urls) + "\n")
        sample = server.get(paths[0])
        print("server %s: page 1 of %d is %d bytes; e.g. %s" % (server.base, n, len(sample), urls[0]))
        print("project parser: %.1f ms CPU per page (in-process, 50 pages)" % parser_cost(server, paths), flush=True)
        env = {"BROWSER_EXECUTABLE_PATH": args.chromium, "PYTHONUNBUFFERED": "1"}

        for key in variants:
            work = variant_dir(tmp, key)
            if key in ("a", "a+e"):
                evidence = key == "a+e"
                result = Result(key, "crawler, browser (scrapy crawl tiktok)" + (" + shots" if evidence else ""), n)
                cmd, out = crawler_cmd(["crawl", "tiktok"], urls, work, evidence=evidence)
            elif key == "b":
                result = Result(key, "crawler, no browser (browser = False)", n)
                cmd, out = crawler_cmd(["runspider", os.path.join(HERE, "nobrowser_spider.py")], urls, work)
            elif key == "c":
                result = Result(key, "crawlee PlaywrightCrawler, defaults", n)
                python = crawlee_python(args.crawlee_python)
                if python is None:
                    result.skipped = ("no crawlee venv (python -m venv benchmarks/.venv-crawlee && "
                                      "benchmarks/.venv-crawlee/bin/pip install 'crawlee[playwright]')")
                    print("c: " + result.skipped)
                    results.append(result)
                    continue
                out = os.path.join(work, "out.jsonl")
                cmd = [python, os.path.join(HERE, "crawlee_run.py"), "--urls-file", urls_file, "--out", out,
                       "--chromium", args.chromium]
            elif key == "d":
                result = Result(key, "raw Playwright, 4 reused pages (the limit)", n)
                out = os.path.join(work, "out.jsonl")
                cmd = [sys.executable, os.path.join(HERE, "raw_playwright.py"), "--urls-file", urls_file,
                       "--out", out, "--workers", "4", "--chromium", args.chromium]
            else:
                raise SystemExit("unknown variant %r" % key)
            print("running %s: %s ..." % (key, result.name), flush=True)
            cwd = work if key == "c" else ROOT  # crawlee keeps its storage/ in the working directory
            run_variant(result, cmd, work, out, server, args.timeout, cwd=cwd, env=env,
                        snapshot_every=max(1, n * RECORDS_PER_PAGE[0] // 10) if args.flat else 0)
            print("  %s: %.1f s, %.2f pages/s, peak %.3f GiB, %d records" % (
                key, result.seconds, result.rate, result.peak_kib / GIB, result.records), flush=True)
            results.append(result)

        print_table(results)
        if args.flat:
            flat_report(results[0], n)
        else:
            print_ratios(results)
        if args.json:
            with open(args.json, "w") as f:
                json.dump([{"key": r.key, "name": r.name, "pages": r.pages, "seconds": r.seconds, "wall": r.wall,
                            "pages_per_s": r.rate, "cpu_s": r.cpu, "load": r.load, "peak_pss_gib": r.peak_kib / GIB, "records": r.records,
                            "matched": r.matched, "skipped": r.skipped, "notes": r.notes,
                            "peak_breakdown": r.peak_breakdown, "cpu_by_kind": r.cpu_by_kind,
                            "samples": [[round(s[0], 2), s[1], s[2], s[3]] for s in r.samples],
                            "snapshots": r.snapshots}
                           for r in results], f, indent=1)
    finally:
        server.stop()
        if args.keep:
            print("work directory kept: %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0 if all(r.skipped or (r.records == r.pages == r.matched) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
