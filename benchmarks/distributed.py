"""Distributed mode: pages per second with 1, 2 and 3 workers, and Redis memory per URL.

A generated site (``bench.example``: an index, listings of 100 links, 20,000 review pages of
their own words) is served on 127.0.0.1 by the sample-site server; for each worker count, a fresh
generation of ``scrapy crawl reviews -a site=bench`` in distributed mode (the Redis on
127.0.0.1:6379 db 15, a fresh PostgreSQL schema) is started N times at once and timed from the
first start to the last worker's exit, drain included. Memory: the queue sampled during the
1-worker crawl (``MEMORY USAGE`` of the sorted set over its entries, at its largest), the
seen-set after it (``MEMORY USAGE`` over ``SCARD``), and a Bloom filter (reviewcrawl/distributed/
bloom.py) sized for the same URLs at 1e-3.

    python benchmarks/distributed.py                     # 20,000 review pages; 1, 2, 3 workers
    python benchmarks/distributed.py --pages 2000 --workers 1,2
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.benchsite import generate  # noqa: E402
from reviewcrawl.distributed.bloom import BloomDupeFilter  # noqa: E402
from tests.conftest import REDIS_URL, SCRAPY, serve_sites  # noqa: E402

PG_URL = os.environ.get("REVIEWCRAWL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


class QueueSampler(threading.Thread):
    """Samples the queue's entries and bytes twice a second; keeps the largest sample."""

    def __init__(self, client: Any, key: str) -> None:
        super().__init__(daemon=True)
        self.client, self.key = client, key
        self.best = (0, 0)
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.5):
            with contextlib.suppress(Exception):
                n = int(self.client.zcard(self.key))
                if n > self.best[0]:
                    self.best = (n, int(self.client.memory_usage(self.key, samples=0) or 0))


def crawl(n: int, root: Path, proxy: str, client: Any, admin: Any, prefix: str) -> dict[str, Any]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin.execute(f"CREATE SCHEMA {schema}")
    db = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
    env["http_proxy"] = proxy
    gen = f"{prefix}:reviews-bench:gen:g"
    sampler = QueueSampler(client, f"{gen}:requests")
    sampler.start()
    started = time.monotonic()
    procs = []
    for w in range(n):
        data = root / f"run{n}" / f"w{w}"
        data.mkdir(parents=True)
        args = [*SCRAPY, "crawl", "reviews", "-a", "site=bench", "-s", f"REVIEWCRAWL_DATA_DIR={data}",
                "-s", f"REVIEWCRAWL_SITE_DIRS={root / 'profiles'}", "-s", f"REVIEWCRAWL_WORKER_ID=w{w}",
                "-s", f"REVIEWCRAWL_REDIS_URL={REDIS_URL}", "-s", f"REVIEWCRAWL_REDIS_PREFIX={prefix}",
                "-s", "REVIEWCRAWL_GENERATION=g", "-s", f"REVIEWCRAWL_DATABASE_URL={db}",
                "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=16",
                "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "MAX_IDLE_TIME_BEFORE_CLOSE=1",
                "-s", "LOG_LEVEL=INFO", "-s", f"LOG_FILE={data / 'crawl.log'}"]  # fmt: skip
        procs.append(subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    codes = [p.wait(timeout=3600) for p in procs]
    seconds = time.monotonic() - started
    sampler.stop.set()
    sampler.join()
    summaries = [json.loads(f.read_text()) for f in sorted((root / f"run{n}").glob("w*/feeds/run-*.json"))]
    pages = sum(s["pages"] for s in summaries)
    reviews = sum(s["reviews"] for s in summaries)
    seen = int(client.scard(f"{gen}:seen"))
    seen_bytes = int(client.memory_usage(f"{gen}:seen", samples=0) or 0)
    admin.execute(f"DROP SCHEMA {schema} CASCADE")
    return {"workers": n, "codes": codes, "seconds": seconds, "pages": pages, "reviews": reviews,
            "per_worker": [s["pages"] for s in summaries], "seen": seen, "seen_bytes": seen_bytes,
            "queue_peak": sampler.best}  # fmt: skip


def bloom_bytes(client: Any, key: str, seen_key: str) -> tuple[int, int]:
    """(bytes, URLs said seen before they were added) of a Bloom filter at 1e-3 sized for, and
    filled with, the fingerprints of a crawl's seen-set."""
    fingerprints = [fp.decode() for fp in client.smembers(seen_key)]
    bloom = BloomDupeFilter(client, key, capacity=len(fingerprints), error_rate=0.001)
    false = sum(bloom.seen_fingerprint(fp) for fp in fingerprints)
    return int(client.memory_usage(key, samples=0) or 0), false


def main() -> int:
    import psycopg
    import redis

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20_000, help="review pages of the generated site")
    parser.add_argument("--workers", default="1,2,3")
    args = parser.parse_args()
    client = redis.Redis.from_url(REDIS_URL)
    admin = psycopg.connect(PG_URL, autocommit=True)
    prefix = f"reviewcrawl-bench:{os.getpid()}"
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs")
    results = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = generate(Path(tmp), args.pages)
            with serve_sites(root / "sites") as proxy:
                for n in (int(x) for x in args.workers.split(",")):
                    # a prefix per worker count: its own queue, seen-set and near-copy index
                    result = crawl(n, Path(tmp), proxy, client, admin, f"{prefix}:n{n}")
                    results.append(result)
                    print(f"{n} worker(s): {result['pages']} pages ({result['reviews']} reviews) in "
                          f"{result['seconds']:.1f} s = {result['pages'] / result['seconds']:.1f} pages/s; "
                          f"pages per worker {result['per_worker']}; exit codes {result['codes']}; "
                          f"load average {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
        first = results[0]
        queued, queue_bytes = first["queue_peak"]
        print(f"Redis memory per queued URL: {queue_bytes / max(queued, 1):.0f} bytes "
              f"(queue at its largest: {queued} requests, {queue_bytes} bytes)")  # fmt: skip
        print(f"Redis memory per seen URL (set of SHA1 fingerprints): {first['seen_bytes'] / max(first['seen'], 1):.1f} "
              f"bytes ({first['seen']} URLs, {first['seen_bytes']} bytes)")  # fmt: skip
        bloom, false = bloom_bytes(client, f"{prefix}:bloom", f"{prefix}:n{first['workers']}:reviews-bench:gen:g:seen")
        print(f"Redis memory per seen URL (Bloom filter, capacity {first['seen']}, 1e-3): "
              f"{bloom / max(first['seen'], 1):.2f} bytes ({bloom} bytes; {false} of the URLs said seen "
              "before they were added: false positives while filling)")  # fmt: skip
        default = f"{prefix}:bloom-default"
        BloomDupeFilter(client, default, capacity=5_000_000, error_rate=0.001)
        size = int(client.memory_usage(default, samples=0) or 0)
        print(f"Redis memory of the default Bloom filter (capacity 5,000,000, 1e-3): {size} bytes, "
              f"{size / 5_000_000:.2f} bytes per URL of capacity")  # fmt: skip
        base = results[0]["pages"] / results[0]["seconds"]
        print(
            "speed-up: " + ", ".join(f"{r['workers']} workers {r['pages'] / r['seconds'] / base:.2f}x" for r in results)
        )
    finally:
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        client.close()
        admin.close()
    ok = all(not any(r["codes"]) and r["reviews"] == args.pages for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
