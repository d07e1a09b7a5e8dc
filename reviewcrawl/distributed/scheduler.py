"""scrapy-redis's Scheduler, for workers that may be killed and must end when the crawl is done.

scrapy-redis 0.9.1 (2024-07, its last release) against Scrapy 2.19, what changes here and why:

- ``next_request`` takes with :meth:`Generation.take` (the request moves to this run's taken
  set) instead of the queue's ``pop`` (gone once popped): see reviewcrawl.distributed.coordination;
- its ``enqueue_request`` and ``next_request`` pass ``spider=`` to the stats collector, which
  Scrapy 2.19 deprecates (a ScrapyDeprecationWarning, an error under ``-W error``): counted here
  without it;
- its keys are per spider (``%(spider)s:requests``); here per spider, site selection and
  generation (:func:`reviewcrawl.distributed.crawl_key`), so that two crawls of different sites,
  or two generations, never share a queue;
- ``SCHEDULER_PERSIST`` is always on: the queue and the seen-set outlive every worker (a killed
  generation resumes), and expire with the generation instead (``REVIEWCRAWL_GENERATION_TTL``);
- the queue is scrapy-redis's ``PriorityQueue`` (requests pickled with their callbacks' names), the
  seen-set its ``RFPDupeFilter`` or reviewcrawl.distributed.bloom.BloomDupeFilter;
- a run that Redis says was reaped (another worker took it for dead and put its requests back)
  closes with reason ``reaped`` and publishes nothing (its requests are being done by others);
- Redis unreachable: scrapy-redis lets the error out of the engine's loop (a traceback every 5
  seconds, for ever). Here the first failure is logged once, the engine waits (nothing to take,
  not idle for good), the links found meanwhile are kept and pushed when Redis is back; Redis
  still unreachable after ``REVIEWCRAWL_REDIS_TIMEOUT`` seconds closes the run with reason
  ``redis_unavailable`` (exit code 4), unpublished: the other workers put back what it took when
  its heartbeat expires.
"""

from __future__ import annotations

import importlib
import logging
import os
import time
from typing import Any, Self

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis import connection
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from reviewcrawl.distributed.bloom import BloomDupeFilter
from reviewcrawl.distributed.coordination import Generation, current_generation
from reviewcrawl.runs import WITHHELD
from reviewcrawl.storage import redact

__all__ = ["DistributedScheduler"]

logger = logging.getLogger(__name__)


class Unpushed(redis.RedisError):
    """The seen-set took a request but the queue did not (Redis went away between the two): it is
    to be pushed again without the seen-set (which says "seen" now), as ``request``."""

    def __init__(self, request: Request, cause: redis.RedisError) -> None:
        super().__init__(str(cause))
        self.request = request
        self.cause = cause


class TakingQueue(PriorityQueue):
    """scrapy-redis's PriorityQueue whose pop moves the request to the run's taken set."""

    generation: Generation

    def pop(self, timeout: int = 0) -> Request | None:
        data = self.generation.take()
        return self._decode_request(data) if data is not None else None


