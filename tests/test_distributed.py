"""Distributed mode (reviewcrawl/distributed/): workers sharing one crawl through the real Redis on
127.0.0.1:6379 (db 15, a key prefix per test) and PostgreSQL, crawling the sample sites served on
127.0.0.1. Three worker processes split the crawl: every URL fetched once, every review exported
once, near-copies linked; one worker killed with SIGKILL and started again: nothing lost, nothing
doubled."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.settings import Settings

from reviewcrawl.distributed import DistributedMode
from reviewcrawl.distributed.bloom import BloomDupeFilter, bloom_size
from reviewcrawl.distributed.coordination import Generation, current_generation
from reviewcrawl.runs import ConfigurationError

from .conftest import REDIS_URL, ROOT, SCRAPY, read_jsonl
from .test_crawl import COPIES, ORIGINALS
from .test_storage import pg_admin, pg_schema_url  # noqa: F401  (a fixture)

CRAWLED = re.compile(r"Crawled \((\d+)\) <GET ([^>]+)>")
#: slow enough that three workers share the work: a worker takes at most CONCURRENT_REQUESTS
#: requests ahead from the shared queue (each worker keeps its own per-site delay)
PACE = ["-s", "DOWNLOAD_DELAY=0.2", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
        "-s", "CONCURRENT_REQUESTS=2",
        "-s", "MAX_IDLE_TIME_BEFORE_CLOSE=1", "-s", "LOG_LEVEL=DEBUG", "-s", "REVIEWCRAWL_GENERATION=g1"]  # fmt: skip


@pytest.fixture
def client(redis_url: str) -> Iterator[Any]:
    import redis

    conn = redis.Redis.from_url(REDIS_URL)
    yield conn
    conn.close()


def prefix_of(redis_url: str) -> str:
    return redis_url.split("?prefix=", 1)[1]


# -- the add-on: nothing changes without REVIEWCRAWL_REDIS_URL --------------------------------


def project_settings(**values: Any) -> Settings:
    settings = Settings()
    settings.setmodule("reviewcrawl.settings", priority="project")
    settings.setdict(values, priority="cmdline")
    DistributedMode().update_settings(settings)
    return settings


def test_without_a_redis_url_nothing_changes() -> None:
    settings = project_settings()
    assert settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert settings["REVIEWCRAWL_DEDUP_STORAGE"] == "state"


def test_distributed_mode_sets_the_scheduler_index_and_needs_a_shared_database() -> None:
    with pytest.raises(ConfigurationError, match="REVIEWCRAWL_DATABASE_URL"):
        project_settings(REVIEWCRAWL_REDIS_URL="redis://h:6379/0")
    settings = project_settings(
        REVIEWCRAWL_REDIS_URL="redis://h:6379/0", REVIEWCRAWL_DATABASE_URL="postgresql://p@h/db"
    )
    assert settings["SCHEDULER"] == "reviewcrawl.distributed.scheduler.DistributedScheduler"
    assert settings.getbool("SCHEDULER_PERSIST")
    assert settings["REVIEWCRAWL_DEDUP_STORAGE"] == "redis://h:6379/0?prefix=reviewcrawl:near-copies"
    with pytest.raises(ConfigurationError, match="REVIEWCRAWL_SEEN"):
        project_settings(
            REVIEWCRAWL_REDIS_URL="redis://h", REVIEWCRAWL_DATABASE_URL="postgresql://h", REVIEWCRAWL_SEEN="x"
        )


# -- the Bloom filter seen-set ---------------------------------------------------------------


def fingerprints(n: int, tag: str) -> list[str]:
    return [
        hashlib.sha1(f"http://site.example/{tag}/{i}".encode(), usedforsecurity=False).hexdigest() for i in range(n)
    ]


def test_bloom_filter_false_positive_rate_and_no_false_negatives(client: Any, redis_url: str) -> None:
    capacity, rate = 5000, 0.01
    bloom = BloomDupeFilter(client, f"{prefix_of(redis_url)}:bloom", capacity=capacity, error_rate=rate)
    added = fingerprints(capacity, "in")
    new_said_seen = sum(bloom.seen_fingerprint(fp) for fp in added)
    assert all(bloom.seen_fingerprint(fp) for fp in added)  # no false negatives
    unseen = fingerprints(capacity, "out")
    false_positives = sum(fp in bloom for fp in unseen)
    # a filter full to capacity: ~1% of unseen URLs said seen (a deterministic sample: 5000 fixed URLs)
    assert 0.004 <= false_positives / capacity <= 0.02, false_positives
    assert new_said_seen < false_positives  # filling up, the filter erred less than when full
    bits, _ = bloom_size(capacity, rate)
    assert client.strlen(f"{prefix_of(redis_url)}:bloom") == -(-bits // 8)  # ~1.2 bytes per URL at 1e-2


def joined(client: Any, crawl: str, run: str, worker: str) -> Generation:
    """A run of generation 1 of the crawl, joined as `worker` (alive for a minute)."""
    generation = Generation(client, crawl, "1", run, ttl=60)
    generation.join(worker, 60_000)
    return generation


# -- the coordination steps, on the real Redis ------------------------------------------------


def test_take_requeue_drain_and_waves(client: Any, redis_url: str) -> None:
    crawl = prefix_of(redis_url)
    a = joined(client, crawl, "run-a", "wa")
    b = joined(client, crawl, "run-b", "wb")
    client.zadd(a.queue_key, {b"r1": -1, b"r2": 0, b"r3": 0})
    assert a.claim_wave(0) and not b.claim_wave(0)
    assert a.take() == b"r1"  # the highest priority first
    assert b.take() in (b"r2", b"r3")
    assert client.zscore(a.taken_key, b"r1") == -1  # kept with its score until a publishes
    look = b.drain()
    assert (look.queued, look.busy, look.waves, look.requeued) == (1, 1, 1, 0)  # a is busy
    client.delete(a.alive_key)  # a's heartbeat expired: a is dead
    look = b.drain()
    assert (look.queued, look.busy, look.waves, look.requeued) == (2, 0, 0, 1)  # r1 back, wave 0 free again
    assert client.zscore(a.queue_key, b"r1") == -1 and not client.exists(a.taken_key)
    assert not a.heartbeat("wa", 60_000)  # a learns that it was taken for dead
    assert b.claim_wave(0)
    assert b.finish(published=False) == 1  # b's unpublished request goes back too
    assert client.zcard(b.queue_key) == 3
    status = b.status()
    assert (status["queued"], status["seen"], status["workers"], status["waves"]) == (3, 0, {}, 0)  # b released wave 0
    c = joined(client, crawl, "run-c", "wc")
    c.take()
    c.finish(published=True)
    assert client.zcard(c.queue_key) == 2 and not client.exists(c.taken_key)
    assert c.claim_canonical("http://x/a", "http://x/a?utm=1") and not c.claim_canonical("http://x/a", "http://x/a")
    assert c.claim_canonical("http://x/a", "http://x/a?utm=1")  # the same page again (fetched after a kill)
    assert current_generation(client, crawl) == "1"
    client.set(f"{crawl}:gen:1:done", "x")
    assert current_generation(client, crawl) == "2" == current_generation(client, crawl)  # the next, once


def test_a_reaped_run_is_refused_and_does_not_register_again(client: Any, redis_url: str) -> None:
    crawl = prefix_of(redis_url)
    slow = joined(client, crawl, "run-slow", "ws")
    other = joined(client, crawl, "run-other", "wo")
    client.zadd(slow.queue_key, {b"r1": 0, b"r2": 1, b"r3": 2})
    assert slow.take() == b"r1"
    client.delete(slow.alive_key)  # slow's heartbeat is late (a paused VM): other reaps it
    assert other.drain().requeued == 1
    assert client.ttl(slow.reaped_key) > 0  # the marker lives as long as the generation's keys
    # slow is alive after all: every step refuses it, and none registers it again
    assert slow.take() is None and slow.reaped
    assert client.zcard(slow.queue_key) == 3 and not client.exists(slow.taken_key)  # it took nothing
    assert slow.drain().reaped
    assert not slow.claim_wave(0)
    assert not slow.heartbeat("ws", 60_000)
    assert not client.hexists(slow.workers_key, slow.run_id) and not client.exists(slow.alive_key)
    look = other.drain()  # the generation does not wait for the reaped run
    assert (look.queued, look.busy, look.reaped) == (3, 0, False)
    assert slow.finish(published=False) == 0  # its end changes nothing
    assert other.take() == b"r1"


def test_a_run_killed_while_idle_keeps_the_generation_from_being_done(client: Any, redis_url: str) -> None:
    """The reviewer's finding: a run killed while idle (its requests done, its feed not published)
    looked like a live idle one until its heartbeat expired, and the others marked the generation
    done without it: what it took was stranded. Now a run leaves only once every other listed run
    has shown it is alive since the drain began (a heartbeat, or a DRAIN of its own)."""
    crawl = prefix_of(redis_url)
    a = joined(client, crawl, "run-a", "wa")
    b = joined(client, crawl, "run-b", "wb")
    assert a.claim_wave(0)
    client.zadd(a.queue_key, {b"r1": 0})
    assert a.take() == b"r1"
    assert a.drain().drained(1)  # a's engine is idle: r1 fetched, its feed not yet published
    # both alive: each shows it (DRAIN), one leaves, the last marks the generation done
    assert b.drain().drained(1)
    b_then = b.beats()
    a_then = a.beats()
    assert b.leave(b_then) == 0  # a has not shown it is alive since b saw the drain
    assert a.drain().drained(1)
    assert b.leave(b_then) == 1 and not client.exists(b.done_key)  # b ends, a is still there
    assert a.leave(a_then) == 0  # the last one waits until b published (b killed now: redone)
    assert b.finish(published=True) == 0
    assert a.leave(a_then) == 2 and not client.exists(a.done_key)  # the last one
    assert a.finish(published=True, last=True) == 0 and client.exists(a.done_key)  # done once it published
    # a run killed while idle: the other waits for its heartbeat to expire, then redoes its requests
    client.delete(a.done_key)
    c = joined(client, crawl, "run-c", "wc")
    d = joined(client, crawl, "run-d", "wd")
    client.zadd(c.queue_key, {b"r2": 0})
    assert c.take() == b"r2"
    assert c.drain().drained(1)  # then c is killed (its heartbeat key lives on for a while)
    assert d.drain().drained(1)
    d_then = d.beats()
    for _ in range(3):
        assert d.drain().drained(1)
        assert d.leave(d_then) == 0 and not client.exists(d.done_key)  # c may be dead: wait
    client.delete(c.alive_key)  # c's heartbeat expired
    look = d.drain()
    assert (look.queued, look.requeued) == (1, 1) and d.leave(d.beats()) == 0
    assert d.take() == b"r2"
    assert d.drain().drained(1) and d.leave(d.beats()) == 2  # alone now
    d.finish(published=True, last=True)
    assert client.exists(d.done_key) and client.hlen(d.workers_key) == 0


def test_a_withheld_run_publishes_nothing(tmp_path: Path) -> None:
    """A run closed as reaped (or cut off from Redis): its feed deleted, not renamed into place,
    and the run recorded as not published, failed."""
    from scrapy.utils.test import get_crawler

    from reviewcrawl.extensions import RunRecorder
    from reviewcrawl.feeds import AtomicFileFeedStorage, part_path
    from reviewcrawl.runs import WITHHELD, decide

    crawler = get_crawler()
    crawler._apply_settings()
    feed = tmp_path / "reviews-r1.jsonl"
    storage = AtomicFileFeedStorage(str(feed), crawler=crawler)
    file = storage.open(None)  # type: ignore[arg-type]
    file.write(b'{"canonical_url": "http://x/1"}\n')
    crawler.stats.set_value(WITHHELD, "reaped")
    storage._store_in_thread(file)
    assert not feed.exists() and not part_path(feed).exists()
    recorder = RunRecorder(crawler)
    recorder.reason = "reaped"
    assert not recorder._published()
    verdict = decide({}, [], finish_reason="reaped", max_error_rate=0.05)
    assert verdict.code == 1 and "another worker took this run for dead" in verdict.reasons[0]
    # and a run that was not withheld publishes as before
    crawler.stats.set_value(WITHHELD, None)
    storage = AtomicFileFeedStorage(str(feed), crawler=crawler)
    storage._store_in_thread(storage.open(None))  # type: ignore[arg-type]
    assert feed.exists()


def test_bloom_filter_counts_its_urls_and_says_once_when_over_capacity(
    client: Any, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from reviewcrawl.runs import decide

    key = f"{prefix_of(redis_url)}:bloom"
    bloom = BloomDupeFilter(client, key, capacity=100, error_rate=0.01)
    stats = MemoryStatsCollector(get_crawler())
    bloom.stats = stats
    added = fingerprints(100, "in")
    for fp in added:
        bloom.seen_fingerprint(fp)
    count = int(client.get(f"{key}:count"))
    assert 95 <= count <= 100  # new URLs only (a false positive is not counted: it was "seen")
    for fp in added:
        assert bloom.seen_fingerprint(fp)  # seen again: not counted
    assert int(client.get(f"{key}:count")) == count
    assert stats.get_value("reviewcrawl/distributed/bloom_over_capacity") is None
    for fp in fingerprints(50, "more"):
        bloom.seen_fingerprint(fp)
    over = stats.get_value("reviewcrawl/distributed/bloom_over_capacity")
    assert over == 101
    warnings = [r for r in caplog.records if "more than its capacity" in r.getMessage()]
    assert len(warnings) == 1, warnings
    verdict = decide(stats.get_stats(), [], finish_reason="finished", max_error_rate=0.05)
    assert verdict.code == 0 and any("REVIEWCRAWL_BLOOM_CAPACITY" in w for w in verdict.warnings)
    assert bloom.false_positive_rate(200) > 2 * bloom.false_positive_rate(100) > 0


class FlakyRedis:
    """The seen-set and queue of a scheduler, on a Redis that can be cut off (``down``), or cut
    off between the seen-set and the queue (``down_after_seen``)."""

    def __init__(self) -> None:
        self.down = False
        self.down_after_seen = False
        self.seen: set[str] = set()
        self.queued: list[str] = []

    def check(self) -> None:
        import redis

        if self.down:
            raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    def request_seen(self, request: Any) -> bool:
        self.check()
        seen = request.url in self.seen
        self.seen.add(request.url)
        if self.down_after_seen:
            self.down = True
        return seen

    def push(self, request: Any) -> None:
        self.check()
        self.queued.append(request.url)

    def pop(self) -> Any:
        self.check()
        return None

    def __len__(self) -> int:
        self.check()
        return len(self.queued)


def test_scheduler_keeps_links_while_redis_is_away_and_stops_after_its_timeout(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from unittest import mock

    from scrapy import Request
    from scrapy.exceptions import DontCloseSpider
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from reviewcrawl.distributed.scheduler import DistributedScheduler
    from reviewcrawl.runs import WITHHELD

    redis_ = FlakyRedis()
    scheduler = DistributedScheduler.__new__(DistributedScheduler)
    crawler = mock.Mock()
    crawler.engine.close_spider_async = mock.Mock(return_value=None)
    scheduler.__dict__.update(
        crawler=crawler, stats=MemoryStatsCollector(get_crawler()), df=redis_, queue=redis_, spider=None,
        generation=mock.Mock(reaped=False), redis_timeout=3600.0, redis_url="redis://:***@h:6379/0",
        redis_down_since=None, backlog=[], closing=None, reaped=False, idle_since=None,
    )  # fmt: skip
    with mock.patch("reviewcrawl.distributed.scheduler.deferred_from_coro"):
        assert scheduler.enqueue_request(Request("http://x/1"))
        redis_.down = True
        assert scheduler.enqueue_request(Request("http://x/2"))  # kept
        assert scheduler.next_request() is None  # nothing to take, no traceback
        assert scheduler.has_pending_requests()  # the kept link: not idle
        with pytest.raises(DontCloseSpider):  # not "drained": unknown
            scheduler.on_idle(1)
        redis_.down = False
        assert scheduler.enqueue_request(Request("http://x/3"))
        assert redis_.queued == ["http://x/1", "http://x/2", "http://x/3"] and scheduler.backlog == []
        redis_.down_after_seen = True  # Redis gone between the seen-set and the queue
        assert scheduler.enqueue_request(Request("http://x/4"))
        redis_.down = redis_.down_after_seen = False
        assert scheduler.next_request() is None
        assert redis_.queued[-1] == "http://x/4"  # pushed though the seen-set says seen now
        lines = [r.getMessage() for r in caplog.records if "unreachable" in r.getMessage()]
        assert len(lines) == 2 and all("redis://:***@h:6379/0" in line for line in lines)  # once per outage
        assert not crawler.engine.close_spider_async.called
        scheduler.redis_timeout = 0
        redis_.down = True
        assert scheduler.next_request() is None  # the first failure of the outage: said
        assert scheduler.next_request() is None  # still down after REVIEWCRAWL_REDIS_TIMEOUT: closes
        crawler.engine.close_spider_async.assert_called_once_with(reason="redis_unavailable")
        assert scheduler.stats.get_value(WITHHELD) == "redis_unavailable"
        assert scheduler.next_request() is None and not scheduler.has_pending_requests()
        crawler.engine.close_spider_async.assert_called_once()


# -- three worker processes ---------------------------------------------------------------------


@pytest.fixture
def shared(pg_admin: Any, redis_url: str) -> Iterator[tuple[str, str]]:  # noqa: F811
    """(PostgreSQL URL of a fresh schema, Redis key prefix of this test)."""
    schema, url = pg_schema_url(pg_admin)
    yield url, prefix_of(redis_url)
    pg_admin.execute(f"DROP SCHEMA {schema} CASCADE")  # the Redis keys: by the redis_url fixture


def start_worker(
    data_dir: Path, worker: str, proxy: str, db_url: str, prefix: str, *extra: str, redis: str = REDIS_URL
) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
    env["http_proxy"] = proxy
    data_dir.mkdir(parents=True, exist_ok=True)
    log = (data_dir / f"{worker}-{time.monotonic_ns()}.log").open("w")
    args = [*SCRAPY, "crawl", "reviews", "-s", f"REVIEWCRAWL_DATA_DIR={data_dir}", "-s", f"REVIEWCRAWL_WORKER_ID={worker}",
            "-s", f"REVIEWCRAWL_REDIS_URL={redis}", "-s", f"REVIEWCRAWL_REDIS_PREFIX={prefix}",
            "-s", f"REVIEWCRAWL_DATABASE_URL={db_url}", *PACE, *extra]  # fmt: skip
    # deprecation warnings of Scrapy 2.19 about scrapy-redis's calls would be errors here: Python's
    # (-W) and Scrapy's own ScrapyDeprecationWarning, a Warning subclass that -W cannot name
    # (tests/strict_scrapy.py says why)
    assert args[1:3] == ["-m", "scrapy"]
    cmd = [args[0], "-W", "error::DeprecationWarning", "-m", "tests.strict_scrapy", *args[3:]]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)


def wait_all(procs: list[subprocess.Popen[str]], timeout: float = 150) -> list[int]:
    deadline = time.monotonic() + timeout
    codes = []
    for proc in procs:
        try:
            codes.append(proc.wait(timeout=max(deadline - time.monotonic(), 1)))
        except subprocess.TimeoutExpired:
            for p in procs:
                if p.poll() is None:
                    os.kill(p.pid, signal.SIGKILL)
                    p.wait()
            pytest.fail("a worker did not end by itself (the queue drained?)")
    return codes


def logs(root: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(root.glob("*/*.log")))


def published_records(root: Path) -> dict[str, list[dict]]:
    """Worker -> the records of its published feeds."""
    return {d.name: [r for f in sorted((d / "feeds").glob("reviews-*.jsonl")) for r in read_jsonl(f)]
            for d in sorted(root.iterdir()) if d.is_dir()}  # fmt: skip


def check_exported_once(root: Path) -> dict[str, list[dict]]:
    by_worker = published_records(root)
    urls = Counter(r["canonical_url"] for records in by_worker.values() for r in records)
    assert [u for u, n in urls.items() if n > 1] == [], "a review exported twice"
    assert set(urls) == ORIGINALS | set(COPIES)
    links = {r["canonical_url"]: r["duplicate_of"] for records in by_worker.values() for r in records}
    assert {u: o for u, o in links.items() if o} == COPIES
    return by_worker


def drained(client: Any, prefix: str) -> None:
    gen = f"{prefix}:reviews-all:gen:g1"
    assert client.zcard(f"{gen}:requests") == 0
    assert client.hlen(f"{gen}:workers") == 0  # every run ended and said so
    assert list(client.scan_iter(match=f"{gen}:taken:*")) == []
    assert client.exists(f"{gen}:done")


def test_three_workers_fetch_every_url_once(
    tmp_path: Path, demo_proxy: str, shared: tuple[str, str], client: Any
) -> None:
    db_url, prefix = shared
    procs = [start_worker(tmp_path / w, w, demo_proxy, db_url, prefix) for w in ("w1", "w2", "w3")]
    codes = wait_all(procs)
    text = logs(tmp_path)
    assert codes == [0, 0, 0], text[-4000:]
    assert "DeprecationWarning" not in text
    fetched = Counter(url for _, url in CRAWLED.findall(text) if not url.endswith("/robots.txt"))
    assert [u for u, n in fetched.items() if n > 1] == [], "a URL fetched twice"
    assert ORIGINALS | set(COPIES) <= set(fetched)
    by_worker = check_exported_once(tmp_path)
    assert sum(1 for records in by_worker.values() if records) >= 2, "the work was not shared"
    worker_of = {r["canonical_url"]: w for w, records in by_worker.items() for r in records}
    across = [c for c, o in COPIES.items() if worker_of[c] != worker_of[o]]
    print(f"pages per worker: { {w: len(r) for w, r in by_worker.items()} }; copies linked across workers: {across}")
    drained(client, prefix)
    from reviewcrawl.storage import open_database

    with open_database(db_url) as store:
        rows = dict(store._query("SELECT canonical_url, duplicate_of FROM reviews"))
        runs = store._query("SELECT count(*) FROM runs WHERE published = 1")[0][0]
    assert {u: o for u, o in rows.items() if o} == COPIES and set(rows) == ORIGINALS | set(COPIES)
    assert runs == 3


def test_a_worker_killed_mid_crawl_and_started_again_loses_and_doubles_nothing(
    tmp_path: Path, demo_proxy: str, shared: tuple[str, str], client: Any
) -> None:
    db_url, prefix = shared
    gen = f"{prefix}:reviews-all:gen:g1"
    killed_run = "20261130T000001Z-0001"
    w1 = start_worker(tmp_path / "w1", "w1", demo_proxy, db_url, prefix, "-a", f"run_id={killed_run}")
    deadline = time.monotonic() + 60
    while client.hget(f"{gen}:waves", "0") != killed_run.encode():  # w1 seeds the start requests
        assert w1.poll() is None and time.monotonic() < deadline, logs(tmp_path)[-3000:]
        time.sleep(0.05)
    others = [start_worker(tmp_path / w, w, demo_proxy, db_url, prefix) for w in ("w2", "w3")]
    # mid-crawl: w1 took requests and reviews were indexed, the crawl is not over
    while not (
        client.zcard(f"{gen}:taken:{killed_run}") >= 10 and int(client.get(f"{prefix}:near-copies:n") or 0) >= 2
    ):
        assert w1.poll() is None and time.monotonic() < deadline, "the crawl ended before the kill"
        time.sleep(0.05)
    assert client.hlen(f"{gen}:waves") < 2 or client.zcard(f"{gen}:requests") > 0, "the crawl was over"
    os.kill(w1.pid, signal.SIGKILL)
    assert w1.wait(timeout=10) == -signal.SIGKILL
    taken = client.zcard(f"{gen}:taken:{killed_run}")
    assert list((tmp_path / "w1" / "feeds").glob("reviews-*.jsonl")) == []  # nothing published
    again = start_worker(tmp_path / "w1", "w1", demo_proxy, db_url, prefix)
    codes = wait_all([again, *others])
    text = logs(tmp_path)
    assert codes == [0, 0, 0], text[-4000:]
    check_exported_once(tmp_path)
    assert list((tmp_path / "w1" / "feeds").glob(f".*{killed_run}*.part")) == []  # the killed run's feed, deleted
    assert re.search(rf"Run {killed_run} of this worker was killed: its {taken} requests are back in the queue", text)
    (summary,) = [json.loads(p.read_text()) for p in (tmp_path / "w1" / "feeds").glob("run-*.json")]
    assert summary["distributed"]["requeued"] == taken and summary["exit_code"] == 0
    assert any("back in the shared queue" in w for w in summary["warnings"])
    drained(client, prefix)


# -- a slow worker reaped, Redis gone ----------------------------------------------------------


def wait_for(what: str, check: Any, procs: list[subprocess.Popen[str]], timeout: float = 90) -> None:
    """Poll ``check()`` until true (bounded: the test fails after ``timeout`` seconds, or when a
    worker ends first)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            for p in procs:
                if p.poll() is None:
                    os.kill(p.pid, signal.SIGKILL)
                    p.wait()
            pytest.fail(f"never happened: {what}")
        time.sleep(0.05)


