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
  seen-set its ``RFPDupeFilter`` or reviewcrawl.distributed.bloom.BloomDupeFilter.
"""

from __future__ import annotations

import importlib
import logging
import os
import time
from typing import Any, Self

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

__all__ = ["DistributedScheduler"]

logger = logging.getLogger(__name__)


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
        except Exception as exc:  # Redis unreachable for a moment: the next beat tries again
            logger.warning("Heartbeat to Redis failed: %s", exc)
            return
        if not alive and not self.reaped:
            self.reaped = True
            self.stats.inc_value("reviewcrawl/errors/distributed_reaped")
            logger.error("Another worker took run %s for dead (heartbeat later than REVIEWCRAWL_WORKER_TIMEOUT) "
                         "and put its requests back: its pages may be exported twice; stopping", self.generation.run_id)  # fmt: skip
            # the run fails (exit code 1: closed with reason 'reaped'); what it took is being done by others
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="reaped"))

    def on_idle(self, waves: int) -> int | None:
        """This worker's engine is idle (Scrapy's spider_idle): the wave it must seed now, or None
        when the generation is drained and the worker may close; raises DontCloseSpider to wait
        (the engine looks at the queue again within 5 seconds, its heartbeat)."""
        assert self.generation is not None
        gen = self.generation
        look = gen.drain()
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
        if self.max_idle <= 0 or now - self.idle_since < self.max_idle:
            raise DontCloseSpider
        gen.mark_done()
        logger.info("Generation %s drained: nothing queued, nothing under way, every wave seeded", gen.name)
        self.stats.set_value("reviewcrawl/distributed/drained", True)
        return None

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        request = self.queue.pop()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

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
            back = self.generation.finish(published=published)
        except Exception as exc:
            logger.error("Could not tell Redis that run %s ended (%s): another worker will put its requests "
                         "back when its heartbeat expires", self.generation.run_id, exc)  # fmt: skip
            return
        if back:
            logger.warning("Run %s did not publish its feeds: its %d requests are back in the queue",
                           self.generation.run_id, back)  # fmt: skip