class DistributedScheduler(Scheduler):
    """The scheduler of a worker in distributed mode (set by reviewcrawl.distributed.DistributedMode)."""

    def __init__(self, server: Any, crawler: Crawler, **kwargs: Any) -> None:
        super().__init__(server, persist=True, **kwargs)
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        from reviewcrawl.distributed import worker_id

        self.worker = worker_id(settings)
        self.timeout_ms = int(settings.getfloat("REVIEWCRAWL_WORKER_TIMEOUT") * 1000)
        self.ttl = settings.getint("REVIEWCRAWL_GENERATION_TTL")
        self.generation: Generation | None = None
        self.heart: LoopingCall | None = None
        self.reaped = False
        #: scrapy-redis's setting: seconds the generation must stay drained before the worker closes
        #: (0: never, as in scrapy-redis)
        self.max_idle = settings.getfloat("MAX_IDLE_TIME_BEFORE_CLOSE")
        self.idle_since: float | None = None
        self.beats_then: dict[str, int] = {}
        self.last = False
        self.redis_timeout = settings.getfloat("REVIEWCRAWL_REDIS_TIMEOUT")
        self.redis_url = redact(str(settings.get("REDIS_URL") or settings.get("REVIEWCRAWL_REDIS_URL") or ""))
        #: since when Redis has failed every call (None: it answers)
        self.redis_down_since: float | None = None
        #: requests found while Redis was unreachable, pushed when it answers again
        self.backlog: list[Request] = []
        self.closing: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        server = connection.from_settings(crawler.settings)
        server.ping()
        serializer = crawler.settings.get("SCHEDULER_SERIALIZER")  # a module with loads and dumps; pickle if unset
        if isinstance(serializer, str):
            serializer = importlib.import_module(serializer)
        scheduler = cls(server, crawler, serializer=serializer)
        crawler.signals.connect(scheduler.engine_stopped, signal=signals.engine_stopped)
        return scheduler

    def open(self, spider: Spider) -> None:  # type: ignore[override]
        from reviewcrawl.distributed import crawl_key

        self.spider = spider
        settings = self.crawler.settings
        crawl = crawl_key(settings, spider)
        name = settings.get("REVIEWCRAWL_GENERATION") or current_generation(self.server, crawl)
        run_id = str(getattr(spider, "run_id", None) or f"{self.worker}-{os.getpid()}")
        gen = self.generation = Generation(self.server, crawl, name, run_id, ttl=self.ttl)
        # what the killed runs of this worker took (reviewcrawl/recovery.py found them)
        for killed, published in settings.getdict("REVIEWCRAWL_KILLED_RUNS").items():
            if published:
                gen.forget(killed)
            else:
                back = gen.requeue(killed)
                logger.warning("Run %s of this worker was killed: its %d requests are back in the queue", killed, back)
                self.stats.inc_value("reviewcrawl/distributed/requeued", back)
        gen.join(f"{self.worker} pid {os.getpid()}", self.timeout_ms)
        queue = TakingQueue(server=self.server, spider=spider, key=gen.queue_key, serializer=self.serializer)
        queue.generation = gen
        self.queue = queue
        debug = settings.getbool("DUPEFILTER_DEBUG")
        if settings.get("REVIEWCRAWL_SEEN") == "bloom":
            self.df = BloomDupeFilter(self.server, gen.seen_key, debug,
                                      capacity=settings.getint("REVIEWCRAWL_BLOOM_CAPACITY"),
                                      error_rate=settings.getfloat("REVIEWCRAWL_BLOOM_ERROR_RATE"))  # fmt: skip
            self.df.stats = self.stats
        else:
            self.df = RFPDupeFilter(self.server, key=gen.seen_key, debug=debug)
        logger.info("Worker %s, run %s: generation %s of %s (%d requests queued)",
                    self.worker, run_id, name, crawl, len(self.queue))  # fmt: skip
        self.stats.set_value("reviewcrawl/distributed/generation", name)
        self.heart = LoopingCall(self._beat)
        self.heart.start(max(self.timeout_ms / 3000, 0.1), now=False)

    def _beat(self) -> None:
        assert self.generation is not None
        try:
            alive = self.generation.heartbeat(f"{self.worker} pid {os.getpid()}", self.timeout_ms)
        except redis.RedisError as exc:  # the next beat tries again
            self._redis_failed(exc)
            return
        self._redis_ok()
        if not alive:
            self._reaped()

    def _close(self, reason: str) -> None:
        """Close the run with ``reason``, its feeds withheld (deleted, not published): once."""
        if self.closing is not None:
            return
        self.closing = reason
        self.stats.set_value(WITHHELD, reason)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    def _reaped(self) -> None:
        if self.reaped:
            return
        self.reaped = True
        assert self.generation is not None
        self.stats.inc_value("reviewcrawl/errors/distributed_reaped")
        logger.error("Another worker took run %s for dead (its heartbeat was later than REVIEWCRAWL_WORKER_TIMEOUT) "
                     "and put its requests back: stopping, its feeds not published", self.generation.run_id)  # fmt: skip
        # the run fails (exit code 1: closed with reason 'reaped'); what it took is being done by others
        self._close("reaped")

    def _redis_failed(self, exc: redis.RedisError) -> None:
        """A Redis call failed: said once (one line), and the run closed once Redis has been
        unreachable REVIEWCRAWL_REDIS_TIMEOUT seconds."""
        now = time.monotonic()
        if isinstance(exc, Unpushed):
            exc = exc.cause
        if self.redis_down_since is None:
            self.redis_down_since = now
            self.stats.inc_value("reviewcrawl/distributed/redis_outages")
            logger.error("Redis %s unreachable (%s: %s): waiting up to %g s (REVIEWCRAWL_REDIS_TIMEOUT) for it",
                         self.redis_url, type(exc).__name__, exc, self.redis_timeout)  # fmt: skip
        elif now - self.redis_down_since >= self.redis_timeout and self.closing is None:
            logger.error("Redis %s still unreachable after %g s: stopping, the run's feeds not published (the "
                         "other workers put back what it took when its heartbeat expires)",
                         self.redis_url, self.redis_timeout)  # fmt: skip
            self.stats.set_value("reviewcrawl/distributed/redis_error", f"Redis {self.redis_url}: {exc}")
            self._close("redis_unavailable")

    def _redis_ok(self) -> None:
        if self.redis_down_since is not None:
            logger.warning(
                "Redis %s answers again after %.0f s", self.redis_url, time.monotonic() - self.redis_down_since
            )
            self.redis_down_since = None

    def _flush(self) -> None:
        """Push the requests found while Redis was unreachable (raises RedisError while it still is)."""
        while self.backlog:
            try:
                self._enqueue(self.backlog[0])
            except Unpushed as exc:
                self.backlog[0] = exc.request
                raise
            self.backlog.pop(0)

    def on_idle(self, waves: int) -> int | None:
        """This worker's engine is idle (Scrapy's spider_idle): the wave it must seed now, or None
        when the generation is drained and the worker may close; raises DontCloseSpider to wait
        (the engine looks at the queue again within 5 seconds, its heartbeat)."""
        assert self.generation is not None
        gen = self.generation
        if self.closing is not None:
            raise DontCloseSpider  # closing already (reaped, Redis gone)
        try:
            self._flush()
            look = gen.drain()
            if look.reaped:
                self._reaped()
                raise DontCloseSpider
            self._redis_ok()
            return self._after_drain(gen, look, waves)
        except redis.RedisError as exc:  # not drained: unknown; the next idle call looks again
            self._redis_failed(exc)
            self.idle_since = None
            raise DontCloseSpider from None

    def _after_drain(self, gen: Generation, look: Any, waves: int) -> int | None:
        if look.requeued:
            logger.warning("Put back %d requests of runs whose heartbeat expired", look.requeued)
            self.stats.inc_value("reviewcrawl/distributed/requeued", look.requeued)
        if look.queued or look.busy:
            self.idle_since = None
            raise DontCloseSpider
        if look.waves < waves:
            self.idle_since = None
            for wave in range(waves):
                if gen.claim_wave(wave):
                    return wave
            raise DontCloseSpider
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
            self.beats_then = gen.beats()
        if self.max_idle <= 0 or now - self.idle_since < self.max_idle:
            raise DontCloseSpider
        # the others must show they are alive (a run killed while idle holds requests it never
        # published: its heartbeat expires and DRAIN puts them back), the last marks the generation done
        left = gen.leave(self.beats_then)
        if not left:
            raise DontCloseSpider
        if left == 1:
            logger.info("Generation %s drained: this run ends, the last one marks it done", gen.name)
            self.stats.set_value("reviewcrawl/distributed/drained", True)
            return None
        self.last = True  # the generation is done once this run's feeds are published (engine_stopped)
        logger.info("Generation %s drained: nothing queued, nothing under way, every wave seeded; this run is "
                    "the last", gen.name)  # fmt: skip
        self.stats.set_value("reviewcrawl/distributed/drained", True)
        return None

    def enqueue_request(self, request: Request) -> bool:
        if self.backlog or self.redis_down_since is not None:
            self.backlog.append(request)  # after those found before it
            try:
                self._flush()
            except redis.RedisError as exc:
                self._redis_failed(exc)
                return True
            self._redis_ok()
            return True
        try:
            return self._enqueue(request)
        except redis.RedisError as exc:
            self.backlog.append(exc.request if isinstance(exc, Unpushed) else request)
            self._redis_failed(exc)
            return True

    def _enqueue(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        try:
            self.queue.push(request)
        except redis.RedisError as exc:
            raise Unpushed(request if request.dont_filter else request.replace(dont_filter=True), exc) from exc
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        if self.closing is not None:
            return None
        assert self.generation is not None
        try:
            self._flush()
            request = self.queue.pop()
        except redis.RedisError as exc:
            self._redis_failed(exc)
            return None
        self._redis_ok()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        elif self.generation.reaped:
            self._reaped()
        return request

    def has_pending_requests(self) -> bool:
        if self.closing is not None:
            return False
        if self.backlog:
            return True
        try:
            return len(self) > 0
        except redis.RedisError as exc:  # the idle handler decides (it waits)
            self._redis_failed(exc)
            return False

    def close(self, reason: str) -> None:
        if self.heart is not None and self.heart.running:
            self.heart.stop()

    def engine_stopped(self) -> None:
        """After the run's summary: what it took is done if its feeds are published, else queued again."""
        if self.generation is None:
            return
        from reviewcrawl.extensions import RunRecorder

        try:
            recorder = self.crawler.get_extension(RunRecorder)
        except RuntimeError:
            recorder = None
        summary = recorder.summary if recorder is not None else None
        published = bool(summary.get("published")) if summary is not None else recorder is None
        try:
            back = self.generation.finish(published=published, last=self.last)
        except Exception as exc:
            logger.error("Could not tell Redis that run %s ended (%s): another worker will put its requests "
                         "back when its heartbeat expires", self.generation.run_id, exc)  # fmt: skip
            return
        if back:
            logger.warning("Run %s did not publish its feeds: its %d requests are back in the queue",
                           self.generation.run_id, back)  # fmt: skip