def summaries(data_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(f.read_text()) for f in sorted((data_dir / "feeds").glob("run-*.json"))]


def test_a_slow_worker_reaped_by_another_publishes_nothing(
    tmp_path: Path, demo_proxy: str, shared: tuple[str, str], client: Any
) -> None:
    """w1 is paused (SIGSTOP: a VM pause, a long GC) with requests taken, until w2 reaps it and does
    them; resumed, w1 learns it was reaped, stops and publishes nothing: each review exported once."""
    db_url, prefix = shared
    gen, run = f"{prefix}:reviews-all:gen:g1", "20261130T000001Z-0001"
    timeout = ["-s", "REVIEWCRAWL_WORKER_TIMEOUT=3"]
    w1 = start_worker(tmp_path / "w1", "w1", demo_proxy, db_url, prefix, *timeout, "-a", f"run_id={run}")
    w2 = start_worker(tmp_path / "w2", "w2", demo_proxy, db_url, prefix, *timeout)
    wait_for("w1 took requests", lambda: client.zcard(f"{gen}:taken:{run}") >= 3, [w1, w2])
    w1.send_signal(signal.SIGSTOP)
    try:
        wait_for("w2 reaped w1", lambda: client.exists(f"{gen}:reaped:{run}"), [w2])
    finally:
        w1.send_signal(signal.SIGCONT)
    codes = wait_all([w1, w2])
    text = logs(tmp_path)
    assert codes == [1, 0], text[-4000:]
    assert not client.hexists(f"{gen}:workers", run)  # it never registered again
    [s1] = summaries(tmp_path / "w1")
    assert (s1["finish_reason"], s1["published"], s1["exit_code"]) == ("reaped", False, 1)
    assert "took this run for dead" in s1["reasons"][0]
    assert list((tmp_path / "w1" / "feeds").glob("*reviews-*")) == []  # deleted, neither published nor .part
    by_worker = check_exported_once(tmp_path)
    assert by_worker["w1"] == []
    drained(client, prefix)


@contextlib.contextmanager
def own_redis(password: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """A redis-server of the test's own on a free port (stopped by its PID)."""
    import redis

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "no", "--requirepass", password]  # fmt: skip
    try:
        server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except FileNotFoundError as exc:
        pytest.skip(f"no redis-server: {exc}")
    client = redis.Redis(port=port, password=password)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)
        yield server, port
    finally:
        client.close()
        if server.poll() is None:
            os.kill(server.pid, signal.SIGKILL)
            server.wait()


def test_a_worker_whose_redis_goes_away_exits_4_without_publishing(
    tmp_path: Path, demo_proxy: str, shared: tuple[str, str]
) -> None:
    db_url, prefix = shared
    password = "s3cret-pw"  # noqa: S105  (a test server's)
    with own_redis(password) as (server, port):
        url = f"redis://:{password}@127.0.0.1:{port}/0"
        proc = start_worker(tmp_path / "w1", "w1", demo_proxy, db_url, prefix, "-s", "REVIEWCRAWL_REDIS_TIMEOUT=2",
                            redis=url)  # fmt: skip
        feeds = tmp_path / "w1" / "feeds"
        wait_for("the worker exported a review", lambda: any(feeds.glob(".reviews-*.part")), [proc])
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        codes = wait_all([proc], timeout=90)
    text = logs(tmp_path)
    assert codes == [4], text[-4000:]
    assert "Traceback" not in text, text[-4000:]
    assert password not in text
    assert len(re.findall(r"Redis redis://:\*\*\*@127\.0\.0\.1:\d+/0 unreachable", text)) == 1, text[-4000:]
    assert "still unreachable after 2 s" in text
    assert list(feeds.glob("*reviews-*")) == []  # deleted, neither published nor .part
    [summary] = summaries(tmp_path / "w1")
    assert (summary["finish_reason"], summary["published"], summary["exit_code"]) == ("redis_unavailable", False, 4)
    assert password not in json.dumps(summary)


def test_a_worker_whose_redis_is_unreachable_at_start_exits_4_with_one_line(
    tmp_path: Path, demo_proxy: str, shared: tuple[str, str]
) -> None:
    db_url, prefix = shared
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"redis://:s3cret-pw@127.0.0.1:{port}/0"
    codes = wait_all([start_worker(tmp_path / "w1", "w1", demo_proxy, db_url, prefix, redis=url)], timeout=60)
    text = logs(tmp_path)
    assert codes == [4], text
    assert "Traceback" not in text and "s3cret-pw" not in text, text
    lines = [line for line in text.splitlines() if line.startswith("reviewcrawl:")]
    assert lines == [f"reviewcrawl: cannot start, storage error: Redis redis://:***@127.0.0.1:{port}/0 "
                     f"(REVIEWCRAWL_REDIS_URL): Error 111 connecting to 127.0.0.1:{port}. Connection refused."], text  # fmt: skip
